"""Reminders of the capabilities, end to end through the console harness: action deadlines (a reminder on
the deadline morning, an escalation to procesregie two working days later) and /mijn herinneringen."""

from datetime import UTC, datetime

from tests.handlers.cases.cases_helpers import delivered_to
from tests.harness import Chat

FRIDAY_0900 = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)  # 09:00 in Amsterdam
TUESDAY_0900 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)  # two working days after Friday


def add_action(chat: Chat, deadline: str = "27-11-2026") -> str:
    reply = chat.say(f"/actie VH-2026-0001 Huisarts bellen @ggz {deadline}", user="procesmanager")
    assert reply.startswith("Actie #"), reply
    return reply.split()[1].lstrip("#")


def test_the_owner_is_reminded_on_the_deadline_morning_and_procesregie_two_working_days_later(chat: Chat):
    action = add_action(chat)
    chat.deliver()  # the "new action" message
    assert chat.deliver() == []
    chat.clock.set(FRIDAY_0900)
    assert delivered_to(chat, "ggz") == [
        f"Herinnering: actie #{action} in casus VH-2026-0001 moet vandaag klaar zijn (27-11-2026):"
        f" Huisarts bellen. Klaar? Typ /actie klaar {action}."
    ]
    chat.clock.set(TUESDAY_0900)
    sent = chat.deliver()
    assert [(m.user_id, m.text) for m in sent] == [
        (
            "procesmanager",
            f"Escalatie: actie #{action} in casus VH-2026-0001 (Huisarts bellen) van Lotte Bakker is twee"
            " werkdagen over de deadline van 27-11-2026 en nog niet afgerond.\n"
            "Bij niet nakomen van de afspraken (drang/dwang): nog niets vastgelegd."
            " Leg het vast met /casus VH-2026-0001 drang TEKST.",
        )
    ]


def test_an_action_done_in_time_is_neither_reminded_nor_escalated(chat: Chat):
    action = add_action(chat)
    chat.deliver()
    assert "is afgerond" in chat.say(f"/actie klaar {action}", user="ggz")
    chat.clock.set(FRIDAY_0900)
    assert chat.deliver() == []
    chat.clock.set(TUESDAY_0900)
    assert chat.deliver() == []


def test_mijn_herinneringen_lists_what_is_coming_for_me(chat: Chat):
    assert chat.say("/mijn herinneringen", user="ggz") == "Je hebt geen komende herinneringen."
    add_action(chat, "04-12-2026")
    reply = chat.say("/mijn herinneringen", user="ggz")
    assert reply.splitlines()[0] == "Jouw komende herinneringen (1):"
    assert reply.splitlines()[1].startswith("- 04-12-2026 09:00: Herinnering: actie #")
    escalation = chat.say("/mine reminders", user="procesmanager")
    assert "08-12-2026 09:00: Escalatie: actie #" in escalation  # Friday + 2 working days
    usage = "Gebruik: /mijn, /mijn 2 (de volgende pagina) of /mijn herinneringen"
    assert usage in chat.say("/mijn iets", user="ggz")


def release_alerts(chat: Chat) -> list[tuple[str, str]]:
    sent = chat.deliver()
    return [
        (m.user_id or "", m.text)
        for m in sent
        if "rijlating" in m.text
        and "VH-2026-0001" in m.text
        and not (m.dedupe_key or "").startswith("missed:")  # the missed summary names the case too
    ]


