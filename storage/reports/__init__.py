"""Read-only queries for the quarterly stuurgroep report."""
