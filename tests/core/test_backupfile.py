"""The encrypted container of backups (chunks that authenticate one by one and as a whole), and what restore refuses
before it writes anything: a backup from a newer Lantern."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

import lantern
from lantern.core import backup
from lantern.core.backupfile import CHUNK_BYTES, HEADER_BYTES, BackupRefused, EncryptedWriter, lines

KEY = bytes(range(32))


def sealed(payload: bytes, key: bytes = KEY) -> bytes:
    sink = io.BytesIO()
    writer = EncryptedWriter(sink, key)
    writer.write(payload)
    writer.close()
    return sink.getvalue()


def read(data: bytes, key: bytes = KEY) -> bytes:
    return b"\n".join(lines(io.BytesIO(data), key))


def chunk_spans(data: bytes) -> list[tuple[int, int]]:
    spans, at = [], HEADER_BYTES
    while at < len(data):
        size = int.from_bytes(data[at : at + 4], "big")
        spans.append((at, at + 4 + size))
        at += 4 + size
    return spans


def test_several_chunks_round_trip() -> None:
    payload = b"\n".join(os.urandom(700).hex().encode() for _ in range(3000))  # incompressible enough: > 2 chunks
    data = sealed(payload)
    assert len(chunk_spans(data)) >= 3
    assert read(data) == payload


def test_a_chunk_removed_moved_or_cut_off_is_refused() -> None:
    data = sealed(b"\n".join(os.urandom(700).hex().encode() for _ in range(3000)))
    (a, b), (c, d) = chunk_spans(data)[0], chunk_spans(data)[1]
    with pytest.raises(BackupRefused, match="altered"):
        read(data[:a] + data[c:])  # first chunk removed: the second does not authenticate as the first
    with pytest.raises(BackupRefused, match="altered"):
        read(data[:a] + data[c:d] + data[a:b] + data[d:])  # two chunks swapped
    with pytest.raises(BackupRefused, match="truncated"):
        read(data[:d])  # ends after a chunk that is not the last
    with pytest.raises(BackupRefused, match="truncated"):
        read(data[: d - 1])


def test_the_last_chunk_cannot_be_passed_off_as_another() -> None:
    data = sealed(b"small")
    assert len(chunk_spans(data)) == 1
    assert read(data) == b"small"
    with pytest.raises(BackupRefused, match="wrong backup key"):
        read(data, key=bytes(32))


def test_chunks_stay_below_the_limit() -> None:
    data = sealed(os.urandom(3 * CHUNK_BYTES))
    assert all(end - start <= 4 + CHUNK_BYTES + 16 for start, end in chunk_spans(data))


@pytest.mark.django_db(transaction=True)
def test_a_backup_from_a_newer_lantern_is_refused_before_anything_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "newer.backup"
    monkeypatch.setattr(lantern, "__version__", "99.0.0")
    with path.open("wb") as sink:
        made = backup.write_backup(sink, KEY)
    assert made.manifest["lantern_version"] == "99.0.0"
    monkeypatch.undo()
    manifest, _layout = backup.check_file(path, KEY)
    with pytest.raises(BackupRefused, match=r"made by Lantern 99\.0\.0, newer than this Lantern"):
        backup.check_compatible(manifest)
    manifest = {
        **manifest,
        "lantern_version": lantern.__version__,
        "migrations": [*manifest["migrations"], "cases.9999_x"],
    }
    with pytest.raises(BackupRefused, match=r"migration cases\.9999_x that this Lantern"):
        backup.check_compatible(manifest)


@pytest.mark.django_db(transaction=True)
def test_the_manifest_counts_and_digests_every_table_the_same_way_restore_measures_it(tmp_path: Path) -> None:
    path = tmp_path / "b.backup"
    with path.open("wb") as sink:
        made = backup.write_backup(sink, KEY)
    manifest, layout = backup.check_file(path, KEY)
    assert manifest == made.manifest
    assert backup.table_digests(layout=layout) == manifest["tables"]
    assert {"core_auditevent", "cases_person", "django_migrations"} <= set(manifest["tables"])
    assert manifest["audit_head"] is not None
