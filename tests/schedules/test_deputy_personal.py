"""Messages for their recipient alone are never forwarded to a deputy (``PERSONAL`` in
storage/outbox/forwarding.py; black-box findings): an informatieverzoek copy (it names a person and asks a
procesmanager to answer in that role), the partner poll (the deputy would answer as themselves, once per
absentee), "X heeft jou als vervanger opgegeven" (untrue for the deputy's own deputy) and RSVP invitations
(the buttons would answer as the deputy). They reach the absent member themselves."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.core.types import Outgoing
from tests.handlers.overleg.overleg_helpers import plan
from tests.harness import Chat

AWAY = "/afwezig 26-11-2026 31-12-2026 @{deputy}"
FORWARDED = "(Doorgestuurd omdat"


def away(chat: Chat, member: str, deputy: str) -> None:
    chat.deliver()
    assert chat.say(AWAY.format(deputy=deputy), user=member).startswith("Afwezig")
    chat.deliver()


def forwarded_to(sent: list[Outgoing], deputy: str) -> list[str]:
    return [m.text for m in sent if m.user_id == deputy and FORWARDED in m.text]


@pytest.mark.parametrize("deputy", ["woonstede", "regisseur"])  # a partner; a procesmanager's deelnemer
def test_an_informatieverzoek_copy_is_never_forwarded(chat: Chat, deputy: str) -> None:
    away(chat, "procesmanager", deputy)
    chat.say("/info Karel Onbekend", user="ggz")
    sent = chat.deliver()
    assert [m.user_id for m in sent if "Karel Onbekend" in m.text and m.user_id == "procesmanager"]
    assert not [m for m in sent if m.user_id == deputy and ("Karel Onbekend" in m.text or "I-" in m.text)]


def test_the_answer_not_known_is_not_forwarded_to_the_askers_deputy(chat: Chat) -> None:
    chat.say("/info Karel Onbekend", user="ggz")
    [copy] = [m for m in chat.deliver() if m.user_id == "procesmanager" and "Karel Onbekend" in m.text]
    away(chat, "ggz", "woonstede")
    chat.press(copy.buttons[1].id, copy.buttons[1].value, user="procesmanager")  # niet bekend
    sent = chat.deliver()
    assert [m.user_id for m in sent if "Karel Onbekend" in m.text] == ["ggz"]


def test_the_partner_poll_reaches_each_member_once_and_never_a_deputy(chat: Chat) -> None:
    away(chat, "procesmanager", "regisseur")
    ran = chat.cli(["jobs", "run", "partner_poll", "--forceer"])
    assert ran.exit_code == 0, ran.output
    polls = [m for m in chat.deliver() if (m.dedupe_key or "").startswith("poll:")]
    per_member = Counter(m.user_id for m in polls)
    assert per_member["regisseur"] == 1 and per_member["procesmanager"] == 1
    assert set(per_member.values()) == {1} and not forwarded_to(polls, "regisseur")


def test_the_deputy_notice_is_not_passed_on_to_the_deputys_own_deputy(chat: Chat) -> None:
    away(chat, "regisseur", "woonstede")
    chat.say(AWAY.format(deputy="regisseur"), user="procesmanager")
    sent = chat.deliver()
    told = [m.user_id for m in sent if "heeft jou als vervanger opgegeven" in m.text]
    assert told == ["regisseur"]
    assert not forwarded_to(sent, "woonstede")


def test_an_rsvp_invitation_reaches_the_invitee_and_never_their_deputy(chat: Chat) -> None:
    away(chat, "ggz", "regisseur")  # regisseur is a deelnemer of the agenda's case
    assert "gepland" in plan(chat, invitees="@ggz").lower()
    sent = chat.deliver()
    invites = [
        m
        for m in sent
        if (m.dedupe_key or "").startswith("meeting-note:") and ":invite:" in (m.dedupe_key or "")
    ]
    assert "ggz" in {m.user_id for m in invites}
    assert not forwarded_to(sent, "regisseur")
