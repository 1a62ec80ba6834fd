"""Issue 17: the stale digest's *MDO plannen* opens the overleg plan form with the case filled in, instead of
saying that /overleg is not available yet."""

from __future__ import annotations

from datetime import timedelta

from schedules.stale import run_stale_watchdog
from tests.harness import Chat
from tests.stale_cases import finish_all_actions


def test_mdo_plannen_opens_the_plan_form_with_the_case(chat: Chat) -> None:
    chat.deliver()
    finish_all_actions(chat, "VH-2026-0001", chat.clock.now() - timedelta(weeks=3, days=1))
    assert run_stale_watchdog(chat.app.uow, chat.clock.now(), chat.app.settings.tz, 3) == 2
    [digest] = [m for m in chat.deliver() if m.user_id == "procesmanager"]
    [mdo] = [b for b in digest.buttons if b.id == "stale.mdo"]
    opened = "\n".join(o.text for o in chat.press(mdo.id, mdo.value, user="procesmanager"))
    assert "zodra dat beschikbaar is" not in opened
    assert "(2/8)" in opened  # the kind (MDO) and the case are filled in: the form asks when
    chat.as_member("procesmanager")
    chat.say("01-12-2026 10:00")
    chat.say("60")
    assert "(6/8)" in chat.say("Stadhuis Waterdam")  # the agenda was filled in: straight to the invitees
    assert "(7/8)" in chat.say("-")
    summary = chat.say("1")
    assert "VH-2026-0001" in summary and "MDO" in summary
    assert "MDO/casusoverleg #3 is gepland" in chat.press("form.submit")[0].text
    chat.say("/stop")
    refused = "\n".join(o.text for o in chat.press(mdo.id, mdo.value, user="wijkagent"))  # a deelnemer
    assert "Alleen een voorzitter of procesmanager" in refused
