"""What the hash-chained audit trail and field encryption cost.

Audit: appending N events, each in its own transaction as services do (lock the head, hash, insert, move the
head), against the anchor: inserting the same N rows each in its own transaction with no chain; and the keyed
row hash (HMAC-SHA256 under the audit key) against the plain SHA-256 the chain used before it was keyed.
Encryption: sealing and opening a 40-character value with AES-256-GCM against the anchor: encoding it to UTF-8.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import best_of, django_on_scratch_database

N = 2000


def main() -> None:
    vendor = django_on_scratch_database()
    from django.db import transaction
    from django.utils import timezone

    from lantern.core import crypto
    from lantern.core.audit import audit_record, audit_verify, event_hash
    from lantern.core.models import AuditEvent

    def chained() -> None:
        for i in range(N):
            audit_record(action="bench.event", actor_label="bench", object_type="bench", object_id=i, detail={"i": i})

    plain_seq = [10_000_000]

    def plain() -> None:
        for i in range(N):
            plain_seq[0] += 1
            with transaction.atomic():
                AuditEvent.objects.create(
                    seq=plain_seq[0], at=timezone.now(), actor_label="bench", action="bench.plain",
                    object_type="bench", object_id=str(i), detail={"i": i}, prev_hash="", hash=str(plain_seq[0]),
                )  # fmt: skip

    chain_s = best_of(3, chained)
    verify_s = best_of(1, lambda: audit_verify())  # before the plain rows, which are outside the chain
    plain_s = best_of(3, plain)
    print(f"database: {vendor}; {N} events per run, best of 3")
    print(f"audit append (chained):   {N / chain_s:8.0f} events/s  {1e6 * chain_s / N:7.1f} µs/event")
    print(f"anchor: plain insert:     {N / plain_s:8.0f} rows/s    {1e6 * plain_s / N:7.1f} µs/row")
    print(f"ratio chained / plain:    {chain_s / plain_s:8.2f}")
    print(f"audit verify:             {3 * N / verify_s:8.0f} events/s checked")

    # The keyed chain (decision 0010): hashing a row with the audit key's HMAC against the plain SHA-256 of 0003.
    rows = list(AuditEvent.objects.filter(action="bench.event").order_by("seq")[:N])
    keyed_s = best_of(5, lambda: [event_hash(row) for row in rows])
    for row in rows:
        row.key_id = ""
    sha_s = best_of(5, lambda: [event_hash(row) for row in rows])
    print(f"row hash, keyed (HMAC):   {1e6 * keyed_s / len(rows):8.2f} µs")
    print(f"anchor: plain SHA-256:    {1e6 * sha_s / len(rows):8.2f} µs")
    print(f"ratio keyed / plain:      {keyed_s / sha_s:8.2f}")

    value = "Ioana Dumitrescu, Strada Lunga 14, Iasi"
    rounds = 20_000
    seal = best_of(3, lambda: [crypto.decrypt(crypto.encrypt(value, context="c"), context="c") for _ in range(rounds)])
    anchor = best_of(3, lambda: [value.encode("utf-8").decode("utf-8") for _ in range(rounds)])
    print(f"encrypt+decrypt a value:  {1e6 * seal / rounds:8.2f} µs")
    print(f"anchor: utf-8 round trip: {1e6 * anchor / rounds:8.3f} µs")
    print(f"ratio:                    {seal / anchor:8.0f}")


if __name__ == "__main__":
    main()
