"""Issue 16, finding 9: the audit never holds typed content as a name, and a refusal that concerns a case is
audited with that case (so ``ketenbot audit --case`` and ``/casus CODE log`` show it)."""

from __future__ import annotations

from tests.harness import Chat


def test_unknown_commands_presses_and_forms_are_recorded_as_unknown(chat: Chat) -> None:
    chat.say("/JanDeVriesSlaatZijnVrouw", user="wijkagent")
    chat.press("JanDeVries.slaat", "1", user="wijkagent")
    chat.submit("JanDeVries.form", {"x": "y"}, user="wijkagent")
    with chat.app.uow() as uow:
        events = uow.audit.search(limit=5000)
        unknown = [e for e in events if e.name == "unknown"]
        assert {e.kind for e in unknown} >= {"command", "press", "form"}
        assert not [e for e in events if "JanDeVries" in (e.name or "") + (e.detail or "")]


def test_a_refused_command_on_a_case_is_audited_with_that_case(chat: Chat) -> None:
    added = chat.say("/actie VH-2026-0001 Bellen met de school @ggz 15-12-2026", user="procesmanager")
    number = added.split("#")[1].split(" ")[0]
    assert "Actie #" in chat.say(f"/actie klaar {number}", user="ggz")
    chat.say(f"/actie klaar {number}", user="ggz")  # already done: refused, about this case
    with chat.app.uow() as uow:
        case = uow.cases.by_code("VH-2026-0001")
        assert case is not None
        rows = [e for e in uow.audit.search(case_id=case.id, name="actie") if e.outcome == "refused"]
        assert len(rows) == 1 and rows[0].kind == "command"
    listed = chat.cli(["audit", "--case", "VH-2026-0001", "--format", "csv"])
    assert listed.exit_code == 0 and "refused" in listed.output