def test_detention_release_alerts_go_to_regie_at_nine_and_a_date_change_rebuilds_the_ladder(chat: Chat):
    reply = chat.say(
        "/detentie VH-2026-0001 01-11-2026 28-01-2027 gevangenisstraf PI Rivierland", user="procesmanager"
    )
    assert reply == (
        "Detentie vastgelegd voor VH-2026-0001 (J.d.V.): PI Rivierland, vrijlating 28-01-2027."
        " 5 herinneringen ingepland."
    ) or reply.endswith("10 herinneringen ingepland.")
    assert "PI Rivierland, sinds 01-11-2026, verwachte vrijlating 28-01-2027" in chat.say(
        "/detentie VH-2026-0001", user="wijkagent"
    )
    chat.deliver()
    chat.clock.set(datetime(2026, 12, 31, 8, 0, tzinfo=UTC))  # T-28, 09:00 Amsterdam
    alerts = release_alerts(chat)
    assert alerts and all(text.startswith("Vrijlating over 28 dagen:") for _, text in alerts)
    assert "procesmanager" in {who for who, _ in alerts}

    # 2 January: the release is brought forward to 12 January. T-28 and T-14 (29 Dec) lie in the past;
    # T-14's window (29 Dec .. 5 Jan) holds today, so it goes out now, once, with the real distance (10
    # days, issue 19); T-7, T-1 and T-0 stay ahead.
    chat.clock.set(datetime(2027, 1, 2, 11, 0, tzinfo=UTC))
    assert "gewijzigd van 28-01-2027 naar 12-01-2027" in chat.say(
        "/detentie VH-2026-0001 datum 12-01-2027", user="procesmanager"
    )
    alerts = release_alerts(chat)
    assert alerts and all(text.startswith("Vrijlating over 10 dagen:") for _, text in alerts)
    assert release_alerts(chat) == []
    chat.clock.set(datetime(2027, 1, 12, 8, 0, tzinfo=UTC))
    alerts = release_alerts(chat)
    assert alerts and all(text.startswith("Vandaag vrijlating") for _, text in alerts)


def pending_release_keys(chat: Chat) -> list[str]:
    with chat.app.uow() as uow:
        return [row.dedupe_key for row in uow.outbox.pending_for_prefix("release:")]


def test_bad_detention_input_writes_nothing(chat: Chat):
    before = pending_release_keys(chat)  # the demo detention's ladder
    assert before
    chat.as_member("procesmanager").verify_dialog(
        [
            ("/detentie VH-2026-0001 10-12-2026 01-12-2026 gevangenisstraf PI Vught", "vóór de startdatum"),
            ("/detentie VH-2026-0001 01-10-2026 01-11-2026 gevangenisstraf PI Vught", "in het verleden"),
            ("/detentie VH-2026-0001 01-11-2026 01-12-2026 huisarrest PI Vught", "Kies uit: voorlopige"),
            ("/detentie VH-2026-0001 01-11-2026", "Gebruik: /detentie"),
            ("/detentie VH-2026-0001 datum 01-12-2026", "Voor VH-2026-0001 staat geen detentie"),
        ]
    )
    assert "Alleen de procesregisseur of casusregisseur" in chat.say(
        "/detentie VH-2026-0001 01-11-2026 01-12-2026 gevangenisstraf PI Vught", user="wijkagent"
    )
    with chat.app.uow() as uow:
        case = uow.cases.by_code("VH-2026-0001")
        assert case is not None and case.id is not None
        assert uow.detentions.current(case.id) is None
    assert pending_release_keys(chat) == before


def huisverbod_alerts(chat: Chat) -> list[str]:
    return [m.text for m in chat.deliver() if m.user_id == "procesmanager" and "uisverbod" in m.text]


def test_huisverbod_reminds_on_day_8_and_the_extension_moves_the_end_to_day_28(chat: Chat):
    # imposed Monday 23 November 2026 (day 1); today is day 4
    assert "eindigt 02-12-2026 tenzij verlengd" in chat.say(
        "/huisverbod VH-2026-0001 23-11-2026", user="procesmanager"
    )
    chat.deliver()
    chat.clock.set(datetime(2026, 11, 30, 8, 0, tzinfo=UTC))  # day 8, 09:00
    assert [text.split(":")[0] for text in huisverbod_alerts(chat)] == ["Huisverbod casus VH-2026-0001"]
    assert "eindigt uiterlijk 20-12-2026" in chat.say(
        "/huisverbod VH-2026-0001 verlengd", user="procesmanager"
    )
    chat.clock.set(datetime(2026, 12, 2, 8, 0, tzinfo=UTC))  # day 10: no "ends today" any more
    assert huisverbod_alerts(chat) == []
    chat.clock.set(datetime(2026, 12, 20, 8, 0, tzinfo=UTC))  # day 28
    assert huisverbod_alerts(chat) == ["Huisverbod casus VH-2026-0001 eindigt vandaag (20-12-2026)."]
    chat.clock.set(datetime(2027, 2, 23, 8, 0, tzinfo=UTC))  # 3 months after day 1 (09:00 CET)
    assert [text[:28] for text in huisverbod_alerts(chat)] == ["Nazorg huisverbod casus VH-2"]
    assert "verlengd" in chat.say("/huisverbod VH-2026-0001", user="wijkagent")


