"""Field encryption (AES-256-GCM) and the keyed HMAC blind index.

A stored value reads ``v1:<key id>:<base64(nonce || ciphertext || tag)>``. The key id travels with every value so
that several keys can live in the keyring while `lantern keys rotate` moves values to the active one. The
associated data binds a ciphertext to its column (``app_label.model.field``): a value copied into another
column does not decrypt.

Keys come from LANTERN_DATA_KEYS ("id:base64key,id:base64key", the first one active) or, for the embedded
set-up, from ``$LANTERN_HOME/keys/data_keys`` written by `lantern keys init` with mode 0600.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "v1"
NONCE_BYTES = 12
KEY_BYTES = 32
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class DecryptionError(Exception):
    """A stored value could not be decrypted: unknown key id, wrong column or altered ciphertext."""


@dataclass(frozen=True)
class Keyring:
    keys: dict[str, bytes]
    active_id: str

    @property
    def active(self) -> bytes:
        return self.keys[self.active_id]

    @classmethod
    def parse(cls, text: str, *, source: str, kind: str = "data") -> Keyring:
        keys: dict[str, bytes] = {}
        entries = [entry.strip() for entry in text.replace("\n", ",").split(",") if entry.strip()]
        for entry in entries:
            key_id, sep, encoded = entry.partition(":")
            if not sep or not _KEY_ID.match(key_id):
                raise ImproperlyConfigured(f"{source}: each entry must read 'id:base64key' with a short id")
            try:
                key = base64.b64decode(encoded, validate=True)
            except binascii.Error:
                raise ImproperlyConfigured(f"{source}: key {key_id!r} is not valid base64") from None
            if len(key) != KEY_BYTES:
                raise ImproperlyConfigured(f"{source}: key {key_id!r} must be {KEY_BYTES} bytes, not {len(key)}")
            if key_id in keys:
                raise ImproperlyConfigured(f"{source}: key id {key_id!r} appears twice")
            keys[key_id] = key
        if not keys:
            raise ImproperlyConfigured(f"{source}: no {kind} key")
        return cls(keys=keys, active_id=next(iter(keys)))

    def serialise(self) -> str:
        ordered = [self.active_id, *(k for k in self.keys if k != self.active_id)]
        return "\n".join(f"{k}:{base64.b64encode(self.keys[k]).decode()}" for k in ordered) + "\n"


def new_key_id() -> str:
    return "k" + secrets.token_hex(4)


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def data_keys_path() -> Path:
    return Path(settings.LANTERN_KEYS_DIR) / "data_keys"


def index_key_path() -> Path:
    return Path(settings.LANTERN_KEYS_DIR) / "index_key"


@cache
def keyring() -> Keyring:
    if settings.LANTERN_DATA_KEYS:
        return Keyring.parse(settings.LANTERN_DATA_KEYS, source="LANTERN_DATA_KEYS")
    path = data_keys_path()
    if not path.is_file():
        raise ImproperlyConfigured(f"No data keys: set LANTERN_DATA_KEYS or run `lantern keys init` to create {path}")
    return Keyring.parse(path.read_text(), source=str(path))


@cache
def index_key() -> bytes:
    encoded = settings.LANTERN_INDEX_KEY
    source = "LANTERN_INDEX_KEY"
    if not encoded:
        path = index_key_path()
        if not path.is_file():
            raise ImproperlyConfigured(
                f"No blind-index key: set LANTERN_INDEX_KEY or run `lantern keys init` to create {path}"
            )
        encoded, source = path.read_text().strip(), str(path)
    try:
        key = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise ImproperlyConfigured(f"{source} is not valid base64") from None
    if len(key) < KEY_BYTES:
        raise ImproperlyConfigured(f"{source} must hold at least {KEY_BYTES} bytes")
    return key


def audit_keys_path() -> Path:
    return Path(settings.LANTERN_KEYS_DIR) / "audit_keys"


@cache
def audit_keyring() -> Keyring:
    """The keys of the audit chain's HMAC (lantern.core.audit): held outside the database, so that someone who can
    write to the database cannot recompute the chain."""
    if settings.LANTERN_AUDIT_KEYS:
        return Keyring.parse(settings.LANTERN_AUDIT_KEYS, source="LANTERN_AUDIT_KEYS", kind="audit")
    path = audit_keys_path()
    if not path.is_file():
        raise ImproperlyConfigured(f"No audit keys: set LANTERN_AUDIT_KEYS or run `lantern keys init` to create {path}")
    return Keyring.parse(path.read_text(), source=str(path), kind="audit")


def reset_key_cache() -> None:
    keyring.cache_clear()
    index_key.cache_clear()
    audit_keyring.cache_clear()


@cache
def _aead(key: bytes) -> AESGCM:
    return AESGCM(key)


def encrypt(plaintext: str, *, context: str, ring: Keyring | None = None) -> str:
    ring = ring or keyring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = _aead(ring.active).encrypt(nonce, plaintext.encode("utf-8"), context.encode("utf-8"))
    return f"{PREFIX}:{ring.active_id}:{base64.b64encode(nonce + sealed).decode('ascii')}"


def key_id_of(stored: str) -> str:
    parts = stored.split(":", 2)
    if len(parts) != 3 or parts[0] != PREFIX:
        raise DecryptionError("not an encrypted value")
    return parts[1]


def decrypt(stored: str, *, context: str, ring: Keyring | None = None) -> str:
    ring = ring or keyring()
    key_id = key_id_of(stored)
    key = ring.keys.get(key_id)
    if key is None:
        raise DecryptionError(f"unknown key id {key_id!r}")
    try:
        blob = base64.b64decode(stored.split(":", 2)[2], validate=True)
        plain = _aead(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], context.encode("utf-8"))
    except (binascii.Error, ValueError, Exception) as exc:  # InvalidTag carries no message
        raise DecryptionError("the value does not decrypt with its key and column") from exc
    return plain.decode("utf-8")


def normalise_for_index(value: str) -> str:
    """Case, accents, punctuation and spacing do not change the index: 'José  Pérez' == 'jose perez'."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = re.findall(r"\w+", stripped)
    return " ".join(words)


def blind_index(*parts: str, purpose: str) -> str:
    """A keyed HMAC-SHA256 of the normalised parts, for exact-match lookups without the clear value."""
    message = "\x1f".join([purpose, *(normalise_for_index(p) for p in parts)]).encode("utf-8")
    return hmac.new(index_key(), message, hashlib.sha256).hexdigest()
