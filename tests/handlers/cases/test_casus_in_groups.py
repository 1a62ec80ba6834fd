"""``/casus`` sub-commands typed in a group chat never tell the group a betrokkene's role (and so the case's
category: only huiselijk-geweldcasussen have roles, black-box finding), a deelnemer's name or the drang/dwang
agreement: the group gets one line and a button that runs the command in the asker's direct chat, where
its answer and any refusal go (handlers/privacy/need_to_know.run_in_direct). VH-2026-0001 is a TOP-X case
(procesregie procesmanager); VH-2026-0002 a huiselijk-geweldcasus (procesregie procesmanager2)."""

from __future__ import annotations

import pytest

from bot.core.types import OPEN_DIRECT, Outgoing
from tests.harness import Chat

GROUP = "triage-groep"
RUN_IN_DIRECT = (
    "Dit gaat over personen of justitiegegevens; doe het in je privéchat met ketenbot"
    " (de knop hieronder opent hem en voert het daar uit)."
)
LEAKS = ("huiselijk", "HG", "slachtoffer", "kind", "pleger", "Lotte", "GGZ", "Drang", "drang", "Lisa")


def _in_group(chat: Chat, command: str, user: str) -> list[Outgoing]:
    replies = chat.send(command, user=user, group=GROUP)
    assert [r.text for r in replies] == [RUN_IN_DIRECT]
    assert not any(leak in r.text for r in replies for leak in LEAKS)
    return replies


def _run_offered(chat: Chat, replies: list[Outgoing], user: str) -> str:
    """Press the group reply's button: the command runs in the direct chat."""
    (button,) = [b for r in replies for b in r.buttons if b.id == OPEN_DIRECT]
    direct = chat.press(OPEN_DIRECT, button.value, user=user)
    assert direct and all(r.chat_id != GROUP for r in direct)
    return "\n".join(r.text for r in direct)


def test_a_person_with_a_role_reads_the_same_in_a_group_for_an_hg_case_and_any_other(chat: Chat) -> None:
    other = _in_group(chat, "/casus VH-2026-0001 persoon toevoegen Lisa de Vries kind", "procesmanager")
    hg = _in_group(chat, "/casus VH-2026-0002 persoon toevoegen Lisa Jansen kind", "procesmanager2")
    assert [r.text for r in other] == [r.text for r in hg]
    assert "geen casus huiselijk geweld" in _run_offered(chat, other, "procesmanager")
    assert "L.J. (kind/getuige) is betrokkene 4 van VH-2026-0002" in _run_offered(chat, hg, "procesmanager2")


def test_a_person_without_a_role_is_still_confirmed_in_the_group_by_initials(chat: Chat) -> None:
    said = chat.say("/casus VH-2026-0001 persoon toevoegen Els de Vries", user="procesmanager", group=GROUP)
    assert said == "E.d.V. is betrokkene 2 van VH-2026-0001."


def test_a_role_is_set_in_the_direct_chat_only(chat: Chat) -> None:
    replies = _in_group(chat, "/casus VH-2026-0002 rol 1 pleger", "procesmanager2")
    assert "rol van M.J.: slachtoffer" in chat.say("/casus VH-2026-0002", user="procesmanager2")  # unchanged
    assert "M.J. in VH-2026-0002: pleger." in _run_offered(chat, replies, "procesmanager2")


@pytest.mark.parametrize("command", ["toevoegen @ggz", "verwijderen @wijkagent"])
def test_deelnemers_are_changed_in_the_direct_chat_only(chat: Chat, command: str) -> None:
    replies = _in_group(chat, f"/casus VH-2026-0001 {command}", "procesmanager")
    before = chat.say("/casus VH-2026-0001", user="procesmanager")
    answer = _run_offered(chat, replies, "procesmanager")
    assert "VH-2026-0001" in answer and ("Lotte Bakker" in answer or "Bram Kuipers" in answer)
    assert chat.say("/casus VH-2026-0001", user="procesmanager") != before


def test_the_drang_dwang_agreement_is_set_in_the_direct_chat_only(chat: Chat) -> None:
    replies = _in_group(
        chat, "/casus VH-2026-0001 drang Fictief: bij weigering volgt een last.", "procesmanager"
    )
    assert "Fictief: bij weigering" not in chat.say("/casus VH-2026-0001 drang", user="procesmanager")
    assert "Drang/dwang-afspraak vastgelegd voor VH-2026-0001" in _run_offered(chat, replies, "procesmanager")
    assert "Fictief: bij weigering" in chat.say("/casus VH-2026-0001 drang", user="procesmanager")


def test_a_stranger_to_the_case_gets_the_unknown_answer_in_the_group_not_the_offer(chat: Chat) -> None:
    hidden = chat.say("/casus VH-2026-0002 rol 1 pleger", user="woonstede", group=GROUP)
    unknown = chat.say("/casus VH-2026-0999 rol 1 pleger", user="woonstede", group=GROUP)
    assert hidden == unknown.replace("VH-2026-0999", "VH-2026-0002") and RUN_IN_DIRECT not in hidden
