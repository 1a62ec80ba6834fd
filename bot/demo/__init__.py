"""Fictional demo data for ``ketenbot demo`` and the tests: part of the composition root."""
