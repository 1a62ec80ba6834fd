"""A CSV uploaded in a direct chat: dry run first, then Importeren (once) or Annuleren; refused elsewhere."""

from datetime import timedelta

from sqlmodel import func, select

from handlers.signals.upload import drop_stale_uploads
from storage.cases.tables import Signal
from storage.cases.uploads import PendingUpload
from tests.handlers.network.network_helpers import texts
from tests.harness import Chat

HEADER = "name,birth_date,gemeente,categories,urgency,description\n"
ROWS = (
    "Pieter Fictief,01-02-1980,Waterdam,overlast,normaal,Fictief: geluidsoverlast\n"
    'Jan de Vries,12-03-1985,Waterdam,"overlast,schulden",hoog,Fictief: weer overlast\n'
)
GOOD = (HEADER + ROWS).encode()


def _signals(chat: Chat) -> int:
    with chat.app.uow() as uow:
        return int(uow.session.exec(select(func.count()).select_from(Signal)).one())


def _pending(chat: Chat) -> list[PendingUpload]:
    with chat.app.uow() as uow:
        return list(uow.session.exec(select(PendingUpload)).all())


def test_upload_with_caption_shows_the_dry_run_and_imports_once(chat: Chat):
    before = _signals(chat)
    replies = chat.upload("politie.csv", GOOD, "/import politie")
    (reply,) = replies
    assert "Proefrun van politie.csv (bron: Politie): 2 rijen -> 1 nieuw signaal en 1 mutatie" in reply.text
    assert "1 mutatie op VH-2026-0001" in reply.text
    assert [b.id for b in reply.buttons] == ["upload.import", "upload.cancel"]
    assert _signals(chat) == before
    (upload,) = _pending(chat)
    assert upload.content == GOOD and upload.source == "politie"
    done = texts(chat.press("upload.import", reply.buttons[0].value))
    assert "politie.csv is geïmporteerd: 1 nieuw signaal en 1 mutatie" in done
    assert _signals(chat) == before + 2 and _pending(chat) == []
    again = texts(chat.press("upload.import", reply.buttons[0].value))
    assert "al geïmporteerd, geannuleerd of verlopen" in again
    assert _signals(chat) == before + 2
    alerts = [m for m in chat.deliver() if "Mutatie op VH-2026-0001" in m.text]
    assert [m.user_id for m in alerts] == ["procesmanager", "regisseur"]
    assert [b.id for b in alerts[0].buttons] == ["mutatie.note", "mutatie.partner", "mutatie.triage"]
    assert not alerts[1].buttons
    with chat.app.uow() as uow:
        signals = uow.session.exec(select(Signal)).all()
        (mutatie,) = [s for s in signals if s.description == "Fictief: weer overlast"]
        assert mutatie.status == "mutatie" and mutatie.case_id == mutatie.matched_case_id == 1
        events = [e for e in uow.cases.events(1) if e.kind == "mutatie"]
        assert [e.params for e in events][-1] == {"signal": f"S-{mutatie.id}"}


def test_upload_without_caption_asks_the_source_with_buttons(chat: Chat):
    (ask,) = chat.upload("lijst.csv", GOOD)
    assert "Ik heb lijst.csv ontvangen. Van welke partner" in ask.text
    choices = {b.label: b.value for b in ask.buttons if b.id == "upload.source"}
    assert "Politie" in choices and "Veilig Thuis" in choices and "Veiligheidshuis" not in choices
    (dry,) = chat.press("upload.source", choices["Veilig Thuis"])
    assert "(bron: Veilig Thuis)" in dry.text
    cancelled = texts(chat.press("upload.cancel", dry.buttons[-1].value))
    assert "Geannuleerd" in cancelled and _pending(chat) == []


def test_invalid_rows_are_listed_by_line_and_no_import_button_is_offered(chat: Chat):
    before = _signals(chat)
    bad = (
        HEADER
        + ROWS
        + "Tom Fictief,,Waterdam,vandalisme,normaal,Fictief\n"
        + "Kim Fictief,,Waterdam,overlast\n"
    )
    (reply,) = chat.upload("fout.csv", bad.encode(), "/import politie")
    assert "regel 4: onbekende of ontbrekende categorie (vandalisme)" in reply.text
    assert "regel 5: 4 kolommen in plaats van 6" in reply.text
    assert "2 van 4 rijen zijn ongeldig: er wordt niets geïmporteerd" in reply.text
    assert [b.id for b in reply.buttons] == ["upload.cancel"]
    assert _signals(chat) == before


def test_a_wrong_header_drops_the_file(chat: Chat):
    (reply,) = chat.upload("x.csv", b"naam;plaats\nPieter;Waterdam\n", "/import politie")
    assert "De eerste regel moet zijn" in reply.text
    assert _pending(chat) == []


def test_group_uploads_partners_and_other_files_are_refused_and_nothing_is_kept(chat: Chat):
    in_group = texts(chat.upload("p.csv", GOOD, group="triage-groep"))
    assert "alleen aan in een direct gesprek" in in_group
    by_partner = texts(chat.upload("p.csv", GOOD, user="wijkagent"))
    assert "Alleen procesmanagers" in by_partner
    assert "geen CSV-bestand" in texts(chat.upload("foto.png", b"\x89PNG", mime="image/png"))
    assert "Bron 'bakkerij' ken ik niet" in texts(chat.upload("p.csv", GOOD, "/import bakkerij"))
    assert _pending(chat) == []
    assert "Stuur een CSV-bestand" in chat.say("/import politie")


def test_windows_1252_upload_is_read(chat: Chat):
    row = "Zoë Fictief;;Rivierstad;psychisch;normaal;Fictief: café-bezoek\n"
    content = (HEADER.replace(",", ";") + row).encode("cp1252")
    (reply,) = chat.upload("oud.csv", content, "/import politie")
    assert "1 rij -> 1 nieuw signaal" in reply.text


def test_an_upload_left_pending_expires_after_a_day_and_is_dropped(chat: Chat):
    (ask,) = chat.upload("lijst.csv", GOOD)
    value = ask.buttons[0].value
    chat.clock.advance(timedelta(hours=25))
    assert "verlopen" in texts(chat.press("upload.source", value))
    assert drop_stale_uploads(chat.app.uow(), chat.clock.now()) == 1
    assert _pending(chat) == []


def test_the_same_upload_twice_imports_nothing_new_and_is_credited_to_the_uploader(chat: Chat):
    (first,) = chat.upload("politie.csv", GOOD, "/import politie", user="procesmanager2")
    chat.press("upload.import", first.buttons[0].value, user="procesmanager2")
    before = _signals(chat)
    (second,) = chat.upload("politie.csv", GOOD, "/import politie", user="procesmanager2")
    assert "-> 0 nieuwe signalen en 0 mutaties, 2 dubbele rijen" in second.text
    assert "regel 2 is al eerder geïmporteerd (S-" in second.text and "regel 3 is al eerder" in second.text
    done = texts(chat.press("upload.import", second.buttons[0].value, user="procesmanager2"))
    assert "0 nieuwe signalen en 0 mutaties (2 dubbele rijen overgeslagen)" in done
    assert _signals(chat) == before
    with chat.app.uow() as uow:
        uploader = uow.members.by_handle("@procesmanager2")
        imported = uow.session.exec(select(Signal).where(Signal.import_source == "politie")).all()
        assert uploader is not None and [s.reporter_id for s in imported] == [uploader.id, uploader.id]
