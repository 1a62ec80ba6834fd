"""Detention and release: /detentie, /nazorg, /scenario, unexpected release, and the release alerts' text."""
