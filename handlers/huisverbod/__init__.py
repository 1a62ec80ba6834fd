"""Tijdelijk huisverbod: /huisverbod and its reminders."""