def test_bad_huisverbod_input_writes_nothing(chat: Chat):
    from sqlalchemy import delete

    from storage.cases.tables import Subject

    chat.as_member("procesmanager").verify_dialog(
        [
            ("/huisverbod VH-2026-0001 01-12-2026", "ligt in de toekomst"),
            ("/huisverbod VH-2026-0001 01-10-2026", "al voorbij"),
            ("/huisverbod VH-2026-0001 verlengd", "Voor VH-2026-0001 staat geen huisverbod"),
            ("/huisverbod VH-2026-0001 23-11-2026 extra", "Gebruik: /huisverbod"),
        ]
    )
    assert "Alleen de procesregisseur" in chat.say("/huisverbod VH-2026-0001 23-11-2026", user="wijkagent")
    with chat.app.uow() as uow:
        case = uow.cases.by_code("VH-2026-0001")
        assert case is not None
        uow.session.execute(delete(Subject).where(Subject.case_id == case.id))  # type: ignore[arg-type]
        uow.commit()
    assert "heeft geen betrokkene" in chat.say("/huisverbod VH-2026-0001 23-11-2026", user="procesmanager")
    with chat.app.uow() as uow:
        assert list(uow.outbox.pending_for_prefix("huisverbod:")) == []


def test_while_i_am_away_my_reminders_go_to_my_deputy(chat: Chat):
    action = add_action(chat)
    assert "naar Fatima el Idrissi" in chat.say("/afwezig 27-11-2026 28-11-2026 @regisseur", user="ggz")
    told = delivered_to(chat, "regisseur")
    assert any("Lotte Bakker is afwezig van 27-11-2026 tot en met 28-11-2026" in text for text in told)
    chat.clock.set(FRIDAY_0900)
    sent = chat.deliver()
    assert [m.user_id for m in sent] == ["regisseur"]
    assert sent[0].text.splitlines() == [
        "(Doorgestuurd omdat Lotte Bakker afwezig is; jij bent de vervanger.)",
        f"Herinnering: actie #{action} in casus VH-2026-0001 moet vandaag klaar zijn (27-11-2026):"
        f" Huisarts bellen. Klaar? Typ /actie klaar {action}.",
    ]
    assert "beëindigd" in chat.say("/afwezig uit", user="ggz")


def test_bad_absence_input_writes_nothing(chat: Chat):
    chat.as_member("ggz").verify_dialog(
        [
            ("/afwezig 01-12-2026 14-12-2026 @niemand", "@niemand is geen lid van ketenbot"),
            ("/afwezig 14-12-2026 01-12-2026 @regisseur", "ligt vóór de begindatum"),
            ("/afwezig 01-11-2026 14-11-2026 @regisseur", "in het verleden"),
            ("/afwezig 01-12-2026 14-12-2026 @ggz", "niet als vervanger"),
            ("/afwezig 01-12-2026 @regisseur", "Gebruik: /afwezig"),
            ("/afwezig uit", "geen afwezigheid"),
        ]
    )
    with chat.app.uow() as uow:
        member = uow.members.by_handle("ggz")
        assert member is not None and member.id is not None
        assert uow.absences.current_and_future(member.id, chat.clock.today()) == []


def test_the_same_release_date_again_changes_nothing_and_adds_no_timeline_line(chat: Chat):
    chat.say(
        "/detentie VH-2026-0001 01-11-2026 28-01-2027 gevangenisstraf PI Rivierland", user="procesmanager"
    )
    assert "gewijzigd van 28-01-2027 naar 08-12-2026" in chat.say(
        "/detentie VH-2026-0001 datum 08-12-2026", user="procesmanager"
    )
    keys = pending_release_keys(chat)
    with chat.app.uow() as uow:
        case = uow.cases.by_code("VH-2026-0001")
        assert case is not None and case.id is not None
        events = uow.cases.count_events(case.id)
    again = chat.say("/detentie VH-2026-0001 datum 08-12-2026", user="procesmanager")
    assert again == "De vrijlatingsdatum van VH-2026-0001 (J.d.V.) is al 08-12-2026: niets veranderd."
    assert pending_release_keys(chat) == keys
    with chat.app.uow() as uow:
        assert uow.cases.count_events(case.id) == events
