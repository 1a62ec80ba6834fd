"""Black-box QA: an uploaded file's name was echoed as the platform sent it: split over two lines by a
newline, " is geen CSV-bestand." for an empty name, 1000 characters in full. The name is platform metadata,
like a display name: cleaned (not refused) where the upload handler first reads it. Characters the router
refuses in any text (an RTL override hiding ``.exe``: tests/core/test_hostile_input.py) stay refused."""

import pytest
from sqlmodel import select

from bot.core.hygiene import MAX_FILE_NAME, UNNAMED_FILE, clean_file_name
from storage.cases.uploads import PendingUpload
from tests.harness import Chat

CSV = b"name,birth_date,gemeente,categories,urgency,description\nAnna Fictief,,Waterdam,overlast,normaal,-\n"


def _names(chat: Chat) -> list[str]:
    with chat.app.uow() as uow:
        return [u.file_name for u in uow.session.exec(select(PendingUpload)).all()]


def test_a_name_with_newlines_and_tabs_is_echoed_and_kept_on_one_line(chat: Chat):
    (ask,) = chat.upload("lijst\nvan\tde  politie.csv\r\n", CSV)
    assert "Ik heb lijst van de politie.csv ontvangen." in ask.text and "\n" not in ask.text
    assert _names(chat) == ["lijst van de politie.csv"]
    (refused,) = chat.upload("foto\n.png", b"\x89PNG", mime="image/png")
    assert refused.text.startswith("foto .png is geen CSV-bestand.")


def test_an_empty_name_is_called_bestand(chat: Chat):
    (refused,) = chat.upload("", b"\x89PNG", mime="image/png")
    assert refused.text.startswith("bestand is geen CSV-bestand.")
    (blank,) = chat.upload(" \n ", CSV)
    assert "Ik heb bestand ontvangen." in blank.text and _names(chat) == ["bestand"]


def test_a_long_name_is_cut_with_an_ellipsis_and_keeps_its_extension(chat: Chat):
    (ask,) = chat.upload("a" * 1000 + ".csv", CSV)
    (kept,) = _names(chat)
    assert len(kept) == MAX_FILE_NAME and kept.endswith("a….csv")
    assert f"Ik heb {kept} ontvangen." in ask.text and "a" * MAX_FILE_NAME not in ask.text
    (refused,) = chat.upload("b" * 1000, b"\x89PNG", mime="image/png")
    assert refused.text.startswith("b" * (MAX_FILE_NAME - 1) + "… is geen CSV-bestand.")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("lijst.csv", "lijst.csv"),
        ("  lijst \n\n politie.csv\t", "lijst politie.csv"),
        ("\u202e\ue000\x07", UNNAMED_FILE),  # what the router would refuse is removed here too
        ("", UNNAMED_FILE),
        ("x" * 200 + ".verylongextension", "x" * (MAX_FILE_NAME - 1) + "…"),  # no extension to keep
        ("x " * 100 + ".csv", ("x " * 100)[: MAX_FILE_NAME - 5].rstrip() + "….csv"),
    ],
)
def test_clean_file_name(name: str, expected: str) -> None:
    cleaned = clean_file_name(name)
    assert cleaned == expected and len(cleaned) <= MAX_FILE_NAME
    assert clean_file_name(cleaned) == cleaned  # cleaning twice (router and handler) changes nothing
