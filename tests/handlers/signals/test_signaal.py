# Tests of parsing and rendering alone run on SQLite only (sqlite_chat); whatever the database decides
# (visibility, races, the outbox, form state, the bad inputs of issue 4) runs on SQLite and Postgres (chat).
from datetime import timedelta

from tests.handlers.cases.cases_helpers import SIGNAL, delivered_to, signals, submit_signal
from tests.harness import Chat


def test_signal_form_step_by_step_confirms_with_a_reference_and_a_double_tap_creates_one(chat: Chat):
    before = len(signals(chat))
    chat.as_member("wijkagent").verify_dialog(
        [
            ("/signaal", "Naam van de betrokkene"),
            ("Eva Smit", "Geboortedatum"),
            ("03-04-1992", "Andere leden van het huishouden"),
            ("Tom Smit 01-01-2016; Lisa Smit", "Gemeente"),
            ("Waterdam", "Zorgen"),
            ("overlast", "Zorgen"),
            ("klaar", "Urgentie"),
            ("hoog", "Korte omschrijving"),
            ("Fictief: de kinderen zijn vaak alleen thuis.", "Weet de betrokkene"),
            ("nee", "Eva Smit"),
        ]
    )
    first = "\n".join(o.text for o in chat.press("form.submit"))
    assert "Je signaal is ontvangen onder referentie S-" in first
    second = "\n".join(o.text for o in chat.press("form.submit"))
    assert "ontvangen" not in second
    assert len(signals(chat)) == before + 1
    with chat.app.uow() as uow:
        signal = signals(chat)[-1]
        assert signal.id is not None
        people = [
            (s.name, s.birth_date and s.birth_date.isoformat()) for s in uow.signals.subjects(signal.id)
        ]
    assert people == [("Eva Smit", "1992-04-03"), ("Tom Smit", "2016-01-01"), ("Lisa Smit", None)]
    assert signal.urgency == "hoog" and signal.categories == ["overlast"] and signal.subject_informed is False


def test_acute_signal_alerts_every_procesmanager_at_once(chat: Chat):
    chat.deliver()  # nothing from the demo data should be waiting
    reply = submit_signal(chat, urgency="acuut")
    assert "alle procesmanagers zijn direct gewaarschuwd" in reply
    sent = chat.deliver()
    alerted = sorted(m.user_id or "" for m in sent if "ACUUT signaal" in m.text)
    assert alerted == ["procesmanager", "procesmanager2"]
    assert all("E.S." in m.text and "Eva Smit" not in m.text for m in sent)


def test_a_normal_signal_alerts_nobody(sqlite_chat: Chat):
    chat = sqlite_chat
    chat.deliver()
    submit_signal(chat)
    assert [m for m in chat.deliver() if "ACUUT" in m.text] == []


def test_known_person_is_shown_to_procesmanagers_and_never_to_the_aanmelder(chat: Chat):
    reply = submit_signal(chat, user="woonstede", name="jan DE  vries", birth_date="12-03-1985")
    assert "VH-" not in reply
    # a known person is a mutatie (issue 10): it goes to the case's regie, see test_mutatie.py
    sent = chat.deliver()
    assert [m.user_id for m in sent if "Mutatie op VH-2026-0001" in m.text] == ["procesmanager", "regisseur"]
    assert "jan DE vries" not in chat.say("/triage", user="procesmanager")


def test_a_different_birth_date_is_not_a_match(chat: Chat):
    submit_signal(chat, name="Jan de Vries", birth_date="13-03-1985", description="Fictief: ander persoon.")
    queue = chat.say("/triage", user="procesmanager")
    item = next(part for part in queue.split("\nS-") if "13-03-1985" in part)
    assert "Mogelijk bekend" not in item


