"""The overleg: tables and the repository."""
