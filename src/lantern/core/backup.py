"""`lantern backup` and `lantern restore`: a portable, encrypted, verified copy of the whole database.

The format is Lantern's own logical dump, the same on both engines: every table of every model (the many-to-many
tables too), its rows as JSON arrays of canonical values (times in UTC with microseconds, JSON as sorted compact
text, UUIDs with dashes, bytes in base64), so that a backup of the embedded SQLite database restores into
PostgreSQL and back, and the digest of a table means the same thing on both. It is read from one consistent
snapshot: on SQLite a copy made with SQLite's online backup API (into a private file next to the database,
removed after), on PostgreSQL one REPEATABLE READ, READ ONLY transaction (what pg_dump does). pg_dump was not
chosen: its files restore only into PostgreSQL, need client tools of a matching version on the host, and their
content cannot be checked table by table against the manifest.

The plain text (inside backupfile's encryption) reads::

    {"lantern_backup": 1, "lantern_version": ..., "engine": ..., "created_at": ..., "migrations": [...]}
    {"table": "core_user", "columns": [...], "kinds": [...]}
    [row] ...
    {"end": "core_user", "rows": N, "digest": ...}
    ...
    {"manifest": {... the above, "tables": {table: {"rows", "digest"}}, "audit_head", "data_key_ids", ...}}

A table's digest is order-free (the sum of the rows' SHA-256 modulo 2^256, with the row count), so it does not
depend on how each engine sorts text. Restore reads the whole file once to check it (every chunk authenticates,
every table matches the manifest) before it writes anything; then, on SQLite, it builds the new database in a
private file beside the old one and moves it into place only when everything holds; on PostgreSQL it works in one
transaction. Either way a refusal leaves the target as it was.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import hashlib
import json
import os
import secrets
import sqlite3
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from django.apps import apps
from django.core.management.color import no_style
from django.core.management.sql import emit_post_migrate_signal
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils.dateparse import parse_date, parse_datetime, parse_time
from packaging.version import InvalidVersion, Version

import lantern
from lantern.core import crypto
from lantern.core.backupfile import SNAPSHOT, BackupRefused, EncryptedWriter, lines, remove_stale
from lantern.core.fields import EncryptedMixin
from lantern.core.filemodes import sqlite_path

FORMAT = 1
BATCH = 500
BACKUP_ACTOR = "lantern backup"
RESTORE_ACTOR = "lantern restore"
Progress = Callable[[str, int, int], None]

_INT = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}
_KINDS = {
    "FloatField": "float",
    "DecimalField": "decimal",
    "BooleanField": "bool",
    "NullBooleanField": "bool",
    "DateTimeField": "datetime",
    "DateField": "date",
    "TimeField": "time",
    "DurationField": "duration",
    "UUIDField": "uuid",
    "JSONField": "json",
    "BinaryField": "binary",
}


def _kind(f: models.Field[Any, Any]) -> str:
    target = f
    while target.is_relation and target.target_field is not None:  # type: ignore[attr-defined]
        target = target.target_field  # type: ignore[attr-defined]
    internal = target.get_internal_type()
    return "int" if internal in _INT else _KINDS.get(internal, "text")


@dataclass(frozen=True)
class Table:
    name: str
    model: type[models.Model]
    columns: tuple[str, ...]
    kinds: tuple[str, ...]
    encrypted: tuple[int, ...]  # positions of encrypted columns
    pk: str


def tables() -> list[Table]:
    """Every table of every installed model, many-to-many tables included, by name."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.managed or meta.proxy:
            continue
        fields = list(meta.concrete_fields)
        found.append(
            Table(
                name=meta.db_table,
                model=model,
                columns=tuple(f.column for f in fields),
                kinds=tuple(_kind(f) for f in fields),
                encrypted=tuple(i for i, f in enumerate(fields) if isinstance(f, EncryptedMixin)),
                pk=meta.pk.column if meta.pk is not None else fields[0].column,
            )
        )
    recorder = MigrationRecorder.Migration  # the record of applied migrations, restored as it was
    fields = list(recorder._meta.concrete_fields)
    found.append(
        Table(
            name=recorder._meta.db_table,
            model=recorder,
            columns=tuple(f.column for f in fields),
            kinds=tuple(_kind(f) for f in fields),
            encrypted=(),
            pk="id",
        )
    )
    return sorted(found, key=lambda t: t.name)


