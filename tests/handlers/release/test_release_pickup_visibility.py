"""Who may press "ik pak dit op" of an unexpected release: whom the alert is for. A procesmanager who is no
deelnemer of the case, while its procesregie is held, gets exactly what an unknown id gets, before and
after someone else picked it up, and the press records nothing."""

from storage.cases.tables import RegieKind
from storage.release.nazorg import UnexpectedRelease
from tests.harness import Chat

CODE = "VH-2026-0001"
HIDDEN = "Deze melding is niet (meer) voor jou zichtbaar."


def report_release(chat: Chat) -> str:
    reply = chat.say(
        f"/detentie {CODE} 01-11-2026 28-01-2027 gevangenisstraf PI Rivierland", user="procesmanager"
    )
    assert reply.startswith("Detentie vastgelegd"), reply
    assert chat.say(f"/detentie {CODE} vrij", user="reclassering").startswith("Onverwachte vrijlating")
    chat.deliver()
    with chat.app.uow() as uow:
        case = uow.cases.by_code(CODE)
        assert case is not None and case.id is not None
        detention = uow.detentions.latest(case.id)
        assert detention is not None and detention.id is not None
        [release] = uow.nazorg.releases_of(detention.id)
        return str(release.id)


def picked_up_by(chat: Chat, release_id: str) -> int | None:
    with chat.app.uow() as uow:
        release = uow.nazorg.release(int(release_id))
        assert isinstance(release, UnexpectedRelease)
        return release.picked_up_by


def test_a_procesmanager_who_is_no_deelnemer_cannot_pick_up_or_read_the_alert(chat: Chat):
    assert chat.say(f"/casus {CODE}", user="procesmanager2").startswith("Casus VH-2026-0001 niet gevonden")
    release_id = report_release(chat)
    unknown = [m.text for m in chat.press("release.pickup", "999999", user="procesmanager2")]
    assert unknown == [HIDDEN]

    [refused] = chat.press("release.pickup", release_id, user="procesmanager2")
    assert refused.text == HIDDEN and refused.refused
    assert "PI Rivierland" not in refused.text and picked_up_by(chat, release_id) is None

    [mine] = chat.press("release.pickup", release_id, user="regisseur")
    assert "Jij pakt de onverwachte vrijlating" in mine.text
    [again] = chat.press("release.pickup", release_id, user="procesmanager2")
    assert again.text == HIDDEN  # after the pickup too: not "X pakte het al op" with the whole alert
    assert [m for m in chat.deliver() if m.user_id == "procesmanager2"] == []


def test_while_nobody_holds_procesregie_every_procesmanager_may_pick_it_up(chat: Chat):
    release_id = report_release(chat)
    with chat.app.uow() as uow:
        case = uow.cases.by_code(CODE)
        assert case is not None and case.id is not None
        held = uow.regie.current(case.id)[RegieKind.PROCESREGIE]
        held.to_at = chat.clock.now()
        uow.session.add(held)
        uow.commit()
    [taken] = chat.press("release.pickup", release_id, user="procesmanager2")
    assert "Jij pakt de onverwachte vrijlating van VH-2026-0001 op" in taken.text
