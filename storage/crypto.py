"""Field encryption for personal data (AES-GCM) and keyed-hash (HMAC) indexes for lookups by name.

``KETENBOT_ENCRYPTION_KEY`` holds one or more keys, ``id:base64url-32-bytes``, comma-separated; the first
encrypts, every one decrypts (during a rotation: ``k2:NEW,k1:OLD``, then ``ketenbot privacy rotate-key``).
A stored value is ``enc1:<key id>:<base64url(nonce + ciphertext)>``; the key id is also the associated data,
so a value cannot be moved under another key id. Values without the prefix are legacy plaintext (read as is;
``rotate-key`` encrypts them). Name keys are stored as ``HMAC-SHA256(index key, normalised name)``; the index
key is derived from the current key, so rotation recomputes them from the decrypted names; until it has,
lookups match a name under every key of the ring (``index_in``).

The key ring is attached to the engine's dialect by the composition root (``attach_keyring``); a column
that needs it on an engine without one refuses to read or write: nothing is ever written in plaintext.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import ColumnElement, Engine, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped
from sqlalchemy.types import TypeDecorator

PREFIX = "enc1:"
INDEX_PREFIX = "h1:"
KEY_SETTING = "KETENBOT_ENCRYPTION_KEY"


class EncryptionKeyError(Exception):
    """A missing, malformed or wrong encryption key: one clear line for the operator.

    ``reason`` (``missing``, ``malformed``, ``unknown_key``, ``wrong_key``, ``unconfigured``) and ``key_id``
    let the composition root explain it in the operator's language (bot/key_help.py)."""

    def __init__(self, message: str, *, reason: str, key_id: str = "") -> None:
        super().__init__(message)
        self.reason = reason
        self.key_id = key_id


def new_key(key_id: str = "k1") -> str:
    """A fresh key in the setting's format."""
    return f"{key_id}:{base64.urlsafe_b64encode(os.urandom(32)).decode()}"


@dataclass(frozen=True)
class KeyRing:
    current: str
    keys: dict[str, bytes]

    @classmethod
    def parse(cls, setting: str | None) -> KeyRing:
        if not setting or not setting.strip():
            raise EncryptionKeyError(
                f"{KEY_SETTING} is not set: refusing to start (personal data is stored encrypted)",
                reason="missing",
            )
        keys: dict[str, bytes] = {}
        for part in setting.split(","):
            key_id, _, encoded = part.strip().partition(":")
            try:
                key = base64.urlsafe_b64decode(encoded.strip() + "=" * (-len(encoded.strip()) % 4))
            except (binascii.Error, ValueError):
                key = b""
            if not key_id.isalnum() or len(key) != 32:
                raise EncryptionKeyError(
                    f"{KEY_SETTING} is malformed: expected id:base64(32 bytes)[,id:...]", reason="malformed"
                )
            keys[key_id] = key
        return cls(next(iter(keys)), keys)

    def encrypt(self, plain: str) -> str:
        nonce = os.urandom(12)
        sealed = AESGCM(self.keys[self.current]).encrypt(nonce, plain.encode(), self.current.encode())
        return f"{PREFIX}{self.current}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def decrypt(self, stored: str) -> str:
        if not stored.startswith(PREFIX):
            return stored  # legacy plaintext, until `ketenbot privacy rotate-key` encrypts it
        key_id, _, body = stored[len(PREFIX) :].partition(":")
        if key_id not in self.keys:
            raise EncryptionKeyError(
                f"{KEY_SETTING} lacks key '{key_id}' that the stored data needs",
                reason="unknown_key",
                key_id=key_id,
            )
        raw = base64.urlsafe_b64decode(body)
        try:
            return AESGCM(self.keys[key_id]).decrypt(raw[:12], raw[12:], key_id.encode()).decode()
        except InvalidTag:
            raise EncryptionKeyError(
                f"{KEY_SETTING}: key '{key_id}' is wrong (the stored data does not decrypt)",
                reason="wrong_key",
                key_id=key_id,
            ) from None

    def index(self, normalised: str, key_id: str | None = None) -> str:
        """The stored name key: HMAC under the index key derived from ``key_id`` (the current key)."""
        if not normalised or normalised.startswith(INDEX_PREFIX):
            return normalised  # empty (anonymised) stays empty; an already hashed value is not hashed again
        key = self.keys[key_id or self.current]
        index_key = hmac.new(key, b"ketenbot name index", hashlib.sha256).digest()
        return INDEX_PREFIX + hmac.new(index_key, normalised.encode(), hashlib.sha256).hexdigest()

    def indexes(self, normalised: str) -> list[str]:
        """The name key as it may be stored under every key of the ring, current first: between setting a
        new key ring and ``rotate-key`` rows hold the old key's index, afterwards only the current one."""
        return list(dict.fromkeys(self.index(normalised, key_id) for key_id in self.keys))

    def invite_hash(self, code: str) -> str:
        """What is stored for an invite code: HMAC-SHA256 (key derived from the current key) of the SHA-256
        of the normalised code (the digest step lets revision 0016 convert the old unsalted hashes)."""
        return self.invite_hash_of_digest(hashlib.sha256(code.encode()).hexdigest())

    def invite_hash_of_digest(self, digest: str, key_id: str | None = None) -> str:
        invite_key = hmac.new(self.keys[key_id or self.current], b"ketenbot invite code", hashlib.sha256)
        return hmac.new(invite_key.digest(), digest.encode(), hashlib.sha256).hexdigest()

    def invite_hashes(self, code: str) -> list[str]:
        """The stored form of ``code`` under every key of the ring (a code made before a rotation)."""
        digest = hashlib.sha256(code.encode()).hexdigest()
        return [self.invite_hash_of_digest(digest, key_id) for key_id in self.keys]

    @staticmethod
    def key_id_of(stored: str) -> str | None:
        return stored[len(PREFIX) :].partition(":")[0] if stored.startswith(PREFIX) else None


