"""Re-encrypting every encrypted value under the active data key, in batches, resumably.

Each batch is one transaction: it takes the next rows (by primary key) that hold a value under another key,
re-encrypts them and writes them back. Values already under the active key are never touched again, so a
rotation that was stopped picks up where it stopped when it is run again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import connection, models, transaction

from lantern.core import crypto
from lantern.core.fields import EncryptedMixin, encrypted_fields


@dataclass
class RotationReport:
    active_key: str
    rewritten: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.rewritten.values())


def models_with_encrypted_fields() -> list[tuple[type[models.Model], list[EncryptedMixin]]]:
    found = []
    for model in apps.get_models():
        fields = encrypted_fields(model)
        if fields and not model._meta.proxy:
            found.append((model, fields))
    return found


def _like_prefix(prefix: str) -> str:
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _stale_clause(columns: list[str]) -> str:
    q = connection.ops.quote_name
    return " OR ".join(f"({q(c)} IS NOT NULL AND {q(c)} <> '' AND {q(c)} NOT LIKE %s ESCAPE '\\')" for c in columns)


def count_stale(ring: crypto.Keyring | None = None) -> dict[str, int]:
    ring = ring or crypto.keyring()
    pattern = _like_prefix(f"{crypto.PREFIX}:{ring.active_id}:")
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for model, fields in models_with_encrypted_fields():
            columns = [f.column for f in fields]  # type: ignore[attr-defined]
            cursor.execute(
                f"SELECT COUNT(*) FROM {connection.ops.quote_name(model._meta.db_table)} "  # noqa: S608
                f"WHERE {_stale_clause(columns)}",
                [pattern] * len(columns),
            )
            counts[model._meta.label_lower] = int(cursor.fetchone()[0])
    return counts


def rotate_to_active_key(
    *,
    batch_size: int = 500,
    progress: Callable[[str, int, int], None] | None = None,
    ring: crypto.Keyring | None = None,
) -> RotationReport:
    ring = ring or crypto.keyring()
    pattern = _like_prefix(f"{crypto.PREFIX}:{ring.active_id}:")
    active_prefix = f"{crypto.PREFIX}:{ring.active_id}:"
    report = RotationReport(active_key=ring.active_id, rewritten={})
    stale = count_stale(ring)
    q = connection.ops.quote_name
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    for model, fields in models_with_encrypted_fields():
        label = model._meta.label_lower
        total = stale.get(label, 0)
        done = 0
        report.rewritten[label] = 0
        if total == 0:
            continue
        assert model._meta.pk is not None
        table, pk = q(model._meta.db_table), q(model._meta.pk.column)
        columns = [f.column for f in fields]  # type: ignore[attr-defined]
        contexts = [f.column_context() for f in fields]
        select = (
            f"SELECT {pk}, {', '.join(q(c) for c in columns)} FROM {table} "  # noqa: S608
            f"WHERE ({_stale_clause(columns)}) AND {pk} > %s ORDER BY {pk} LIMIT %s{lock}"
        )
        update = f"UPDATE {table} SET {', '.join(f'{q(c)} = %s' for c in columns)} WHERE {pk} = %s"  # noqa: S608
        last_pk: int | str = _lowest_key(model)
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(select, [*([pattern] * len(columns)), last_pk, batch_size])
                rows = cursor.fetchall()
                if not rows:
                    break
                updates = []
                for row in rows:
                    values = list(row[1:])
                    for index, value in enumerate(values):
                        if value and not value.startswith(active_prefix):
                            plain = crypto.decrypt(value, context=contexts[index], ring=ring)
                            values[index] = crypto.encrypt(plain, context=contexts[index], ring=ring)
                    updates.append([*values, row[0]])
                cursor.executemany(update, updates)
            last_pk = rows[-1][0]
            done += len(rows)
            report.rewritten[label] = done
            if progress is not None:
                progress(label, done, total)
    return report


def _lowest_key(model: type[models.Model]) -> int | str:
    field = model._meta.pk
    if isinstance(field, models.AutoField | models.BigAutoField | models.IntegerField | models.BigIntegerField):
        return -1
    return ""
