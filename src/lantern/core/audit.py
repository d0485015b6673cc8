"""The append-only, hash-chained audit trail.

`audit_record` appends one event inside the caller's transaction: it locks the chain head, so events are
numbered without gaps in commit order and each carries the hash of the one before. `audit_verify` walks the
chain and names the first row that was changed, removed or inserted. On PostgreSQL the database itself refuses
UPDATE and DELETE on the table (migration 0002); anchoring the head hash somewhere else (printed by
`lantern audit verify`) also defeats a rewrite of the whole chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db import transaction
from django.utils import timezone

from lantern.core.context import client_ip
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
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def event_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


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
        )
        event.hash = event_hash(event)
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


def _events_in_order(batch: int = 5000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def audit_verify() -> VerifyResult:
    expected_seq = 1
    prev = GENESIS
    checked = 0
    for event in _events_in_order():
        if event.seq != expected_seq:
            kind = "missing" if event.seq > expected_seq else "out of order"
            return VerifyResult(False, checked, prev, expected_seq, f"row {expected_seq} is {kind}")
        if event.prev_hash != prev:
            return VerifyResult(False, checked, prev, event.seq, f"row {event.seq} does not follow row {event.seq - 1}")
        if event_hash(event) != event.hash:
            return VerifyResult(False, checked, prev, event.seq, f"row {event.seq} was changed")
        prev = event.hash
        expected_seq += 1
        checked += 1
    head = AuditHead.objects.filter(id=1).first()
    if head is None:
        return VerifyResult(False, checked, prev, None, "the chain head is missing")
    if head.last_seq != checked or head.last_hash != prev:
        if head.last_seq > checked:
            return VerifyResult(False, checked, prev, checked + 1, f"row {checked + 1} was removed")
        return VerifyResult(False, checked, prev, head.last_seq + 1, f"row {head.last_seq + 1} was inserted")
    return VerifyResult(True, checked, prev)