def attach_keyring(engine: Engine, keyring: KeyRing) -> None:
    engine.dialect.ketenbot_keyring = keyring  # type: ignore[attr-defined]


def keyring_of(dialect: Dialect) -> KeyRing:
    keyring = getattr(dialect, "ketenbot_keyring", None)
    if keyring is None:
        raise EncryptionKeyError(
            f"{KEY_SETTING} is not configured for this database engine: refusing to touch personal data",
            reason="unconfigured",
        )
    assert isinstance(keyring, KeyRing)
    return keyring


def index_in(
    column: ColumnElement[Any] | Mapped[Any], normalised: Iterable[str], dialect: Dialect
) -> ColumnElement[bool]:
    """``column`` (a ``BlindIndex``) holds one of the ``normalised`` keys under any key of the ring: one IN
    query (the hashed values pass the column type unchanged)."""
    keyring = keyring_of(dialect)
    hashed = sorted({h for key in normalised if key for h in keyring.indexes(key)})
    return column.in_(hashed)


class EncryptedText(TypeDecorator[str]):
    """A personal text field, stored AES-GCM encrypted."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> Any:
        return None if value is None else keyring_of(dialect).encrypt(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else keyring_of(dialect).decrypt(str(value))


class BlindIndex(TypeDecorator[str]):
    """A normalised name key, stored (and compared) as its HMAC: lookups work, the name is not there."""

    impl = String(80)
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> Any:
        return None if value is None else keyring_of(dialect).index(value)


class EncryptedDate(TypeDecorator[date]):
    """A personal date (date of birth), stored AES-GCM encrypted as its ISO text; reads back as a ``date``.

    Equality in SQL no longer works (every value has its own nonce): narrow by a blind index, compare in
    Python. Legacy plaintext ISO values read as is.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: date | str | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        iso = value if isinstance(value, str) else value.isoformat()
        return keyring_of(dialect).encrypt(iso)

    def process_result_value(self, value: Any, dialect: Dialect) -> date | None:
        if value is None:
            return None
        if isinstance(value, date):  # a legacy DATE value a driver parsed itself
            return value
        return date.fromisoformat(keyring_of(dialect).decrypt(str(value))[:10])


class EncryptedJSON(TypeDecorator[dict[str, Any]]):
    """A JSON object with personal texts in it (a timeline event's reason), stored AES-GCM encrypted.
    Legacy plaintext JSON reads as is."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: dict[str, Any] | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return keyring_of(dialect).encrypt(json.dumps(value, ensure_ascii=False, sort_keys=True))

    def process_result_value(self, value: Any, dialect: Dialect) -> dict[str, Any] | None:
        if value is None:
            return None
        if isinstance(value, dict):  # a legacy JSON value a driver parsed itself
            return value
        loaded = json.loads(keyring_of(dialect).decrypt(str(value)))
        assert isinstance(loaded, dict)
        return loaded
