"""Field encryption and the blind index (src/lantern/core/crypto.py)."""

from __future__ import annotations

import base64

import pytest
from django.core.exceptions import ImproperlyConfigured

from lantern.core import crypto

KEY_A = base64.b64encode(b"a" * 32).decode()
KEY_B = base64.b64encode(b"b" * 32).decode()


def test_a_value_round_trips_and_records_its_key_id() -> None:
    ring = crypto.Keyring.parse(f"ka:{KEY_A},kb:{KEY_B}", source="test")
    sealed = crypto.encrypt("Maria Popescu", context="cases.person.names", ring=ring)
    assert sealed.startswith("v1:ka:")
    assert "Maria" not in sealed
    assert crypto.decrypt(sealed, context="cases.person.names", ring=ring) == "Maria Popescu"


def test_the_same_value_encrypts_differently_each_time() -> None:
    ring = crypto.Keyring.parse(f"ka:{KEY_A}", source="test")
    assert crypto.encrypt("x", context="c", ring=ring) != crypto.encrypt("x", context="c", ring=ring)


def test_a_value_moved_to_another_column_does_not_decrypt() -> None:
    ring = crypto.Keyring.parse(f"ka:{KEY_A}", source="test")
    sealed = crypto.encrypt("1990-02-01", context="cases.person.birth_date", ring=ring)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(sealed, context="cases.person.names", ring=ring)


def test_an_altered_ciphertext_is_refused() -> None:
    ring = crypto.Keyring.parse(f"ka:{KEY_A}", source="test")
    sealed = crypto.encrypt("secret", context="c", ring=ring)
    prefix, body = sealed.rsplit(":", 1)
    raw = bytearray(base64.b64decode(body))
    raw[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(f"{prefix}:{base64.b64encode(bytes(raw)).decode()}", context="c", ring=ring)


def test_a_value_under_an_unknown_key_is_refused() -> None:
    old = crypto.Keyring.parse(f"ka:{KEY_A}", source="test")
    new = crypto.Keyring.parse(f"kb:{KEY_B}", source="test")
    with pytest.raises(crypto.DecryptionError, match="unknown key id"):
        crypto.decrypt(crypto.encrypt("x", context="c", ring=old), context="c", ring=new)


def test_the_first_key_of_the_ring_is_active_and_older_keys_still_decrypt() -> None:
    old = crypto.Keyring.parse(f"ka:{KEY_A}", source="test")
    sealed = crypto.encrypt("x", context="c", ring=old)
    rotated = crypto.Keyring.parse(f"kb:{KEY_B},ka:{KEY_A}", source="test")
    assert rotated.active_id == "kb"
    assert crypto.decrypt(sealed, context="c", ring=rotated) == "x"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no data key"),
        ("nocolon", "id:base64key"),
        ("k1:!!!", "not valid base64"),
        (f"k1:{base64.b64encode(b'short').decode()}", "32 bytes"),
        (f"k1:{KEY_A},k1:{KEY_B}", "appears twice"),
    ],
)
def test_a_bad_keyring_fails_loudly(text: str, message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        crypto.Keyring.parse(text, source="LANTERN_DATA_KEYS")


def test_the_keyring_serialises_with_the_active_key_first() -> None:
    ring = crypto.Keyring(keys={"ka": b"a" * 32, "kb": b"b" * 32}, active_id="kb")
    assert crypto.Keyring.parse(ring.serialise(), source="file").active_id == "kb"


def test_the_blind_index_ignores_case_accents_and_spacing() -> None:
    assert crypto.blind_index("José  Pérez", "1990-01-02", purpose="person") == crypto.blind_index(
        "jose perez", "1990-01-02", purpose="person"
    )
    assert crypto.blind_index("Ana", purpose="person") != crypto.blind_index("Anna", purpose="person")


def test_the_blind_index_depends_on_the_purpose_and_holds_no_clear_text() -> None:
    index = crypto.blind_index("Maria", purpose="person")
    assert index != crypto.blind_index("Maria", purpose="phone")
    assert "maria" not in index.lower()
    assert len(index) == 64
