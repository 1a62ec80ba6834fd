from tests.harness import Chat


def test_procesregie_sees_who_looked_at_the_case_when_and_through_which_channel(chat: Chat):
    chat.say("/casus VH-2026-0001", user="wijkagent")
    chat.send("/casus VH-2026-0001", user="ggz", group="triage-groep")
    chat.say("/casus VH-2026-0001", user="woonstede")  # not a deelnemer: refused, and logged
    text = chat.say("/casus VH-2026-0001 log", user="procesmanager")
    assert text.startswith("Toegangslog van VH-2026-0001 (")
    lines = text.splitlines()[1:]
    assert "26-11-2026 10:00 — Bram Kuipers — casus (read) via console/direct: ok" in lines
    assert "26-11-2026 10:00 — Lotte Bakker — casus (read) via console/group: ok" in lines
    assert "26-11-2026 10:00 — Daan Peters — casus (read) via console/direct: denied" in lines


def test_only_procesregie_may_read_the_log_and_from_a_group_it_goes_direct(chat: Chat):
    assert "Alleen wie de procesregie van VH-2026-0001 heeft" in chat.say(
        "/casus VH-2026-0001 log", user="wijkagent"
    )
    replies = chat.send("/casus VH-2026-0001 log", user="procesmanager", group="triage-groep")
    assert replies[0].chat_id == "triage-groep" and "Bram" not in replies[0].text
    assert replies[1].user_id == "procesmanager" and "Toegangslog van VH-2026-0001" in replies[1].text
