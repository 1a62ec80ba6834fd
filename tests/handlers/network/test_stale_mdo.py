"""Issue 17: the stale digest's *MDO plannen* opens the overleg plan form with the case on the agenda (it
said /overleg was not available yet); only chairs are shown and may press it."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from schedules.stale import run_stale_watchdog
from storage.meetings.tables import Meeting
from tests.harness import Chat
from tests.stale_cases import finish_all_actions

CODE = "VH-2026-0001"  # demo: procesregie procesmanager, deelnemer wijkagent


def stale_digest(chat: Chat) -> None:
    chat.deliver()
    finish_all_actions(chat, CODE, chat.clock.now() - timedelta(weeks=3, days=1))
    assert run_stale_watchdog(chat.app.uow, chat.clock.now(), chat.app.settings.tz, 3) == 2


def test_mdo_plannen_opens_the_plan_form_with_the_case_on_the_agenda(chat: Chat) -> None:
    stale_digest(chat)
    [digest] = [m for m in chat.deliver() if m.user_id == "procesmanager"]
    [mdo] = [b for b in digest.buttons if b.id == "stale.mdo"]
    replies = chat.press(mdo.id, mdo.value, user="procesmanager")
    opened = "\n".join(o.text for o in replies)
    assert "zodra dat beschikbaar is" not in opened
    assert f"MDO voor {CODE} (J.d.V.): de casus staat op de agenda." in opened
    assert "(1/6) Datum en tijd" in opened  # kind and case filled in: it asks when
    assert all(o.keeps_buttons for o in replies)  # the digest's other buttons stay pressable
    chat.as_member("procesmanager")
    chat.say("01-12-2026 10:00")
    chat.say("60")
    chat.say("Stadhuis Waterdam")
    chat.say("-")
    summary = chat.say("1")
    assert CODE in summary and "MDO" in summary
    assert "is gepland" in chat.press("form.submit")[0].text
    with chat.app.uow() as uow:
        newest = max(m.id or 0 for m in uow.session.exec(select(Meeting)).all())
        assert [c.code for c in uow.meetings.agenda(newest)] == [CODE]


def test_a_partner_is_refused_the_mdo_press_and_never_shown_it_as_a_deputy(chat: Chat) -> None:
    refused = chat.press("stale.mdo", CODE, user="wijkagent")  # a deelnemer of the case, no chair
    assert refused[0].refused and "niet voor jouw rol" in refused[0].text
    chat.say("/afwezig 26-11-2026 27-11-2026 @wijkagent", user="procesmanager")
    stale_digest(chat)
    [to_deputy] = [m for m in chat.deliver() if "niets gepland" in m.text and m.user_id == "wijkagent"]
    assert "Anouk de Wit afwezig" in to_deputy.text
    assert [b.id for b in to_deputy.buttons] == ["stale.action"]  # a partner deputy: no MDO button
    [own] = [m for m in chat.sender.sent if "niets gepland" in m.text and m.user_id == "procesmanager2"]
    assert [b.id for b in own.buttons] == ["stale.mdo", "stale.action"]
