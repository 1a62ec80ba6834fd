"""The triage queue says a signal's age in words: "vandaag binnengekomen", "1 dag oud", "3 dagen oud"."""

from datetime import timedelta

from tests.handlers.cases.cases_helpers import last_signal_id, submit_signal
from tests.harness import Chat


def test_a_signal_of_today_came_in_today_and_one_of_yesterday_is_one_day_old(sqlite_chat: Chat):
    chat = sqlite_chat
    submit_signal(chat)
    ref = f"S-{last_signal_id(chat)}"

    def item() -> str:
        replies = chat.send("/triage", user="procesmanager")
        return next(r.text for r in replies if r.text.startswith(ref + " "))

    assert "vandaag binnengekomen" in item() and "0 dagen" not in item()
    chat.clock.advance(timedelta(days=1))
    assert "1 dag oud" in item()
    chat.clock.advance(timedelta(days=2))
    assert "3 dagen oud" in item()
