"""The plan van aanpak per track (issue 10, item 4) and the drang/dwang fallback (item 5). Demo: VH-2026-0002
(the Jansen household, HG) has action #4 on the track veiligheid, #6 on gezin en jeugd for Noah, and a
fallback; VH-2026-0001 (procesregie procesmanager, casusregie regisseur) has neither tracks nor fallback."""

from datetime import UTC, datetime

from sqlalchemy import text
from sqlmodel import col, select

from storage.cases.tables import Action, Case, CaseEvent
from storage.privacy.retention import anonymise_case, export_subject
from tests.handlers.cases.cases_helpers import delivered_to
from tests.harness import Chat

FRIDAY_0900 = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)  # 09:00 in Amsterdam
TUESDAY_0900 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)  # two working days after Friday
FALLBACK = "melding aan het OM en toezicht door de reclassering"


def actions(chat: Chat) -> list[tuple[int | None, str | None, int | None]]:
    with chat.app.uow() as uow:
        return [
            (a.id, a.track, a.subject_id) for a in uow.session.exec(select(Action).order_by(col(Action.id)))
        ]


def test_the_plan_groups_actions_by_track_and_subject_and_ends_with_the_fallback(chat: Chat):
    reply = chat.say(
        "/actie VH-2026-0002 Daderhulp starten spoor:zorg voor:R.J. @veiligthuis 15-12-2026",
        user="procesmanager2",
    )
    assert reply.splitlines() == [
        "Actie #7 staat in het plan van VH-2026-0002 (M.J., N.J., R.J.): Iris Mulder, uiterlijk 15-12-2026.",
        "Spoor: Zorg.",
    ]
    chat.say("/actie VH-2026-0002 Buurtcheck spoor:veiligheid @wijkagent 10-12-2026", user="procesmanager2")
    assert chat.say("/casus VH-2026-0002 plan", user="wijkagent").splitlines() == [
        "Plan van aanpak VH-2026-0002:",
        "Spoor: Zorg",
        "Voor R.J. (pleger):",
        "#7 Daderhulp starten — Iris Mulder, uiterlijk 15-12-2026",
        "Spoor: Veiligheid en straf",
        "#8 Buurtcheck — Bram Kuipers, uiterlijk 10-12-2026",
        "#4 Veiligheidsplan evalueren — Iris Mulder, uiterlijk 17-12-2026",
        "Spoor: Gezin en jeugd",
        "Voor N.J. (kind/getuige):",
        "#6 Traumagerichte hulp voor Noah aanvragen — Iris Mulder, uiterlijk 06-12-2026",
        "Bij niet nakomen van de afspraken (drang/dwang): Melding aan het OM en verzoek om toezicht door de"
        " reclassering op de pleger; voor Noah een verzoek tot onderzoek bij de Raad voor de"
        " Kinderbescherming.",
    ]


def test_a_plan_without_tracks_stays_one_list_with_subject_headings(sqlite_chat: Chat):
    chat = sqlite_chat
    chat.say("/casus VH-2026-0001 persoon toevoegen Els de Vries", user="procesmanager")
    chat.say("/actie VH-2026-0001 Intake plannen voor:2 @ggz 15-12-2026", user="procesmanager")
    lines = chat.say("/casus VH-2026-0001 acties", user="regisseur").splitlines()
    assert lines[0] == "Plan van aanpak VH-2026-0001:"
    assert lines[-3:] == [
        "Voor E.d.V.:",
        "#7 Intake plannen — Lotte Bakker, uiterlijk 15-12-2026",
        "Bij niet nakomen van de afspraken (drang/dwang): nog niets vastgelegd."
        " Leg het vast met /casus VH-2026-0001 drang TEKST.",
    ]
    assert not any(line.startswith("Spoor") for line in lines)


def test_an_unknown_track_or_a_subject_not_on_the_case_is_refused_and_nothing_written(chat: Chat):
    before = actions(chat)
    chat.as_member("procesmanager2").verify_dialog(
        [
            (
                "/actie VH-2026-0002 Sporten spoor:sport @veiligthuis 15-12-2026",
                "Het spoor 'sport' ken ik niet",
            ),
            (
                "/actie VH-2026-0002 Bellen voor:9 @veiligthuis 15-12-2026",
                "'9' is geen betrokkene van VH-2026-0002",
            ),
            ("/actie VH-2026-0002 Bellen voor:J.d.V. @veiligthuis 15-12-2026", "'J.d.V.' is geen betrokkene"),
            ("/actie VH-2026-0002 spoor:zorg @veiligthuis 15-12-2026", "Gebruik: /actie"),
        ]
    )
    assert actions(chat) == before


