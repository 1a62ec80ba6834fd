"""Signals, cases, regie and the plan van aanpak: tables and repositories side by side."""
