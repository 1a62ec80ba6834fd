"""Black-box finding: ``/afwezig ... tot 06-12-2200`` and a release date of 01-01-2200 were accepted. An
absence ends at most a year ahead; a release lies at most 30 years ahead and a detention started at most 30
years ago. Each refusal says the bound, and nothing is written."""

from __future__ import annotations

from sqlmodel import select

from storage.outbox.absence import Absence
from storage.release.detention import Detention
from tests.harness import Chat

CODE = "VH-2026-0001"


def test_an_absence_ends_at_most_a_year_ahead(chat: Chat) -> None:
    refused = chat.say("/afwezig 01-12-2026 06-12-2200 @regisseur", user="ggz")
    assert refused == (
        "De einddatum 06-12-2200 ligt meer dan een jaar vooruit. Afwezigheid kan tot en met 26-11-2027; "
        "geef die datum, of meld het daarna opnieuw."
    )
    with chat.app.uow() as uow:
        assert uow.session.exec(select(Absence)).all() == []
    assert "naar Fatima el Idrissi" in chat.say("/afwezig 01-12-2026 26-11-2027 @regisseur", user="ggz")


def test_release_and_start_dates_lie_in_a_plausible_window(chat: Chat) -> None:
    pm = chat.as_member("procesmanager")
    before = len(detentions(chat))
    far = pm.say(f"/detentie {CODE} 01-11-2026 01-01-2200 gevangenisstraf PI Rivierland")
    assert far == (
        "De vrijlatingsdatum 01-01-2200 ligt meer dan 30 jaar vooruit; dat is vast een tikfout. "
        "Geef een datum tot en met 26-11-2056."
    )
    old = pm.say(f"/detentie {CODE} 01-11-1926 01-01-2027 gevangenisstraf PI Rivierland")
    assert old.startswith("De startdatum 01-11-1926 ligt meer dan 30 jaar terug")
    assert len(detentions(chat)) == before
    assert pm.say(f"/detentie {CODE} 01-11-2026 26-11-2056 tbs FPC Fictief").startswith("Detentie vastgelegd")
    moved = pm.say(f"/detentie {CODE} datum 01-01-2200")
    assert moved.startswith("De vrijlatingsdatum 01-01-2200 ligt meer dan 30 jaar vooruit")


def detentions(chat: Chat) -> list[Detention]:
    with chat.app.uow() as uow:
        return list(uow.session.exec(select(Detention)).all())
