"""Black-box QA: "Importeren" under an older dry run imported the newer file. Every dry run's buttons carried
the row id, and SQLite hands a deleted row's id to the next one, so A.csv's button read "1" and so did
B.csv's. A button names its upload precisely (a random reference); a button of an upload that is no longer
the member's pending one (replaced, imported, cancelled, or someone else's) changes nothing and says so."""

from sqlmodel import func, select

from storage.cases.tables import Signal
from storage.cases.uploads import PendingUpload
from tests.handlers.network.network_helpers import texts
from tests.harness import Chat

HEADER = "name,birth_date,gemeente,categories,urgency,description\n"
ONE = (HEADER + "Anna Fictief,,Waterdam,overlast,normaal,Fictief: A\n").encode()
TWO = (
    HEADER
    + "Bert Fictief,,Waterdam,overlast,normaal,Fictief: B\n"
    + "Cees Fictief,,Waterdam,overlast,normaal,Fictief: C\n"
).encode()
OUT_OF_DATE = "hoort bij een eerdere upload"
GONE = "al geïmporteerd, geannuleerd of verlopen"


def _signals(chat: Chat) -> int:
    with chat.app.uow() as uow:
        return int(uow.session.exec(select(func.count()).select_from(Signal)).one())


def _pending(chat: Chat) -> list[tuple[str, str]]:
    with chat.app.uow() as uow:
        return [(u.file_name, str(u.source)) for u in uow.session.exec(select(PendingUpload)).all()]


def test_importeren_under_an_older_dry_run_imports_nothing_and_points_to_the_newer_upload(chat: Chat):
    before = _signals(chat)
    (dry_a,) = chat.upload("A.csv", ONE, "/import politie")
    (dry_b,) = chat.upload("B.csv", TWO, "/import politie")
    import_a, cancel_a = (b.value for b in dry_a.buttons)
    import_b, _ = (b.value for b in dry_b.buttons)
    assert import_a != import_b

    stale = chat.press("upload.import", import_a)
    assert OUT_OF_DATE in texts(stale) and "B.csv" in texts(stale) and "geïmporteerd:" not in texts(stale)
    not_cancelled = texts(chat.press("upload.cancel", cancel_a))  # nor cancels B.csv
    assert OUT_OF_DATE in not_cancelled and "Geannuleerd" not in not_cancelled
    assert _signals(chat) == before and _pending(chat) == [("B.csv", "politie")]

    assert "B.csv is geïmporteerd: 2 nieuwe signalen" in texts(chat.press("upload.import", import_b))
    assert _signals(chat) == before + 2 and _pending(chat) == []
    assert GONE in texts(chat.press("upload.import", import_b))  # a second press
    assert GONE in texts(chat.press("upload.import", import_a))
    assert _signals(chat) == before + 2


def test_the_button_of_an_imported_upload_never_imports_the_next_one(chat: Chat):
    """A.csv imported, then B.csv uploaded: A's button (pressed again) must not import B.csv, whose id may
    be A's old id; nor may a guessed "1"."""
    (dry_a,) = chat.upload("A.csv", ONE, "/import politie")
    assert "A.csv is geïmporteerd: 1 nieuw signaal" in texts(
        chat.press("upload.import", dry_a.buttons[0].value)
    )
    before = _signals(chat)
    chat.upload("B.csv", TWO, "/import politie")
    for value in (dry_a.buttons[0].value, "1"):
        replies = chat.press("upload.import", value)
        assert OUT_OF_DATE in texts(replies) and "B.csv" in texts(replies)
    assert _signals(chat) == before and _pending(chat) == [("B.csv", "politie")]


def test_a_source_button_under_an_older_upload_changes_nothing(chat: Chat):
    (ask_a,) = chat.upload("A.csv", ONE)
    (ask_b,) = chat.upload("B.csv", TWO)
    politie_a = next(b.value for b in ask_a.buttons if b.label == "Politie")
    assert all(len(f"{b.id}|{b.value}".encode()) <= 64 for b in ask_a.buttons)  # Telegram's callback_data
    assert OUT_OF_DATE in texts(chat.press("upload.source", politie_a))
    assert _pending(chat) == [("B.csv", "None")]  # B.csv still waits for its source
    politie_b = next(b.value for b in ask_b.buttons if b.label == "Politie")
    (dry,) = chat.press("upload.source", politie_b)
    assert "Proefrun van B.csv (bron: Politie): 2 rijen" in dry.text


def test_someone_elses_button_changes_nothing_for_either_of_them(chat: Chat):
    before = _signals(chat)
    (dry,) = chat.upload("A.csv", ONE, "/import politie")
    value = dry.buttons[0].value
    assert GONE in texts(chat.press("upload.import", value, user="procesmanager2"))
    chat.upload("B.csv", TWO, "/import politie", user="procesmanager2")
    assert OUT_OF_DATE in texts(chat.press("upload.import", value, user="procesmanager2"))
    assert OUT_OF_DATE in texts(chat.press("upload.cancel", value, user="procesmanager2"))
    assert _signals(chat) == before and sorted(_pending(chat)) == [("A.csv", "politie"), ("B.csv", "politie")]
    assert "A.csv is geïmporteerd" in texts(chat.press("upload.import", value))
    assert _signals(chat) == before + 1


def test_the_out_of_date_refusal_in_english(chat: Chat):
    chat.say("/taal en")
    (dry_a,) = chat.upload("A.csv", ONE, "/import politie")
    chat.upload("B.csv", TWO, "/import politie")
    refused = texts(chat.press("upload.import", dry_a.buttons[0].value))
    assert "belongs to an earlier upload" in refused and "B.csv" in refused
    assert "hoort" not in refused
