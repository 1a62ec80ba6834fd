"""Betrokkenen of a case (issue 10, item 4): kind (persoon, huishouden, groep), several subjects, roles in
huiselijk-geweld cases, and the mutatie check for every subject. Demo: VH-2026-0002 is the Jansen household
(HG; procesregie procesmanager2, casusregie veiligthuis) with Mila (slachtoffer), Noah (kind/getuige) and
Rob (pleger)."""

from dataclasses import replace

from sqlmodel import col, select

from storage.cases.tables import Case, CaseEvent, SignalStatus, Subject
from tests.handlers.cases.cases_helpers import delivered_to, signals, submit_signal
from tests.harness import Chat

Snapshot = tuple[list[tuple[int | None, int | None, str | None]], list[tuple[str, str | None, str]], int]


def snapshot(chat: Chat) -> Snapshot:
    """What the bad inputs must leave alone: subjects with roles, case kinds and initials, the timeline."""
    with chat.app.uow() as uow:
        subjects = [
            (s.id, s.case_id, s.role) for s in uow.session.exec(select(Subject).order_by(col(Subject.id)))
        ]
        cases = [(c.code, c.kind, c.initials) for c in uow.session.exec(select(Case).order_by(col(Case.id)))]
        events = len(uow.session.exec(select(CaseEvent)).all())
    return subjects, cases, events


def test_a_household_shows_numbered_subjects_with_roles_and_a_group_chat_only_initials_and_roles(chat: Chat):
    text = chat.say("/casus VH-2026-0002", user="procesmanager2")
    for expected in (
        "Betrokkenen (een huishouden, 3):",
        "1. Mila Jansen (01-07-1990) — slachtoffer",
        "2. Noah Jansen (20-02-2015) — kind/getuige",
        "3. Rob Jansen (17-04-1987) — pleger",
        "rol van R.J.: pleger",
    ):
        assert expected in text, expected
    replies = chat.send("/casus VH-2026-0002", user="procesmanager2", group="triage-groep")
    assert replies[0].chat_id == "triage-groep"
    assert replies[0].text.splitlines()[0] == "VH-2026-0002 (M.J., N.J., R.J.)"  # roles tell of HG
    assert replies[1].user_id == "procesmanager2" and "Rob Jansen" in replies[1].text
    assert "rol 1 slachtoffer" not in replies[0].text
    group_said = chat.send(
        "/casus VH-2026-0002 rol 1 slachtoffer", user="procesmanager2", group="triage-groep"
    )
    # a role tells the category (huiselijk geweld): it runs in the direct chat (test_casus_in_groups.py)
    assert [r.text for r in group_said] == [
        "Dit gaat over personen of justitiegegevens; doe het in je privéchat met ketenbot"
        " (de knop hieronder opent hem en voert het daar uit)."
    ]


def test_a_deployment_that_allows_special_categories_in_groups_shows_initials_with_roles(sqlite_chat: Chat):
    chat = sqlite_chat
    chat.app.router.config = replace(chat.app.router.config, show_special_categories=True)
    replies = chat.send("/casus VH-2026-0002", user="procesmanager2", group="triage-groep")
    assert replies[0].text.splitlines()[0] == (
        "VH-2026-0002: M.J. (slachtoffer), N.J. (kind/getuige), R.J. (pleger)"
    )
    assert "Jansen" not in replies[0].text and "1990" not in replies[0].text
    assert chat.say("/casus VH-2026-0002 rol 1 slachtoffer", user="procesmanager2", group="triage-groep") == (
        "M.J. in VH-2026-0002: slachtoffer."
    )


