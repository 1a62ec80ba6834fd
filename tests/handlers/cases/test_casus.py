# Tests of parsing and rendering alone run on SQLite only (sqlite_chat); whatever the database decides
# (visibility, races, the outbox, form state, the bad inputs of issue 4) runs on SQLite and Postgres (chat).
from storage.models import AuditEvent
from tests.handlers.cases.cases_helpers import delivered_to
from tests.harness import Chat


def audit_rows(chat: Chat, name: str) -> list[AuditEvent]:
    with chat.app.uow() as uow:
        return list(uow.audit.search(name=name))


def test_a_deelnemer_sees_summary_regie_deelnemers_and_timeline(chat: Chat):
    text = chat.say("/casus VH-2026-0001", user="wijkagent")
    for expected in (
        "Casus VH-2026-0001 — actief (top-X/casusoverleg)",
        "Betrokkenen: Jan de Vries (12-03-1985)",
        "Casusregie: Gemeente Waterdam — Fatima el Idrissi (@regisseur)",
        "Procesregie: Zorg- en Veiligheidshuis Rivierland — Anouk de Wit",
        "GGZ Rivierland (hele organisatie)",
        "Open acties: 2 (waarvan 1 te laat)",
        "geopend uit signaal S-1",
    ):
        assert expected in text, expected


def test_a_member_of_a_participating_organisation_sees_the_case(chat: Chat):
    assert "Casus VH-2026-0001 — actief" in chat.say("/case VH-2026-0001", user="ggz")


def test_unknown_and_foreign_cases_read_the_same_and_the_foreign_attempt_is_audited(chat: Chat):
    unknown = chat.say("/casus VH-2026-0999", user="woonstede")
    foreign = chat.say("/casus VH-2026-0001", user="woonstede")
    assert unknown == "Casus VH-2026-0999 niet gevonden of geen toegang."
    assert foreign == "Casus VH-2026-0001 niet gevonden of geen toegang."
    denied = [e for e in audit_rows(chat, "casus") if e.outcome == "denied"]
    with chat.app.uow() as uow:
        case = uow.cases.by_code("VH-2026-0001")
        assert case is not None
    assert [(e.case_id, e.detail) for e in denied] == [(None, "VH-2026-0999"), (case.id, "VH-2026-0001")]


def test_every_read_is_audited_with_the_case_id(chat: Chat):
    chat.say("/casus VH-2026-0001", user="wijkagent")
    chat.say("/casus VH-2026-0001 acties", user="wijkagent")
    with chat.app.uow() as uow:
        case = uow.cases.by_code("VH-2026-0001")
        assert case is not None
        reads = uow.audit.search(case_id=case.id)
    assert {e.name for e in reads} >= {"casus", "casus.actions"} and all(e.outcome == "ok" for e in reads)


def test_a_bad_code_is_explained(sqlite_chat: Chat):
    chat = sqlite_chat
    assert "is geen casuscode" in chat.say("/casus 42", user="wijkagent")
    assert chat.say("/casus", user="wijkagent").startswith("Gebruik: /casus CODE")


def test_in_a_group_only_code_and_initials_and_details_go_to_the_direct_chat(chat: Chat):
    replies = chat.send("/casus VH-2026-0001", user="wijkagent", group="triage-groep")
    assert replies[0].chat_id == "triage-groep"
    assert replies[0].text.startswith("VH-2026-0001 (J.d.V.)") and "Jan" not in replies[0].text
    assert replies[1].chat_id is None and replies[1].user_id == "wijkagent"
    assert "Jan de Vries" in replies[1].text


def test_procesregie_moves_the_status_along_the_lifecycle(chat: Chat):
    chat.as_member("procesmanager").verify_dialog(
        [
            ("/casus VH-2026-0003 opschalen", "Geef een reden"),
            ("/casus VH-2026-0003 opschalen besproken in triage", "is nu in triage"),
            ("/casus VH-2026-0003 opschalen plan van aanpak gemaakt", "is nu actief"),
            ("/casus VH-2026-0003 sluiten klaar", "Schaal de casus eerst af met /casus VH-2026-0003"),
            ("/casus VH-2026-0003 afschalen stabiel", "is nu afgeschaald"),
            ("/casus VH-2026-0003 opschalen terugval", "is nu actief"),
            ("/casus VH-2026-0003 afschalen stabiel", "is nu afgeschaald"),
            ("/casus VH-2026-0003 sluiten afgerond", "is nu gesloten"),
            ("/casus VH-2026-0003 opschalen opnieuw", "heropen de casus eerst met /casus VH-2026-0003"),
            ("/casus VH-2026-0003", "status afgeschaald → gesloten: afgerond"),
        ]
    )


