"""Revision 0021 encrypts the existing meeting places, cancel and change reasons, upload file names,
detention facilities, invite notes and group chat titles; its downgrade decrypts them. On SQLite and on a
fresh Postgres database. Sealed poll ballots become answers on the way down."""

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlmodel import select

from schedules.poll import start_round
from storage import migrate
from storage.cases.uploads import PendingUpload
from storage.crypto import EncryptionKeyError, KeyRing
from storage.meetings.tables import Meeting, MeetingChange
from storage.models import GroupChat, Invite
from storage.network.poll import PollAnswer, PollBallot
from storage.release.detention import Detention
from tests.conftest import TEST_ENCRYPTION_KEY
from tests.handlers.overleg.overleg_helpers import plan
from tests.harness import make_chat
from tests.storage.test_migration_0010 import fresh_url  # noqa: F401  (the fixture)

COLUMNS = (
    ("meeting", "place"),
    ("meeting", "cancel_reason"),
    ("meeting_change", "reason"),
    ("pending_upload", "file_name"),
    ("detention", "facility"),
    ("invite", "note"),
    ("group_chat", "title"),
)
PLACE = "Stadhuis Waterdam, kamer 2"
HEADER = b"name,birth_date,gemeente,categories,urgency,description\n"
CSV = HEADER + b"Pieter Fictief,01-02-1980,Waterdam,overlast,normaal,-\n"


def stored(url: str) -> dict[str, list[str]]:
    engine = create_engine(url)
    with engine.connect() as connection:
        values = {
            f"{table}.{column}": [
                str(v)
                for v in connection.execute(
                    text(f'SELECT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL')
                ).scalars()
            ]
            for table, column in COLUMNS
        }
    engine.dispose()
    return values


def test_downgrade_decrypts_and_upgrade_encrypts_the_free_texts(
    fresh_url: str,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
):
    migrate.upgrade(fresh_url)
    chat = make_chat(fresh_url)  # the demo: meetings, a detention, an invite with a note, a group chat
    plan(chat, place=PLACE)
    chat.as_member("procesmanager")
    chat.say("/overleg 3 afzeggen 08-12-2026 Pieter is ziek")
    plan(chat, recurrence="none", until="")
    chat.say("/overleg 4 afzeggen de zaal is bezet")
    chat.upload("aanmeldingen-pieter.csv", CSV)
    round_id, _ = start_round(chat.app.uow(), chat.clock.now(), 4)
    chat.press("poll.answer", f"{round_id}:1:4", user="wijkagent")  # a sealed ballot: the round is open
    assert "anoniem opgeslagen" in chat.say("/peiling Fictief: prima zo", user="wijkagent")
    chat.app.engine.dispose()
    config = migrate.alembic_config(fresh_url, encryption_key=TEST_ENCRYPTION_KEY)
    monkeypatch.setenv("KETENBOT_ENCRYPTION_KEY", "")  # the key comes from the caller, not the environment
    command.downgrade(config, "0020")  # the revision before 0021
    plain = stored(fresh_url)
    assert PLACE in plain["meeting.place"] and "de zaal is bezet" in plain["meeting.cancel_reason"]
    assert plain["meeting_change.reason"] == ["Pieter is ziek"]
    assert plain["pending_upload.file_name"] == ["aanmeldingen-pieter.csv"]
    assert plain["invite.note"] == ["demo"] and plain["group_chat.title"] == ["Triage Rivierland"]
    assert plain["detention.facility"] and not any(v.startswith("enc1:") for v in plain["detention.facility"])
    engine = create_engine(fresh_url)  # the ballots became answers: nothing is lost
    with engine.connect() as connection:
        answers = connection.execute(text("SELECT question, score, comment FROM poll_answer")).all()
    engine.dispose()
    assert sorted((q, s) for q, s, _ in answers) == [(0, None), (1, 4)]
    assert all(c is None or c.startswith("enc1:test:") for _, _, c in answers)  # the comment stays encrypted

    with pytest.raises(EncryptionKeyError, match="KETENBOT_ENCRYPTION_KEY is not set"):
        migrate.upgrade(fresh_url)  # rows to encrypt and no key: refused, nothing converted
    engine = create_engine(fresh_url)
    assert migrate.current_revision(engine) == "0020"
    engine.dispose()

    migrate.upgrade(fresh_url, "0021", encryption_key=TEST_ENCRYPTION_KEY)
    values = stored(fresh_url)
    for table, column in COLUMNS:
        found = values[f"{table}.{column}"]
        assert found and all(v.startswith("enc1:test:") for v in found), (table, column, found[:2])
    everything = "\n".join(v for found in values.values() for v in found)
    assert "Stadhuis" not in everything and "Pieter is" not in everything and "Rivierland" not in everything
    (upload_name,) = values["pending_upload.file_name"]  # read back here: 0022 drops pending uploads
    assert KeyRing.parse(TEST_ENCRYPTION_KEY).decrypt(upload_name) == "aanmeldingen-pieter.csv"
    migrate.upgrade(fresh_url, encryption_key=TEST_ENCRYPTION_KEY)
    monkeypatch.setenv("KETENBOT_ENCRYPTION_KEY", TEST_ENCRYPTION_KEY)
    chat = make_chat(fresh_url, demo=False)
    with chat.app.uow() as uow:  # and they read back as they were
        session = uow.session
        assert PLACE in [m.place for m in session.exec(select(Meeting)).all()]
        assert "de zaal is bezet" in [m.cancel_reason for m in session.exec(select(Meeting)).all()]
        assert [c.reason for c in session.exec(select(MeetingChange)).all()] == ["Pieter is ziek"]
        assert session.exec(select(PendingUpload)).all() == []  # revision 0022: their buttons named ids
        assert [i.note for i in session.exec(select(Invite)).all()] == ["demo"]
        assert [g.title for g in session.exec(select(GroupChat)).all()] == ["Triage Rivierland"]
        assert plain["detention.facility"] == [d.facility for d in session.exec(select(Detention)).all()]
        comments = [a.comment for a in session.exec(select(PollAnswer)).all() if a.comment]
        assert comments == ["Fictief: prima zo"] and session.exec(select(PollBallot)).all() == []
    chat.app.engine.dispose()
