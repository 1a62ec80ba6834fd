"""A deputy receives an absent member's messages only when they may know every case a message is about
(storage/outbox/forwarding.py; black-box finding: a partner who is no deelnemer of the case received a
procesmanager's informatieverzoek copy "Bekend in: VH-...", release alerts and mutaties). What is not
forwarded reaches the absent member themselves.

The absent member is the procesmanager (procesregie of VH-2026-0001 and of the demo detention's case
VH-2026-0004). ``regisseur`` is a deelnemer of both; ``woonstede`` (a partner) of neither."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.context import encode_reply
from bot.core.types import Outgoing, Reply
from tests.handlers.cases.cases_helpers import submit_signal
from tests.harness import Chat

AWAY = "/afwezig 26-11-2026 31-12-2026 @{deputy}"
ABSENT = "procesmanager"
FORWARDED = "(Doorgestuurd omdat Anouk de Wit afwezig is; jij bent de vervanger.)"
JAN = {"name": "jan DE  vries", "birth_date": "12-03-1985", "description": "Fictief: weer overlast bij Jan."}
DEPUTIES = [("regisseur", True), ("woonstede", False)]  # (deputy, is a deelnemer of both cases)


def _away(chat: Chat, deputy: str) -> str:
    chat.deliver()  # what the demo queued, and the deputy's notice
    reply = chat.say(AWAY.format(deputy=deputy), user=ABSENT)
    chat.deliver()
    return reply


def _routed(sent: list[Outgoing], marker: str, deputy: str) -> tuple[list[str], list[str]]:
    """The texts containing ``marker`` that reached the absent member, and those that reached the deputy
    for them (the forwarded ones)."""
    mine = [m.text for m in sent if m.user_id == ABSENT and marker in m.text]
    forwarded = [m.text for m in sent if m.user_id == deputy and marker in m.text and FORWARDED in m.text]
    return mine, forwarded


def _check(mine: list[str], forwarded: list[str], deputy_may_know: bool) -> None:
    if deputy_may_know:
        assert forwarded and not mine
    else:
        assert mine and not forwarded


@pytest.mark.parametrize(("deputy", "deelnemer"), DEPUTIES)
def test_the_informatieverzoek_copy_naming_a_case_is_never_forwarded(
    chat: Chat, deputy: str, deelnemer: bool
) -> None:
    """Personal (tests/schedules/test_deputy_personal.py): even a deputy who is a deelnemer gets no copy;
    the absent member keeps theirs, and every procesmanager has one of their own."""
    _away(chat, deputy)
    chat.say("/info Jan de Vries", user="veiligthuis")
    sent = chat.deliver()
    mine, forwarded = _routed(sent, "Bekend in: VH-2026-0001", deputy)
    _check(mine, forwarded, deputy_may_know=False)
    assert not [m for m in sent if m.user_id == deputy and "Jan de Vries" in m.text]


@pytest.mark.parametrize(("deputy", "deelnemer"), DEPUTIES)
def test_a_release_alert_reaches_only_a_deputy_who_may_know_the_case(
    chat: Chat, deputy: str, deelnemer: bool
) -> None:
    _away(chat, deputy)
    chat.clock.set(datetime(2026, 12, 2, 8, 5, tzinfo=UTC))  # the demo detention's T-14 rung (09:00 local)
    sent = chat.deliver()
    mine, forwarded = _routed(sent, "VH-2026-0004", deputy)
    _check(mine, forwarded, deelnemer)
    assert all((m.dedupe_key or "").startswith("release:1:") for m in sent if "VH-2026-0004" in m.text)
    if not deelnemer:
        assert not [m for m in sent if m.user_id == deputy]


@pytest.mark.parametrize(("deputy", "deelnemer"), DEPUTIES)
def test_a_mutatie_reaches_only_a_deputy_who_may_know_the_case(
    chat: Chat, deputy: str, deelnemer: bool
) -> None:
    _away(chat, deputy)
    submit_signal(chat, user="wijkagent", **JAN)
    sent = chat.deliver()
    mine, forwarded = _routed(sent, "Mutatie op VH-2026-0001", deputy)
    _check(mine, forwarded, deelnemer)
    if not deelnemer:
        assert not [m for m in sent if m.user_id == deputy]
    else:  # the deputy's copy carries the procesregie buttons, as the absent member's would
        assert [b.id for m in sent if m.user_id == deputy and FORWARDED in m.text for b in m.buttons] == [
            "mutatie.note",
            "mutatie.partner",
            "mutatie.triage",
        ]


def test_a_message_that_does_not_say_what_it_is_about_is_not_forwarded(chat: Chat) -> None:
    """Default deny: a row without ``case_ids`` goes to the absent member; one about no case is forwarded."""
    _away(chat, "regisseur")
    with chat.app.uow() as uow:
        member = uow.members.by_handle(ABSENT)
        assert member is not None and member.id is not None
        now = chat.clock.now()
        unsaid, free = encode_reply(Reply("Fictief: onbekend")), encode_reply(Reply("Fictief: algemeen"))
        uow.outbox.add("test:unsaid", unsaid, due_at=now, now=now, member_id=member.id)
        uow.outbox.add("test:free", free, due_at=now, now=now, member_id=member.id, case_ids=())
        uow.commit()
    sent = {m.dedupe_key: m for m in chat.deliver()}
    assert sent["test:unsaid"].user_id == ABSENT and FORWARDED not in sent["test:unsaid"].text
    assert sent["test:free"].user_id == "regisseur" and sent["test:free"].text.startswith(FORWARDED)


def test_the_absence_confirmation_names_the_cases_the_deputy_will_not_hear_about(chat: Chat) -> None:
    told = _away(chat, "woonstede")
    assert "naar Daan Peters" in told
    assert told.splitlines()[1] == (
        "Over 3 van je casussen krijgt Daan Peters geen berichten, want die is daar geen deelnemer van;"
        " die berichten komen gewoon bij jou: VH-2026-0001, VH-2026-0003, VH-2026-0004"
    )
    other = _away(chat, "regisseur")  # a deelnemer of VH-2026-0001 and VH-2026-0004, not of VH-2026-0003
    assert other.splitlines()[1].startswith("Over 1 van je casussen krijgt Fatima el Idrissi geen berichten")
    assert other.endswith(": VH-2026-0003")


def test_the_absence_confirmation_from_a_group_keeps_the_codes_in_the_direct_chat(chat: Chat) -> None:
    chat.deliver()
    replies = chat.send(AWAY.format(deputy="woonstede"), user=ABSENT, group="triage-groep")
    in_group = [r.text for r in replies if r.chat_id == "triage-groep"]
    direct = [r.text for r in replies if r.chat_id != "triage-groep"]
    assert in_group and not any("VH-" in text for text in in_group)
    assert any("VH-2026-0001" in text for text in direct)
