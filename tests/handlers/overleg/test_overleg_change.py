"""/overleg ID verzetten and afzeggen for one occurrence or a whole series; triage cut-off; afterwards."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from storage.cases.tables import Action
from storage.models import OutboxStatus
from tests.handlers.cases.cases_helpers import last_signal_id, submit_signal
from tests.handlers.overleg.overleg_helpers import event_of, member_id, method_of, plan, rows
from tests.harness import Chat


def test_moving_one_occurrence_of_a_series_asks_which_and_rebuilds_the_reminders(chat: Chat) -> None:
    plan(chat)
    chat.deliver()
    chat.as_member("ggz")
    assert "Alleen de voorzitter" in chat.say("/overleg 3 verzetten 02-12-2026 15:00")
    chat.as_member("procesmanager")
    assert "ligt in het verleden" in chat.say("/overleg 3 verzetten 20-11-2026 15:00")
    asked = chat.send("/overleg 3 verzetten 02-12-2026 15:00")
    assert "Alleen deze keer, of de hele reeks" in asked[-1].text and "van 01-12-2026 10:00" in asked[-1].text
    assert [b.value for b in asked[-1].buttons][:2] == ["one", "series"]
    moved = chat.press("form.choose", "one")
    assert "alleen de bijeenkomst van 01-12-2026 10:00 is verzet naar 02-12-2026 15:00" in moved[0].text
    assert "geen formulier open" in chat.press("form.choose", "one")[0].text  # a double tap: nothing more
    # keys carry the original date (the RECURRENCE-ID); the rows are due before the new time
    day_before = rows(chat, "meeting:3:2026-12-01:T-24h:")
    assert len(day_before) == 5 and {r.due_at for r in day_before} == {
        datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    }
    assert len(rows(chat, "meeting:3:2026-12-08:T-1h:")) == 5
    notices = [
        m
        for m in chat.deliver()
        if "is verzet, alleen deze keer: 01-12-2026 10:00 → 02-12-2026 15:00" in m.text
    ]
    assert len(notices) == 5 and notices[0].file is not None
    moved_event = event_of(notices[0].file.data, 1)
    assert method_of(notices[0].file.data) == "REQUEST" and int(moved_event["SEQUENCE"]) == 1
    assert moved_event["RECURRENCE-ID"].dt.hour == 10 and moved_event["DTSTART"].dt.hour == 15
    assert "Eerstvolgende: 02-12-2026 15:00" in chat.say("/overleg 3")


def test_an_ambiguous_new_time_is_shown_back_and_a_whole_series_moves(chat: Chat) -> None:
    plan(chat, recurrence="none", until="")
    chat.as_member("procesmanager")
    asked = chat.send("/overleg 3 verzetten 16:00")
    assert "Ik begrijp: di 01-12-2026 16:00" in asked[0].text and "Klopt de nieuwe tijd?" in asked[-1].text
    assert "Niets gewijzigd" in chat.press("form.choose", "nee")[0].text
    assert rows(chat, "meeting:3:", OutboxStatus.CANCELLED) == []
    plan(chat, start="01-12-2026 10:00")
    chat.send("/overleg 4 verzetten 01-12-2026 11:00")
    assert (
        "de hele reeks is verzet; de eerstvolgende is nu 01-12-2026 11:00"
        in chat.press("form.choose", "series")[0].text
    )
    starts = sorted({r.due_at for r in rows(chat, "meeting:4:") if ":T-1h:" in r.dedupe_key})
    assert starts[0] == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert starts[-1] == datetime(2026, 12, 22, 9, 0, tzinfo=UTC)


def test_cancelling_one_occurrence_keeps_the_rest_of_the_series(chat: Chat) -> None:
    plan(chat)
    chat.as_member("procesmanager")
    chat.send("/overleg 3 afzeggen kerstdrukte")
    assert "5 genodigden zijn ingelicht" in chat.press("form.choose", "one")[0].text
    assert rows(chat, "meeting:3:2026-12-01:") == []
    assert len(rows(chat, "meeting:3:2026-12-08:T-24h:")) == 5
    told = [m for m in chat.deliver() if "van 01-12-2026 10:00 gaat niet door" in m.text]
    assert len(told) == 5 and told[0].file is not None and method_of(told[0].file.data) == "CANCEL"
    assert "Eerstvolgende: 08-12-2026 10:00" in chat.say("/overleg 3")
    chat.as_member("wijkagent")
    assert "Genoteerd" in chat.press("overleg.rsvp", "3:ja")[0].text


def test_a_triage_series_reminds_partners_of_the_cutoff_and_derives_its_agenda(chat: Chat) -> None:
    submit_signal(chat)
    before = last_signal_id(chat)
    plan(chat, kind="triage", cases="", invitees="@wijkagent, @ggz", start="01-12-2026 10:00")
    cutoffs = rows(chat, "meeting:3:2026-12-01:cutoff:")
    assert {r.member_id for r in cutoffs} == {
        member_id(chat, h) for h in ("procesmanager", "wijkagent", "ggz")
    }
    assert {r.due_at for r in cutoffs} == {datetime(2026, 11, 30, 8, 0, tzinfo=UTC)}
    assert len(rows(chat, "meeting:3:2026-12-01:agenda-closed:")) == 1
    chat.clock.set(datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    reminded = [m for m in chat.deliver() if "nieuwe signalen vóór 30-11-2026 12:00" in m.text]
    assert len(reminded) == 3
    chat.clock.set(datetime(2026, 11, 30, 12, 30, tzinfo=UTC))
    submit_signal(chat, description="Fictief: een tweede melding, na de cut-off.")
    after = last_signal_id(chat)
    chat.as_member("procesmanager")
    overview = chat.say("/overleg 3")
    assert f"S-{before}: nog niet getrieerd" in overview and f"S-{after}:" not in overview
    assert any("agenda van triage-overleg #3 op 01-12-2026 is gesloten" in m.text for m in chat.deliver())
    chat.clock.set(datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    chat.say(f"/triage S-{before} afgewezen geen zorgen na gesprek")
    assert f"S-{before}: afgewezen" in chat.say("/overleg 3")


def test_after_the_meeting_the_chair_records_attendance_and_agreements(chat: Chat) -> None:
    plan(chat, recurrence="none", until="", start="26-11-2026 14:00")
    chat.as_member("procesmanager")
    assert "nog niet begonnen" in chat.say("/overleg 3 aanwezig @ggz")
    chat.clock.set(datetime(2026, 11, 26, 15, 0, tzinfo=UTC))
    chat.as_member("ggz")
    assert "Alleen de voorzitter" in chat.say("/overleg 3 aanwezig @ggz")
    chat.as_member("procesmanager")
    assert "is geen lid" in chat.say("/overleg 3 aanwezig @spook")
    assert "3 van 5 aanwezig" in chat.say("/overleg 3 aanwezig @procesmanager @ggz @regisseur")
    assert "3 van 5 aanwezig" in chat.say(
        "/overleg 3 aanwezig @procesmanager @ggz @regisseur"
    )  # again: no dupes
    with chat.app.uow() as uow:
        figures = uow.meetings.attendance_figures(
            datetime(2026, 10, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
        )
    assert figures == (3, 5)
    added = chat.say("/overleg 3 afspraak VH-2026-0001 Woonplek zoeken @regisseur 10-12-2026")
    assert "VH-2026-0001" in added
    assert "staat niet op de agenda" in chat.say(
        "/overleg 3 afspraak VH-2026-0002 Iets @regisseur 10-12-2026"
    )
    with chat.app.uow() as uow:
        texts = [a.text for a in uow.session.exec(select(Action)).all()]
    assert texts.count("Woonplek zoeken") == 1
