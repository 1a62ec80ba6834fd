import pytest

from bot.app import GROUPS
from tests.harness import Chat

COMMANDS = [c for g in GROUPS for c in g.commands if not c.hidden]


def test_help_lists_commands_in_the_members_language(chat: Chat):
    dutch = chat.say("/help", user="wijkagent")
    assert "Wat je met ketenbot kunt doen" in dutch and "/taal" in dutch
    chat.say("/taal en", user="wijkagent")
    english = chat.say("/help", user="wijkagent")
    assert "What you can do with ketenbot" in english and "your own profile" in english


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name)
def test_every_command_is_listed_in_help_for_a_role_that_may_use_it(sqlite_chat: Chat, command):
    handle = "beheerder" if command.may_use is None else "procesmanager"  # may_use: a procesmanager may
    if command.roles is not None:
        handle = {
            "partner": "wijkagent",
            "procesmanager": "procesmanager",
            "voorzitter": "voorzitter",
            "beheerder": "beheerder",
        }[sorted(command.roles)[0]]
    assert f"/{command.name}" in sqlite_chat.say("/help", user=handle)


@pytest.mark.parametrize("command", [c for c in COMMANDS if c.needs_args], ids=lambda c: c.name)
def test_every_bare_command_that_needs_arguments_answers_with_its_usage(sqlite_chat: Chat, command):
    handle = (
        "beheerder"
        if command.roles is None
        else {
            "partner": "wijkagent",
            "procesmanager": "procesmanager",
            "voorzitter": "voorzitter",
            "beheerder": "beheerder",
        }[sorted(command.roles)[0]]
    )
    reply = sqlite_chat.say(f"/{command.name}", user=handle)
    assert reply.startswith("Gebruik:"), reply


def test_help_hides_commands_the_role_may_not_use(sqlite_chat: Chat):
    restricted = [c for c in COMMANDS if c.roles is not None and "partner" not in c.roles]
    text = sqlite_chat.say("/help", user="wijkagent")
    for command in restricted:
        assert f"\n/{command.name} " not in text


def test_unknown_command_suggests_the_closest(chat: Chat):
    chat.as_member("procesmanager").verify_dialog(
        [
            ("/hepl", "Bedoelde je /help?"),
            ("/xyzzy", "De opdracht /xyzzy ken ik niet"),
        ]
    )


def test_plain_text_in_a_direct_chat_gets_a_hint_and_in_a_group_nothing(chat: Chat):
    assert "Typ /help" in chat.say("hallo", user="procesmanager")
    assert chat.send("hallo", user="procesmanager", group="triage-groep") == []


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name)
def test_every_command_has_a_help_text_in_both_languages(command):
    from bot.app import load_catalogue

    catalogue = load_catalogue()
    assert command.description is not None
    for language in ("nl", "en"):
        assert catalogue.has(command.description.key, language), (command.name, language)


REGIE_COMMANDS = ("/detentie", "/huisverbod", "/scenario")


def listed(text: str) -> set[str]:
    return {line.split()[0] for line in text.splitlines() if line.startswith("/")}


def test_help_lists_regie_commands_only_to_members_who_may_use_them(chat: Chat):
    """Issue 17: a partner without regie anywhere is not shown the commands only regie holders can use."""
    without = listed(chat.say("/help", user="wijkagent"))  # a partner, deelnemer, no regie
    assert "/huisverbod" not in without
    assert {"/detentie", "/scenario"} <= without  # a deelnemer views them and reports vrij (README)
    assert {"/casus", "/regie", "/signaal", "/nazorg"} <= without  # what a deelnemer uses stays
    holder = listed(chat.say("/help", user="regisseur"))  # a partner with casusregie on VH-2026-0001
    assert set(REGIE_COMMANDS) <= holder
    manager = listed(chat.say("/help", user="procesmanager2"))  # the role allows them
    assert set(REGIE_COMMANDS) <= manager and "/triage" in manager
    stranger = chat.say("/help", user="onbekend-nummer")
    assert "aanmelden" in stranger.lower() and not listed(stranger)


def test_a_partner_sees_the_regie_commands_once_they_hold_regie(sqlite_chat: Chat):
    chat = sqlite_chat
    assert "/huisverbod" not in listed(chat.say("/help", user="ggz"))
    from storage.cases.tables import RegieKind

    with chat.app.uow() as uow:
        ggz = uow.members.by_handle("ggz")
        case = uow.cases.by_code("VH-2026-0001")
        assert ggz is not None and ggz.id is not None and case is not None and case.id is not None
        uow.regie.assign(case.id, RegieKind.CASUSREGIE, ggz.id, ggz.organisation_id, chat.clock.now())
        uow.commit()
    assert set(REGIE_COMMANDS) <= listed(chat.say("/help", user="ggz"))


def line_of(text: str, command: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(f"/{command} "))


def test_help_lists_sub_commands_only_to_members_who_may_use_them(chat: Chat):
    """A black-box finding: every partner saw "/casus … opschalen, sluiten, heropenen", "/overleg …
    plannen" and (not) "/detentie" regardless of what they could do with it; now each line says what this
    member may use: a deelnemer views and reports, regie records, procesregie and chairs do the rest."""
    partner = chat.say("/help", user="wijkagent")  # deelnemer of open cases, no regie, no chair
    assert line_of(partner, "casus").endswith("samenvatting, tijdlijn en plan van een casus")
    assert line_of(partner, "overleg").endswith("je overleggen, aanmelden")
    assert line_of(partner, "detentie").endswith("een onverwachte vrijlating melden (vrij)")
    assert line_of(partner, "scenario").endswith("het scenario bij een onverwachte vrijlating bekijken")
    regisseur = chat.say("/help", user="regisseur")  # casusregie on VH-2026-0001, no procesregie
    assert "drang/dwang" in line_of(regisseur, "casus") and "sluiten" not in line_of(regisseur, "casus")
    assert "vastleggen" in line_of(regisseur, "detentie") and "plannen" not in line_of(regisseur, "overleg")
    manager = chat.say("/help", user="procesmanager")
    assert "opschalen, afschalen, sluiten, heropenen" in line_of(manager, "casus")
    assert "een overleg plannen" in line_of(manager, "overleg")
    assert "het scenario vastleggen" in line_of(manager, "scenario")
