"""`lantern keys backup` and `lantern keys restore`: every key of the system in one file sealed with a passphrase.

The file is JSON: the key derivation (scrypt, its cost and salt), a nonce, and AES-256-GCM of the keys under the
derived key, with the rest of the file as associated data (so its cost cannot be lowered unnoticed). Inside: the
data keyring, the audit keyring, the blind-index key, the secret key and the backup key, as the files under
LANTERN_HOME/keys hold them, whether they came from those files or from LANTERN_* variables. It is kept apart from
the database backups (a safe, a secret store): with a database backup it restores the whole system.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.conf import settings

import lantern
from lantern.core import crypto
from lantern.core.backupfile import BackupRefused

FORMAT = "lantern-keys/1"
MIN_PASSPHRASE = 16
SCRYPT_N = 2**16
SCRYPT_R = 8
SCRYPT_P = 1
# The files a keys backup holds, in LANTERN_HOME/keys, and the variable that overrides each.
KEY_FILES = {
    "data_keys": "LANTERN_DATA_KEYS",
    "audit_keys": "LANTERN_AUDIT_KEYS",
    "index_key": "LANTERN_INDEX_KEY",
    "secret_key": "LANTERN_SECRET_KEY",
    "backup_key": "LANTERN_BACKUP_KEY",
}


MIN_DISTINCT = 8
# Passphrases an attacker tries first (compared without spaces, case or digits at the end).
OBVIOUS = frozenset(
    {
        "password",
        "passphrase",
        "lantern",
        "qwertyuiop",
        "qwertyuiopasdfgh",
        "abcdefghijklmnop",
        "correcthorsebatterystaple",
        "letmein",
        "iloveyou",
        "changeme",
        "secret",
        "admin",
    }
)


def _repeats(text: str) -> bool:
    """Whether the text is one shorter piece repeated ("passwordpassword", "abcabcabc")."""
    return len(text) > 1 and text in (text + text)[1:-1]


def check_passphrase(passphrase: str) -> None:
    if not passphrase.strip():
        raise BackupRefused("the passphrase is blank: choose four or five words")
    if len(passphrase) < MIN_PASSPHRASE:
        raise BackupRefused(
            f"the passphrase must have at least {MIN_PASSPHRASE} characters (four or five words), not {len(passphrase)}"
        )
    if len(set(passphrase.lower())) < MIN_DISTINCT:
        raise BackupRefused(
            f"the passphrase has fewer than {MIN_DISTINCT} different characters: choose four or five words"
        )
    plain = "".join(passphrase.lower().split()).rstrip("0123456789!?.")
    if plain in OBVIOUS or _repeats(plain):
        raise BackupRefused("the passphrase is one an attacker tries first (a common word, or a word repeated)")


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def _current_keys() -> dict[str, str]:
    """Each key as its file holds it (the variable's value when a variable provides it)."""
    found: dict[str, str] = {}
    keys_dir = Path(settings.LANTERN_KEYS_DIR)
    for name, variable in KEY_FILES.items():
        if variable == "LANTERN_SECRET_KEY":
            value = os.environ.get(variable, "")
        else:
            value = str(getattr(settings, variable, "") or "")
        if value and name in ("data_keys", "audit_keys"):
            ring = crypto.Keyring.parse(value, source=variable)
            value = ring.serialise()
        if not value and (keys_dir / name).is_file():
            value = (keys_dir / name).read_text()
        if value:
            found[name] = value if value.endswith("\n") else value + "\n"
    return found


def seal(passphrase: str) -> tuple[bytes, list[str]]:
    """The keys backup file's content and the names of the keys in it."""
    check_passphrase(passphrase)
    keys = _current_keys()
    if "data_keys" not in keys:
        raise BackupRefused("no data keys to back up: set LANTERN_DATA_KEYS or run `lantern keys init`")
    salt = secrets.token_bytes(16)
    envelope: dict[str, Any] = {
        "format": FORMAT,
        "lantern_version": lantern.__version__,
        "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "kdf": {"name": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P, "salt": _b64(salt)},
        "nonce": _b64(secrets.token_bytes(12)),
    }
    plain = json.dumps({"keys": keys}).encode("utf-8")
    key = _derive(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    sealed = AESGCM(key).encrypt(base64.b64decode(envelope["nonce"]), plain, _associated(envelope))
    envelope["ciphertext"] = _b64(sealed)
    return (json.dumps(envelope, indent=1) + "\n").encode("utf-8"), sorted(keys)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _associated(envelope: dict[str, Any]) -> bytes:
    fields = {k: v for k, v in envelope.items() if k != "ciphertext"}
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode("utf-8")


def unseal(content: bytes, passphrase: str) -> dict[str, str]:
    """The keys in a keys backup file; refuses a file that is not one, altered, or a wrong passphrase."""
    try:
        envelope = json.loads(content)
        kdf = envelope["kdf"]
        if envelope["format"] != FORMAT or kdf["name"] != "scrypt":
            raise BackupRefused("this keys backup has a format this Lantern does not read")
        n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
        salt, nonce = base64.b64decode(kdf["salt"]), base64.b64decode(envelope["nonce"])
        sealed = base64.b64decode(envelope["ciphertext"])
    except BackupRefused:
        raise
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise BackupRefused("this is not a Lantern keys backup (or it was altered)") from None
    if not (2**14 <= n <= 2**20 and 1 <= r <= 32 and 1 <= p <= 4):
        raise BackupRefused("the keys backup asks for an unreasonable scrypt cost (altered?)")
    try:
        plain = AESGCM(_derive(passphrase, salt, n, r, p)).decrypt(nonce, sealed, _associated(envelope))
    except (InvalidTag, ValueError):
        raise BackupRefused("wrong passphrase, or the keys backup was altered") from None
    keys = json.loads(plain)["keys"]
    return {name: str(value) for name, value in keys.items() if name in KEY_FILES}


@dataclass
class KeysRestored:
    written: list[str]
    unchanged: list[str]
    overridden: list[str]  # restored to a file, but a variable set here takes precedence


def conflicts(keys: dict[str, str]) -> list[str]:
    """The keys whose file here holds something else."""
    keys_dir = Path(settings.LANTERN_KEYS_DIR)
    return [
        name for name, value in keys.items() if (keys_dir / name).is_file() and (keys_dir / name).read_text() != value
    ]


def install(keys: dict[str, str], *, force: bool = False) -> KeysRestored:
    keys_dir = Path(settings.LANTERN_KEYS_DIR)
    different = conflicts(keys)
    if different and not force:
        raise BackupRefused(
            f"{keys_dir} already holds other keys ({', '.join(different)}): restoring over them would make the "
            "data encrypted under them unreadable; move them away, or add --force to replace them"
        )
    _validate(keys)
    keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(keys_dir, 0o700)
    written, unchanged = [], []
    for name, value in keys.items():
        path = keys_dir / name
        if path.is_file() and path.read_text() == value:
            unchanged.append(name)
            continue
        _write_private(path, value)
        written.append(name)
    crypto.reset_key_cache()
    overridden = [name for name in keys if os.environ.get(KEY_FILES[name])]
    return KeysRestored(written=written, unchanged=unchanged, overridden=overridden)


def _validate(keys: dict[str, str]) -> None:
    from django.core.exceptions import ImproperlyConfigured

    try:
        for name in ("data_keys", "audit_keys"):
            if name in keys:
                crypto.Keyring.parse(keys[name], source=f"the keys backup's {name}")
    except ImproperlyConfigured as exc:
        raise BackupRefused(str(exc)) from None


def _write_private(path: Path, value: str) -> None:
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
