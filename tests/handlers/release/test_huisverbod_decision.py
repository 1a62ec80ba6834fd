"""Issue 17 (loose ends), item 5: the extension decision of a huisverbod is not flipped without comment. The
same decision again says it already was; a different one says what was recorded and asks for the
correction to be confirmed; a confirmed correction rebuilds the reminders and goes on the timeline."""

from __future__ import annotations

from sqlmodel import col, select

from storage.models import OutboxMessage
from storage.release.detention import Huisverbod
from tests.harness import Chat

CODE = "VH-2026-0001"


def decision(chat: Chat) -> bool | None:
    with chat.app.uow() as uow:
        record = uow.huisverboden.latest(uow.cases.by_code(CODE).id)  # type: ignore[union-attr,arg-type]
        assert isinstance(record, Huisverbod)
        return record.extended


def pending_huisverbod_rows(chat: Chat) -> list[str]:
    with chat.app.uow() as uow:
        statement = select(OutboxMessage).where(
            col(OutboxMessage.dedupe_key).startswith("huisverbod:"), OutboxMessage.status == "pending"
        )
        return sorted(r.dedupe_key.split(":")[2] for r in uow.session.exec(statement).all())


def test_the_same_decision_twice_was_already_so_and_a_different_one_needs_confirming(chat: Chat) -> None:
    pm = chat.as_member("procesmanager")
    assert pm.say(f"/huisverbod {CODE} 24-11-2026").startswith("Huisverbod vastgelegd")
    assert pm.say(f"/huisverbod {CODE} verlengd").startswith("Verlenging vastgelegd")
    extended_rows = pending_huisverbod_rows(chat)
    assert any(offset.startswith("D28") for offset in extended_rows)
    assert pm.say(f"/huisverbod {CODE} verlengd") == (
        f"Het huisverbod van {CODE} (J.d.V.) was al verlengd (vastgelegd op 26-11-2026);"
        " er is niets veranderd."
    )
    flipped = pm.say(f"/huisverbod {CODE} niet-verlengd")
    assert flipped == (
        f"Het huisverbod van {CODE} is op 26-11-2026 vastgelegd als verlengd. Klopt dat niet?"
        f" Corrigeer het met /huisverbod {CODE} niet-verlengd corrigeren; dan worden de herinneringen"
        " opnieuw ingepland en komt de correctie op de tijdlijn."
    )
    assert decision(chat) is True and pending_huisverbod_rows(chat) == extended_rows
    corrected = pm.say(f"/huisverbod {CODE} niet-verlengd corrigeren").splitlines()
    assert corrected == [
        f"Vastgelegd: het huisverbod van {CODE} (J.d.V.) wordt niet verlengd en eindigt 03-12-2026.",
        "Gecorrigeerd: eerder was vastgelegd verlengd; de correctie staat op de tijdlijn van de casus.",
    ]
    assert decision(chat) is False
    assert not any(offset.startswith("D28") for offset in pending_huisverbod_rows(chat))
    timeline = pm.say(f"/casus {CODE}")
    assert "huisverbod: verlengd" in timeline
    assert "huisverbod gecorrigeerd: niet verlengd (was verlengd)" in timeline
    assert pm.say(f"/huisverbod {CODE} niet-verlengd corrigeren").startswith(
        f"Het huisverbod van {CODE} (J.d.V.) was al niet verlengd"
    )
