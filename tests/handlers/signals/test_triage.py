# Tests of parsing and rendering alone run on SQLite only (sqlite_chat); whatever the database decides
# (visibility, races, the outbox, form state, the bad inputs of issue 4) runs on SQLite and Postgres (chat).
from sqlmodel import select

from storage.cases.tables import Case, RegieKind
from tests.handlers.cases.cases_helpers import delivered_to, last_signal_id, submit_signal
from tests.harness import Chat


def test_queue_shows_acuut_first_then_hoog_then_normaal_with_a_button_per_outcome(chat: Chat):
    replies = chat.send("/triage", user="procesmanager")
    assert "Triagewachtrij: 3 nieuwe signalen" in replies[0].text
    items = replies[1:]
    assert [r.text.split(" · ")[1] for r in items] == ["acuut", "hoog", "normaal"]
    assert "Ruud Hendriks (05-01-1970)" in items[0].text and "Omschrijving:" in items[0].text
    values = [b.value for b in items[0].buttons]
    assert len(values) == 9 and values[0] == "8:topx" and all(len(v.encode()) <= 64 for v in values)


def test_only_procesmanagers_may_triage(sqlite_chat: Chat):
    chat = sqlite_chat
    assert "Je hebt geen toegang tot /triage" in chat.say("/triage", user="wijkagent")
    assert "niet voor jouw rol" in "\n".join(
        o.text for o in chat.press("triage.decide", "7:topx", user="wijkagent")
    )


def test_in_a_group_the_queue_shows_initials_only(sqlite_chat: Chat):
    chat = sqlite_chat
    text = chat.say("/triage", user="procesmanager", group="triage-groep")
    assert "R.H." in text and "Ruud Hendriks" not in text and "Omschrijving" not in text
    assert "Mogelijk bekend" not in text and "VH-2026-0001" not in text  # issue 16: never in a group


def test_a_case_outcome_opens_a_case_with_procesregie_and_tells_the_aanmelder_its_code(chat: Chat):
    chat.deliver()
    submit_signal(chat, user="wijkagent")
    signal_id = last_signal_id(chat)
    reply = "\n".join(o.text for o in chat.press("triage.decide", f"{signal_id}:topx", user="procesmanager2"))
    assert f"Signaal S-{signal_id}: top-X/casusoverleg. Casus VH-2026-0006 is geopend" in reply
    feedback = delivered_to(chat, "wijkagent")
    assert feedback == [
        f"Terugkoppeling op je signaal S-{signal_id}: top-X/casusoverleg."
        " Er is casus VH-2026-0006 geopend; je bent deelnemer."
    ]
    with chat.app.uow() as uow:
        case = uow.session.exec(select(Case).where(Case.code == "VH-2026-0006")).one()
        assert case.id is not None and case.status == "aangemeld" and case.initials == "E.S."
        holder = uow.regie.current(case.id)[RegieKind.PROCESREGIE]
        assert uow.members.get(holder.member_id).name == "Sander Vos"  # type: ignore[union-attr]
    assert "Eva Smit" in chat.say("/casus VH-2026-0006", user="wijkagent")


def test_a_non_case_outcome_asks_a_reason_and_sends_it_back(chat: Chat):
    chat.deliver()
    submit_signal(chat, user="woonstede")
    signal_id = last_signal_id(chat)
    asked = "\n".join(
        o.text for o in chat.press("triage.decide", f"{signal_id}:voorliggend", user="procesmanager")
    )
    assert "Korte reden" in asked
    done = chat.say("Woningcorporatie pakt het op met het wijkteam.", user="procesmanager")
    assert f"Signaal S-{signal_id} is beoordeeld: voorliggend veld" in done
    assert delivered_to(chat, "woonstede") == [
        f"Terugkoppeling op je signaal S-{signal_id}: voorliggend veld."
        " Reden: Woningcorporatie pakt het op met het wijkteam."
    ]


def test_deciding_from_the_command_line_needs_a_reason_for_non_case_outcomes(sqlite_chat: Chat):
    chat = sqlite_chat
    chat.as_member("procesmanager").verify_dialog(
        [
            ("/triage S-7 afgewezen", "hoort een korte reden"),
            ("/triage S-7 misschien iets", "De uitkomst 'misschien' ken ik niet"),
            ("/triage S-999 afgewezen geen zorgen", "Signaal S-999 bestaat niet"),
            ("/triage S-7 informatie+ advies gegeven aan de GGZ", "beoordeeld: informatie+"),
        ]
    )


def test_two_procesmanagers_deciding_the_same_signal_one_wins_the_other_hears_who_and_what(chat: Chat):
    first = chat.press("triage.decide", "7:hg", user="procesmanager")
    assert "Casus VH-2026-0006 is geopend" in first[0].text
    second = "\n".join(o.text for o in chat.press("triage.decide", "7:topx", user="procesmanager2"))
    assert second == "Signaal S-7 is al beoordeeld door Anouk de Wit: huiselijk geweld."
    late = "\n".join(o.text for o in chat.press("triage.decide", "7:afgewezen", user="procesmanager2"))
    assert "al beoordeeld door Anouk de Wit" in late
    with chat.app.uow() as uow:
        assert uow.cases.by_code("VH-2026-0007") is None


def test_a_known_person_is_linked_to_the_open_case_and_the_aanmelder_is_not_told_its_code(chat: Chat):
    chat.deliver()
    reply = "\n".join(o.text for o in chat.press("triage.decide", "6:topx", user="procesmanager"))
    assert "gekoppeld aan de bestaande casus VH-2026-0001" in reply
    feedback = delivered_to(chat, "woonstede")
    assert len(feedback) == 1 and "in behandeling genomen" in feedback[0] and "VH-" not in feedback[0]
    assert "nieuw signaal S-6" in chat.say("/casus VH-2026-0001", user="procesmanager")
    assert "niet gevonden of geen toegang" in chat.say("/casus VH-2026-0001", user="woonstede")


def test_linking_a_signal_about_a_known_person_does_not_list_them_twice(chat: Chat):
    chat.press("triage.decide", "6:topx", user="procesmanager")
    text = chat.say("/casus VH-2026-0001", user="procesmanager")
    assert text.count("Jan de Vries") == 1, text
    with chat.app.uow() as uow:
        case = uow.cases.by_code("VH-2026-0001")
        assert case is not None and case.id is not None
        assert [s.name for s in uow.cases.subjects(case.id)] == ["Jan de Vries"]


def test_empty_queue(sqlite_chat: Chat):
    chat = sqlite_chat
    for ref, outcome in (("S-6", "informatie x"), ("S-7", "afgewezen y"), ("S-8", "informatie z")):
        chat.say(f"/triage {ref} {outcome}", user="procesmanager")
    assert "geen nieuwe signalen" in chat.say("/triage", user="procesmanager")


def test_a_decision_made_while_typing_a_reason_is_reported_and_closes_the_form(chat: Chat):
    chat.press("triage.decide", "7:afgewezen", user="procesmanager")
    chat.say("/triage S-7 informatie advies gegeven", user="procesmanager2")
    late = chat.say("Geen rol voor het Veiligheidshuis.", user="procesmanager")
    assert late == "Signaal S-7 is al beoordeeld door Sander Vos: informatie."
    assert "Ik begrijp alleen opdrachten" in chat.say("nog een reden", user="procesmanager")


def test_the_reason_form_counts_only_the_question_it_asks(sqlite_chat: Chat):
    (_started, prompt) = sqlite_chat.press("triage.decide", "7:afgewezen", user="procesmanager")
    assert prompt.text.startswith("(1/1) "), prompt.text  # signal and outcome were filled in, not asked
