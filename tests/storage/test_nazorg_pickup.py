"""Two "ik pak dit op" presses at once: exactly one wins (one conditional UPDATE), on SQLite and Postgres."""

from __future__ import annotations

import threading
from datetime import timedelta

from storage.release.nazorg import UnexpectedRelease
from tests.harness import Chat


def test_of_two_simultaneous_pickups_exactly_one_wins(chat: Chat) -> None:
    reply = chat.say(
        "/detentie VH-2026-0001 01-11-2026 28-01-2027 gevangenisstraf PI Rivierland", user="procesmanager"
    )
    assert reply.startswith("Detentie vastgelegd")
    assert chat.say("/detentie VH-2026-0001 vrij", user="procesmanager").startswith("Onverwachte vrijlating")
    with chat.app.uow() as uow:
        members = [uow.members.by_handle(handle) for handle in ("procesmanager", "regisseur")]
        ids = [m.id for m in members if m is not None and m.id is not None]
    barrier = threading.Barrier(2)
    results: dict[int, bool] = {}

    def press(member_id: int) -> None:
        uow = chat.app.uow()
        with uow:
            barrier.wait(timeout=10)
            results[member_id] = uow.nazorg.pick_up(1, member_id, chat.clock.now() + timedelta(seconds=1))
            uow.commit()

    threads = [threading.Thread(target=press, args=(member_id,)) for member_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results.values()) == [False, True]
    with chat.app.uow() as uow:
        release = uow.session.get(UnexpectedRelease, 1)
        assert release is not None
        assert release.picked_up_by == next(member_id for member_id, won in results.items() if won)
