"""The chat summary of /rapport: each total under its own name with its breakdown, decimals with a comma in
Dutch and a dot in English (the CSV is about spreadsheets, not this)."""

import re

from tests.harness import Chat


def test_the_dutch_summary_names_the_total_and_writes_decimals_with_a_comma(chat: Chat):
    summary = chat.send("/rapport kwartaal 2026Q4", user="procesmanager")[0].text
    assert "Signalen per urgentie:" not in summary
    signals = re.search(r"^Signalen: (\d+) \(vorig kwartaal \d+\); per urgentie: (.+)$", summary, re.M)
    assert signals is not None, summary
    parts = dict(part.rsplit(" ", 1) for part in signals.group(2).split(", "))
    assert parts["acuut"] == "1" and sum(int(n) for n in parts.values()) == int(signals.group(1))
    assert "Dagen van signaal tot triagebesluit: 2,0 (vorig kwartaal" in summary
    assert not re.search(r"\d\.\d", summary)


def test_the_english_summary_keeps_the_dot(chat: Chat):
    chat.as_member("procesmanager")
    chat.say("/taal en")
    summary = chat.send("/rapport kwartaal 2026Q4", user="procesmanager")[0].text
    assert "Days from signal to triage decision: 2.0 (previous quarter" in summary
    assert re.search(r"^Signals: 6 \(previous quarter \d+\); by urgency: .*acute 1$", summary, re.M), summary