def test_the_fallback_is_recorded_encrypted_and_named_in_the_overdue_escalation(chat: Chat):
    reply = chat.say("/actie VH-2026-0001 Huisarts bellen spoor:zorg @ggz 27-11-2026", user="procesmanager")
    action = reply.split()[1].lstrip("#")
    chat.deliver()
    assert "nog niets vastgelegd" in chat.say("/casus VH-2026-0001 drang", user="regisseur")
    assert chat.say(f"/casus VH-2026-0001 drang {FALLBACK}", user="regisseur") == (
        "Drang/dwang-afspraak vastgelegd voor VH-2026-0001 (J.d.V.). Openstaande escalaties bijgewerkt: 1."
    )
    assert chat.deliver() == []  # recording it sends nothing by itself
    assert chat.say("/casus VH-2026-0001 drang", user="wijkagent").splitlines() == [
        "Drang/dwang in het plan van aanpak van VH-2026-0001:",
        f"Bij niet nakomen van de afspraken (drang/dwang): {FALLBACK}",
    ]
    assert "drang/dwang-afspraak vastgelegd (Fatima el Idrissi)" in chat.say(
        "/casus VH-2026-0001", user="wijkagent"
    )
    with chat.app.uow() as uow:
        stored = uow.session.execute(
            text("select fallback from \"case\" where code = 'VH-2026-0001'")
        ).scalar()
    # a space never occurs in the base64 of a ciphertext, so this cannot match by chance
    assert str(stored).startswith("enc1:") and "aan het OM" not in str(stored)

    chat.clock.set(FRIDAY_0900)
    assert len(delivered_to(chat, "ggz")) == 1  # the owner's reminder, once
    chat.clock.set(TUESDAY_0900)
    assert delivered_to(chat, "procesmanager") == [
        f"Escalatie: actie #{action} in casus VH-2026-0001 (Huisarts bellen) van Lotte Bakker is twee"
        " werkdagen over de deadline van 27-11-2026 en nog niet afgerond.\n"
        f"Bij niet nakomen van de afspraken (drang/dwang): {FALLBACK}"
    ]


def test_an_escalation_without_a_fallback_asks_for_one(sqlite_chat: Chat):
    chat = sqlite_chat
    chat.say("/actie VH-2026-0001 Huisarts bellen @ggz 27-11-2026", user="procesmanager")
    chat.clock.set(FRIDAY_0900)
    chat.deliver()
    chat.clock.set(TUESDAY_0900)
    [escalation] = delivered_to(chat, "procesmanager")
    assert escalation.startswith("Escalatie: actie #") and escalation.endswith(
        "nog niets vastgelegd. Leg het vast met /casus VH-2026-0001 drang TEKST."
    )


def test_a_fallback_on_a_closed_case_or_by_someone_without_regie_is_refused(chat: Chat):
    def state() -> tuple[list[str | None], int]:
        with chat.app.uow() as uow:
            fallbacks = [c.fallback for c in uow.session.exec(select(Case).order_by(col(Case.id)))]
            return fallbacks, len(uow.session.exec(select(CaseEvent)).all())

    before = state()
    assert chat.say("/casus VH-2026-0005 drang melding OM", user="procesmanager2") == (
        "Casus VH-2026-0005 is gesloten; heropen de casus eerst met /casus VH-2026-0005 heropenen REDEN"
        " (dat kan wie de procesregie heeft, of elke procesmanager als niemand die heeft)."
    )
    assert "Alleen wie regie heeft op VH-2026-0001" in chat.say(
        "/casus VH-2026-0001 drang melding OM", user="wijkagent"
    )
    assert "niet gevonden of geen toegang" in chat.say("/casus VH-2026-0001 drang melding", user="woonstede")
    assert "te lang" in chat.say(f"/casus VH-2026-0001 drang {'x' * 1001}", user="procesmanager")
    assert state() == before


def test_in_a_group_the_fallback_goes_to_the_direct_chat(sqlite_chat: Chat):
    chat = sqlite_chat
    replies = chat.send("/casus VH-2026-0002 drang", user="procesmanager2", group="triage-groep")
    assert replies[0].chat_id == "triage-groep" and "OM" not in replies[0].text
    assert replies[0].text.startswith("VH-2026-0002 (M.J., N.J., R.J.)")
    assert replies[1].user_id == "procesmanager2" and "Raad voor de Kinderbescherming" in replies[1].text


def test_the_fallback_is_exported_with_the_case_and_removed_when_it_is_anonymised(chat: Chat):
    with chat.app.uow() as uow:
        case = uow.cases.by_code("VH-2026-0002")
        assert case is not None and case.id is not None
        rob = [s for s in uow.plan.subjects(case.id) if s.name == "Rob Jansen"]
        assert rob and rob[0].id is not None
        exported = export_subject(uow.session, rob[0].id)
        anonymise_case(uow.session, case, chat.clock.now())
        uow.commit()
    [data] = exported["cases"]
    assert (data["kind"], data["fallback"][:18]) == ("huishouden", "Melding aan het OM")
    assert [s["role"] for s in exported["subjects"]] == ["pleger"]
    assert {a["track"] for a in data["actions"]} == {"veiligheid", "jeugd"}
    with chat.app.uow() as uow:
        after = uow.cases.by_code("VH-2026-0002")
        assert after is not None and after.id is not None
        assert after.fallback is None and after.initials == "-"
        assert {s.name for s in uow.plan.subjects(after.id)} == {"[verwijderd]"}
