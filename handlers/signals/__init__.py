"""Signals from report to decision: /signaal, /triage, mutaties, /info, the CSV import and its upload."""
