"""Issue 17, item 5: a case has one running huisverbod; registering it again (a typo in the date) is refused
with the way to correct it, and a correction leaves one day-8 reminder per regie holder, on the right day."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from storage.models import OutboxMessage
from storage.release.detention import Huisverbod
from tests.harness import Chat

CODE = "VH-2026-0001"


def huisverbod_texts(chat: Chat) -> list[tuple[str, str]]:
    return [(m.user_id or "", m.text) for m in chat.deliver() if "uisverbod" in m.text and CODE in m.text]


def outbox_rows(chat: Chat) -> list[OutboxMessage]:
    with chat.app.uow() as uow:
        return list(uow.session.exec(select(OutboxMessage)).all())


def records(chat: Chat) -> list[Huisverbod]:
    with chat.app.uow() as uow:
        return list(uow.session.exec(select(Huisverbod)).all())


def test_registering_again_is_refused_and_the_date_is_corrected_instead(chat: Chat) -> None:
    assert "eindigt 01-12-2026" in chat.say(f"/huisverbod {CODE} 22-11-2026", user="procesmanager")  # typo
    refused = chat.say(f"/huisverbod {CODE} 23-11-2026", user="procesmanager")
    assert "loopt al een huisverbod (opgelegd 22-11-2026" in refused
    assert f"/huisverbod {CODE} datum DATUM" in refused
    assert len(records(chat)) == 1
    fixed = chat.say(f"/huisverbod {CODE} datum 23-11-2026", user="procesmanager")
    assert "opgelegd 23-11-2026 (was 22-11-2026), eindigt 02-12-2026 tenzij verlengd" in fixed
    assert [r.started_on.isoformat() for r in records(chat)] == ["2026-11-23"]
    chat.deliver()
    chat.clock.set(datetime(2026, 11, 29, 8, 0, tzinfo=UTC))  # day 8 of the wrong date: nothing
    assert huisverbod_texts(chat) == []
    chat.clock.set(datetime(2026, 11, 30, 8, 0, tzinfo=UTC))  # day 8: once per regie holder
    due = huisverbod_texts(chat)
    assert due and len(due) == len({who for who, _ in due})
    assert all(text.startswith(f"Huisverbod casus {CODE}: vandaag (dag 8)") for _, text in due)
    assert all("eindigt het op 02-12-2026" in text for _, text in due)
    chat.clock.set(datetime(2026, 12, 1, 8, 0, tzinfo=UTC))  # the day after: nothing more
    assert huisverbod_texts(chat) == []
    chat.clock.set(datetime(2026, 12, 2, 8, 0, tzinfo=UTC))  # day 10: one "eindigt vandaag" each
    ends = huisverbod_texts(chat)
    assert ends and len(ends) == len({who for who, _ in ends})
    assert all("eindigt vandaag (02-12-2026)" in text for _, text in ends)


def test_after_a_huisverbod_ended_a_new_one_can_be_registered(chat: Chat) -> None:
    chat.say(f"/huisverbod {CODE} 23-11-2026", user="procesmanager")
    assert "Vastgelegd: het huisverbod" in chat.say(f"/huisverbod {CODE} niet-verlengd", user="procesmanager")
    chat.clock.set(datetime(2026, 12, 3, 9, 0, tzinfo=UTC))  # day 11: ended on day 10
    assert "eindigt 12-12-2026" in chat.say(f"/huisverbod {CODE} 03-12-2026", user="procesmanager")
    assert len(records(chat)) == 2
    assert "Gebruik: /huisverbod" in chat.say(f"/huisverbod {CODE} datum", user="procesmanager")
    assert "Alleen de procesregisseur" in chat.say(f"/huisverbod {CODE} datum 02-12-2026", user="wijkagent")


def test_a_correction_after_the_decision_says_the_real_end_and_the_same_day_changes_nothing(chat: Chat):
    """Black-box finding: after ``verlengd`` a date correction said "eindigt ... tenzij verlengd", and the
    date it already had was "gecorrigeerd" (was the same day)."""
    pm = chat.as_member("procesmanager")
    pm.say(f"/huisverbod {CODE} 24-11-2026")
    assert "Verlenging vastgelegd" in pm.say(f"/huisverbod {CODE} verlengd")
    pending = sorted(r.dedupe_key for r in outbox_rows(chat) if r.status == "pending")
    same = pm.say(f"/huisverbod {CODE} datum 24-11-2026")
    assert same == (
        f"Het huisverbod van {CODE} (J.d.V.) staat al op opgelegd 24-11-2026 (verlengd, eindigt 21-12-2026); "
        "er is niets veranderd."
    )
    assert sorted(r.dedupe_key for r in outbox_rows(chat) if r.status == "pending") == pending
    moved = pm.say(f"/huisverbod {CODE} datum 25-11-2026")
    assert "opgelegd 25-11-2026 (was 24-11-2026), verlengd, eindigt 22-12-2026." in moved
    assert "tenzij" not in moved
    pm.say(f"/huisverbod {CODE} niet-verlengd corrigeren")
    back = pm.say(f"/huisverbod {CODE} datum 24-11-2026")
    assert "opgelegd 24-11-2026 (was 25-11-2026), niet verlengd, eindigt 03-12-2026." in back