def test_only_procesregie_changes_status_or_deelnemers(chat: Chat):
    chat.as_member("wijkagent").verify_dialog(
        [
            ("/casus VH-2026-0001 afschalen rustig", "Alleen wie de procesregie"),
            ("/casus VH-2026-0001 toevoegen @woonstede", "Alleen wie de procesregie"),
        ]
    )
    # procesmanager2 holds no regie on case 1 and is no deelnemer: it is not even visible
    assert "niet gevonden" in chat.say("/casus VH-2026-0001 afschalen rustig", user="procesmanager2")


def test_procesregie_adds_and_removes_members_and_organisations(chat: Chat):
    chat.as_member("procesmanager").verify_dialog(
        [
            ("/casus VH-2026-0001 toevoegen @woonstede", "Daan Peters is deelnemer van VH-2026-0001"),
            ("/casus VH-2026-0001 toevoegen @woonstede", "al deelnemer"),
            ("/casus VH-2026-0001 toevoegen Veilig Thuis Regio", "Veilig Thuis Regio is deelnemer"),
            ("/casus VH-2026-0001 toevoegen @niemand", "niemand"),
            ("/casus VH-2026-0001 verwijderen GGZ Rivierland", "GGZ Rivierland is geen deelnemer meer"),
            ("/casus VH-2026-0001 verwijderen @regisseur", "Fatima el Idrissi heeft regie op VH-2026-0001"),
        ]
    )
    assert "Casus VH-2026-0001 — actief" in chat.say("/casus VH-2026-0001", user="woonstede")
    assert "Casus VH-2026-0001 — actief" in chat.say("/casus VH-2026-0001", user="veiligthuis")
    assert "niet gevonden" in chat.say("/casus VH-2026-0001", user="ggz")
    chat.say("/casus VH-2026-0001 verwijderen @woonstede", user="procesmanager")
    assert "niet gevonden" in chat.say("/casus VH-2026-0001", user="woonstede")
    assert delivered_to(chat, "woonstede") == []


def test_actions_list_open_first_and_done_marked(sqlite_chat: Chat):
    chat = sqlite_chat
    text = chat.say("/casus VH-2026-0001 acties", user="regisseur")
    lines = text.splitlines()
    assert lines[0] == "Plan van aanpak VH-2026-0001:"
    assert "Schuldhulp aanvragen" in lines[1] and "✓ Huisbezoek afleggen" in lines[-2]
    assert lines[-1].startswith("Bij niet nakomen van de afspraken (drang/dwang): nog niets vastgelegd.")


def test_an_organisation_matches_in_any_case_and_a_typo_gets_a_suggestion(chat: Chat):
    chat.as_member("procesmanager").verify_dialog(
        [
            ("/casus VH-2026-0001 toevoegen veilig thuis regio", "Veilig Thuis Regio is deelnemer"),
            (
                "/casus VH-2026-0001 toevoegen Veilig Thuis Regoi",
                "Ik ken geen organisatie 'Veilig Thuis Regoi'. Bedoel je Veilig Thuis Regio?",
            ),
            ("/casus VH-2026-0001 toevoegen woonsted", "Bedoel je Woonstede?"),
        ]
    )


def test_the_action_count_leaves_out_zero_counts(chat: Chat):
    def count_line() -> str:
        text = chat.say("/casus VH-2026-0001", user="procesmanager")
        return next(line for line in text.splitlines() if "acties" in line)

    assert count_line() == "Open acties: 2 (waarvan 1 te laat)"
    chat.say("/actie klaar 2", user="procesmanager")  # the late one
    assert count_line() == "Open acties: 1"
    chat.say("/actie klaar 1", user="procesmanager")
    assert count_line() == "Geen open acties"
    assert count_line() == "Geen open acties"
