"""Answers a chat platform can offer as buttons next to typing: a small date picker.

The values are what a member could have typed (ISO dates), so a press is just a typed answer and the form
engine parses and checks it the same way.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.core.i18n import Catalogue, t

WEEKDAYS_OFFERED = 4  # after today and tomorrow: the next few working days


def date_suggestions(today: date, catalogue: Catalogue, language: str) -> list[tuple[str, str]]:
    """(ISO value, label) for today, tomorrow and the next working days, labelled in ``language``."""
    days = [(today, "picker.today"), (today + timedelta(days=1), "picker.tomorrow")]
    day = today + timedelta(days=1)
    for _ in range(14):  # bounded: enough to find the next working days
        if len(days) >= 2 + WEEKDAYS_OFFERED:
            break
        day += timedelta(days=1)
        if day.weekday() < 5:
            days.append((day, "picker.day"))
    return [
        (
            value.isoformat(),
            catalogue.render(
                t(
                    key,
                    weekday=t(f"picker.weekday_{value.weekday()}"),
                    date=f"{value.day:02d}-{value.month:02d}",
                ),
                language,
            ),
        )
        for value, key in days
    ]
