"""The nazorg checklist of a detention: created with it, changed with /nazorg and with the buttons on
release alerts (the alert names what is open when it is *sent*), need-to-know, bad input."""

from datetime import UTC, datetime

from sqlmodel import select

from storage.models import AuditEvent
from storage.release.nazorg import NazorgItem
from tests.harness import Chat

CODE = "VH-2026-0001"
T_MINUS_28 = datetime(2026, 12, 31, 8, 0, tzinfo=UTC)  # 09:00 Amsterdam, 28 days before 28-01-2027


def register(chat: Chat) -> None:
    reply = chat.say(
        f"/detentie {CODE} 01-11-2026 28-01-2027 gevangenisstraf PI Rivierland", user="procesmanager"
    )
    assert reply.startswith("Detentie vastgelegd"), reply
    chat.deliver()


def statuses(chat: Chat) -> dict[str, tuple[str, int | None]]:
    with chat.app.uow() as uow:
        return {row.item: (row.status, row.owner_id) for row in uow.session.exec(select(NazorgItem)).all()}


def test_a_detention_starts_with_every_item_open_and_nazorg_changes_items(chat: Chat):
    register(chat)
    assert {status for status, _ in statuses(chat).values()} == {"open"}
    [reply] = chat.send(f"/nazorg {CODE}", user="wijkagent")
    assert reply.text.splitlines() == [
        "Nazorg VH-2026-0001 (J.d.V.), vrijlating 28-01-2027:",
        "- ID-bewijs: open",
        "- onderdak: open",
        "- inkomen: open",
        "- schulden: open",
        "- zorg: open",
        "- dagbesteding: open",
    ]
    assert reply.buttons == []  # a deelnemer who owns nothing and holds no regie may tick nothing off
    [regie] = chat.send(f"/nazorg {CODE}", user="regisseur")
    assert [b.label for b in regie.buttons][:2] == ["✓ ID-bewijs geregeld", "✓ onderdak geregeld"]
    changed = chat.say(f"/nazorg {CODE} onderdak geregeld @regisseur", user="procesmanager")
    assert changed.splitlines()[0] == "onderdak van VH-2026-0001 (J.d.V.): geregeld"
    assert "- onderdak: geregeld (Fatima el Idrissi)" in changed
    assert "- schulden: n.v.t." in chat.say(f"/aftercare {CODE} schulden n.v.t.", user="regisseur")
    assert "Je bent eigenaar van 'onderdak'" in "\n".join(m.text for m in chat.deliver())
    assert statuses(chat)["schulden"][0] == "nvt"
    assert statuses(chat)["onderdak"][0] == "geregeld"
    # need-to-know: someone who is not a deelnemer sees nothing
    assert "niet gevonden of geen toegang" in chat.say(f"/nazorg {CODE}", user="woonstede")
    # in a group only code and initials; the list goes to the direct chat
    public, private = chat.send(f"/nazorg {CODE}", user="procesmanager", group="triage-groep")
    assert public.chat_id == "triage-groep" and "J.d.V." in public.text and "onderdak" not in public.text
    assert (
        private.user_id == "procesmanager"
        and private.chat_id is None
        and "- onderdak: geregeld" in private.text
    )


