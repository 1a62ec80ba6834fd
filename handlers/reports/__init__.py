"""Stuurgroep reports: /rapport, the report as data (model) and as files (Markdown, CSV, PNG, Excel)."""
