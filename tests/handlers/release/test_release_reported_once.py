"""Issue 17, items 2, 4 and 10: an unexpected release reported twice alarms once; its pickup holds; the
release day's own reminder does not follow the alarm; a detention that ended is marked released; a release
alert sent now names the real distance in days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from storage.models import OutboxMessage
from storage.release.detention import Detention
from tests.harness import DEFAULT_NOW, Chat

CODE = "VH-2026-0001"


def register(chat: Chat, release: str = "28-01-2027", start: str = "01-11-2026") -> None:
    reply = chat.say(
        f"/detentie {CODE} {start} {release} gevangenisstraf PI Rivierland", user="procesmanager"
    )
    assert reply.startswith("Detentie vastgelegd"), reply
    chat.deliver()


def about_the_case(chat: Chat) -> list[tuple[str, str]]:
    return [(m.user_id or "", m.text) for m in chat.deliver() if CODE in m.text]


def detentions(chat: Chat) -> list[Detention]:
    with chat.app.uow() as uow:
        case = uow.cases.by_code(CODE)
        assert case is not None
        return list(uow.session.exec(select(Detention).where(Detention.case_id == case.id)).all())


def test_the_same_release_reported_again_alarms_nobody_and_the_pickup_holds(chat: Chat) -> None:
    register(chat)
    chat.say(f"/detentie {CODE} vrij", user="reclassering")
    alarms = [m for m in chat.deliver() if m.text.startswith("ONVERWACHTE VRIJLATING")]
    assert len(alarms) == 4
    [pickup] = alarms[0].buttons
    chat.press(pickup.id, pickup.value, user="regisseur")
    chat.deliver()
    again = chat.say(f"/detentie {CODE} vrij", user="wijkagent")
    assert "is al gemeld door Joost van Leeuwen op 26-11-2026 10:00" in again
    assert "Opgepakt door Fatima el Idrissi (26-11-2026 10:00)" in again
    assert "Niemand is opnieuw gealarmeerd" in again
    assert about_the_case(chat) == []
    chat.clock.set(DEFAULT_NOW + timedelta(hours=1))  # the hour of the re-alert passes
    assert about_the_case(chat) == []
    chat.clock.set(DEFAULT_NOW + timedelta(days=1))  # and the day after: nothing either
    assert about_the_case(chat) == []


def test_a_second_report_with_another_date_corrects_the_first_without_a_new_alarm(chat: Chat) -> None:
    register(chat)
    chat.say(f"/detentie {CODE} vrij 03-12-2026", user="reclassering")
    assert len([m for m in chat.deliver() if m.text.startswith("ONVERWACHTE")]) == 4
    answer = chat.say(f"/detentie {CODE} vrij 04-12-2026", user="procesmanager")
    assert "gecorrigeerd: 03-12-2026 → 04-12-2026. 4 collega's ingelicht" in answer
    told = about_the_case(chat)
    assert len(told) == 4 and all(text.startswith("Correctie:") for _, text in told)
    assert (
        "Komende vrijlatingsherinneringen: 27-11-2026 09:00, 03-12-2026 09:00, 04-12-2026 09:00"
        in chat.say(f"/detentie {CODE}", user="procesmanager")
    )
    chat.clock.set(DEFAULT_NOW + timedelta(hours=1))  # the re-alert names the corrected date
    [again] = chat.deliver()
    assert "(04-12-2026) opgepakt" in again.text


def test_reported_before_nine_on_the_release_day_the_days_own_reminder_is_not_sent(chat: Chat) -> None:
    chat.clock.set(datetime(2026, 11, 26, 6, 30, tzinfo=UTC))  # 07:30 in Amsterdam
    register(chat, release="27-11-2026")
    chat.say(f"/detentie {CODE} vrij", user="procesmanager")
    assert len([m for m in chat.deliver() if m.text.startswith("ONVERWACHTE")]) == 4
    chat.clock.set(datetime(2026, 11, 26, 8, 0, tzinfo=UTC))  # 09:00: the release-day rung's time
    sent = [text for _, text in about_the_case(chat)]
    assert sent and all(text.startswith("Nog niemand heeft") for text in sent)  # only the re-alert
    chat.clock.set(datetime(2026, 11, 27, 8, 0, tzinfo=UTC))  # the day after: not "over 1 dag" either
    assert [text for _, text in about_the_case(chat) if text.startswith(("Vrijlating", "Vandaag"))] == []


def test_a_release_marks_the_detention_released_and_a_new_one_can_be_registered(chat: Chat) -> None:
    register(chat)
    chat.say(f"/detentie {CODE} vrij", user="reclassering")
    [detention] = detentions(chat)
    assert detention.released is True
    shown = chat.say(f"/detentie {CODE}", user="procesmanager")
    assert "tot de vrijlating op 26-11-2026" in shown
    assert "Onverwachte vrijlating, gemeld door Joost van Leeuwen op 26-11-2026 10:00" in shown
    assert "26-11-2026" in chat.say(f"/nazorg {CODE}", user="procesmanager")  # nazorg goes on
    register(chat, start="26-11-2026", release="26-02-2027")  # detained again
    assert [d.released for d in detentions(chat)] == [True, False]


def test_a_passed_release_date_ends_the_detention(chat: Chat) -> None:
    register(chat, release="30-11-2026")
    chat.clock.set(datetime(2026, 11, 30, 12, 0, tzinfo=UTC))  # the release day: still in detention
    assert "verwachte vrijlating 30-11-2026" in chat.say(f"/detentie {CODE}", user="procesmanager")
    chat.clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))  # the day after
    assert "tot de vrijlating op 30-11-2026" in chat.say(f"/detentie {CODE}", user="procesmanager")
    assert [d.released for d in detentions(chat)] == [True]
    register(chat, start="01-12-2026", release="01-03-2027")  # refused before: "staat al een detentie"
    assert [d.released for d in detentions(chat)] == [True, False]


def test_a_new_detention_releasing_in_14_days_says_14_days_not_28(chat: Chat) -> None:
    reply = chat.say(
        f"/detentie {CODE} 01-11-2026 10-12-2026 gevangenisstraf PI Rivierland", user="procesmanager"
    )
    assert reply.startswith("Detentie vastgelegd")
    alerts = [text for _, text in about_the_case(chat) if text.startswith("Vrijlating over")]
    assert alerts and all(text.startswith("Vrijlating over 14 dagen:") for text in alerts)


def test_a_release_brought_forward_to_10_days_away_says_10_days_not_14(chat: Chat) -> None:
    register(chat, release="24-12-2026")  # T-28 is today: "over 28 dagen"
    chat.clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
    assert "naar 10-12-2026" in chat.say(f"/detentie {CODE} datum 10-12-2026", user="procesmanager")
    alerts = [text for _, text in about_the_case(chat) if text.startswith("Vrijlating over")]
    assert alerts and all(text.startswith("Vrijlating over 10 dagen:") for text in alerts)
    with chat.app.uow() as uow:  # the stored text (sent when the send-time refresh fails) says 10 too
        stored = [
            str(row.payload)
            for row in uow.session.exec(select(OutboxMessage)).all()
            if row.dedupe_key.startswith(f"release:{detentions(chat)[0].id}:T-14@")
        ]
    assert stored and all("'days': 10" in text for text in stored), stored
