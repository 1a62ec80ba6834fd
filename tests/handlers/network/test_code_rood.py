"""Code rood: an acute huiselijk-geweld signal offers a one-tap same-day HG-overleg (planned once)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlmodel import select

from handlers.network.code_rood import same_day_slot
from storage.meetings.tables import Invitee, Meeting
from storage.network.escalation import CodeRood
from tests.handlers.cases.cases_helpers import last_signal_id, submit_signal
from tests.handlers.network.network_helpers import texts
from tests.harness import Chat

TZ = ZoneInfo("Europe/Amsterdam")


def _acute_hg(chat: Chat) -> int:
    submit_signal(chat, categories="huiselijk_geweld", urgency="acuut", user="veiligthuis")
    return last_signal_id(chat)


def _meetings(chat: Chat) -> list[Meeting]:
    with chat.app.uow() as uow:
        return list(uow.session.exec(select(Meeting).where(Meeting.kind == "hg")).all())


def test_the_acute_alert_carries_the_button_only_for_huiselijk_geweld(chat: Chat):
    chat.deliver()
    signal_id = _acute_hg(chat)
    alerts = [m for m in chat.deliver() if m.user_id == "procesmanager"]
    assert len(alerts) == 1 and "Code rood" in alerts[0].text
    assert [(b.id, b.value) for b in alerts[0].buttons] == [("coderood.plan", f"{signal_id}@202611261000")]
    assert [b.label for b in alerts[0].buttons] == ["HG-overleg plannen: vandaag 11:00"]
    submit_signal(chat, categories="overlast", urgency="acuut", description="Fictief: ander acuut signaal.")
    other = [m for m in chat.deliver() if m.user_id == "procesmanager"]
    assert len(other) == 1 and not other[0].buttons and "Code rood" not in other[0].text


def test_one_tap_plans_a_same_day_hg_overleg_with_veilig_thuis_politie_and_gemeente(chat: Chat):
    signal_id = _acute_hg(chat)
    chat.deliver()
    replies = chat.press("coderood.plan", str(signal_id), user="procesmanager")
    reply = texts(replies)
    # Thursday 26-11-2026 10:00 local: the next whole hour at least an hour ahead is 11:00
    assert "HG-overleg gepland op 26-11-2026 11:00" in reply
    assert any(r.file is not None and r.file.name.endswith(".ics") for r in replies)
    (meeting,) = _meetings(chat)
    assert meeting.start_at == datetime(2026, 11, 26, 10, 0, tzinfo=UTC) and meeting.duration_minutes == 60
    with chat.app.uow() as uow:
        invited = {
            i.member_id for i in uow.session.exec(select(Invitee).where(Invitee.meeting_id == meeting.id))
        }
        names = {uow.members.get(m).name for m in invited}  # type: ignore[union-attr]
    # politie (Bram), gemeente (Marieke, Fatima), Veilig Thuis (Iris) and the chair (Anouk)
    assert names == {"Anouk de Wit", "Bram Kuipers", "Marieke Hoekstra", "Fatima el Idrissi", "Iris Mulder"}
    invites = [m for m in chat.deliver() if m.user_id == "wijkagent" and m.file is not None]
    assert invites and any(b.id.startswith("overleg.") for b in invites[0].buttons)


def test_a_double_tap_plans_one_meeting(chat: Chat):
    signal_id = _acute_hg(chat)
    chat.press("coderood.plan", str(signal_id), user="procesmanager")
    second = texts(chat.press("coderood.plan", str(signal_id), user="procesmanager2"))
    assert "al een HG-overleg gepland door Anouk de Wit" in second
    assert len(_meetings(chat)) == 1
    with chat.app.uow() as uow:
        (row,) = uow.session.exec(select(CodeRood)).all()
        assert row.meeting_id == _meetings(chat)[0].id


def test_partners_cannot_press_and_stale_values_are_refused(chat: Chat):
    signal_id = _acute_hg(chat)
    assert "Code rood" not in texts(chat.press("coderood.plan", str(signal_id), user="wijkagent"))
    assert "gepland" not in texts(chat.press("coderood.plan", "999", user="procesmanager"))
    assert _meetings(chat) == []


def test_the_slot_keeps_to_office_hours_and_working_days():
    def at(local: str) -> str:
        now = datetime.fromisoformat(local).replace(tzinfo=TZ)
        return same_day_slot(now.astimezone(UTC), TZ).astimezone(TZ).strftime("%a %d %H:%M")

    assert at("2026-11-26T10:00") == "Thu 26 11:00"
    assert at("2026-11-26T10:01") == "Thu 26 12:00"
    assert at("2026-11-26T07:30") == "Thu 26 09:00"
    assert at("2026-11-26T15:00") == "Thu 26 16:00"
    assert at("2026-11-26T15:01") == "Fri 27 09:00"
    assert at("2026-11-27T18:00") == "Mon 30 09:00"
    assert at("2026-11-28T10:00") == "Mon 30 09:00"
    assert at("2026-12-24T16:30") == "Mon 28 09:00"  # Christmas and Boxing Day, then the weekend
