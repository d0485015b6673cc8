"""The append-only, keyed hash chain of the audit trail.

`audit_record` appends one event inside the caller's transaction: it locks the chain head, so events are
numbered without gaps in commit order and each carries the hash of the one before. Each hash is an HMAC-SHA256
under an audit key held outside the database (`LANTERN_AUDIT_KEYS` or `LANTERN_HOME/keys/audit_keys`), so someone
who can write to the database cannot recompute the chain after editing a row. `audit_verify` walks the chain and
names the first row that was changed, removed or inserted. A removal of the last rows together with the head is
found against a checkpoint: `audit_anchor` signs the head's position and hash, the checkpoint is kept elsewhere,
and `audit_verify(since=...)` proves that the trail still holds that row and goes on from it (decision 0010). On
PostgreSQL the database itself refuses UPDATE and DELETE on the table (migration 0002).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lantern.core.context import client_ip
from lantern.core.crypto import Keyring, audit_keyring
from lantern.core.models import AuditEvent, AuditHead, User

GENESIS = "0" * 64
MAX_DETAIL_TEXT = 80


def _canonical(event: AuditEvent) -> bytes:
    at = event.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    payload = {
        "seq": event.seq,
        "at": at,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "organisation_id": event.organisation_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "detail": event.detail,
        "ip_address": event.ip_address,
        "prev_hash": event.prev_hash,
    }
    if event.key_id:
        payload["key_id"] = event.key_id
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class UnknownAuditKey(Exception):
    """A row or a checkpoint names an audit key that is not in the keyring."""


def event_hash(event: AuditEvent, ring: Keyring | None = None) -> str:
    """HMAC-SHA256 of the row under the audit key it names; a plain SHA-256 for rows from before the keyed chain."""
    if not event.key_id:
        return hashlib.sha256(_canonical(event)).hexdigest()
    key = (ring or audit_keyring()).keys.get(event.key_id)
    if key is None:
        raise UnknownAuditKey(event.key_id)
    return hmac.new(key, _canonical(event), hashlib.sha256).hexdigest()


def _check_detail(value: Any, path: str = "detail") -> None:
    """Details are small structured facts (ids, field names, counts), never free text about people."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path}: keys must be strings")
            _check_detail(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_detail(item, f"{path}[{index}]")
    elif isinstance(value, str) and len(value) > MAX_DETAIL_TEXT:
        raise TypeError(f"{path}: audit details hold codes and ids, not text of {len(value)} characters")
    elif not (value is None or isinstance(value, str | int | bool)):
        raise TypeError(f"{path}: {type(value).__name__} is not allowed in audit details (use str or int)")


def audit_record(
    *,
    action: str,
    actor: User | None = None,
    actor_label: str = "",
    organisation_id: int | None = None,
    object_type: str = "",
    object_id: str | int = "",
    detail: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    detail = detail or {}
    _check_detail(detail)
    ring = audit_keyring()
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(id=1).first()
        if head is None:
            head = _start_chain()
        event = AuditEvent(
            seq=head.last_seq + 1,
            at=timezone.now(),
            actor_id=actor.pk if actor is not None else None,
            actor_label=actor.get_username() if actor is not None else actor_label,
            organisation_id=organisation_id,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            detail=detail,
            ip_address=client_ip.get() if ip_address is None else ip_address,
            prev_hash=head.last_hash,
            key_id=ring.active_id,
        )
        event.hash = event_hash(event, ring)
        event.save(force_insert=True)
        head.last_seq = event.seq
        head.last_hash = event.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return event


def _start_chain() -> AuditHead:
    """The head row is created by migration 0002; an emptied database (a test flush) gets it back here. A head
    missing beside existing events is tampering, and appending stops rather than start a second chain."""
    if AuditEvent.objects.exists():
        raise RuntimeError("the audit chain head is missing while events exist: run `lantern audit verify`")
    head, _ = AuditHead.objects.get_or_create(id=1, defaults={"last_seq": 0, "last_hash": GENESIS})
    return AuditHead.objects.select_for_update().get(pk=head.pk)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    head_hash: str
    first_bad_seq: int | None = None
    problem: str = ""


def _events_in_order(after: int = 0, batch: int = 5000) -> Iterator[AuditEvent]:
    last = after
    while True:
        rows = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def _row_problem(event: AuditEvent, ring: Keyring) -> str:
    """What is wrong with one row on its own ("" when nothing)."""
    if not event.key_id and event.seq > settings.LANTERN_AUDIT_UNKEYED_UNTIL:
        return f"row {event.seq} is not keyed: its hash is one anybody could compute"
    try:
        expected = event_hash(event, ring)
    except UnknownAuditKey:
        return f"row {event.seq} names audit key {event.key_id!r}, which is not in the keyring"
    if not hmac.compare_digest(expected, event.hash):
        return f"row {event.seq} was changed"
    return ""


# --- Checkpoints: the head's position and hash, signed, kept somewhere the database's users cannot reach -----

CHECKPOINT_PREFIX = "lantern-audit-checkpoint"
_CHECKPOINT = re.compile(
    rf"^{CHECKPOINT_PREFIX} v1 seq=(?P<seq>\d+) hash=(?P<hash>[0-9a-f]{{64}}) "
    r"at=(?P<at>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) key=(?P<key>[A-Za-z0-9_-]{1,32}) sig=(?P<sig>[0-9a-f]{64})$"
)


class BadCheckpoint(ValueError):
    """The text given is not a checkpoint that `lantern audit anchor` writes."""


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str  # UTC, to the second: 2026-12-06T15:53:00Z
    key_id: str
    signature: str

    def text(self) -> str:
        return (
            f"{CHECKPOINT_PREFIX} v1 seq={self.seq} hash={self.hash} at={self.at} key={self.key_id} "
            f"sig={self.signature}"
        )

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        match = _CHECKPOINT.match(text.strip())
        if match is None:
            raise BadCheckpoint(f"not a checkpoint: expected a line starting '{CHECKPOINT_PREFIX} v1 seq='")
        return cls(int(match["seq"]), match["hash"], match["at"], match["key"], match["sig"])


def _checkpoint_signature(key: bytes, seq: int, head_hash: str, at: str) -> str:
    message = "\x1f".join([CHECKPOINT_PREFIX, "v1", str(seq), head_hash, at]).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def audit_anchor(*, now: datetime | None = None) -> Checkpoint:
    """A signed checkpoint of the chain's head as it is now."""
    ring = audit_keyring()
    head = AuditHead.objects.filter(id=1).first()
    seq, head_hash = (head.last_seq, head.last_hash) if head is not None else (0, GENESIS)
    at = (now or timezone.now()).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    signature = _checkpoint_signature(ring.active, seq, head_hash, at)
    return Checkpoint(seq=seq, hash=head_hash, at=at, key_id=ring.active_id, signature=signature)


def _checkpoint_problem(checkpoint: Checkpoint, ring: Keyring) -> str:
    key = ring.keys.get(checkpoint.key_id)
    if key is None:
        return f"the checkpoint is signed with audit key {checkpoint.key_id!r}, which is not in the keyring"
    expected = _checkpoint_signature(key, checkpoint.seq, checkpoint.hash, checkpoint.at)
    if not hmac.compare_digest(expected, checkpoint.signature):
        return "the checkpoint's signature is wrong: it was not written by `lantern audit anchor` with this keyring"
    return ""


def audit_verify(*, since: Checkpoint | None = None) -> VerifyResult:
    """Walk the chain from its start, or from the row a checkpoint names (which must still be there, unchanged:
    otherwise the trail was truncated or rewritten after the checkpoint was taken), then compare with the head."""
    ring = audit_keyring()
    expected_seq, prev, checked = 1, GENESIS, 0
    if since is not None:
        problem = _checkpoint_problem(since, ring)
        if problem:
            return VerifyResult(False, 0, "", None, problem)
        if since.seq > 0:
            anchored = AuditEvent.objects.filter(seq=since.seq).first()
            if anchored is None:
                return VerifyResult(
                    False, 0, "", since.seq,
                    f"row {since.seq}, the head at the checkpoint of {since.at}, is gone: the trail was truncated",
                )  # fmt: skip
            problem = _row_problem(anchored, ring)
            if problem or anchored.hash != since.hash:
                return VerifyResult(
                    False, 0, "", since.seq,
                    problem or f"row {since.seq} is not the one anchored at {since.at}: the trail was rewritten",
                )  # fmt: skip
            expected_seq, prev = since.seq + 1, since.hash
    for event in _events_in_order(after=expected_seq - 1):
        if event.seq != expected_seq:
            kind = "missing" if event.seq > expected_seq else "out of order"
            return VerifyResult(False, checked, prev, expected_seq, f"row {expected_seq} is {kind}")
        if event.prev_hash != prev:
            return VerifyResult(False, checked, prev, event.seq, f"row {event.seq} does not follow row {event.seq - 1}")
        problem = _row_problem(event, ring)
        if problem:
            return VerifyResult(False, checked, prev, event.seq, problem)
        prev = event.hash
        expected_seq += 1
        checked += 1
    head = AuditHead.objects.filter(id=1).first()
    if head is None:
        return VerifyResult(False, checked, prev, None, "the chain head is missing")
    last_seq = expected_seq - 1
    if head.last_seq != last_seq or head.last_hash != prev:
        if head.last_seq > last_seq:
            return VerifyResult(False, checked, prev, last_seq + 1, f"row {last_seq + 1} was removed")
        return VerifyResult(False, checked, prev, head.last_seq + 1, f"row {head.last_seq + 1} was inserted")
    return VerifyResult(True, checked, prev)
