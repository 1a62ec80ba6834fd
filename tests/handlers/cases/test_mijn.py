# Tests of parsing and rendering alone run on SQLite only (sqlite_chat); whatever the database decides
# (visibility, races, the outbox, form state, the bad inputs of issue 4) runs on SQLite and Postgres (chat).
from tests.harness import Chat


def test_mijn_lists_my_open_actions_cases_and_regie(chat: Chat):
    lines = chat.say("/mijn", user="regisseur").splitlines()
    assert lines[0] == "Mijn open acties (2):"
    assert lines[1] == "#5 VH-2026-0004 (K.v.d.B.): ID-bewijs aanvragen — uiterlijk 03-12-2026"
    assert "Mijn casussen (2):" in lines and "VH-2026-0001 (J.d.V.) — actief" in lines
    assert "VH-2026-0005 (A.e.A.) — gesloten" not in lines  # closed cases drop off
    assert lines[-2:] == ["Waar ik regie heb (1):", "VH-2026-0001 (J.d.V.) — casusregie"]
    with chat.app.uow() as uow:
        read = {e.case_id for e in uow.audit.search(name="mijn") if e.case_id is not None}
        listed = {c.id for code in ("VH-2026-0001", "VH-2026-0004") if (c := uow.cases.by_code(code))}
    assert read == listed


def test_overdue_actions_are_marked(sqlite_chat: Chat):
    chat = sqlite_chat
    assert "#2 VH-2026-0001 (J.d.V.): Schuldhulp aanvragen — TE LAAT" in chat.say(
        "/mine", user="reclassering"
    )


def test_in_a_group_mijn_gives_counts_and_the_list_privately(sqlite_chat: Chat):
    chat = sqlite_chat
    replies = chat.send("/mijn", user="regisseur", group="triage-groep")
    assert replies[0].text.startswith("Je hebt 2 open acties, 2 casussen en 1 keer regie.")
    assert replies[1].user_id == "regisseur" and replies[1].chat_id is None
    assert "ID-bewijs aanvragen" in replies[1].text


def test_a_member_without_anything_gets_empty_lists(sqlite_chat: Chat):
    chat = sqlite_chat
    assert chat.say("/mijn", user="woonstede").splitlines() == [
        "Mijn open acties (0):",
        "Mijn casussen (0):",
        "Waar ik regie heb (0):",
    ]


def _more_cases(chat: Chat, handle: str, count: int) -> None:
    """``count`` fictional open cases with ``handle`` as a deelnemer in person."""
    now = chat.clock.now()
    with chat.app.uow() as uow:
        member = uow.members.by_handle(f"@{handle}")
        assert member is not None and member.id is not None
        for _ in range(count):
            case = uow.cases.open(track="topx", initials="X.F.", at=now, year=2026, opened_by=member.id)
            assert case.id is not None
            uow.cases.add_participant(case.id, now, member_id=member.id, added_by=member.id)
        uow.commit()


def test_mijn_says_the_real_total_and_how_to_see_the_rest(chat: Chat):
    """Black-box finding: with 26 open cases /mijn said "Mijn casussen (20)" (and 20 in a group)."""
    _more_cases(chat, "regisseur", 24)  # and the demo's 2: 26
    first = chat.say("/mijn", user="regisseur").splitlines()
    assert "Mijn casussen (1–20 van 26):" in first
    assert first[-1] == "Er is meer: /mijn 2 voor de volgende (pagina 2 van 2)."
    second = chat.say("/mijn 2", user="regisseur").splitlines()
    assert "Mijn open acties (2): allemaal op een eerdere pagina." in second
    start = second.index("Mijn casussen (21–26 van 26):")
    assert second[start + 7] == "Waar ik regie heb (1): allemaal op een eerdere pagina."
    listed = [line.split(" ")[0] for line in first + second if line.startswith("VH-") and " — " in line]
    assert len(set(listed)) == 26
    assert chat.say("/mijn 3", user="regisseur") == "Pagina 3 van /mijn bestaat niet; er zijn 2 pagina's."
    group = chat.send("/mijn", user="regisseur", group="triage-groep")
    assert group[0].text.startswith("Je hebt 2 open acties, 26 casussen en 1 keer regie.")


def test_a_closed_cases_actions_are_no_open_work_and_its_views_suggest_no_writes(chat: Chat):
    """A black-box finding: /mijn listed a closed case's actions as TE LAAT, /casus CODE acties said to
    record the drang/dwang agreement, and the summary counted late actions, all on a closed case."""
    code = "VH-2026-0001"
    assert "Schuldhulp aanvragen — TE LAAT" in chat.say("/mijn", user="reclassering")
    assert "is nu afgeschaald" in chat.say(f"/casus {code} afschalen stabiel", user="procesmanager")
    assert "is nu gesloten" in chat.say(f"/casus {code} sluiten afgerond", user="procesmanager")
    mine = chat.say("/mijn", user="reclassering")
    assert "Mijn open acties (0):" in mine and "Schuldhulp" not in mine
    plan = chat.say(f"/casus {code} acties", user="reclassering")
    assert "Schuldhulp aanvragen" in plan  # still shown, as history
    assert "drang TEKST" not in plan and "niets vastgelegd." in plan
    summary = chat.say(f"/casus {code}", user="reclassering")
    assert "Niet afgeronde acties bij het sluiten: 2" in summary and "te laat" not in summary
