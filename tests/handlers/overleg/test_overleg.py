"""/overleg: planning (form, bad input), invites with RSVP buttons and .ics, RSVP, reminders, lists."""

from __future__ import annotations

from datetime import UTC, datetime

from storage.meetings.tables import Rsvp
from storage.models import OutboxStatus
from tests.handlers.overleg.overleg_helpers import event_of, meetings, member_id, method_of, plan, rows
from tests.harness import Chat


def test_a_planned_series_invites_each_invitee_with_rsvp_buttons_and_an_ics(chat: Chat) -> None:
    answer = plan(chat)
    assert "MDO/casusoverleg #3 is gepland; 4 genodigden" in answer
    sent = chat.deliver()
    invites = [m for m in sent if m.text.startswith("Uitnodiging voor MDO/casusoverleg #3")]
    assert sorted(m.user_id or "" for m in invites) == ["ggz", "reclassering", "regisseur", "wijkagent"]
    for message in invites:
        assert [b.value for b in message.buttons] == ["3:ja", "3:nee", "3:vervanger"]
        assert all(len(b.id.encode()) + len(b.value.encode()) <= 64 for b in message.buttons)
        assert message.file is not None and message.file.mime == "text/calendar"
        assert method_of(message.file.data) == "REQUEST"
        event = event_of(message.file.data)
        assert event["RRULE"]["FREQ"] == ["WEEKLY"]
        assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
        assert "VH-2026-0001" in str(event["DESCRIPTION"]) and "Jan" not in str(event["DESCRIPTION"])
    # 4 Tuesdays x 5 invitees (the chair counts as 'ja') x (24 h + 1 h), plus the chair's warnings for the
    # casusregisseur who has not answered yet (one per occurrence).
    reminders = rows(chat, "meeting:3:")
    assert len([r for r in reminders if ":T-24h:" in r.dedupe_key]) == 20
    assert len([r for r in reminders if ":T-1h:" in r.dedupe_key]) == 20
    warnings = [r for r in reminders if ":open-24h:" in r.dedupe_key]
    assert {r.due_at for r in warnings} >= {datetime(2026, 11, 30, 9, 0, tzinfo=UTC)}
    assert {r.member_id for r in warnings} == {member_id(chat, "procesmanager")}
    assert chat.deliver() == []  # nothing sent twice


def test_stepwise_planning_confirms_an_ambiguous_time_and_refuses_bad_answers(chat: Chat) -> None:
    chat.as_member("procesmanager")
    assert "(1/8) Soort overleg" in chat.say("/overleg plan")
    assert "(2/8)" in chat.say("1")
    assert "ligt in het verleden" in chat.say("25-11-2026 10:00")
    assert "Ik begrijp: do 26-11-2026 14:00 — klopt dat?" in chat.say("14:00")
    assert "(3/8)" in chat.say("ja")
    assert "Het einde ligt vóór" in chat.say("11:30")
    assert "Het einde ligt vóór" in chat.say("0")
    assert "(4/8)" in chat.say("15:30")
    assert "(5/8)" in chat.say("Online: https://video.example/vhh")
    assert "VH-99" in chat.say("VH-99")  # not a case code: asked again
    # a code the chair may not see (here: none such) is a request to its regie holders, never "not found"
    assert "(6/8)" in chat.say("VH-2026-0001, VH-2026-0099")
    assert "'@onbekend' is geen lid" in chat.say("@ggz, @onbekend")
    assert "(7/8)" in chat.say("Veilig Thuis Regio")
    summary = chat.say("1")  # a one-off meeting: not asked "Herhalen tot en met" (issue 17)
    assert "(8/8)" not in summary and "Herhalen tot en met" not in summary
    assert "do 26-11-2026 14:00" in summary and "Iris Mulder" in summary and "90" in summary
    assert "VH-2026-0001, VH-2026-0099 (verzoek aan de regiehouder)" in summary
    first = chat.press("form.submit")
    assert "#3 is gepland" in first[0].text and first[0].file is not None
    assert "VH-2026-0099: verzoek voorgelegd aan de regiehouder (als die casus bestaat)." in first[0].text
    second = chat.press("form.submit")  # a double tap
    assert "#3" not in second[0].text
    assert len(meetings(chat)) == 1
    assert meetings(chat)[0].duration_minutes == 90


