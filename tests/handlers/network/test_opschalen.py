"""Opschaling naar bestuur: to the partner's management or the stuurgroep, acknowledged once, reminded."""

from datetime import timedelta

from sqlmodel import select

from storage.models import OutboxMessage, OutboxStatus, Role
from storage.network.escalation import Escalation
from tests.handlers.network.network_helpers import add_member, texts
from tests.harness import Chat

CMD = "/opschalen VH-2026-0001 bestuur GGZ Rivierland levert al drie weken geen behandelplan"


def _escalations(chat: Chat) -> list[Escalation]:
    with chat.app.uow() as uow:
        return list(uow.session.exec(select(Escalation)).all())


def _rows(chat: Chat, prefix: str) -> list[OutboxMessage]:
    with chat.app.uow() as uow:
        rows = uow.session.exec(select(OutboxMessage)).all()
        return [r for r in rows if r.dedupe_key.startswith(prefix)]


def test_escalation_goes_to_the_partners_management_with_an_acknowledgement_button(chat: Chat):
    add_member(chat, "ggz-manager", "Petra Fictief", "GGZ Rivierland", Role.MANAGEMENT)
    chat.deliver()
    reply = chat.say(CMD)
    assert "opgeschaald naar het management van GGZ Rivierland (Petra Fictief)" in reply
    sent = [m for m in chat.deliver() if m.user_id == "ggz-manager"]
    assert len(sent) == 1
    assert "VH-2026-0001" in sent[0].text and "levert al drie weken geen behandelplan" in sent[0].text
    assert "Jan" not in sent[0].text and "J.d.V." not in sent[0].text  # no deelnemer: code only
    assert [(b.id, b.label) for b in sent[0].buttons] == [("bestuur.ack", "Ontvangen, ik pak dit op")]
    (escalation,) = _escalations(chat)
    assert not escalation.to_stuurgroep and escalation.reason.startswith("levert")


def test_reminders_until_acknowledged_then_cancelled_and_procesregie_told(chat: Chat):
    add_member(chat, "ggz-manager", "Petra Fictief", "GGZ Rivierland", Role.MANAGEMENT)
    chat.deliver()
    chat.say(CMD)
    chat.deliver()
    (escalation,) = _escalations(chat)
    reminders = [
        r for r in _rows(chat, f"bestuur:{escalation.id}:") if ":R" in r.dedupe_key or ":W" in r.dedupe_key
    ]
    offsets = sorted(r.dedupe_key.split(":")[2].split("@")[0] for r in reminders)
    assert offsets[:2] == ["R2", "R5"] and len(offsets) == 10
    # Thursday 26-11 -> 2nd working day is Monday 30-11 09:00 local (08:00 UTC)
    r2 = next(r for r in reminders if ":R2@" in r.dedupe_key)
    assert r2.due_at.isoformat() == "2026-11-30T08:00:00+00:00"
    chat.clock.advance(timedelta(days=4))
    reminded = [m for m in chat.deliver() if m.user_id == "ggz-manager"]
    assert len(reminded) == 1 and "nog niet bevestigd" in reminded[0].text
    ack = texts(chat.press("bestuur.ack", str(escalation.id), user="ggz-manager"))
    assert "Bevestigd" in ack
    again = texts(chat.press("bestuur.ack", str(escalation.id), user="ggz-manager"))
    assert "al bevestigd door Petra Fictief" in again
    pending = [r for r in _rows(chat, f"bestuur:{escalation.id}:") if r.status == OutboxStatus.PENDING]
    assert [r.dedupe_key for r in pending] == [f"bestuur:{escalation.id}:ack"]
    told = [m.text for m in chat.deliver() if m.user_id == "procesmanager"]
    assert any(
        "Petra Fictief (GGZ Rivierland) heeft de opschaling bij VH-2026-0001 ontvangen" in t for t in told
    )
    (done,) = _escalations(chat)
    assert done.acknowledged_at is not None


def test_without_management_contact_the_stuurgroep_gets_it_and_the_reply_says_so(chat: Chat):
    add_member(chat, "vhh-directeur", "Hans Fictief", "Zorg- en Veiligheidshuis Rivierland", Role.MANAGEMENT)
    reply = chat.say(CMD)
    assert (
        "GGZ Rivierland heeft geen managementcontact, dus opgeschaald naar de stuurgroep (Hans Fictief)"
        in reply
    )
    sent = [m for m in chat.deliver() if m.user_id == "vhh-directeur"]
    assert len(sent) == 1 and "als stuurgroep" in sent[0].text
    (escalation,) = _escalations(chat)
    assert escalation.to_stuurgroep


def test_nobody_to_escalate_to_is_a_friendly_error_and_nothing_is_written(chat: Chat):
    reply = chat.say(CMD)
    assert "geen managementcontact en er is geen stuurgroep" in reply
    assert _escalations(chat) == [] and _rows(chat, "bestuur:") == []


def test_bad_input_and_other_roles_are_refused(chat: Chat):
    add_member(chat, "ggz-manager", "Petra Fictief", "GGZ Rivierland", Role.MANAGEMENT)
    assert "Gebruik: /opschalen" in chat.say("/opschalen")
    assert "Gebruik: /opschalen" in chat.say("/opschalen VH-2026-0001 iets GGZ reden")
    assert "ken ik niet" in chat.say("/opschalen VH-2026-0001 bestuur Bakkerij de Korenschoof reden")
    assert "Geef een reden" in chat.say("/opschalen VH-2026-0001 bestuur GGZ Rivierland")
    # procesregie of VH-2026-0002 is procesmanager2, not procesmanager
    assert "VH-2026-0001" not in chat.say("/opschalen VH-2026-0002 bestuur ggz reden", user="procesmanager")
    assert "geen toegang tot /opschalen" in chat.say(CMD, user="wijkagent")
    assert _escalations(chat) == []
    chat.say(CMD)
    (escalation,) = _escalations(chat)
    refused = texts(chat.press("bestuur.ack", str(escalation.id), user="wijkagent"))
    assert "Ontvangen" not in refused and _escalations(chat)[0].acknowledged_at is None


def test_partner_named_by_kind_and_counted_in_the_stuurgroep_report(chat: Chat):
    add_member(chat, "ggz-manager", "Petra Fictief", "GGZ Rivierland", Role.MANAGEMENT)
    assert "GGZ Rivierland" in chat.say("/opschalen VH-2026-0001 bestuur ggz geen plan")
    from handlers.reports.model import Quarter, build_report

    with chat.app.uow() as uow:
        report = build_report(uow.session, Quarter(2026, 4), chat.clock.tz)
    rows = report.section("escalations_by_partner").rows
    assert [(r.label, r.current) for r in rows] == [("GGZ Rivierland", 1)]
