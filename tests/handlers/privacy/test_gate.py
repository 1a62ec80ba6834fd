"""Issue 16, findings 1 and 5: one gate for every entry point, and need-to-know for known persons."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.core.access import NO_TARGET
from bot.core.commands import CommandGroup
from bot.core.router import Router
from storage.cases.tables import Case, Signal, SignalStatus
from storage.models import MemberRole
from tests.handlers.cases.cases_helpers import last_signal_id, submit_signal
from tests.harness import Chat

JAN = {"name": "jan DE  vries", "birth_date": "12-03-1985", "description": "Fictief: weer overlast bij Jan."}


def _text(replies: list) -> str:  # type: ignore[type-arg]
    return "\n".join(o.text for o in replies)


def _status(chat: Chat, signal_id: int) -> str:
    with chat.app.uow() as uow:
        signal = uow.session.get(Signal, signal_id)
        assert signal is not None
        return signal.status


def _case_count(chat: Chat) -> int:
    with chat.app.uow() as uow:
        return len(uow.session.exec(select(Case)).all())


# -- finding 1: a whole-form submission passes the same gate -------------------------------------------


def test_a_partner_cannot_decide_triage_by_submitting_the_reason_form_whole(chat: Chat):
    submit_signal(chat, user="ggz")
    signal_id = last_signal_id(chat)
    cases = _case_count(chat)
    values = {"signal": str(signal_id), "outcome": "topx", "reason": "x"}
    refused = chat.submit("triage.reason", values, user="wijkagent")
    assert _text(refused) == "Dit formulier is niet voor jouw rol bedoeld."
    assert refused[0].refused
    assert _status(chat, signal_id) == SignalStatus.NEW and _case_count(chat) == cases


def test_a_procesmanager_cannot_submit_the_reason_form_without_pressing_the_button(chat: Chat):
    submit_signal(chat, user="ggz")
    signal_id = last_signal_id(chat)
    values = {"signal": str(signal_id), "outcome": "afgewezen", "reason": "x"}
    refused = chat.submit("triage.reason", values, user="procesmanager")
    assert "Er staat geen formulier open" in _text(refused)
    assert _status(chat, signal_id) == SignalStatus.NEW


def test_the_reason_form_decides_the_pressed_signal_whatever_the_submission_names(chat: Chat):
    submit_signal(chat, user="ggz")
    pressed = last_signal_id(chat)
    submit_signal(chat, user="ggz", description="Fictief: een tweede, ander signaal.")
    other = last_signal_id(chat)
    chat.press("triage.decide", f"{pressed}:afgewezen", user="procesmanager")
    tampered = {"signal": str(other), "outcome": "topx", "reason": "Geen rol voor het Veiligheidshuis."}
    done = _text(chat.submit("triage.reason", tampered, user="procesmanager"))
    assert f"S-{pressed}" in done and f"S-{other}" not in done
    with chat.app.uow() as uow:
        decided = uow.session.get(Signal, pressed)
        assert decided is not None and (decided.outcome, decided.reason) == (
            "afgewezen",
            "Geen rol voor het Veiligheidshuis.",
        )
    assert _status(chat, other) == SignalStatus.NEW


def test_a_stepwise_answer_is_refused_once_the_member_lost_the_role(chat: Chat):
    submit_signal(chat, user="ggz")
    signal_id = last_signal_id(chat)
    chat.press("triage.decide", f"{signal_id}:afgewezen", user="procesmanager2")
    with chat.app.uow() as uow:
        member = uow.members.by_handle("procesmanager2")
        assert member is not None and member.id is not None
        for role in uow.session.exec(select(MemberRole).where(MemberRole.member_id == member.id)).all():
            uow.session.delete(role)
        uow.commit()
    answer = chat.say("Fictief: geen rol.", user="procesmanager2")
    assert answer == "Dit formulier is niet voor jouw rol bedoeld."
    assert _status(chat, signal_id) == SignalStatus.NEW


def test_a_group_whose_entry_point_declares_no_target_cannot_be_built(chat: Chat):
    from bot.app import GROUPS

    loose = CommandGroup("loose")
    loose.command("loos")(lambda msg, ctx: None)
    with pytest.raises(ValueError, match="without a target declaration: /loos"):
        Router(
            [*GROUPS, loose],
            uow_factory=chat.app.uow,
            clock=chat.app.clock,
            catalogue=chat.app.catalogue,
            config=chat.app.router.config,
        )
    declared = CommandGroup("declared")
    declared.command("loos", target=NO_TARGET)(lambda msg, ctx: None)
    Router(
        [*GROUPS, declared],
        uow_factory=chat.app.uow,
        clock=chat.app.clock,
        catalogue=chat.app.catalogue,
        config=chat.app.router.config,
    )


def test_a_foreign_case_id_on_the_trajectberaad_button_reads_as_unknown(chat: Chat):
    with chat.app.uow() as uow:
        case = uow.cases.by_code("VH-2026-0001")
        assert case is not None and case.id is not None
        case_id = case.id
    foreign = _text(chat.press("release.trajectberaad", str(case_id), user="procesmanager2"))
    unknown = _text(chat.press("release.trajectberaad", "999999", user="procesmanager2"))
    assert foreign == unknown and "VH-2026-0001" not in foreign


# -- finding 5: need-to-know for known persons ---------------------------------------------------------


def test_info_names_a_case_only_to_procesmanagers_whom_regie_naam_would_show_it(chat: Chat):
    chat.deliver()
    assert "Geen casussen" in chat.say("/regie Jan de Vries", user="procesmanager2")
    assert "VH-2026-0001" in chat.say("/regie Jan de Vries", user="procesmanager")
    chat.say("/info Jan de Vries", user="woonstede")
    copies = {m.user_id: m.text for m in chat.deliver() if "Informatieverzoek" in m.text}
    assert "Bekend in: VH-2026-0001" in copies["procesmanager"]
    assert "VH-2026" not in copies["procesmanager2"]
    assert "Geen open casus gevonden waarvan jij deelnemer bent." in copies["procesmanager2"]


def test_a_mutatie_press_with_a_foreign_id_does_not_name_the_case(chat: Chat):
    submit_signal(chat, user="woonstede", **JAN)  # Jan de Vries is known in VH-2026-0001
    signal_id = last_signal_id(chat)
    for action in ("mutatie.note", "mutatie.triage", "mutatie.partner"):
        foreign = _text(chat.press(action, str(signal_id), user="procesmanager2"))
        unknown = _text(chat.press(action, "999999", user="procesmanager2"))
        assert "VH-2026-0001" not in foreign
        assert foreign == unknown.replace("999999", str(signal_id))
    assert _status(chat, signal_id) == SignalStatus.MUTATIE


def test_regie_naam_in_a_group_answers_in_the_direct_chat_only(chat: Chat):
    replies = chat.send("/regie Jan de Vries", user="procesmanager", group="triage-groep")
    in_group = [m for m in replies if m.chat_id == "triage-groep"]
    direct = [m for m in replies if m.chat_id is None and m.user_id == "procesmanager"]
    assert [m.text for m in in_group] == ["Het antwoord staat in je privéchat met ketenbot."]
    assert len(direct) == 1 and "VH-2026-0001" in direct[0].text


def test_the_group_triage_queue_never_says_a_person_is_known(sqlite_chat: Chat):
    chat = sqlite_chat
    group = chat.say("/triage", user="procesmanager", group="triage-groep")
    assert "Mogelijk bekend" not in group and "VH-2026-0001" not in group
    assert "Mogelijk bekend: VH-2026-0001" in chat.say("/triage", user="procesmanager")  # a deelnemer, direct
    assert "Mogelijk bekend" not in chat.say("/triage", user="procesmanager2")  # no deelnemer of it


def test_signaal_started_in_a_group_asks_its_questions_in_the_direct_chat(chat: Chat):
    replies = chat.send("/signaal", user="wijkagent", group="triage-groep")
    in_group = [m.text for m in replies if m.chat_id == "triage-groep"]
    direct = [m.text for m in replies if m.chat_id is None and m.user_id == "wijkagent"]
    assert in_group == [
        "Dit formulier vraagt naar persoonsgegevens; ik stel de vragen in je privéchat met ketenbot."
    ]
    assert direct and "Naam" in direct[-1]
    # the form continues in the direct chat, and nothing is asked in the group
    assert chat.say("Fictief Persoon", user="wijkagent", group="triage-groep") == ""
    assert "Geboortedatum" in chat.say("Fictief Persoon", user="wijkagent")