def _as_present(wanted: list[Table], present: dict[str, set[str]]) -> list[Table]:
    """The tables and columns the database has: a database not yet migrated to this code's models (a table or a
    column still to come) is backed up as it is, and restore migrates it forward."""
    found = []
    for table in wanted:
        if table.name not in present:
            continue
        keep = [i for i, c in enumerate(table.columns) if c in present[table.name]]
        found.append(
            dataclasses.replace(
                table,
                columns=tuple(table.columns[i] for i in keep),
                kinds=tuple(table.kinds[i] for i in keep),
                encrypted=tuple(keep.index(i) for i in table.encrypted if i in keep),
            )
        )
    return found


# --- canonical values ----------------------------------------------------------------------------------------


def _canon_datetime(value: Any) -> str:
    moment = parse_datetime(value) if isinstance(value, str) else value
    if moment is None:
        raise ValueError(f"not a time: {value!r}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _canon_json(value: Any) -> str:
    """As Django writes it (so that SQLite to SQLite gives the same text); digests sort the keys (_digest_form)."""
    parsed = json.loads(value) if isinstance(value, str | bytes) else value
    return json.dumps(parsed)


def _canon_duration(value: Any) -> int:
    if isinstance(value, timedelta):
        return (value.days * 86400 + value.seconds) * 1_000_000 + value.microseconds
    return int(value)


def _canon_decimal(value: Any) -> str:
    """A decimal as both engines agree on it: PostgreSQL answers 15000.00, SQLite (NUMERIC affinity) 15000; the
    plain notation without trailing zeros ("15000", "0.5") is the same number from either."""
    number = Decimal(str(value)).normalize()
    return format(number, "f")


_CANON: dict[str, Callable[[Any], Any]] = {
    "int": int,
    "float": float,
    "decimal": _canon_decimal,
    "bool": bool,
    "datetime": _canon_datetime,
    "date": lambda v: v if isinstance(v, str) else v.isoformat(),
    "time": lambda v: v if isinstance(v, str) else v.isoformat(),
    "duration": _canon_duration,
    "uuid": lambda v: str(v if isinstance(v, uuid.UUID) else uuid.UUID(str(v))),
    "json": _canon_json,
    "binary": lambda v: base64.b64encode(bytes(v)).decode("ascii"),
    "text": str,
}


def canonical_row(kinds: tuple[str, ...], row: Iterable[Any]) -> list[Any]:
    return [None if value is None else _CANON[kind](value) for kind, value in zip(kinds, row, strict=True)]


def _to_db(kind: str, value: Any, connection: BaseDatabaseWrapper) -> Any:
    if value is None:
        return None
    ops = connection.ops
    if kind == "datetime":
        return ops.adapt_datetimefield_value(parse_datetime(value))
    if kind == "date":
        return ops.adapt_datefield_value(parse_date(value))
    if kind == "time":
        return ops.adapt_timefield_value(parse_time(value))
    if kind == "duration":
        return models.DurationField().get_db_prep_value(timedelta(microseconds=value), connection)
    if kind == "uuid":
        return models.UUIDField().get_db_prep_value(uuid.UUID(value), connection)
    if kind == "binary":
        return base64.b64decode(value)
    if kind == "decimal":
        return ops.adapt_decimalfield_value(value)
    return value  # int, float, bool, text; JSON goes in as its text


class _Digest:
    def __init__(self) -> None:
        self.rows = 0
        self._sum = 0

    def add(self, line: bytes) -> None:
        self.rows += 1
        self._sum = (self._sum + int.from_bytes(hashlib.sha256(line).digest(), "big")) % (1 << 256)

    def hexdigest(self) -> str:
        return f"{self._sum:064x}"


def _digest_form(kinds: tuple[str, ...], row: list[Any]) -> bytes:
    """The row as digests see it: JSON values with sorted keys, whatever order an engine keeps them in."""
    if "json" not in kinds:
        return _line(row)
    return _line(
        [
            json.dumps(json.loads(v), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            if k == "json" and v is not None
            else v
            for k, v in zip(kinds, row, strict=True)
        ]
    )


def _line(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


# --- backup ----------------------------------------------------------------------------------------------------


@dataclass
class BackupReport:
    manifest: dict[str, Any]
    bytes_written: int = 0

    @property
    def rows(self) -> int:
        return sum(t["rows"] for t in self.manifest["tables"].values())


class _Reader:
    """Raw rows of one consistent snapshot."""

    engine: str

    def count(self, table: Table) -> int:
        raise NotImplementedError

    def rows(self, table: Table) -> Iterator[tuple[Any, ...]]:
        raise NotImplementedError

    def migrations(self) -> list[str]:
        return sorted(f"{app}.{name}" for app, name in self.raw("SELECT app, name FROM django_migrations"))

    def existing(self) -> dict[str, set[str]]:
        """The tables of the snapshot and their columns."""
        raise NotImplementedError

    def quote(self, name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    def raw(self, sql: str) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def select(self, table: Table) -> str:
        columns = ", ".join(self.quote(c) for c in table.columns)
        order = f" ORDER BY {self.quote(table.pk)}" if table.pk else ""
        return f"SELECT {columns} FROM {self.quote(table.name)}{order}"  # noqa: S608 (quoted names of models)


class _SqliteReader(_Reader):
    engine = "sqlite"

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def existing(self) -> dict[str, set[str]]:
        names = [r[0] for r in self.raw("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {n: {r[1] for r in self.db.execute(f"PRAGMA table_info({self.quote(n)})")} for n in names}

    def raw(self, sql: str) -> list[tuple[Any, ...]]:
        return self.db.execute(sql).fetchall()

    def count(self, table: Table) -> int:
        return int(self.db.execute(f"SELECT COUNT(*) FROM {self.quote(table.name)}").fetchone()[0])  # noqa: S608

    def rows(self, table: Table) -> Iterator[tuple[Any, ...]]:
        cursor = self.db.execute(self.select(table))
        while batch := cursor.fetchmany(BATCH):
            yield from batch


class _PostgresReader(_Reader):
    engine = "postgresql"

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection

    def existing(self) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for table, column in self.raw(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()"
        ):
            found.setdefault(str(table), set()).add(str(column))
        return found

    def raw(self, sql: str) -> list[tuple[Any, ...]]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql)
            return list(cursor.fetchall())

    def count(self, table: Table) -> int:
        return int(self.raw(f"SELECT COUNT(*) FROM {self.quote(table.name)}")[0][0])  # noqa: S608

    def rows(self, table: Table) -> Iterator[tuple[Any, ...]]:
        cursor = self.connection.chunked_cursor()
        try:
            cursor.execute(self.select(table))
            while batch := cursor.fetchmany(2000):
                yield from batch
        finally:
            cursor.close()


@contextlib.contextmanager
def _sqlite_snapshot(using: str) -> Iterator[_Reader]:
    """A copy made with SQLite's online backup API in a private directory beside the database (or the temporary
    directory for a database in memory), read, then removed."""
    connection = connections[using]
    connection.ensure_connection()
    path = sqlite_path({"default": connection.settings_dict})
    where = path.parent if path is not None else None
    remove_stale(where or Path(tempfile.gettempdir()), SNAPSHOT)  # what a killed backup left
    directory = tempfile.mkdtemp(prefix=f".lantern-backup-{os.getpid()}-", dir=where)
    copy = Path(directory) / "snapshot.sqlite3"
    target = sqlite3.connect(copy)
    try:
        connection.connection.backup(target)  # one step: one consistent read of the whole database
        yield _SqliteReader(target)
    finally:
        target.close()
        copy.unlink(missing_ok=True)
        os.rmdir(directory)


@contextlib.contextmanager
def _postgres_snapshot(using: str) -> Iterator[_Reader]:
    connection = connections[using]
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield _PostgresReader(connection)


def _snapshot(using: str) -> contextlib.AbstractContextManager[_Reader]:
    if connections[using].vendor == "sqlite":
        return _sqlite_snapshot(using)
    return _postgres_snapshot(using)


def _key_id(value: Any) -> str | None:
    if isinstance(value, str) and value.startswith(crypto.PREFIX + ":"):
        return value.split(":", 2)[1]
    return None


def write_backup(
    sink: BinaryIO, key: bytes, *, using: str = DEFAULT_DB_ALIAS, progress: Progress | None = None
) -> BackupReport:
    """Dump the database into `sink`, encrypted under `key`."""
    writer = EncryptedWriter(sink, key)
    with _snapshot(using) as reader:
        present = reader.existing()
        if "django_migrations" not in present:
            raise BackupRefused("the database is empty (never migrated): there is nothing to back up")
        header = {
            "lantern_backup": FORMAT,
            "lantern_version": lantern.__version__,
            "engine": reader.engine,
            "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "migrations": reader.migrations(),
        }
        writer.write(_line(header) + b"\n")
        all_tables = _as_present(tables(), present)
        counts = {t.name: reader.count(t) for t in all_tables}
        total = sum(counts.values())
        manifest: dict[str, Any] = {**header, "tables": {}, "audit_head": None, "data_key_ids": [], "audit_key_ids": []}
        data_keys: set[str] = set()
        audit_keys: set[str] = set()
        done = 0
        for table in all_tables:
            writer.write(_line({"table": table.name, "columns": table.columns, "kinds": table.kinds}) + b"\n")
            digest = _Digest()
            for raw in reader.rows(table):
                row = canonical_row(table.kinds, raw)
                digest.add(_digest_form(table.kinds, row))
                writer.write(_line(row) + b"\n")
                _note_keys(table, row, data_keys, audit_keys, manifest)
                done += 1
                if progress is not None and done % 5000 == 0:
                    progress(table.name, done, total)
            writer.write(_line({"end": table.name, "rows": digest.rows, "digest": digest.hexdigest()}) + b"\n")
            manifest["tables"][table.name] = {"rows": digest.rows, "digest": digest.hexdigest()}
        if progress is not None:
            progress("", done, total)
        manifest["data_key_ids"] = sorted(data_keys)
        manifest["audit_key_ids"] = sorted(audit_keys)
        writer.write(_line({"manifest": manifest}) + b"\n")
    writer.close()
    return BackupReport(manifest=manifest, bytes_written=writer.written)


def _note_keys(
    table: Table, row: list[Any], data_keys: set[str], audit_keys: set[str], manifest: dict[str, Any]
) -> None:
    for position in table.encrypted:
        key_id = _key_id(row[position])
        if key_id:
            data_keys.add(key_id)
    if table.name == "core_auditevent":
        key_id = row[table.columns.index("key_id")]
        if key_id:
            audit_keys.add(key_id)
    elif table.name == "core_audithead":
        manifest["audit_head"] = {
            "seq": row[table.columns.index("last_seq")],
            "hash": row[table.columns.index("last_hash")],
        }


# --- reading a backup -------------------------------------------------------------------------------------------


@dataclass
class Section:
    name: str
    columns: tuple[str, ...]
    kinds: tuple[str, ...]
    rows: list[list[Any]] = field(default_factory=list)


def _records(source: BinaryIO, key: bytes) -> Iterator[Any]:
    for raw in lines(source, key):
        try:
            yield json.loads(raw)
        except ValueError:
            raise BackupRefused("the backup file is damaged (a line inside is not JSON)") from None


def check_file(path: Path, key: bytes, *, progress: Progress | None = None) -> tuple[dict[str, Any], list[Table]]:
    """Read the whole file without writing anything: every chunk authenticates, every table holds the rows and the
    digest the manifest gives. Returns the manifest and the tables as the backup has them (columns and kinds)."""
    with path.open("rb") as source:
        records = _records(source, key)
        header = next(records, None)
        if not isinstance(header, dict) or header.get("lantern_backup") != FORMAT:
            raise BackupRefused("the backup file is damaged or of an unknown format (no header inside)")
        seen: dict[str, dict[str, Any]] = {}
        layout: list[Table] = []
        manifest: dict[str, Any] | None = None
        current: str | None = None
        digest = _Digest()
        done = 0
        for record in records:
            if manifest is not None:
                raise BackupRefused("the backup file is damaged (content after its manifest)")
            if isinstance(record, list):
                if current is None:
                    raise BackupRefused("the backup file is damaged (a row outside a table)")
                digest.add(_digest_form(layout[-1].kinds, record))
                done += 1
                if progress is not None and done % 5000 == 0:
                    progress(current, done, 0)
            elif "table" in record:
                current, digest = str(record["table"]), _Digest()
                layout.append(_layout(record))
            elif "end" in record:
                if record["end"] != current or record["rows"] != digest.rows or record["digest"] != digest.hexdigest():
                    raise BackupRefused(f"the backup file is damaged (table {record['end']} does not match its digest)")
                seen[str(current)] = {"rows": digest.rows, "digest": digest.hexdigest()}
                current = None
            elif "manifest" in record:
                manifest = record["manifest"]
        if progress is not None:
            progress("", done, 0)
        if manifest is None:
            raise BackupRefused("the backup file is damaged (no manifest at its end)")
        if manifest.get("tables") != seen or manifest.get("migrations") != header.get("migrations"):
            raise BackupRefused("the backup file is damaged (its tables differ from its manifest)")
        return manifest, layout


def _layout(record: dict[str, Any]) -> Table:
    kinds = tuple(str(k) for k in record["kinds"])
    if any(k not in _CANON for k in kinds) or len(kinds) != len(record["columns"]):
        raise BackupRefused(f"the backup file is damaged (table {str(record['table'])[:60]} has unknown kinds)")
    return Table(str(record["table"]), models.Model, tuple(str(c) for c in record["columns"]), kinds, (), "")


def sections(path: Path, key: bytes) -> Iterator[Section]:
    """The tables of a file already checked, in batches of rows (a table may come in several sections)."""
    with path.open("rb") as source:
        section: Section | None = None
        for record in _records(source, key):
            if isinstance(record, list):
                assert section is not None
                section.rows.append(record)
                if len(section.rows) >= BATCH:
                    yield section
                    section = Section(section.name, section.columns, section.kinds)
            elif "table" in record:
                section = Section(str(record["table"]), tuple(record["columns"]), tuple(record["kinds"]))
            elif "end" in record and section is not None:
                if section.rows:
                    yield section
                section = None


# --- restore ---------------------------------------------------------------------------------------------------


@dataclass
class RestoreReport:
    manifest: dict[str, Any]
    target: str
    overwritten: str
    rows: int
    migrated_forward: list[str]
    audit_events: int
    audit_head: str
    data_key_ids: list[str]
    overwritten_events: int = 0  # the audit events of the overwritten database (--force)
    restore_event: int = 0  # the seq of the restore's own audit event


def check_compatible(manifest: dict[str, Any]) -> None:
    """A backup made by a newer Lantern (its version, or a migration this code does not know) is refused."""
    made_by = str(manifest.get("lantern_version", ""))
    try:
        newer = Version(made_by) > Version(lantern.__version__)
    except InvalidVersion:
        raise BackupRefused(f"the backup names an unknown Lantern version {made_by[:40]!r}") from None
    if newer:
        raise BackupRefused(
            f"the backup was made by Lantern {made_by}, newer than this Lantern {lantern.__version__}: upgrade first"
        )
    known = {f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).graph.nodes}
    unknown = sorted(set(manifest.get("migrations", [])) - known)
    if unknown:
        raise BackupRefused(
            f"the backup holds migration {unknown[0]} that this Lantern {lantern.__version__} does not know "
            f"({len(unknown)} in all): it was made by a newer Lantern; upgrade first"
        )


def check_keys_present(manifest: dict[str, Any]) -> None:
    """The data and audit keys the backup's values name must be in the keyrings here."""
    if not manifest.get("data_key_ids") and not manifest.get("audit_key_ids"):
        return
    try:
        data_ring = crypto.keyring()
    except Exception:
        raise BackupRefused(
            "no data keys here: restore them first with `lantern keys restore FILE` (the keys backup)"
        ) from None
    missing = [k for k in manifest.get("data_key_ids", []) if k not in data_ring.keys]
    if missing:
        raise BackupRefused(
            f"the data key {missing[0]} is missing here (the backup's values are encrypted under it): restore the "
            "keys backup of the same system first (`lantern keys restore FILE`)"
        )
    try:
        audit_ring = crypto.audit_keyring()
    except Exception:
        raise BackupRefused("no audit keys here: restore them first with `lantern keys restore FILE`") from None
    missing = [k for k in manifest.get("audit_key_ids", []) if k not in audit_ring.keys]
    if missing:
        raise BackupRefused(
            f"the audit key {missing[0]} is missing here (the backup's audit trail is keyed with it): restore the "
            "keys backup of the same system first (`lantern keys restore FILE`)"
        )


def target_counts(using: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    """The users, cases, audit events and tables the target database holds now."""
    connection = connections[using]
    present = set(connection.introspection.table_names())

    def count(table: str) -> int:
        if table not in present:
            return 0
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            return int(cursor.fetchone()[0])

    return {
        "users": count("core_user"),
        "cases": count("cases_case"),
        "audit_events": count("core_auditevent"),
        "tables": len(present),
    }


def describe_target(using: str = DEFAULT_DB_ALIAS) -> tuple[bool, str]:
    """Whether the target database holds data, and what in a few words."""
    counts = target_counts(using)
    if not counts["tables"]:
        return False, "an empty database"
    users, cases, events = counts["users"], counts["cases"], counts["audit_events"]
    words = f"{users} users, {cases} cases and {events} audit events in {counts['tables']} tables"
    return bool(users or cases or events), words


def _record_restore(manifest: dict[str, Any], overwritten: dict[str, int]) -> int:
    """The restore's audit event, appended to the restored trail once it is verified (so `audit verify` and the
    manifest agreed on what was loaded); what was overwritten is counted, never named."""
    from django.core.exceptions import ImproperlyConfigured

    from lantern.core.audit import audit_record

    head = manifest.get("audit_head") or {"seq": 0, "hash": ""}
    try:
        crypto.audit_keyring()
    except ImproperlyConfigured:
        raise BackupRefused(
            "no audit keys here to record the restore: restore the keys backup first (`lantern keys restore FILE`); "
            "nothing was restored"
        ) from None
    event = audit_record(
        action="backup.restore",
        actor_label=RESTORE_ACTOR,
        object_type="backup",
        detail={
            "backup_created_at": str(manifest.get("created_at", "")),
            "backup_lantern_version": str(manifest.get("lantern_version", "")),
            "backup_engine": str(manifest.get("engine", "")),
            "backup_audit_head_seq": int(head.get("seq") or 0),
            "backup_audit_head_hash": str(head.get("hash") or ""),
            "overwritten_users": overwritten.get("users", 0),
            "overwritten_cases": overwritten.get("cases", 0),
            "overwritten_audit_events": overwritten.get("audit_events", 0),
        },
    )
    return event.seq


def record_backup(report: BackupReport, key_label: str, using: str = DEFAULT_DB_ALIAS) -> int:
    """The backup's audit event in the database it copied (after the snapshot, so the backup's head is the event
    before it): its size, tables, rows and audit head, never the file's path."""
    from lantern.core.audit import audit_record

    manifest = report.manifest
    head = manifest.get("audit_head") or {"seq": 0, "hash": ""}
    with transaction.atomic(using=using):
        event = audit_record(
            action="backup.create",
            actor_label=BACKUP_ACTOR,
            object_type="backup",
            detail={
                "bytes": report.bytes_written,
                "tables": len(manifest["tables"]),
                "rows": report.rows,
                "created_at": str(manifest["created_at"]),
                "audit_head_seq": int(head.get("seq") or 0),
                "audit_head_hash": str(head.get("hash") or ""),
                "backup_key": key_label,
            },
        )
    return event.seq


def _target_name(using: str) -> str:
    connection = connections[using]
    if connection.vendor == "sqlite":
        return str(connection.settings_dict["NAME"])
    settings_dict = connection.settings_dict
    return f"PostgreSQL database {settings_dict['NAME']} on {settings_dict.get('HOST') or 'localhost'}"


def _migrate_to(connection: BaseDatabaseWrapper, applied: set[str]) -> None:
    """Bring an empty database to exactly the backup's migrations."""
    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    full = executor.migration_plan(graph.leaf_nodes(), clean_start=True)
    plan = [(m, backwards) for m, backwards in full if f"{m.app_label}.{m.name}" in applied]
    executor.migrate(graph.leaf_nodes(), plan=plan)


def _migrate_forward(connection: BaseDatabaseWrapper, using: str) -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not plan:
        return []
    executor.migrate(executor.loader.graph.leaf_nodes(), plan=plan)
    emit_post_migrate_signal(verbosity=0, interactive=False, db=using)
    return [f"{m.app_label}.{m.name}" for m, _ in plan]


def _clear(connection: BaseDatabaseWrapper, names: list[str]) -> None:
    """Remove the reference rows the migrations wrote: the backup's rows replace them."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {', '.join(quote(n) for n in names)} RESTART IDENTITY CASCADE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            for name in names:
                cursor.execute(f"DELETE FROM {quote(name)}")  # noqa: S608


def _load(connection: BaseDatabaseWrapper, path: Path, key: bytes, progress: Progress | None, total: int) -> int:
    quote = connection.ops.quote_name
    present = set(connection.introspection.table_names())
    done = 0
    with connection.cursor() as cursor:
        for section in sections(path, key):
            if section.name not in present:
                raise BackupRefused(f"table {section.name} of the backup is missing after migrating: cannot load it")
            have = {c.name for c in connection.introspection.get_table_description(cursor, section.name)}
            if not set(section.columns) <= have:
                raise BackupRefused(f"table {section.name} of the backup has columns the migrated database lacks")
            columns = ", ".join(quote(c) for c in section.columns)
            marks = ", ".join(["%s"] * len(section.columns))
            sql = f"INSERT INTO {quote(section.name)} ({columns}) VALUES ({marks})"  # noqa: S608 (checked above)
            params = [
                [_to_db(k, v, connection) for k, v in zip(section.kinds, row, strict=True)] for row in section.rows
            ]
            cursor.executemany(sql, params)
            done += len(params)
            if progress is not None:
                progress(section.name, done, total)
    if connection.vendor == "postgresql":
        statements = connection.ops.sequence_reset_sql(no_style(), [t.model for t in tables() if t.name in present])
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    return done


def table_digests(using: str = DEFAULT_DB_ALIAS, layout: list[Table] | None = None) -> dict[str, dict[str, Any]]:
    """Row count and digest of each table as the database holds it now (the manifest's measure); `layout` gives
    the tables and columns to read (those of a backup), by default those of the models."""
    connection = connections[using]
    reader: _Reader
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        reader = _DjangoSqliteReader(connection)
    else:
        reader = _PostgresReader(connection)
    found = {}
    for table in layout if layout is not None else tables():
        digest = _Digest()
        for raw in reader.rows(table):
            digest.add(_digest_form(table.kinds, canonical_row(table.kinds, raw)))
        found[table.name] = {"rows": digest.rows, "digest": digest.hexdigest()}
    return found


class _DjangoSqliteReader(_Reader):
    engine = "sqlite"

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection

    def rows(self, table: Table) -> Iterator[tuple[Any, ...]]:
        cursor = self.connection.connection.execute(self.select(table))  # raw values, no Django converters
        while batch := cursor.fetchmany(BATCH):
            yield from batch


def _check_loaded(manifest: dict[str, Any], layout: list[Table], using: str) -> None:
    now = table_digests(using, [dataclasses.replace(t, pk="") for t in layout])
    for name, expected in manifest["tables"].items():
        if now.get(name) != expected:
            got = now.get(name, {"rows": 0})
            raise BackupRefused(
                f"table {name} does not match the backup after loading ({got['rows']} rows, the backup has "
                f"{expected['rows']}): nothing was restored"
            )


def _check_audit(manifest: dict[str, Any]) -> tuple[int, str]:
    from lantern.core.audit import audit_verify

    result = audit_verify()
    if not result.ok:
        raise BackupRefused(f"`audit verify` fails on the restored data ({result.problem}): nothing was restored")
    head = manifest.get("audit_head") or {}
    if head and (result.checked != head.get("seq") or result.head_hash != head.get("hash")):
        raise BackupRefused("the restored audit trail does not end at the backup's audit head: nothing was restored")
    return result.checked, str(result.head_hash)


def _check_data_keys(manifest: dict[str, Any], using: str) -> list[str]:
    """One value per encrypted column and key id decrypts with the key of that id here."""
    connection = connections[using]
    quote = connection.ops.quote_name
    proven: set[str] = set()
    for table in tables():
        for position in table.encrypted:
            column = table.columns[position]
            model_field = table.model._meta.get_field(
                next(f.name for f in table.model._meta.concrete_fields if f.column == column)
            )
            assert isinstance(model_field, EncryptedMixin)
            for key_id in manifest.get("data_key_ids", []):
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT {quote(column)} FROM {quote(table.name)} WHERE {quote(column)} LIKE %s LIMIT 1",  # noqa: S608
                        [f"{crypto.PREFIX}:{key_id}:%"],
                    )
                    found = cursor.fetchone()
                if found is None:
                    continue
                try:
                    crypto.decrypt(found[0], context=model_field.column_context())
                except crypto.DecryptionError:
                    raise BackupRefused(
                        f"the data key {key_id} here does not decrypt the backup's values ({table.name}.{column}): it "
                        "is another key of the same id; restore the keys backup of the same system"
                    ) from None
                proven.add(key_id)
    return sorted(proven)


INDEX_SAMPLE = 20


def _check_index_key(using: str) -> int:
    """The blind-index key here is the one the backup's index was made with: the index of a sample of persons,
    computed again from their decrypted name and birth date, equals the stored one for at least one of them (with
    another key, none does, and duplicate detection would silently find nothing). Returns how many were checked."""
    if not apps.is_installed("lantern.cases"):
        return 0
    person = apps.get_model("cases", "Person")
    sample = list(person.objects.using(using).exclude(identity_index="").order_by("pk")[:INDEX_SAMPLE])
    if not sample:
        return 0
    try:
        crypto.index_key()
    except Exception:
        raise BackupRefused(
            "no blind-index key here (LANTERN_INDEX_KEY or keys/index_key): restore the keys backup of the same "
            "system first; nothing was restored"
        ) from None
    for one in sample:
        name = " ".join(part for part in (one.first_name, one.second_name) if part)
        if not name or one.birth_date is None:
            continue
        if crypto.blind_index(name, one.birth_date.isoformat(), purpose="person") == one.identity_index:
            return len(sample)
    raise BackupRefused(
        "the blind-index key here (LANTERN_INDEX_KEY or keys/index_key) is not the one the backup's index was made "
        "with (duplicate detection would silently find nothing): restore the keys backup of the same system; "
        "nothing was restored"
    )


def restore(
    path: Path,
    key: bytes,
    *,
    force: bool = False,
    using: str = DEFAULT_DB_ALIAS,
    progress: Progress | None = None,
    announce: Callable[[str], object] | None = None,
) -> RestoreReport:
    manifest, layout = check_file(path, key, progress=progress)
    check_compatible(manifest)
    check_keys_present(manifest)
    holds, what = describe_target(using)
    target = _target_name(using)
    if holds and not force:
        raise BackupRefused(
            f"the target is not empty ({target} holds {what}): restore into an empty LANTERN_HOME or database, "
            "or add --force to overwrite it"
        )
    overwritten = what if holds else ""
    counts = target_counts(using) if holds else {}
    if holds and announce is not None:
        announce(f"--force: overwriting {target}, which holds {what}")
        rewind = rewound(counts.get("audit_events", 0), manifest)
        if rewind:
            announce(f"--force: {rewind}")
    total = sum(t["rows"] for t in manifest["tables"].values())
    if connections[using].vendor == "sqlite":
        report = _restore_sqlite(path, key, (manifest, layout, counts), using, overwritten, progress, total)
    else:
        report = _restore_postgres(path, key, (manifest, layout, counts), using, overwritten, progress, total)
    report.overwritten_events = counts.get("audit_events", 0)
    return report


def rewound(events_before: int, manifest: dict[str, Any]) -> str:
    """What a restore over a longer audit trail loses, in words; empty when it loses no event."""
    head = manifest.get("audit_head") or {"seq": 0}
    after = int(head.get("seq") or 0)
    if events_before <= after:
        return ""
    lost = events_before - after
    return (
        f"the audit trail goes back from {events_before} to {after} events (the {lost} "
        f"{'event' if lost == 1 else 'events'} after the backup are lost with the overwritten database; keep a copy "
        "of it if they matter)"
    )


Backup = tuple[dict[str, Any], list[Table], dict[str, int]]  # the manifest, the layout, what is overwritten


def _restore_into(
    path: Path,
    key: bytes,
    backup: Backup,
    using: str,
    progress: Progress | None,
    total: int,
) -> tuple[int, list[str], int, str, list[str], int]:
    manifest, layout, overwritten = backup
    connection = connections[using]
    _migrate_to(connection, set(manifest["migrations"]))
    names = [t.name for t in tables() if t.name in set(connection.introspection.table_names())]
    with transaction.atomic(using=using):
        _clear(connection, names)
        rows = _load(connection, path, key, progress, total)
    _check_loaded(manifest, layout, using)
    forward = _migrate_forward(connection, using)
    events, head = _check_audit(manifest)
    proven = _check_data_keys(manifest, using)
    _check_index_key(using)
    seq = _record_restore(manifest, overwritten)
    return rows, forward, events, head, proven, seq


def _restore_sqlite(
    path: Path,
    key: bytes,
    backup: Backup,
    using: str,
    overwritten: str,
    progress: Progress | None,
    total: int,
) -> RestoreReport:
    connection = connections[using]
    target = Path(connection.settings_dict["NAME"])
    connection.close()
    building = target.with_name(f".{target.name}.restore-{secrets.token_hex(4)}")
    os.close(os.open(building, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    connection.settings_dict["NAME"] = str(building)
    try:
        rows, forward, events, head, proven, seq = _restore_into(path, key, backup, using, progress, total)
        connection.close()
        with contextlib.closing(sqlite3.connect(building)) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the file itself, still in WAL mode
        for suffix in ("-wal", "-shm", "-journal"):
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        os.replace(building, target)
    finally:
        connection.close()
        connection.settings_dict["NAME"] = str(target)
        for suffix in ("", "-wal", "-shm", "-journal"):
            building.with_name(building.name + suffix).unlink(missing_ok=True)
    return RestoreReport(backup[0], str(target), overwritten, rows, forward, events, head, proven, restore_event=seq)


def _restore_postgres(
    path: Path,
    key: bytes,
    backup: Backup,
    using: str,
    overwritten: str,
    progress: Progress | None,
    total: int,
) -> RestoreReport:
    connection = connections[using]
    with transaction.atomic(using=using):
        quote = connection.ops.quote_name
        existing = connection.introspection.table_names()
        if existing:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE {', '.join(quote(n) for n in existing)} CASCADE")
        rows, forward, events, head, proven, seq = _restore_into(path, key, backup, using, progress, total)
    return RestoreReport(
        backup[0], _target_name(using), overwritten, rows, forward, events, head, proven, restore_event=seq
    )
