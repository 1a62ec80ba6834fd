"""The ``ketenbot`` command line (typer): part of the composition root."""