def test_an_unparseable_date_and_a_whole_form_with_an_ambiguous_date_are_refused(chat: Chat) -> None:
    chat.as_member("procesmanager")
    chat.say("/overleg plan")
    chat.say("1")
    assert "begrijp" in chat.say("ergens volgende maand").lower()
    chat.say("/stop")
    refused = chat.submit("overleg.plan", {**_whole(), "start": "14:00"}, user="procesmanager")
    errors = refused[0].form.errors if refused[0].form else {}
    assert "Ik begrijp: do 26-11-2026 14:00" in errors["start"] and "voluit" in errors["start"]
    refused = chat.submit("overleg.plan", {**_whole(), "until": "01-11-2026"}, user="procesmanager")
    assert "ligt vóór het eerste overleg" in refused[0].text
    assert meetings(chat) == []


def _whole() -> dict[str, str]:
    from tests.handlers.overleg.overleg_helpers import PLAN

    return dict(PLAN)


def test_only_a_chair_or_procesmanager_may_plan(chat: Chat) -> None:
    chat.as_member("wijkagent")
    assert "Alleen een voorzitter of procesmanager" in chat.say("/overleg plan")
    assert "#3 is gepland" not in plan(chat, user="wijkagent")
    assert meetings(chat) == []
    assert "#3 is gepland" in plan(chat, user="voorzitter", cases="")


def test_a_declining_casusregisseur_warns_the_chair_and_reminders_follow_the_answer(chat: Chat) -> None:
    plan(chat)
    chat.deliver()
    regisseur = member_id(chat, "regisseur")
    mine = f":m{regisseur}:"
    assert len([r for r in rows(chat, "meeting:3:") if mine in r.dedupe_key]) == 12  # 8 reminders, 4 warnings
    chat.as_member("regisseur")
    assert "Genoteerd voor overleg #3: nee" in chat.press("overleg.rsvp", "3:nee")[0].text
    assert "stond al op: nee" in chat.press("overleg.rsvp", "3:nee")[0].text  # a double tap
    assert [r for r in rows(chat, "meeting:3:") if mine in r.dedupe_key] == []
    warned = [m for m in chat.deliver() if m.user_id == "procesmanager"]
    assert len(warned) == 1 and "Fatima el Idrissi (casusregisseur) komt niet" in warned[0].text
    assert "Genoteerd voor overleg #3: ja" in chat.press("overleg.rsvp", "3:ja")[0].text
    again = [r for r in rows(chat, "meeting:3:") if mine in r.dedupe_key]
    assert len(again) == 8 and all(":open-24h:" not in r.dedupe_key for r in again)
    chat.as_member("woonstede")
    assert "niet gevonden" in chat.press("overleg.rsvp", "3:ja")[0].text


def test_a_substitute_is_invited_and_reminders_arrive_24h_and_1h_before(chat: Chat) -> None:
    plan(chat, recurrence="none", until="")
    chat.deliver()
    chat.as_member("ggz")
    asked = "\n".join(o.text for o in chat.press("overleg.rsvp", "3:vervanger"))  # opens the member picker
    assert "Je stuurt een vervanger naar overleg #3 (de hele reeks)" in asked
    assert "Wie gaat er in jouw plaats? (@lid)" in asked and "Typ /overleg" not in asked
    assert "stuurt een vervanger" in chat.say("@veiligthuis")
    assert "'@niemand' is geen lid" in chat.say("/overleg 3 vervanger @niemand")  # typing still works
    invited = [m for m in chat.deliver() if m.user_id == "veiligthuis"]
    assert len(invited) == 1 and invited[0].file is not None
    chat.clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
    day_before = {m.user_id for m in chat.deliver() if m.text.startswith("Herinnering: morgen")}
    assert day_before == {"procesmanager", "wijkagent", "regisseur", "reclassering", "veiligthuis"}
    chat.clock.set(datetime(2026, 12, 1, 8, 0, tzinfo=UTC))
    hour_before = [m for m in chat.deliver() if m.text.startswith("Herinnering: over een uur")]
    assert len(hour_before) == 5 and "01-12-2026 10:00" in hour_before[0].text
    chat.as_member("procesmanager")
    overview = chat.say("/overleg 3")
    assert "Lotte Bakker: stuurt een vervanger" in overview and "Iris Mulder: nog geen antwoord" in overview


