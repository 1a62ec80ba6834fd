"""Unexpected release (/detentie CODE vrij), the case scenario, "ik pak dit op" and the re-alert after an
hour; a minor in detention prompts a trajectberaad jeugd."""

from datetime import timedelta

from sqlmodel import col, select

from storage.models import OutboxMessage
from storage.release.nazorg import UnexpectedRelease
from tests.harness import DEFAULT_NOW, Chat

CODE = "VH-2026-0001"
SCENARIO = "Reclassering haalt op bij de poort; gemeente regelt een bed in De Herberg."


def register(chat: Chat, code: str = CODE, kind: str = "gevangenisstraf") -> None:
    reply = chat.say(f"/detentie {code} 01-11-2026 28-01-2027 {kind} PI Rivierland", user="procesmanager")
    assert reply.startswith("Detentie vastgelegd"), reply
    chat.deliver()


def outbox(chat: Chat, prefix: str) -> list[OutboxMessage]:
    with chat.app.uow() as uow:
        statement = select(OutboxMessage).where(col(OutboxMessage.dedupe_key).startswith(prefix))
        return list(uow.session.exec(statement).all())


def test_an_unexpected_release_alerts_everyone_with_the_scenario_and_the_first_pickup_wins(chat: Chat):
    register(chat)
    assert chat.say(f"/scenario {CODE} {SCENARIO}", user="procesmanager") == (
        "Scenario van VH-2026-0001 (J.d.V.) opgeslagen."
    )
    chat.say(f"/nazorg {CODE} id geregeld", user="procesmanager")
    reply = chat.say(f"/detentie {CODE} vrij", user="reclassering")
    assert reply.startswith(
        "Onverwachte vrijlating van VH-2026-0001 (J.d.V.) vastgelegd: 26-11-2026. 4 collega"
    )
    # the scenario is personal free text: it is not copied into the outbox in plaintext
    assert all(SCENARIO not in str(row.payload) for row in outbox(chat, "unexpected:"))

    sent = chat.deliver()
    alerts = {m.user_id: m for m in sent if m.text.startswith("ONVERWACHTE VRIJLATING")}
    assert set(alerts) == {"procesmanager", "regisseur", "wijkagent", "reclassering"}
    alert = alerts["wijkagent"]
    assert alert.text.splitlines() == [
        "ONVERWACHTE VRIJLATING: de cliënt van casus VH-2026-0001 komt op 26-11-2026 vrij uit PI Rivierland"
        " (gemeld door Joost van Leeuwen).",
        f"Scenario: {SCENARIO}",
        "Nog open: onderdak, inkomen, schulden, zorg, dagbesteding.",
    ]
    # the release-day rung is not sent as well: the alert takes its place
    assert not [m for m in sent if m.text.startswith("Vandaag vrijlating")]
    [pickup] = alert.buttons
    assert pickup.label == "Ik pak dit op"

    [mine] = chat.press(pickup.id, pickup.value, user="regisseur")
    assert mine.in_place and "Jij pakt de onverwachte vrijlating van VH-2026-0001 op" in mine.text
    assert "Opgepakt door Fatima el Idrissi (26-11-2026 10:00)." in mine.text and not mine.buttons
    [late] = chat.press(pickup.id, pickup.value, user="procesmanager")
    assert "Fatima el Idrissi pakte de onverwachte vrijlating van VH-2026-0001 al op" in late.text
    [twice] = chat.press(pickup.id, pickup.value, user="regisseur")  # pressing again: harmless
    assert "Fatima el Idrissi pakte" in twice.text
    with chat.app.uow() as uow:
        [release] = uow.session.exec(select(UnexpectedRelease)).all()
        assert release.picked_up_at == DEFAULT_NOW
    told = {m.user_id for m in chat.deliver() if "Fatima el Idrissi pakt de onverwachte" in m.text}
    assert told == {"procesmanager", "wijkagent", "reclassering"}

    chat.clock.set(DEFAULT_NOW + timedelta(hours=2))  # picked up: no re-alert
    assert [m.text for m in chat.deliver()] == []
    assert "tot de vrijlating op 26-11-2026" in chat.say(f"/detentie {CODE}", user="wijkagent")  # released


def test_nobody_picks_it_up_so_procesregie_is_alerted_again_after_an_hour(chat: Chat):
    register(chat)
    chat.say(f"/detentie {CODE} vrij 03-12-2026", user="procesmanager")
    alerts = [m for m in chat.deliver() if m.text.startswith("ONVERWACHTE")]
    assert "komt op 03-12-2026 vrij" in alerts[0].text
    assert "Scenario: 1. Procesregie belt binnen 1 uur" in alerts[0].text  # the network's default
    chat.clock.set(DEFAULT_NOW + timedelta(minutes=59))
    assert chat.deliver() == []
    chat.clock.set(DEFAULT_NOW + timedelta(hours=1))
    [again] = chat.deliver()
    assert again.user_id == "procesmanager"
    assert again.text.startswith(
        "Nog niemand heeft de onverwachte vrijlating van casus VH-2026-0001 (03-12-2026)"
    )
    assert [b.label for b in again.buttons] == ["Ik pak dit op"]
    # the ladder was rebuilt for 3 December: T-7 (today 09:00) is covered by the alert, T-1 and T-0 remain
    assert "Komende vrijlatingsherinneringen: 02-12-2026 09:00, 03-12-2026 09:00" in chat.say(
        f"/detentie {CODE}", user="procesmanager"
    )