def test_regie_adds_a_person_and_a_signal_about_them_becomes_a_mutatie(chat: Chat):
    chat.deliver()
    reply = chat.say(
        "/casus VH-2026-0001 persoon toevoegen Els de Vries 02-05-1984",
        user="procesmanager",
        group="triage-groep",
    )
    assert reply == "E.d.V. is betrokkene 2 van VH-2026-0001."  # in a group: initials only
    text = chat.say("/casus VH-2026-0001", user="wijkagent")
    assert "Betrokkenen (een huishouden, 2):" in text and "2. Els de Vries (02-05-1984)" in text
    assert "betrokkene E.d.V. toegevoegd (geen rol)" in text
    assert "VH-2026-0001 (J.d.V., E.d.V.)" in chat.say("/mijn", user="regisseur")
    assert "gaat nu over een groep" in chat.say("/casus VH-2026-0001 soort groep", user="regisseur")
    assert "Betrokkenen (een groep, 2):" in chat.say("/casus VH-2026-0001", user="wijkagent")

    submit_signal(chat, name="Els de Vries", birth_date="02-05-1984", user="woonstede")
    signal = signals(chat)[-1]
    with chat.app.uow() as uow:
        case = uow.cases.by_code("VH-2026-0001")
    assert case is not None
    assert (signal.status, signal.matched_case_id) == (SignalStatus.MUTATIE, case.id)
    alert = delivered_to(chat, "procesmanager")
    assert len(alert) == 1 and alert[0].startswith(f"Mutatie op VH-2026-0001: nieuw signaal S-{signal.id}")


def test_every_subject_of_a_household_is_a_known_person_not_only_the_first(chat: Chat):
    chat.deliver()
    for name, born in (("Rob Jansen", "17-04-1987"), ("Mila Jansen", "01-07-1990")):
        submit_signal(chat, name=name, birth_date=born, user="wijkagent", description=f"Fictief: {name}.")
        signal = signals(chat)[-1]
        assert signal.status == SignalStatus.MUTATIE and signal.description.endswith(f"{name}."), name
        alert = delivered_to(chat, "procesmanager2")
        assert len(alert) == 1 and f"Mutatie op VH-2026-0002: nieuw signaal S-{signal.id}" in alert[0], name
    submit_signal(chat, name="Rob Jansen", birth_date="18-04-1987", user="ggz")  # another Rob
    assert signals(chat)[-1].status == SignalStatus.NEW


def test_roles_are_set_by_number_or_initials_and_cleared(chat: Chat):
    chat.as_member("procesmanager2").verify_dialog(
        [
            ("/casus VH-2026-0002 rol 2 slachtoffer", "N.J. in VH-2026-0002: slachtoffer."),
            ("/casus VH-2026-0002 rol r.j geen", "R.J. in VH-2026-0002 heeft geen rol meer."),
            ("/case VH-2026-0002 role R.J. perpetrator", "R.J. in VH-2026-0002: pleger."),
            (
                "/casus VH-2026-0002 persoon toevoegen Lisa Jansen 03-03-2019 kind",
                "L.J. (kind/getuige) is betrokkene 4 van VH-2026-0002.",
            ),
        ]
    )
    text = chat.say("/casus VH-2026-0002", user="veiligthuis")  # casusregie sees the same
    assert "2. Noah Jansen (20-02-2015) — slachtoffer" in text
    assert "4. Lisa Jansen (03-03-2019) — kind/getuige" in text
    assert "rol van R.J.: geen rol" in text


def test_bad_input_is_refused_and_writes_nothing(chat: Chat):
    before = snapshot(chat)
    chat.as_member("procesmanager").verify_dialog(
        [
            ("/casus VH-2026-0001 rol 1 pleger", "VH-2026-0001 is geen casus huiselijk geweld"),
            ("/casus VH-2026-0001 persoon toevoegen Piet Klaassen pleger", "geen casus huiselijk geweld"),
            ("/casus VH-2026-0001 persoon", "Gebruik: /casus CODE persoon toevoegen"),
            ("/casus VH-2026-0001 persoon erbij Piet", "Gebruik: /casus CODE persoon toevoegen"),
            ("/casus VH-2026-0001 persoon toevoegen 1234", "'1234' is geen naam"),
            ("/casus VH-2026-0001 persoon toevoegen Kees Klaassen 01-01-2030", "niet in de toekomst"),
            ("/casus VH-2026-0001 persoon toevoegen Jan de Vries 12-03-1985", "J.d.V. is al betrokkene"),
            ("/casus VH-2026-0001 soort stam", "De soort 'stam' ken ik niet"),
            ("/casus VH-2026-0001 soort", "Gebruik: /casus CODE soort"),
            ("/casus VH-2026-0002 rol 1 pleger", "niet gevonden of geen toegang"),  # not a deelnemer
        ]
    )
    chat.as_member("procesmanager2").verify_dialog(
        [
            ("/casus VH-2026-0002 rol 1 baas", "De rol 'baas' ken ik niet"),
            (
                "/casus VH-2026-0002 rol 7 pleger",
                "'7' is geen betrokkene van VH-2026-0002. Betrokkenen: 1. M.J., 2. N.J., 3. R.J.",
            ),
            ("/casus VH-2026-0002 rol J.d.V. pleger", "'J.d.V.' is geen betrokkene van VH-2026-0002"),
            ("/casus VH-2026-0002 rol pleger", "Gebruik: /casus CODE rol"),
            ("/casus VH-2026-0005 persoon toevoegen Sara Amrani", "Casus VH-2026-0005 is gesloten; heropen"),
        ]
    )
    assert "Alleen wie regie heeft op VH-2026-0002" in chat.say(
        "/casus VH-2026-0002 rol 1 pleger", user="wijkagent"
    )
    assert snapshot(chat) == before


