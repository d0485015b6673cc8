"""The encrypted container of `lantern backup` files, and the backup key.

A file is a 64-byte header followed by chunks::

    header  = b"LANTERN-BACKUP\\0\\1" (16) || salt (32) || key check (16)
    chunk   = length of the sealed chunk (4 bytes, big-endian) || AES-256-GCM(file key, nonce, plain, header)
    nonce   = chunk number (11 bytes, big-endian) || 1 for the last chunk, 0 otherwise

The file key is HKDF-SHA256(backup key, salt): each file has its own, so counting nonces never repeat. Every chunk
is authenticated with the header as associated data, its number and whether it is the last one: a changed byte, a
chunk moved, removed or added, a file cut after any chunk (no last chunk) or with bytes after the last one is
refused. The key check (an HMAC of a fixed text under the backup key) tells a wrong key from a changed file.
The plain text inside is zlib-compressed; chunks hold at most 1 MiB, so neither writing nor reading holds the
database in memory.

The backup key is never a data key: it comes from LANTERN_BACKUP_KEY (base64, 32 bytes) or from
LANTERN_HOME/keys/backup_key (0600), which the first backup creates. Keep a copy of it with the keys backup
(`lantern keys backup`), apart from the backup files.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import os
import re
import secrets
import shutil
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, TypeVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

MAGIC = b"LANTERN-BACKUP\x00\x01"
SALT_BYTES = 32
CHECK_BYTES = 16
HEADER_BYTES = len(MAGIC) + SALT_BYTES + CHECK_BYTES
CHUNK_BYTES = 1024 * 1024
TAG_BYTES = 16
KEY_BYTES = 32
T = TypeVar("T")


class BackupRefused(Exception):
    """The backup cannot be used (or made): the message says why in one line."""


def backup_key_path() -> Path:
    return Path(settings.LANTERN_KEYS_DIR) / "backup_key"


def _decode_key(encoded: str, source: str) -> bytes:
    try:
        key = base64.b64decode(encoded.strip(), validate=True)
    except binascii.Error:
        raise BackupRefused(f"{source} is not valid base64") from None
    if len(key) != KEY_BYTES:
        raise BackupRefused(f"{source} must hold {KEY_BYTES} bytes, not {len(key)}")
    return key


def backup_key(*, create: bool = False) -> tuple[bytes, bool]:
    """The backup key and whether it was created now (only with `create`, only when no key exists)."""
    if settings.LANTERN_BACKUP_KEY:
        return _decode_key(settings.LANTERN_BACKUP_KEY, "LANTERN_BACKUP_KEY"), False
    path = backup_key_path()
    if path.is_file():
        return _decode_key(path.read_text(), str(path)), False
    if not create:
        raise BackupRefused(
            f"no backup key: set LANTERN_BACKUP_KEY or put the backup key at {path} (`lantern keys restore`)"
        )
    key = secrets.token_bytes(KEY_BYTES)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(base64.b64encode(key).decode() + "\n")
    return key, True


def key_check(key: bytes) -> bytes:
    return hmac.new(key, b"lantern backup key check", hashlib.sha256).digest()[:CHECK_BYTES]


def key_label(key: bytes) -> str:
    """A short public name of a backup key (its check value), to tell keys apart in messages."""
    return key_check(key)[:4].hex()


def _file_key(key: bytes, salt: bytes) -> AESGCM:
    derived = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, info=b"lantern backup v1").derive(key)
    return AESGCM(derived)


def _nonce(number: int, last: bool) -> bytes:
    return number.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class EncryptedWriter:
    """Compresses and encrypts what is written to it, chunk by chunk, into `sink`; `close` seals the last chunk."""

    def __init__(self, sink: BinaryIO, key: bytes) -> None:
        self._sink = sink
        salt = secrets.token_bytes(SALT_BYTES)
        self._header = MAGIC + salt + key_check(key)
        self._aead = _file_key(key, salt)
        self._compress = zlib.compressobj(6)
        self._pending = bytearray()
        self._number = 0
        self.written = 0
        sink.write(self._header)
        self.written += len(self._header)

    def write(self, data: bytes) -> None:
        self._pending += self._compress.compress(data)
        while len(self._pending) > CHUNK_BYTES:
            self._seal(bytes(self._pending[:CHUNK_BYTES]), last=False)
            del self._pending[:CHUNK_BYTES]

    def close(self) -> None:
        self._pending += self._compress.flush()
        while len(self._pending) > CHUNK_BYTES:
            self._seal(bytes(self._pending[:CHUNK_BYTES]), last=False)
            del self._pending[:CHUNK_BYTES]
        self._seal(bytes(self._pending), last=True)
        self._pending.clear()

    def _seal(self, plain: bytes, *, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._number, last), plain, self._header)
        self._sink.write(len(sealed).to_bytes(4, "big") + sealed)
        self.written += 4 + len(sealed)
        self._number += 1


def _read_exactly(source: BinaryIO, size: int) -> bytes:
    data = source.read(size)
    return data if isinstance(data, bytes) else b""


def _chunks(source: BinaryIO, key: bytes) -> Iterator[bytes]:
    header = _read_exactly(source, HEADER_BYTES)
    if len(header) < len(MAGIC) or not header.startswith(MAGIC[:-1]):
        raise BackupRefused("this is not a Lantern backup file")
    if header[: len(MAGIC)] != MAGIC:
        raise BackupRefused("this backup file has a format this Lantern does not read (made by a newer Lantern?)")
    if len(header) < HEADER_BYTES:
        raise BackupRefused("the backup file is truncated (it ends inside its header)")
    if not hmac.compare_digest(header[-CHECK_BYTES:], key_check(key)):
        if header[-CHECK_BYTES:][:4].hex() == key_label(key):
            raise BackupRefused(
                f"the backup file's header was altered (its key check names the key here, {key_label(key)}, but "
                "does not match it)"
            )
        raise BackupRefused(
            f"wrong backup key: the file was made with key {header[-CHECK_BYTES:][:4].hex()}, "
            f"the key here is {key_label(key)} (LANTERN_BACKUP_KEY or keys/backup_key)"
        )
    aead = _file_key(key, header[len(MAGIC) : len(MAGIC) + SALT_BYTES])
    number = 0
    while True:
        prefix = _read_exactly(source, 4)
        if len(prefix) < 4:
            raise BackupRefused(f"the backup file is truncated (it ends after chunk {number} without its last chunk)")
        size = int.from_bytes(prefix, "big")
        if size < TAG_BYTES or size > CHUNK_BYTES + TAG_BYTES:
            raise BackupRefused(f"the backup file was altered (chunk {number + 1} has an impossible length)")
        sealed = _read_exactly(source, size)
        if len(sealed) < size:
            raise BackupRefused(f"the backup file is truncated (it ends inside chunk {number + 1})")
        plain, last = _open_chunk(aead, number, sealed, header)
        yield plain
        number += 1
        if last:
            break
    if _read_exactly(source, 1):
        raise BackupRefused("the backup file was altered (bytes follow its last chunk)")


def _open_chunk(aead: AESGCM, number: int, sealed: bytes, header: bytes) -> tuple[bytes, bool]:
    for last in (False, True):
        try:
            return aead.decrypt(_nonce(number, last), sealed, header), last
        except InvalidTag:
            continue
    raise BackupRefused(f"the backup file was altered (chunk {number + 1} does not authenticate)")


def decrypted(source: BinaryIO, key: bytes, *, block: int = 4 * CHUNK_BYTES) -> Iterator[bytes]:
    """The plain text, decompressed, in pieces of at most `block` bytes; raises BackupRefused as soon as a chunk
    does not authenticate (what came before it was authentic, but the caller must not act on a partial file)."""
    inflate = zlib.decompressobj()
    for chunk in _chunks(source, key):
        data = chunk
        while data:
            try:
                out = inflate.decompress(data, block)
            except zlib.error:
                raise BackupRefused("the backup file is damaged (its content does not decompress)") from None
            if out:
                yield out
            data = inflate.unconsumed_tail
    tail = inflate.flush()
    if tail:
        yield tail
    if not inflate.eof:
        raise BackupRefused("the backup file is damaged (its compressed content is incomplete)")


def lines(source: BinaryIO, key: bytes) -> Iterator[bytes]:
    """The plain text line by line (without the newline)."""
    rest = b""
    for piece in decrypted(source, key):
        rest += piece
        *complete, rest = rest.split(b"\n")
        yield from complete
    if rest:
        yield rest


def check_new_file(out: Path, option: str = "--out") -> None:
    """A new backup never replaces a file: refuse before any work."""
    if out.exists() or out.is_symlink():
        raise BackupRefused(f"{option}: {out} already exists; give each backup its own name (the date) or remove it")
    if not out.parent.is_dir():
        raise BackupRefused(f"{option}: the directory {out.parent} does not exist")


def write_atomically(out: Path, write: Callable[[BinaryIO], T]) -> T:
    """Write `out` through a private temporary file beside it (0600), moved into place only once complete and
    on disk: a reader never sees half a file, and a failure leaves nothing."""
    check_new_file(out)
    remove_stale(out.parent, PARTIAL)
    tmp = out.with_name(f".{out.name}.{os.getpid()}-{secrets.token_hex(4)}.partial")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as sink:
            result = write(sink)
            sink.flush()
            os.fsync(sink.fileno())
        if out.exists():
            raise BackupRefused(f"--out: {out} appeared while the backup was written; it was left alone")
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    directory = os.open(out.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return result


# The temporary files and directories of this tool, with the process id of the one that made them.
PARTIAL = re.compile(r"^\..+\.(?:(\d+)-)?[0-9a-f]{8}\.partial$")
SNAPSHOT = re.compile(r"^\.lantern-backup-(?:(\d+)-)?[A-Za-z0-9_]+$")
LEGACY_STALE_SECONDS = 3600  # one without a process id (an older Lantern) counts as abandoned after an hour


def _abandoned(path: Path, pid: str | None) -> bool:
    if pid is None:
        try:
            return time.time() - path.lstat().st_mtime > LEGACY_STALE_SECONDS
        except OSError:
            return False
    if int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError):
        return False
    return False


def remove_stale(directory: Path, pattern: re.Pattern[str]) -> list[str]:
    """Remove what a killed backup left in `directory` (a partial file, a snapshot directory) whose process is
    gone; a running backup's files are left alone. Returns the names removed."""
    removed: list[str] = []
    try:
        entries = list(directory.iterdir())
    except OSError:
        return removed
    for path in entries:
        match = pattern.match(path.name)
        if match is None or path.is_symlink() or not _abandoned(path, match.group(1)):
            continue
        with contextlib.suppress(OSError):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path.name)
    return removed


def check_not_a_data_key(key: bytes) -> None:
    """The backup key must be a key of its own: a copy of a data, audit or index key would put the backups and the
    data under one secret."""
    from lantern.core import crypto

    others: list[bytes] = []
    for ring in (crypto.keyring, crypto.audit_keyring):
        with contextlib.suppress(Exception):  # a missing keyring is reported where it is needed
            others.extend(ring().keys.values())
    with contextlib.suppress(Exception):
        others.append(crypto.index_key())
    if any(hmac.compare_digest(key, other) for other in others):
        raise BackupRefused("the backup key is also a data, audit or index key: give backups a key of their own")
