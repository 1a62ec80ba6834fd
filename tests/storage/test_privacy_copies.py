"""Issue 16, findings 3 and 4 and the retention of every copy: outbox payloads, form states and
details-in-privé links are encrypted at rest; finished messages lose their payload after the configured
hours; erase reaches pending messages, form states, drang/dwang, scenario, escalations and initials and
leaves readable placeholders; the export covers detention, meetings and escalations; the purge reaches
expired links, old informatieverzoeken, uploads and stale forms. SQLite and Postgres."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text
from sqlmodel import select

from bot.core.context import encode_reply
from bot.core.types import Reply
from storage.cases.tables import Case, Subject
from storage.cases.uploads import PendingUpload
from storage.crypto import PREFIX
from storage.models import FormState, OutboxMessage, Role
from storage.network.flows import InfoRequest
from storage.privacy.copies import Needles
from storage.privacy.direct_requests import DirectRequest
from storage.privacy.retention import REMOVED, RetentionPolicy, erase_subject, export_subject, purge
from tests.handlers.network.network_helpers import add_member
from tests.harness import Chat

CODE = "VH-2026-0001"  # demo: Jan de Vries, open
FALLBACK = "Fictief: melding aan het OM als Jan de Vries de afspraken niet nakomt"
SCENARIO = "Fictief: bij vrijlating van Jan de Vries gaat de wijkagent direct langs"
ESCALATION = "Fictief: voor Jan de Vries al weken geen behandelplan"


def raw(chat: Chat, sql: str) -> list[str]:
    with chat.app.engine.connect() as connection:
        return [str(v) for v in connection.execute(text(sql)).scalars()]


def jan(chat: Chat) -> int:
    with chat.app.uow() as uow:
        ids = [s.id for s in uow.session.exec(select(Subject)).all() if s.name == "Jan de Vries" and s.id]
    return min(ids)


def test_outbox_payloads_form_states_and_links_are_encrypted_at_rest(chat: Chat):
    chat.say("/signaal", user="wijkagent")
    chat.say("Fictief Formulierpersoon", user="wijkagent")  # the name, half-filled
    chat.send(f"/regie {CODE}", user="reclassering", group="mdo-groep")  # a details-in-privé link
    chat.say(f"/actie {CODE} Fictief: Jan de Vries bellen @procesmanager 15-12-2026", user="procesmanager")
    payloads = raw(chat, "SELECT CAST(payload AS TEXT) FROM outbox")
    forms = raw(chat, 'SELECT CAST("values" AS TEXT) FROM form_state')
    links = raw(chat, "SELECT command FROM direct_request")
    assert payloads and forms and links
    for value in payloads + forms + links:
        assert value.startswith(PREFIX), value[:80]
        assert "Jan de Vries" not in value and "Formulierpersoon" not in value
    with chat.app.uow() as uow:  # and they read back as they were written
        (state,) = uow.session.exec(select(DirectRequest)).all()
        assert state.command == f"/regie {CODE}"


def test_finished_messages_lose_their_payload_after_the_configured_hours(chat: Chat):
    now = chat.clock.now()
    with chat.app.uow() as uow:
        member = uow.members.by_handle("procesmanager")
        assert member is not None and member.id is not None
        for key, due in (("test:sent", now), ("test:later", now + timedelta(days=30))):
            payload = encode_reply(Reply("Fictief: over Jan de Vries"))
            uow.outbox.add(key, payload, due_at=due, now=now, member_id=member.id)
        uow.commit()
    chat.deliver()
    policy = RetentionPolicy(finished_message_hours=24)
    with chat.app.uow() as uow:
        assert purge(uow.session, policy, now + timedelta(hours=23)).payloads_cleared == 0
        result = purge(uow.session, policy, now + timedelta(hours=25))
        uow.commit()
        sent = uow.outbox.by_key("test:sent")
        later = uow.outbox.by_key("test:later")
    assert result.payloads_cleared >= 1
    assert sent is not None and sent.status == "sent" and sent.payload == {}
    assert later is not None and later.status == "pending" and later.payload["text"]  # pending: kept
    with chat.app.uow() as uow:  # a second run finds nothing left to clear
        assert purge(uow.session, policy, now + timedelta(hours=26)).payloads_cleared == 0


def test_erase_reaches_pending_messages_forms_plan_texts_and_initials_with_placeholders(chat: Chat):
    add_member(chat, "ggz-manager", "Petra Fictief", "GGZ Rivierland", Role.MANAGEMENT)
    for command in (
        f"/casus {CODE} drang {FALLBACK}",
        f"/scenario {CODE} {SCENARIO}",
        f"/opschalen {CODE} bestuur GGZ Rivierland {ESCALATION}",
        f"/detentie {CODE} 01-11-2026 28-01-2027 gevangenisstraf PI Zwolle",
    ):
        chat.say(command, user="procesmanager")
    chat.say("/signaal", user="ggz")
    chat.say("Jan de Vries", user="ggz")  # someone starts a signal about him and leaves it
    now = chat.clock.now()
    with chat.app.uow() as uow:
        erased = erase_subject(uow.session, jan(chat), now, force=True)
        uow.commit()
    assert erased.copies.messages >= 1 and erased.copies.forms == 1
    with chat.app.uow() as uow:
        case = uow.session.exec(select(Case).where(Case.code == CODE)).one()
        assert case.initials == "-" and case.fallback == REMOVED
        rows = uow.session.exec(select(OutboxMessage)).all()
        texts = [str(r.payload) for r in rows]
        forms = [str(f.values) for f in uow.session.exec(select(FormState)).all()]
    assert forms and not any("Jan de Vries" in t for t in texts + forms)
    assert any(REMOVED in t for t in texts) and any(REMOVED in f for f in forms)
    delivered = "\n".join(m.text for m in chat.deliver())
    assert "Jan de Vries" not in delivered and "J.d.V." not in delivered
    shown = chat.say(f"/casus {CODE}", user="procesmanager")
    assert "{" not in shown and "Jan" not in shown and "J.d.V." not in shown
    assert REMOVED in shown  # the triage reason's line reads "[verwijderd]", not a raw template
    assert SCENARIO not in chat.say(f"/scenario {CODE}", user="procesmanager")
    assert chat.say("/signaal", user="ggz").count("Jan de Vries") == 0


def test_export_covers_detention_meetings_and_escalations(chat: Chat):
    add_member(chat, "ggz-manager", "Petra Fictief", "GGZ Rivierland", Role.MANAGEMENT)
    chat.say(f"/detentie {CODE} 01-11-2026 28-01-2027 gevangenisstraf PI Zwolle", user="procesmanager")
    chat.say(f"/opschalen {CODE} bestuur GGZ Rivierland {ESCALATION}", user="procesmanager")
    chat.say(f"/scenario {CODE} {SCENARIO}", user="procesmanager")
    with chat.app.uow() as uow:
        data = export_subject(uow.session, jan(chat))
    (case,) = data["cases"]
    assert case["detentions"][0]["facility"] == "PI Zwolle" and case["detentions"][0]["nazorg"]
    assert [e["reason"] for e in case["escalations"]] == [ESCALATION]
    assert [s["text"] for s in case["scenario"]] == [SCENARIO]
    assert "meetings" in case and "huisverboden" in case and "code_rood" in case


def test_the_purge_reaches_links_info_requests_uploads_and_stale_forms(chat: Chat):
    chat.send(f"/regie {CODE}", user="reclassering", group="mdo-groep")
    chat.say("/info Fictief Vraagpersoon", user="woonstede")
    chat.say("/signaal", user="wijkagent")
    chat.say("Fictief Formulierpersoon", user="wijkagent")
    now = chat.clock.now()
    with chat.app.uow() as uow:
        member = uow.members.by_handle("procesmanager")
        assert member is not None and member.id is not None
        uow.uploads.replace(member.id, "lijst.csv", b"naam\nFictief Lijstpersoon\n", now)
        uow.commit()
    policy = RetentionPolicy(form_hours=72, info_request_months=6)
    with chat.app.uow() as uow:
        soon = purge(uow.session, policy, now + timedelta(minutes=30))
        assert (soon.links_deleted, soon.forms_deleted, soon.uploads_deleted) == (0, 0, 0)
        later = purge(uow.session, policy, now + timedelta(days=4))
        uow.commit()
    assert later.links_deleted == 1 and later.forms_deleted == 1 and later.uploads_deleted == 1
    with chat.app.uow() as uow:
        assert uow.session.exec(select(DirectRequest)).all() == []
        assert uow.session.exec(select(PendingUpload)).all() == []
        assert [r.query for r in uow.session.exec(select(InfoRequest)).all()].count(
            "Fictief Vraagpersoon"
        ) == 1
        result = purge(uow.session, policy, now + timedelta(days=200))
        uow.commit()
        queries = [r.query for r in uow.session.exec(select(InfoRequest)).all()]
    assert result.info_requests_anonymised >= 1 and "Fictief Vraagpersoon" not in queries
    assert REMOVED in queries


def test_privacy_find_by_case_code_and_by_name_in_dutch(sqlite_chat: Chat):
    chat = sqlite_chat
    by_code = chat.cli(["privacy", "find", CODE])
    assert by_code.exit_code == 0, by_code.output
    assert (
        f"betrokkene {jan(chat)}: Jan de Vries (J.d.V.), geboren 12-03-1985 — casus {CODE}" in by_code.output
    )
    by_name = chat.cli(["privacy", "find", "jan DE vries"])
    assert by_name.exit_code == 0 and "Jan de Vries" in by_name.output and "signaal S-" in by_name.output
    nobody = chat.cli(["privacy", "find", "Niemand Fictief"])
    assert nobody.exit_code == 2 and "geen betrokkene gevonden" in nobody.output
    erased = chat.cli(["privacy", "erase", "--subject", str(jan(chat)), "--reason", "verzoek", "--force"])
    assert erased.exit_code == 0 and "gewist" in erased.output and "berichten" in erased.output
    assert chat.cli(["privacy", "find", "Jan de Vries"]).exit_code == 2  # no name left to find


def test_initials_are_erased_only_where_the_row_is_about_this_person():
    needles = Needles(anchors={"VH-2026-0001", "S-7"})
    needles.add("Jan de Vries")
    needles.add_initials("J.d.V.")
    needles.labels["VH-2026-0001 (J.d.V.)"] = "VH-2026-0001 (-)"
    other = {"text": [{"key": "x", "params": {"code": "VH-2026-0009", "initials": "J.d.V."}}]}
    assert needles.scrub_row(other) == other  # someone else with the same initials keeps them
    own = {"text": [{"key": "x", "params": {"code": "VH-2026-0001", "initials": "J.d.V."}}]}
    assert needles.scrub_row(own)["text"][0]["params"]["initials"] == REMOVED
    label = {"text": [{"raw": "Herinnering VH-2026-0001 (J.d.V.): bel jan de vries"}]}
    assert needles.scrub_row(label)["text"][0]["raw"] == f"Herinnering VH-2026-0001 (-): bel {REMOVED}"