def test_initials_shared_by_two_subjects_ask_for_the_number(sqlite_chat: Chat):
    chat = sqlite_chat
    chat.say("/casus VH-2026-0002 persoon toevoegen Mees Jansen 05-05-2012", user="procesmanager2")
    assert "gebruik hun nummer" in chat.say("/casus VH-2026-0002 rol M.J. kind", user="procesmanager2")
    assert "M.J. in VH-2026-0002: kind/getuige." in chat.say(
        "/casus VH-2026-0002 rol 4 kind", user="procesmanager2"
    )


def test_without_a_name_a_form_asks_step_by_step_in_the_direct_chat(chat: Chat):
    chat.as_member("procesmanager").verify_dialog(
        [
            ("/casus VH-2026-0001 persoon toevoegen", "Naam van de betrokkene"),
            ("Els de Vries", "Geboortedatum"),
            ("02-05-1984", "Els de Vries"),  # no role field: not an HG case; the summary follows
        ]
    )
    done = "\n".join(o.text for o in chat.press("form.submit", user="procesmanager"))
    assert done == "E.d.V. is betrokkene 2 van VH-2026-0001."
    again = "\n".join(o.text for o in chat.press("form.submit", user="procesmanager"))
    assert "betrokkene 2" not in again  # a double tap adds nobody twice
    with chat.app.uow() as uow:
        case = uow.cases.by_code("VH-2026-0001")
        assert case is not None and case.id is not None
        assert [s.initials for s in uow.plan.subjects(case.id)] == ["J.d.V.", "E.d.V."]


def test_the_form_of_an_hg_case_asks_the_role_and_is_refused_in_a_group(chat: Chat):
    before = snapshot(chat)
    assert chat.say("/casus VH-2026-0002 persoon toevoegen", user="procesmanager2", group="triage-groep") == (
        "Namen vraag ik niet in een groep."
        " Typ /casus VH-2026-0002 persoon toevoegen in je privéchat met ketenbot."
    )
    assert snapshot(chat) == before
    values = {
        "case": "VH-2026-0002",
        "name": "Lisa Jansen",
        "birth_date": "03-03-2019",
        "role": "kind_getuige",
    }
    chat.say("/casus VH-2026-0002 persoon toevoegen", user="procesmanager2")  # a follow-up: open it first
    bad = chat.submit(
        "casus.person_hg", {**values, "name": " ", "birth_date": "01-01-2030"}, user="procesmanager2"
    )
    assert bad[0].form is not None and set(bad[0].form.errors) == {"name", "birth_date"}
    replies = chat.submit("casus.person_hg", values, user="procesmanager2")
    assert [r.text for r in replies] == ["L.J. (kind/getuige) is betrokkene 4 van VH-2026-0002."]
    refused = chat.submit("casus.person", {**values, "case": "VH-2026-0001", "role": ""}, user="wijkagent")
    assert refused[0].text.startswith("Er staat geen formulier open")  # never opened for this member
    assert len(snapshot(chat)[0]) == len(before[0]) + 1  # only Lisa was added