def test_the_list_shows_upcoming_meetings_with_my_answer(chat: Chat) -> None:
    chat.as_member("ggz")
    assert "geen komende overleggen" in chat.say("/overleg lijst")
    plan(chat)
    plan(chat, kind="hg", start="03-12-2026 13:00", cases="", recurrence="biweekly", until="")
    listed = chat.say("/overleg lijst")
    assert "#3 MDO/casusoverleg · 01-12-2026 10:00" in listed and "jouw antwoord: nog geen antwoord" in listed
    assert "#4" in listed
    chat.as_member("woonstede")
    assert "geen komende overleggen" in chat.say("/meeting list")
    assert "niet gevonden" in chat.say("/overleg 3")
    assert "Gebruik: /overleg plan" in chat.say("/overleg")


def test_rsvp_on_a_cancelled_meeting_is_refused(chat: Chat) -> None:
    plan(chat, recurrence="none", until="")
    chat.as_member("procesmanager")
    assert "Afgezegd: overleg #3 van 01-12-2026 10:00; 5 genodigden" in chat.say(
        "/overleg 3 afzeggen ziekte voorzitter"
    )
    assert rows(chat, "meeting:3:") == []
    assert len(rows(chat, "meeting:3:", OutboxStatus.CANCELLED)) > 0
    cancels = [m for m in chat.deliver() if "is afgezegd. Reden: ziekte voorzitter" in m.text]
    assert len(cancels) == 5
    assert cancels[0].file is not None
    assert method_of(cancels[0].file.data) == "CANCEL"
    assert str(event_of(cancels[0].file.data)["STATUS"]) == "CANCELLED"
    assert int(event_of(cancels[0].file.data)["SEQUENCE"]) == 1
    chat.as_member("ggz")
    assert "is afgezegd; aanmelden kan niet meer" in chat.press("overleg.rsvp", "3:ja")[0].text
    assert "is afgezegd" in chat.say("/overleg 3 vervanger @veiligthuis")
    chat.as_member("procesmanager")
    assert "is afgezegd" in chat.say("/overleg 3 afzeggen nogmaals")


def test_answers_are_stored_per_invitee_once(chat: Chat) -> None:
    plan(chat)
    chat.as_member("wijkagent")
    chat.press("overleg.rsvp", "3:ja")
    chat.press("overleg.rsvp", "3:ja")
    with chat.app.uow() as uow:
        invitees = uow.meetings.invitees(3)
        assert len(invitees) == 5
        mine = [i for i in invitees if i.member_id == member_id(chat, "wijkagent")]
        assert mine[0].rsvp == Rsvp.JA and mine[0].revision == 1


def test_the_demo_has_an_upcoming_triage_series_and_an_mdo(chat: Chat) -> None:
    chat.as_member("procesmanager2")
    listed = chat.say("/overleg lijst")
    assert (
        "#1 triage-overleg · 01-12-2026 10:00" in listed
        and "#2 MDO/casusoverleg · 03-12-2026 13:30" in listed
    )
    overview = chat.say("/overleg 2")
    assert "Agenda: VH-2026-0002" in overview and "Iris Mulder: nee" in overview
    assert "Signalen op de agenda (binnen vóór 30-11-2026 12:00)" in chat.say("/overleg 1")
    assert rows(chat, "meeting:") == [] and rows(chat, "meeting-note:") == []  # loading sends nobody anything