def test_bad_release_input_writes_nothing(chat: Chat):
    assert "Voor VH-2026-0001 (J.d.V.) staat geen detentie" in chat.say(
        f"/detentie {CODE} vrij", user="procesmanager"
    )
    register(chat)
    chat.as_member("procesmanager").verify_dialog(
        [
            (
                f"/detentie {CODE} vrij 20-10-2026",
                "De vrijlatingsdatum 20-10-2026 ligt vóór de startdatum 01-11-2026.",
            ),
            (f"/detentie {CODE} vrij 25-11-2026", "De vrijlatingsdatum 25-11-2026 ligt in het verleden."),
            (f"/detentie {CODE} vrij morgen extra", "Gebruik: /detentie"),
        ]
    )
    assert "niet gevonden of geen toegang" in chat.say(f"/detentie {CODE} vrij", user="woonstede")
    assert "Alleen de procesregisseur of casusregisseur" in chat.say(
        f"/scenario {CODE} iets", user="wijkagent"
    )
    assert outbox(chat, "unexpected:") == []
    with chat.app.uow() as uow:
        assert uow.session.exec(select(UnexpectedRelease)).all() == []
    assert "Komende vrijlatingsherinneringen: 31-12-2026 09:00, 14-01-2027 09:00" in chat.say(
        f"/detentie {CODE}", user="procesmanager"
    )


def test_the_scenario_shows_the_default_until_set_and_stays_out_of_group_chats(chat: Chat):
    shown = chat.say(f"/scenario {CODE}", user="wijkagent")
    assert "Procesregie belt binnen 1 uur" in shown and "standaardscenario" in shown
    chat.say(f"/scenario {CODE} {SCENARIO}", user="regisseur")
    public, private = chat.send(f"/scenario {CODE}", user="wijkagent", group="triage-groep")
    assert SCENARIO not in public.text and "J.d.V." in public.text
    assert private.user_id == "wijkagent" and SCENARIO in private.text


def test_a_minor_in_detention_prompts_a_trajectberaad_jeugd_with_a_prefilled_plan_form(chat: Chat):
    register(chat, "VH-2026-0003", "jeugddetentie")  # Sem Bakker, born 09-09-2009
    [prompt] = [m for m in chat.sender.sent if m.text.startswith("Minderjarige in detentie")]
    assert prompt.user_id == "procesmanager"
    assert prompt.text == (
        "Minderjarige in detentie: casus VH-2026-0003 (S.B.). Plan vóór 03-12-2026 een trajectberaad jeugd"
        " (voorzitter: Raad voor de Kinderbescherming)."
    )  # Thursday 26-11 + 5 working days
    [button] = prompt.buttons
    started = chat.press(button.id, button.value, user="procesmanager")
    assert started[-1].text.startswith("(1/6) Datum en tijd")  # type and case are filled in: not steps
    for answer in ("01-12-2026 14:00", "60", "Raad voor de Kinderbescherming, Arnhem", "-"):
        chat.send(answer, user="procesmanager")
    summary = chat.press("form.choose", "none", user="procesmanager")
    summary = chat.press("form.skip", "", user="procesmanager")
    assert "• Soort overleg: trajectberaad jeugd" in summary[-1].text
    assert "VH-2026-0003" in summary[-1].text
    done = chat.press("form.submit", "", user="procesmanager")
    assert done[0].text.startswith("Trajectberaad jeugd #3 is gepland")


def test_no_trajectberaad_prompt_for_adults_or_a_household_with_a_child(chat: Chat):
    register(chat)  # Jan de Vries, 41
    chat.say("/detentie VH-2026-0002 01-11-2026 28-01-2027 gevangenisstraf PI Zwolle", user="procesmanager2")
    chat.deliver()
    assert not [m for m in chat.sender.sent if m.text.startswith("Minderjarige")]
    assert outbox(chat, "trajectberaad:") == []


def test_anonymising_a_case_removes_its_scenario(chat: Chat):
    from storage.privacy.retention import anonymise_case

    chat.say(f"/scenario {CODE} {SCENARIO}", user="procesmanager")
    with chat.app.uow() as uow:
        case = uow.cases.by_code(CODE)
        assert case is not None and case.id is not None
        assert uow.nazorg.scenario(case.id) is not None
        anonymise_case(uow.session, case, chat.clock.now())
        uow.commit()
        assert uow.nazorg.scenario(case.id) is None
