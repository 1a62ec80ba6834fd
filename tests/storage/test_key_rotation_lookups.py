"""Issue 16: name lookups keep working between setting a new key ring and ``rotate-key``, and after it with
the new key alone (the blind indexes are HMACs under a key derived from the encryption key)."""

import base64

from sqlalchemy import text

from storage.crypto import KeyRing, attach_keyring
from tests.conftest import TEST_ENCRYPTION_KEY
from tests.handlers.cases.cases_helpers import last_signal_id, submit_signal
from tests.harness import Chat

NEW_KEY = "k2:" + base64.urlsafe_b64encode(b"another-fictional-test-key-00002").decode()
RING = f"{NEW_KEY},{TEST_ENCRYPTION_KEY}"
# the demo's rows in the columns revision 0021 encrypts
FREE_TEXTS = (("meeting", "place"), ("detention", "facility"), ("invite", "note"), ("group_chat", "title"))
JAN = {"name": "jan DE  vries", "birth_date": "12-03-1985", "description": "Fictief: weer overlast bij Jan."}


def use_keys(chat: Chat, setting: str) -> None:
    """What a restart with KETENBOT_ENCRYPTION_KEY=setting does to the running app."""
    attach_keyring(chat.app.engine, KeyRing.parse(setting))


def stored_keys(chat: Chat) -> list[str]:
    with chat.app.engine.connect() as connection:
        rows = connection.execute(text("SELECT name_key, surname_key FROM subject WHERE name_key <> ''"))
        info = connection.execute(text("SELECT query_key FROM info_request WHERE query_key <> ''"))
        return [str(v) for row in rows for v in row] + [str(v) for v in info.scalars()]


def assert_every_lookup_finds_jan(chat: Chat, setting: str) -> None:
    assert "VH-2026-0001 (J.d.V.)" in chat.say("/regie Jan de Vries", user="procesmanager")
    assert "VH-2026-0001 (J.d.V.)" in chat.say("/regie vries", user="procesmanager")  # by surname
    # the procesmanager's copy of an informatieverzoek names the case
    chat.deliver()
    chat.say("/info Jan de Vries", user="woonstede")
    copies = [
        m.text for m in chat.deliver() if m.user_id == "procesmanager" and "Informatieverzoek" in m.text
    ]
    assert copies and "Bekend in: VH-2026-0001" in copies[-1]
    with chat.app.uow() as uow:  # "asked before?" sees the requests written under either key
        assert len(uow.info_requests.asked_about("jan de vries")) >= 1
    # the triage queue's known-person hint
    submit_signal(chat, user="woonstede", **JAN)
    signal_id = last_signal_id(chat)
    chat.press("mutatie.triage", str(signal_id), user="procesmanager")
    queue = chat.say("/triage", user="procesmanager")
    item = next(part for part in queue.split("\nS-") if part.startswith(f"{signal_id} "))
    assert "Mogelijk bekend: VH-2026-0001" in item
    found = chat.cli(["privacy", "find", "Jan de Vries"], env={"KETENBOT_ENCRYPTION_KEY": setting})
    assert found.exit_code == 0, found.output
    assert "Jan de Vries (J.d.V.)" in found.output and "casus VH-2026-0001" in found.output


def test_lookups_find_names_under_the_old_key_before_and_after_rotate_key(chat: Chat):
    # the demo's rows (and one informatieverzoek) are written under the old key, "test"
    chat.say("/info Jan de Vries", user="wijkagent")
    before = stored_keys(chat)
    use_keys(chat, RING)  # the new key first; nothing rotated yet
    assert_every_lookup_finds_jan(chat, RING)

    rotated = chat.cli(["privacy", "rotate-key"], env={"KETENBOT_ENCRYPTION_KEY": RING})
    assert rotated.exit_code == 0, rotated.output
    after = stored_keys(chat)
    assert after and not set(before) & set(after)  # every query key rewritten under the new key
    with chat.app.engine.connect() as connection:  # and the free texts of revision 0021 re-encrypted
        for table, column in FREE_TEXTS:
            sql = f'SELECT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL'
            stored = [str(v) for v in connection.execute(text(sql)).scalars()]
            assert stored and all(v.startswith("enc1:k2:") for v in stored), (table, column)
    use_keys(chat, NEW_KEY)  # the old key removed
    assert_every_lookup_finds_jan(chat, NEW_KEY)


def test_erase_reaches_the_same_person_under_either_key(chat: Chat):
    """``same_person`` (erase, export) finds the subject rows of one person whatever key indexed them."""
    use_keys(chat, RING)
    submit_signal(chat, user="woonstede", **JAN)  # a second row for Jan, indexed under the new key
    found = chat.cli(["privacy", "export", "--subject", "1"], env={"KETENBOT_ENCRYPTION_KEY": RING})
    assert found.exit_code == 0, found.output
    assert found.output.count('"name": "jan DE vries"') == 1 and '"name": "Jan de Vries"' in found.output
