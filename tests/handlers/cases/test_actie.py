# Tests of parsing and rendering alone run on SQLite only (sqlite_chat); whatever the database decides
# (visibility, races, the outbox, form state, the bad inputs of issue 4) runs on SQLite and Postgres (chat).
from tests.handlers.cases.cases_helpers import delivered_to
from tests.harness import Chat


def test_an_action_is_added_the_owner_told_and_listed(chat: Chat):
    chat.deliver()
    reply = chat.say(
        "/actie VH-2026-0001 Contact opnemen met de huisarts @ggz 15-12-2026", user="procesmanager"
    )
    assert (
        reply == "Actie #7 staat in het plan van VH-2026-0001 (J.d.V.): Lotte Bakker, uiterlijk 15-12-2026."
    )
    assert delivered_to(chat, "ggz") == [
        "Nieuwe actie #7 voor jou in casus VH-2026-0001: Contact opnemen met de huisarts"
        " — uiterlijk 15-12-2026 (van Anouk de Wit)."
    ]
    assert "#7 Contact opnemen met de huisarts — Lotte Bakker, uiterlijk 15-12-2026" in chat.say(
        "/casus VH-2026-0001 acties", user="wijkagent"
    )
    assert "#7 VH-2026-0001 (J.d.V.): Contact opnemen met de huisarts" in chat.say("/mijn", user="ggz")


def test_deadline_words_are_understood(sqlite_chat: Chat):
    chat = sqlite_chat
    reply = chat.say("/action VH-2026-0001 Bellen @wijkagent volgende week vr", user="regisseur")
    assert "uiterlijk 04-12-2026" in reply


def test_bad_action_input_is_refused(chat: Chat):
    chat.as_member("procesmanager").verify_dialog(
        [
            ("/actie", "Gebruik: /actie CODE TEKST @eigenaar DEADLINE"),
            ("/actie VH-2026-0001 Bellen morgen", "Gebruik: /actie"),
            ("/actie VH-2026-0001 @regisseur 15-12-2026", "Gebruik: /actie"),
            ("/actie VH-2026-0001 Bellen @regisseur 31-02-2026", "31-02-2026"),
            ("/actie VH-2026-0001 Bellen @regisseur 01-11-2026", "ligt in het verleden"),
            ("/actie VH-2026-0001 Bellen @woonstede 15-12-2026", "Daan Peters is geen deelnemer"),
            ("/actie VH-2026-0099 Bellen @regisseur 15-12-2026", "niet gevonden of geen toegang"),
            ("/actie VH-2026-0005 Bellen @regisseur 15-12-2026", "niet gevonden of geen toegang"),
            ("/actie klaar abc", "Gebruik: /actie"),
        ]
    )
    assert "te lang" in chat.say(
        f"/actie VH-2026-0001 {'x' * 501} @regisseur 15-12-2026", user="procesmanager"
    )


def test_the_owner_marks_an_action_done_once(chat: Chat):
    chat.as_member("reclassering").verify_dialog(
        [
            ("/actie klaar 2", "Actie #2 van VH-2026-0001 (J.d.V.) is afgerond."),
            ("/actie klaar 2", "Actie #2 was al afgerond."),
        ]
    )
    assert "actie #2 afgerond" in chat.say("/casus VH-2026-0001", user="procesmanager")


def test_others_may_not_mark_an_action_done_and_foreign_ids_read_as_unknown(chat: Chat):
    assert "alleen de eigenaar of de regiehouder" in chat.say("/actie klaar 2", user="wijkagent")
    assert "Actie #1 van VH-2026-0001" in chat.say("/actie klaar 1", user="procesmanager")  # regie holder
    assert chat.say("/actie klaar 2", user="woonstede") == "Actie 2 niet gevonden of geen toegang."
    assert chat.say("/actie klaar 999", user="woonstede") == "Actie 999 niet gevonden of geen toegang."
