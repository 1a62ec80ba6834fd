"""Detentions, huisverboden and the nazorg checklist."""
