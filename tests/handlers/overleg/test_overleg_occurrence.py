"""One occurrence or the whole series: naming a date, occurrence exceptions in the .ics (expanded back with
recurring-ical-events across the March DST change), reminders of that occurrence only, RSVP per occurrence."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import recurring_ical_events
from icalendar import Calendar

from handlers.overleg.notify import rsvp_buttons
from tests.handlers.overleg.overleg_helpers import event_of, member_id, method_of, plan, rows
from tests.harness import Chat

TZ = ZoneInfo("Europe/Amsterdam")


def expand(data: bytes) -> list[datetime]:
    calendar = Calendar.from_ical(data)
    events = recurring_ical_events.of(calendar).between(date(2026, 1, 1), date(2028, 1, 1))
    return sorted(e["DTSTART"].dt for e in events)


def ids(chat: Chat, prefix: str) -> set[int]:
    return {r.id or 0 for r in rows(chat, prefix)}


def test_cancelling_a_named_date_asks_nothing_and_touches_only_that_occurrence(chat: Chat) -> None:
    plan(chat)
    chat.deliver()
    first_rows = ids(chat, "meeting:3:2026-12-01:")
    assert len(first_rows) == 11  # 5 x (24 h + 1 h) and the warning that the casusregisseur has not answered
    chat.as_member("procesmanager")
    answer = chat.say("/overleg 3 afzeggen 08-12-2026 kerstmarkt")
    assert "Afgezegd: alleen overleg #3 van 08-12-2026 10:00; de rest van de reeks gaat door" in answer
    assert "5 genodigden zijn ingelicht" in answer
    assert rows(chat, "meeting:3:2026-12-08:") == []
    assert ids(chat, "meeting:3:2026-12-01:") == first_rows  # the other dates' reminders were left alone
    assert len(rows(chat, "meeting:3:2026-12-15:T-24h:")) == 5
    told = [m for m in chat.deliver() if "van 08-12-2026 10:00 gaat niet door. Reden: kerstmarkt" in m.text]
    assert len(told) == 5 and told[0].file is not None
    assert method_of(told[0].file.data) == "CANCEL"
    cancelled = event_of(told[0].file.data)
    assert str(cancelled["STATUS"]) == "CANCELLED" and int(cancelled["SEQUENCE"]) == 1
    assert cancelled["RECURRENCE-ID"].dt == datetime(2026, 12, 8, 10, 0, tzinfo=TZ)
    # bad input: the same date again, a date not in the series, a past date; nothing is written
    assert "Overleg #3 van 08-12-2026 is al afgezegd" in chat.say("/overleg 3 afzeggen 08-12-2026 nogmaals")
    assert "geen bijeenkomst op 09-12-2026" in chat.say("/overleg 3 afzeggen 09-12-2026 verkeerde dag")
    assert "geen bijeenkomst op 24-11-2026" in chat.say("/overleg 3 afzeggen 24-11-2026 te laat")
    assert rows(chat, "meeting-note:3:cancel:", None) and chat.deliver() == []
    chat.as_member("wijkagent")
    assert "van 08-12-2026 is al afgezegd" in chat.press("overleg.rsvp", "3:20261208:ja")[0].text
    chat.as_member("procesmanager")
    overview = chat.say("/overleg 3")
    assert "Gaat niet door: 08-12-2026 10:00" in overview and "Eerstvolgende: 01-12-2026 10:00" in overview


def test_moving_and_cancelling_dates_across_the_march_dst_change_expand_to_the_exact_local_times(
    chat: Chat,
) -> None:
    plan(chat, start="16-03-2027 10:00", until="06-04-2027")  # Tuesdays; summer time from 28-03
    chat.deliver()
    first_rows = ids(chat, "meeting:3:2027-03-16:")
    chat.as_member("procesmanager")
    assert "geen bijeenkomst op 25-03-2027" in chat.say(
        "/overleg 3 verzetten 25-03-2027 naar 26-03-2027 14:00"
    )
    moved = chat.send("/overleg 3 verzetten 23-03-2027 naar 24-03-2027 14:00")
    assert (
        "van 23-03-2027 10:00 is verzet naar 24-03-2027 14:00; de rest van de reeks blijft" in moved[0].text
    )
    notices = [
        m
        for m in chat.deliver()
        if "is verzet, alleen deze keer: 23-03-2027 10:00 → 24-03-2027 14:00" in m.text
    ]
    assert len(notices) == 5
    assert [b.value for b in notices[0].buttons] == [
        "3:20270323:ja",
        "3:20270323:nee",
        "3:20270323:vervanger",
    ]
    assert "Afgezegd: alleen overleg #3" in chat.say("/overleg 3 afzeggen 30-03-2027 paasvakantie")
    final = chat.send("/overleg 3 verzetten 06-04-2027 naar 06-04-2027 11:00")[0].file
    assert final is not None and method_of(final.data) == "REQUEST"
    starts = expand(final.data)
    assert [(s.isoformat()) for s in starts] == [
        "2027-03-16T10:00:00+01:00",
        "2027-03-24T14:00:00+01:00",
        "2027-04-06T11:00:00+02:00",
    ]
    calendar: Any = Calendar.from_ical(final.data)
    events = calendar.walk("VEVENT")
    assert {int(e["SEQUENCE"]) for e in events} == {3}
    assert [d.dt for d in events[0].get("EXDATE").dts] == [datetime(2027, 3, 30, 10, tzinfo=TZ)]
    # reminders: rebuilt for the changed dates only, at local times on both sides of the change
    assert ids(chat, "meeting:3:2027-03-16:") == first_rows
    moved_rows = rows(chat, "meeting:3:2027-03-23:")
    assert {r.due_at for r in moved_rows if ":T-24h:" in r.dedupe_key} == {
        datetime(2027, 3, 23, 13, tzinfo=UTC)
    }
    assert {r.due_at for r in moved_rows if ":T-1h:" in r.dedupe_key} == {
        datetime(2027, 3, 24, 12, tzinfo=UTC)
    }
    assert rows(chat, "meeting:3:2027-03-30:") == []
    late = rows(chat, "meeting:3:2027-04-06:")
    assert {r.due_at for r in late if ":T-24h:" in r.dedupe_key} == {datetime(2027, 4, 5, 9, tzinfo=UTC)}


def test_a_series_asks_about_the_next_date_by_name_and_the_whole_series_can_be_cancelled(chat: Chat) -> None:
    plan(chat)
    chat.as_member("procesmanager")
    asked = chat.send("/overleg 3 afzeggen griep")
    assert "Het gaat om overleg #3 van 01-12-2026 10:00." in asked[-1].text
    assert "Alleen deze keer, of de hele reeks?" in asked[-1].text
    assert "5 genodigden zijn ingelicht" in chat.press("form.choose", "series")[0].text
    assert "geen formulier open" in chat.press("form.choose", "series")[0].text  # a double tap
    assert rows(chat, "meeting:3:") == []
    told = [m for m in chat.deliver() if "is afgezegd. Reden: griep" in m.text]
    assert len(told) == 5 and told[0].file is not None and method_of(told[0].file.data) == "CANCEL"
    assert "is afgezegd" in chat.say("/overleg 3 afzeggen 08-12-2026 toch")


def test_rsvp_per_occurrence_from_a_reminder_and_the_overview_of_the_next_date(chat: Chat) -> None:
    plan(chat)
    chat.deliver()
    regisseur = member_id(chat, "regisseur")
    mine = f":m{regisseur}:"
    chat.as_member("regisseur")
    saved = chat.press("overleg.rsvp", "3:20261208:nee")[0].text
    assert "Genoteerd voor overleg #3 van 08-12-2026 10:00: nee" in saved
    assert "van 08-12-2026 10:00 stond al op: nee" in chat.press("overleg.rsvp", "3:20261208:nee")[0].text
    assert [r for r in rows(chat, "meeting:3:2026-12-08:") if mine in r.dedupe_key] == []
    # the other dates keep their reminders and the chair's warning that no answer came
    assert len([r for r in rows(chat, "meeting:3:2026-12-01:") if mine in r.dedupe_key]) == 3
    warned = [m for m in chat.deliver() if m.user_id == "procesmanager"]
    assert len(warned) == 1 and "komt niet naar overleg #3 van 08-12-2026 10:00" in warned[0].text
    # the series answer holds for the other dates and keeps the per-date one
    assert "Genoteerd voor overleg #3: ja" in chat.press("overleg.rsvp", "3:ja")[0].text
    assert [r for r in rows(chat, "meeting:3:2026-12-08:") if mine in r.dedupe_key] == []
    assert len([r for r in rows(chat, "meeting:3:2026-12-15:") if mine in r.dedupe_key]) == 2
    chat.as_member("procesmanager")
    overview = chat.say("/overleg 3")
    assert "Antwoorden voor 01-12-2026 10:00:" in overview and "Fatima el Idrissi: ja" in overview
    assert "• Fatima el Idrissi: nee op 08-12-2026 10:00" in overview
    # a reminder carries the buttons of its own date
    chat.clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
    reminders = [m for m in chat.deliver() if m.user_id == "ggz" and m.text.startswith("Herinnering: morgen")]
    assert len(reminders) == 1 and reminders[0].buttons[0].value == "3:20261201:ja"
    chat.as_member("ggz")
    assert "van 01-12-2026 10:00: nee" in chat.press("overleg.rsvp", "3:20261201:nee")[0].text
    asked = "\n".join(o.text for o in chat.press("overleg.rsvp", "3:20261215:vervanger"))
    assert "Je stuurt een vervanger naar overleg #3 van 15-12-2026" in asked and "Wie gaat er" in asked
    assert "stuurt een vervanger" in chat.say("@veiligthuis")
    substitute = member_id(chat, "veiligthuis")
    theirs = {
        r.dedupe_key.split(":")[2] for r in rows(chat, "meeting:3:") if f":m{substitute}:" in r.dedupe_key
    }
    assert theirs == {"2026-12-15"}  # invited to that date only
    assert "geen bijeenkomst op 09-12-2026" in chat.press("overleg.rsvp", "3:20261209:ja")[0].text
    assert "Gebruik" in chat.press("overleg.rsvp", "3:2026120:ja")[0].text
    assert "Gebruik" in chat.press("overleg.rsvp", "3:20261301:ja")[0].text


def test_a_substitute_for_one_date_is_invited_to_that_date_only(chat: Chat) -> None:
    plan(chat)
    chat.deliver()
    chat.as_member("ggz")
    assert "stuurt een vervanger" in chat.say("/overleg 3 vervanger @veiligthuis 15-12-2026")
    substitute = member_id(chat, "veiligthuis")
    theirs = [r for r in rows(chat, "meeting:3:") if f":m{substitute}:" in r.dedupe_key]
    assert {r.dedupe_key.split(":")[2] for r in theirs} == {"2026-12-15"}
    invited = [m for m in chat.deliver() if m.user_id == "veiligthuis"]
    assert len(invited) == 1 and invited[0].buttons[0].value == "3:20261215:ja"
    assert invited[0].file is not None
    assert expand(invited[0].file.data) == [datetime(2026, 12, 15, 10, tzinfo=TZ)]


def test_occurrence_buttons_fit_telegrams_64_bytes_with_the_largest_id() -> None:
    for button in rsvp_buttons(int("9" * 19), "20271231"):
        assert len(f"{button.id}|{button.value}".encode()) <= 64


def test_answers_can_be_typed_for_the_series_or_one_date(chat: Chat) -> None:
    plan(chat)
    chat.as_member("wijkagent")
    assert "Genoteerd voor overleg #3 van 15-12-2026 10:00: nee" in chat.say("/overleg 3 nee 15-12-2026")
    assert "stond al op: nee" in chat.say("/overleg 3 nee 15-12-2026")
    assert "Genoteerd voor overleg #3: ja" in chat.say("/meeting 3 yes")
    assert "Gebruik" in chat.say("/overleg 3 ja misschien")
    assert "geen bijeenkomst op 16-12-2026" in chat.say("/overleg 3 ja 16-12-2026")
    wijkagent = member_id(chat, "wijkagent")
    dates = {
        r.dedupe_key.split(":")[2] for r in rows(chat, "meeting:3:") if f":m{wijkagent}:" in r.dedupe_key
    }
    assert dates == {"2026-12-01", "2026-12-08", "2026-12-22"}


def test_moving_the_whole_series_drops_the_per_date_answers_of_the_old_dates(chat: Chat) -> None:
    plan(chat)
    chat.as_member("ggz")
    chat.say("/overleg 3 nee 08-12-2026")
    chat.as_member("procesmanager")
    assert "• Lotte Bakker: nee op 08-12-2026 10:00" in chat.say("/overleg 3")
    chat.send("/overleg 3 verzetten 01-12-2026 11:00")
    assert (
        "de hele reeks is verzet; de eerstvolgende is nu 01-12-2026 11:00"
        in chat.press("form.choose", "series")[0].text
    )
    with chat.app.uow() as uow:
        assert list(uow.meetings.occurrence_answers(3)) == []
    assert "nee op" not in chat.say("/overleg 3")
    ggz = member_id(chat, "ggz")
    dates = {r.dedupe_key.split(":")[2] for r in rows(chat, "meeting:3:") if f":m{ggz}:" in r.dedupe_key}
    assert dates == {"2026-12-01", "2026-12-08", "2026-12-15", "2026-12-22"}