def test_impossible_and_future_birth_dates_are_refused_and_the_form_keeps_the_name(chat: Chat):
    chat.as_member("wijkagent").verify_dialog(
        [
            ("/signaal", "Naam van de betrokkene"),
            ("Eva Smit", "Geboortedatum"),
            ("31-02-2026", "Geboortedatum"),
            ("01-01-2030", "geboortedatum kan niet in de toekomst"),
            ("02-01-1990", "Andere leden"),
            ("Tom Smit 30-02-2015", "Andere leden"),
            ("Tom Smit 28-02-2015", "Gemeente"),
        ]
    )
    again = chat.say("31-02-2026")  # the gemeente is free text: accepted, the form goes on
    assert "Zorgen" in again
    with chat.app.uow() as uow:
        member = uow.members.by_handle("wijkagent")
        assert member is not None and member.id is not None
        state = uow.forms.current("console", "wijkagent", member.id)
        assert state is not None
        assert state.values["name"] == "Eva Smit" and state.values["birth_date"] == "1990-01-02"


def test_impossible_date_reply_names_the_problem(sqlite_chat: Chat):
    chat = sqlite_chat
    chat.as_member("wijkagent")
    chat.say("/signaal")
    chat.say("Eva Smit")
    reply = chat.say("31-02-2026")
    assert "De datum '31-02-2026' bestaat niet" in reply and "(2/8) Geboortedatum" in reply


def test_a_birth_date_before_1900_is_out_of_range_not_impossible(sqlite_chat: Chat):
    chat = sqlite_chat
    chat.as_member("wijkagent")
    chat.say("/signaal")
    chat.say("Eva Smit")
    reply = chat.say("01-01-1850")
    assert "De datum '01-01-1850' valt buiten het bereik 1900–2200" in reply and "bestaat niet" not in reply
    assert "(2/8) Geboortedatum" in reply


def test_empty_names_and_a_too_long_description_are_refused(chat: Chat):
    chat.as_member("wijkagent")
    chat.say("/signaal")
    assert "Naam van de betrokkene" in chat.say("   ")
    assert "geen naam" in chat.say("1234")
    for answer in ("Eva Smit", "-", "-", "Waterdam", "overlast", "klaar", "normaal"):
        chat.say(answer)
    too_long = chat.say("x" * 2001)
    assert "te lang" in too_long and "2001" in too_long and "Korte omschrijving" in too_long
    assert "Weet de betrokkene" in chat.say("y" * 2000)


def test_a_double_submitted_modal_creates_one_signal(chat: Chat):
    before = len(signals(chat))
    first = submit_signal(chat)
    second = submit_signal(chat)
    assert len(signals(chat)) == before + 1
    ref = first.split("referentie ")[1].split(".")[0]
    assert ref in second
    chat.clock.advance(timedelta(hours=1))
    submit_signal(chat)  # the same text an hour later is a new report
    assert len(signals(chat)) == before + 2


def test_a_modal_with_bad_fields_names_each_and_saves_nothing(chat: Chat):
    before = len(signals(chat))
    replies = chat.submit(
        "signaal.new", {**SIGNAL, "name": " ", "birth_date": "31-02-2026", "description": "x" * 2001}
    )
    form = replies[0].form
    assert form is not None and set(form.errors) == {"name", "birth_date", "description"}
    assert len(signals(chat)) == before


def test_signal_in_english(sqlite_chat: Chat):
    chat = sqlite_chat
    chat.say("/taal en", user="wijkagent")
    assert "Name of the person" in chat.say("/signal", user="wijkagent")
    assert delivered_to(chat, "wijkagent") == []


def test_typing_what_a_button_says_is_accepted_in_either_language(sqlite_chat: Chat):
    chat = sqlite_chat.as_member("wijkagent")
    chat.verify_dialog(
        [
            ("/signaal", "Naam van de betrokkene"),
            ("Eva Smit", "Geboortedatum"),
            ("-", "Andere leden"),
            ("-", "Gemeente"),
            ("Waterdam", "Zorgen"),
            ("huiselijk geweld", "Zorgen"),
            ("nuisance", "Zorgen"),
            ("domestic violence", "Zorgen"),  # a second press of the same choice takes it off again
            ("Domestic violence", "Zorgen"),
            ("klaar", "Urgentie"),
            ("heel erg", "'heel erg' is geen van de keuzes (normaal, hoog, acuut)"),
            ("acute", "Korte omschrijving"),
        ]
    )
    chat.say("Fictief: de buren horen geschreeuw.")
    chat.say("nee")
    chat.press("form.submit")
    signal = signals(chat)[-1]
    assert signal.categories == ["overlast", "huiselijk_geweld"] and signal.urgency == "acuut"
