"""The keyed audit chain and its checkpoints (decision 0010). Someone with the database but not
the audit key cannot recompute the chain after an edit, and cannot cut its end off unseen once a checkpoint of
`lantern audit anchor` is kept elsewhere."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from lantern.core import crypto
from lantern.core.audit import (
    BadCheckpoint,
    Checkpoint,
    _canonical,
    audit_anchor,
    audit_record,
    audit_verify,
    event_hash,
)
from lantern.core.models import AuditEvent, AuditHead
from tests.core.test_audit import _as_database_owner

OTHER_KEY = "older:" + "b2xkZXItYXVkaXQta2V5LW9ubHktZm9yLXRlc3RzLTA="


def _events(n: int) -> list[AuditEvent]:
    return [audit_record(action="test.event", actor_label="tester", detail={"n": i}) for i in range(n)]


def _rewind_head_to(seq: int) -> None:
    row = AuditEvent.objects.get(seq=seq)
    AuditHead.objects.filter(id=1).update(last_seq=seq, last_hash=row.hash)


@pytest.mark.django_db
def test_each_row_is_an_hmac_under_the_key_it_names() -> None:
    first, second = _events(2)
    assert first.key_id == second.key_id == crypto.audit_keyring().active_id
    assert first.hash != hashlib.sha256(_canonical(first)).hexdigest()
    assert audit_verify().ok


@pytest.mark.django_db
def test_deleting_the_last_rows_and_rewinding_the_head_is_found_from_a_checkpoint() -> None:
    _events(5)
    checkpoint = audit_anchor()
    assert checkpoint.seq == 5
    _as_database_owner("DELETE FROM core_auditevent WHERE seq > 3")
    _rewind_head_to(3)
    assert audit_verify().ok  # the chain alone cannot tell: that is what the checkpoint is for
    result = audit_verify(since=checkpoint)
    assert (result.ok, result.first_bad_seq) == (False, 5)
    assert "truncated" in result.problem


@pytest.mark.django_db
@pytest.mark.parametrize("keep_key_id", [True, False])
def test_an_edited_row_with_the_chain_recomputed_by_plain_hashes_is_found(keep_key_id: bool) -> None:
    _events(4)
    checkpoint = audit_anchor()
    # The attacker edits row 2 and recomputes rows 2..4 and the head with SHA-256: she has no audit key.
    rows = list(AuditEvent.objects.order_by("seq"))
    prev = rows[0].hash
    _as_database_owner("DELETE FROM core_auditevent WHERE seq >= 2")
    for row in rows[1:]:
        if row.seq == 2:
            row.actor_label = "someone else"
        if not keep_key_id:
            row.key_id = ""
        row.prev_hash = prev
        row.hash = hashlib.sha256(_canonical(row)).hexdigest()
        row.save(force_insert=True)
        prev = row.hash
    AuditHead.objects.filter(id=1).update(last_hash=prev)
    result = audit_verify()
    assert (result.ok, result.first_bad_seq) == (False, 2)
    assert ("changed" if keep_key_id else "not keyed") in result.problem
    assert (audit_verify(since=checkpoint).ok, audit_verify(since=checkpoint).first_bad_seq) == (False, 4)


@pytest.mark.django_db
def test_a_checkpoint_cannot_be_forged_or_altered() -> None:
    _events(3)
    genuine = audit_anchor()
    assert audit_verify(since=genuine).ok
    moved = Checkpoint(2, AuditEvent.objects.get(seq=2).hash, genuine.at, genuine.key_id, genuine.signature)
    assert "signature is wrong" in audit_verify(since=moved).problem
    with pytest.raises(BadCheckpoint):
        Checkpoint.parse(genuine.text().replace("seq=3", "seq=three"))


@pytest.mark.django_db
def test_verifying_from_a_checkpoint_checks_only_what_follows() -> None:
    _events(3)
    checkpoint = audit_anchor()
    _events(2)
    result = audit_verify(since=checkpoint)
    assert (result.ok, result.checked) == (True, 2)
    assert result.head_hash == AuditHead.objects.get().last_hash


@pytest.mark.django_db
def test_a_new_key_keeps_the_old_chain_verifiable(settings: pytest.FixtureRequest) -> None:
    old_rows = _events(2)
    old_checkpoint = audit_anchor()
    active = settings.LANTERN_AUDIT_KEYS  # type: ignore[attr-defined]
    settings.LANTERN_AUDIT_KEYS = "new1:" + "bmV3LWF1ZGl0LWtleS1mb3ItdGVzdHMtb25seS0wMDA=," + active  # type: ignore[attr-defined]
    crypto.reset_key_cache()
    new_rows = _events(2)
    assert {r.key_id for r in old_rows} == {"test1"}
    assert {r.key_id for r in new_rows} == {"new1"}
    assert audit_verify().ok
    assert audit_verify(since=old_checkpoint).ok
    settings.LANTERN_AUDIT_KEYS = "new1:" + "bmV3LWF1ZGl0LWtleS1mb3ItdGVzdHMtb25seS0wMDA="  # type: ignore[attr-defined]
    crypto.reset_key_cache()  # the old key thrown away: its rows can no longer be vouched for
    assert "not in the keyring" in audit_verify().problem


@pytest.mark.django_db
def test_unkeyed_rows_pass_only_below_the_upgrade_mark(settings: pytest.FixtureRequest) -> None:
    legacy = AuditEvent(seq=1, at=timezone.now(), actor_label="before", action="x", prev_hash="0" * 64)
    legacy.hash = event_hash(legacy)  # written before the chain was keyed
    legacy.save(force_insert=True)
    AuditHead.objects.update_or_create(id=1, defaults={"last_seq": 1, "last_hash": legacy.hash})
    _events(1)
    assert "row 1 is not keyed" in audit_verify().problem
    settings.LANTERN_AUDIT_UNKEYED_UNTIL = 1  # type: ignore[attr-defined]
    assert audit_verify().ok


@pytest.mark.django_db
def test_the_anchor_and_verify_commands(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    _events(3)
    anchors = tmp_path / "anchors"
    call_command("audit", "anchor", "--out", str(anchors))
    line = capsys.readouterr().out.strip()
    assert line.startswith("lantern-audit-checkpoint v1 seq=3 ")
    assert anchors.read_text().strip() == line
    assert stat.S_IMODE(anchors.stat().st_mode) == 0o600
    _events(1)
    call_command("audit", "verify", "--since", str(anchors))
    assert "intact: 1 events since the checkpoint" in capsys.readouterr().out
    call_command("audit", "verify", "--since", line)
    _as_database_owner("DELETE FROM core_auditevent WHERE seq >= 3")
    _rewind_head_to(2)
    with pytest.raises(CommandError, match=r"row 3.*truncated") as broken:
        call_command("audit", "verify", "--since", str(anchors))
    assert broken.value.returncode == 1
    for bad in ("lantern-audit-checkpoint v1 seq=x", str(tmp_path / "missing")):
        with pytest.raises(CommandError) as usage:
            call_command("audit", "verify", "--since", bad)
        assert usage.value.returncode == 2


@pytest.mark.django_db
def test_appending_without_an_audit_key_fails_loudly(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    from django.core.exceptions import ImproperlyConfigured

    settings.LANTERN_AUDIT_KEYS = ""  # type: ignore[attr-defined]
    settings.LANTERN_KEYS_DIR = tmp_path  # type: ignore[attr-defined]
    crypto.reset_key_cache()
    with pytest.raises(ImproperlyConfigured, match="No audit keys"):
        audit_record(action="test.event")
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_the_new_key_command_puts_a_key_first_and_keeps_the_old(
    settings: pytest.FixtureRequest, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    settings.LANTERN_KEYS_DIR = tmp_path  # type: ignore[attr-defined]
    settings.LANTERN_AUDIT_KEYS = ""  # type: ignore[attr-defined]
    (tmp_path / "audit_keys").write_text("test1:" + "dGVzdC1vbmx5LWF1ZGl0LWtleS0wMDAwMDAwMDAwMDA=\n")
    crypto.reset_key_cache()
    old = _events(2)
    call_command("audit", "new-key")
    new_id = capsys.readouterr().out.split()[4].rstrip(";")
    ring = crypto.audit_keyring()
    assert list(ring.keys) == [new_id, "test1"]
    assert stat.S_IMODE((tmp_path / "audit_keys").stat().st_mode) == 0o600
    assert _events(1)[0].key_id == new_id
    assert {e.key_id for e in old} == {"test1"}
    assert audit_verify().ok
    settings.LANTERN_AUDIT_KEYS = "x:" + "eC1rZXktZm9yLWEtdGVzdC1vbmx5LTAwMDAwMDAwMDA="  # type: ignore[attr-defined]
    with pytest.raises(CommandError, match="LANTERN_AUDIT_KEYS") as usage:
        call_command("audit", "new-key")
    assert usage.value.returncode == 2
