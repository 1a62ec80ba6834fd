"""Issue 17 (loose ends), item 1: closing a case cancels its pending reminders in the same transaction and
says how many; writes to a closed case are refused with the way to reopen it; reopening brings no cancelled
reminder back (a date given again rebuilds that ladder)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import col, select

from storage.cases.tables import HandoverStatus, RegieHandover
from storage.models import OutboxMessage, OutboxStatus
from tests.harness import Chat

CODE = "VH-2026-0001"


def rows(chat: Chat, *prefixes: str) -> list[OutboxMessage]:
    with chat.app.uow() as uow:
        found = uow.session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all()
        return [r for r in found if not prefixes or r.dedupe_key.startswith(prefixes)]


def statuses(chat: Chat, *prefixes: str) -> list[str]:
    return sorted({r.status for r in rows(chat, *prefixes)})


def test_closing_cancels_pending_reminders_and_a_closed_case_refuses_writes(chat: Chat) -> None:
    pm = chat.as_member("procesmanager")
    assert pm.say(f"/detentie {CODE} 01-11-2026 28-01-2027 gevangenisstraf PI Rivierland").startswith(
        "Detentie vastgelegd"
    )
    assert pm.say(f"/huisverbod {CODE} 24-11-2026").startswith("Huisverbod vastgelegd")
    pm.say(f"/regie {CODE} overdragen @ggz")
    chat.deliver()  # what is due now goes out: it stays sent
    sent_before = [r.dedupe_key for r in rows(chat) if r.status == "sent"]
    assert "handover:1:propose" in sent_before
    pending = [
        r for r in rows(chat, "release:", "huisverbod:", "deadline:", "handover:") if r.status == "pending"
    ]
    demo_alerts = [r for r in pending if r.dedupe_key.startswith("release:1:")]  # another case's detention
    mine = [r for r in pending if r not in demo_alerts]
    assert len(mine) > 5
    assert "is nu afgeschaald" in pm.say(f"/casus {CODE} afschalen stabiel")
    closed = pm.say(f"/casus {CODE} sluiten afgerond")
    assert f"Casus {CODE} (J.d.V.) is nu gesloten." in closed
    assert f"{len(mine)} geplande herinneringen van {CODE} geannuleerd" in closed
    after = {r.id: r.status for r in rows(chat)}
    assert {after[r.id] for r in mine} == {OutboxStatus.CANCELLED}
    assert demo_alerts and {after[r.id] for r in demo_alerts} == {OutboxStatus.PENDING}
    assert [r.dedupe_key for r in rows(chat) if r.status == "sent"] == sent_before  # sent stays sent
    with chat.app.uow() as uow:
        handovers = uow.session.exec(select(RegieHandover)).all()
        assert [h.status for h in handovers] == [HandoverStatus.CANCELLED]
    refusal = f"Casus {CODE} is gesloten; heropen de casus eerst met /casus {CODE} heropenen REDEN"
    for command in (
        f"/detentie {CODE} datum 15-02-2027",
        f"/huisverbod {CODE} verlengd",
        f"/nazorg {CODE} id geregeld",
    ):
        assert pm.say(command).startswith(refusal), command
    # nothing comes out later either: a month on, no reminder about this case
    chat.clock.set(datetime(2027, 1, 27, 9, 0, tzinfo=UTC))
    assert [m.text for m in chat.deliver() if CODE in m.text] == []


def test_reopening_brings_no_cancelled_reminder_back_until_the_date_is_given_again(chat: Chat) -> None:
    pm = chat.as_member("procesmanager")
    pm.say(f"/detentie {CODE} 01-11-2026 28-01-2027 gevangenisstraf PI Rivierland")
    pm.say(f"/casus {CODE} afschalen stabiel")
    assert "geannuleerd" in pm.say(f"/casus {CODE} sluiten afgerond")
    reopened = pm.say(f"/casus {CODE} heropenen nieuwe zorgen")
    assert f"Casus {CODE} (J.d.V.) is nu actief." in reopened
    assert "komen niet vanzelf terug" in reopened and f"/detentie {CODE} datum" in reopened
    assert statuses(chat, "release:2:") == ["cancelled"]
    assert pm.say(f"/detentie {CODE} datum 29-01-2027").startswith("Vrijlatingsdatum van")
    assert statuses(chat, "release:2:") == ["pending"]  # the ladder rebuilt from the new date
    assert "status gesloten → actief: nieuwe zorgen" in pm.say(f"/casus {CODE}")


def test_only_procesregie_reopens_and_an_open_case_cannot_be_reopened(chat: Chat) -> None:
    refused = chat.say(f"/casus {CODE} heropenen waarom", user="procesmanager")
    assert "is actief; 'heropenen' kan nu niet" in refused
    assert "Alleen wie de procesregie" in chat.say(f"/casus {CODE} heropenen waarom", user="wijkagent")


def test_a_closed_case_without_procesregie_is_reopened_by_any_procesmanager(chat: Chat) -> None:
    """The rule release pickup uses: procesregie, or any procesmanager while nobody holds it. Before, a
    closed case whose procesregie had ended was a dead end (heropenen: procesregie only; /regie: closed)."""
    closed = "VH-2026-0005"
    with chat.app.uow() as uow:
        case = uow.cases.by_code(closed)
        assert case is not None and case.id is not None
        for assignment in uow.regie.current(case.id).values():
            if assignment.kind == "procesregie":
                assignment.to_at = chat.clock.now()
                uow.session.add(assignment)
        manager = uow.members.by_handle("@procesmanager")
        assert manager is not None and manager.id is not None
        uow.cases.add_participant(case.id, chat.clock.now(), member_id=manager.id, organisation_id=None)
        uow.commit()
    assert "Alleen wie de procesregie" in chat.say(
        f"/casus {closed} heropenen nieuwe zorgen", user="regisseur"
    )
    reopened = chat.say(f"/casus {closed} heropenen nieuwe zorgen", user="procesmanager")
    assert f"Casus {closed} (A.E.A.) is nu actief." in reopened


def test_a_procesmanager_may_not_reopen_while_someone_holds_procesregie(chat: Chat) -> None:
    with chat.app.uow() as uow:
        case, manager = uow.cases.by_code("VH-2026-0005"), uow.members.by_handle("@procesmanager")
        assert case is not None and case.id is not None and manager is not None and manager.id is not None
        uow.cases.add_participant(case.id, chat.clock.now(), member_id=manager.id, organisation_id=None)
        uow.commit()
    refused = chat.say("/casus VH-2026-0005 heropenen nieuwe zorgen", user="procesmanager")
    assert "Alleen wie de procesregie van VH-2026-0005" in refused
    assert "is nu actief" in chat.say("/casus VH-2026-0005 heropenen nieuwe zorgen", user="procesmanager2")


def test_the_summary_says_how_many_older_timeline_lines_it_leaves_out(chat: Chat) -> None:
    pm = chat.as_member("procesmanager")
    assert "oudere regel" not in pm.say(f"/casus {CODE}")
    for n in range(16):  # each a timeline line; the summary shows the latest 15
        pm.say(f"/casus {CODE} drang afspraak {n}")
    with chat.app.uow() as uow:
        case = uow.cases.by_code(CODE)
        assert case is not None and case.id is not None
        total = uow.cases.count_events(case.id)
    summary = pm.say(f"/casus {CODE}")
    assert total > 15
    assert f"… en nog {total - 15} oudere regels: /casus {CODE} log" in summary