def test_a_release_alert_names_what_is_open_when_sent_and_its_buttons_tick_items_off(chat: Chat):
    register(chat)
    # ticked off after the alert was queued: the alert, sent weeks later, no longer names it
    chat.say(f"/nazorg {CODE} id geregeld", user="procesmanager")
    chat.clock.set(T_MINUS_28)
    alerts = [m for m in chat.deliver() if m.text.startswith("Vrijlating over 28 dagen:")]
    assert {m.user_id for m in alerts} == {"procesmanager", "regisseur"}
    alert = next(m for m in alerts if m.user_id == "regisseur")
    assert alert.text.splitlines()[1] == "Nog open: onderdak, inkomen, schulden, zorg, dagbesteding."
    assert len(alert.buttons) == 5
    onderdak = next(b for b in alert.buttons if "onderdak" in b.label)

    [updated] = chat.press(onderdak.id, onderdak.value, user="regisseur")
    assert updated.in_place  # the pressed alert is updated, not answered with a new message
    assert "- onderdak: geregeld" in updated.text and len(updated.buttons) == 4
    [again] = chat.press(onderdak.id, onderdak.value, user="regisseur")  # a double tap: harmless
    assert again.in_place and again.text == updated.text
    assert statuses(chat)["onderdak"][0] == "geregeld"
    with chat.app.uow() as uow:
        writes = uow.session.exec(
            select(AuditEvent).where(AuditEvent.name == "nazorg.tick", AuditEvent.kind == "write")
        ).all()
    assert len(writes) == 1

    # a deelnemer who is neither the owner nor regie may not tick; once the owner, they may
    zorg = next(b for b in alert.buttons if "zorg" in b.label)
    [refused] = chat.press(zorg.id, zorg.value, user="wijkagent")
    assert "Alleen de eigenaar van zorg of de regisseur van VH-2026-0001" in refused.text
    assert statuses(chat)["zorg"][0] == "open"
    chat.say(f"/nazorg {CODE} zorg open @wijkagent", user="procesmanager")
    [ticked] = chat.press(zorg.id, zorg.value, user="wijkagent")
    assert "- zorg: geregeld (Bram Kuipers)" in ticked.text
    # someone outside the case pressing a forwarded button learns nothing
    [outside] = chat.press(zorg.id, zorg.value, user="woonstede")
    assert outside.text == "Deze melding is niet (meer) voor jou zichtbaar."

    chat.clock.set(datetime(2027, 1, 14, 8, 0, tzinfo=UTC))  # T-14: the next alert reflects all of it
    [later] = [m for m in chat.deliver() if m.user_id == "regisseur" and m.text.startswith("Vrijlating")]
    assert later.text.splitlines()[1] == "Nog open: inkomen, schulden, dagbesteding."


def test_bad_nazorg_input_writes_nothing(chat: Chat):
    assert "Voor VH-2026-0001 (J.d.V.) staat geen detentie" in chat.say(
        f"/nazorg {CODE}", user="procesmanager"
    )
    register(chat)
    before = statuses(chat)
    chat.as_member("procesmanager").verify_dialog(
        [
            (
                f"/nazorg {CODE} paspoort geregeld",
                "Het onderdeel 'paspoort' ken ik niet. Kies uit: id_bewijs,",
            ),
            (
                f"/nazorg {CODE} onderdak misschien",
                "'misschien' begrijp ik niet; kies geregeld, nvt of open.",
            ),
            (f"/nazorg {CODE} onderdak geregeld @niemand", "@niemand is geen lid van ketenbot."),
            (
                f"/nazorg {CODE} onderdak geregeld @woonstede",
                "Daan Peters is geen deelnemer van VH-2026-0001",
            ),
            (f"/nazorg {CODE} onderdak geregeld woonstede", "Gebruik: /nazorg CODE"),
        ]
    )
    assert "Alleen de eigenaar van onderdak" in chat.say(
        f"/nazorg {CODE} onderdak geregeld", user="wijkagent"
    )
    assert statuses(chat) == before


def test_a_failing_refresher_sends_the_stored_alert(chat: Chat):
    register(chat)
    chat.say(f"/nazorg {CODE} id geregeld", user="procesmanager")

    def broken(uow: object, row: object) -> None:
        raise RuntimeError("refresher bug")

    chat.dispatcher.refreshers["release"] = broken
    chat.clock.set(T_MINUS_28)
    alerts = [m for m in chat.deliver() if m.text.startswith("Vrijlating over 28 dagen:")]
    assert len(alerts) == 2  # still delivered, with the text as queued (ID-bewijs was open then)
    assert all("Nog open: ID-bewijs, onderdak" in m.text for m in alerts)


def test_in_a_direct_chat_only_the_items_the_reader_may_tick_off_have_a_button(chat: Chat):
    """A black-box finding: a deelnemer saw a "geregeld" button for every open item and most presses
    answered "Alleen de eigenaar…". Now: the owner sees their own items' buttons, a regie holder all."""
    code = "VH-2026-0004"  # demo: regisseur owns onderdak (open); zorg and dagbesteding are not theirs

    def buttons(user: str) -> list[str]:
        replies = chat.send(f"/nazorg {code}", user=user)
        return [b.value.partition(":")[2] for reply in replies for b in reply.buttons]

    assert buttons("regisseur") == ["onderdak"]
    assert buttons("reclassering") == ["onderdak", "zorg", "dagbesteding"]  # casusregie
    # a pressed button's message keeps only the reader's buttons too
    detention_id = chat.send(f"/nazorg {code}", user="reclassering")[0].buttons[0].value.partition(":")[0]
    [ticked] = chat.press("nazorg.tick", f"{detention_id}:onderdak", user="regisseur")
    assert "- onderdak: geregeld" in ticked.text and ticked.buttons == []
