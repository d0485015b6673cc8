"""The hash-chained audit trail (audit.py) and `lantern audit verify`."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.utils import DatabaseError

from lantern.core.audit import GENESIS, audit_record, audit_verify, event_hash
from lantern.core.models import AuditEvent, AuditHead
from tests.conftest import ON_POSTGRES


def _three_events() -> list[AuditEvent]:
    return [audit_record(action="test.event", actor_label="tester", detail={"n": n}) for n in range(3)]


def _as_database_owner(sql: str, params: list[Any] | None = None) -> None:
    """Tamper as someone with direct database access would: on PostgreSQL that means switching the
    append-only trigger off first (which needs the table owner)."""
    with connection.cursor() as cursor:
        if ON_POSTGRES:
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
        cursor.execute(sql, params or [])
        if ON_POSTGRES:
            cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only")


@pytest.mark.django_db
def test_events_form_a_chain_from_the_genesis_hash() -> None:
    first, second, third = _three_events()
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert [e.seq for e in (first, second, third)] == [1, 2, 3]
    assert event_hash(AuditEvent.objects.get(seq=2)) == second.hash
    result = audit_verify()
    assert result.ok
    assert result.checked == 3
    assert AuditHead.objects.get().last_hash == third.hash == result.head_hash


@pytest.mark.django_db
def test_details_refuse_values_that_are_not_plain_facts() -> None:
    with pytest.raises(TypeError, match="float"):
        audit_record(action="x", detail={"score": 0.5})


@pytest.mark.django_db
def test_an_audit_event_rolls_back_with_the_write_it_records() -> None:
    def record_then_fail() -> None:
        with transaction.atomic():
            audit_record(action="test.event")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        record_then_fail()
    assert not AuditEvent.objects.exists()
    assert audit_verify().ok


@pytest.mark.django_db
def test_a_changed_row_is_named() -> None:
    _three_events()
    _as_database_owner("UPDATE core_auditevent SET actor_label = 'someone else' WHERE seq = 2")
    result = audit_verify()
    assert not result.ok
    assert result.first_bad_seq == 2
    assert "changed" in result.problem


@pytest.mark.django_db
def test_a_removed_row_is_named() -> None:
    _three_events()
    _as_database_owner("DELETE FROM core_auditevent WHERE seq = 2")
    result = audit_verify()
    assert (result.ok, result.first_bad_seq) == (False, 2)


@pytest.mark.django_db
def test_a_removed_last_row_is_named() -> None:
    _three_events()
    _as_database_owner("DELETE FROM core_auditevent WHERE seq = 3")
    result = audit_verify()
    assert (result.ok, result.first_bad_seq) == (False, 3)


@pytest.mark.django_db
def test_an_inserted_row_is_named() -> None:
    events = _three_events()
    forged = AuditEvent(
        seq=4, at=events[-1].at, actor_label="intruder", action="login.success", prev_hash=events[-1].hash,
        key_id=events[-1].key_id,
    )  # fmt: skip
    forged.hash = event_hash(forged)
    forged.save(force_insert=True)  # a row with a perfect hash (made with the key), but the head does not know it
    result = audit_verify()
    assert (result.ok, result.first_bad_seq) == (False, 4)
    assert "inserted" in result.problem


@pytest.mark.django_db
def test_the_verify_command_exits_0_on_an_intact_chain_and_1_naming_the_row(
    capsys: pytest.CaptureFixture,
) -> None:
    _three_events()
    call_command("audit", "verify")
    assert "intact: 3 events" in capsys.readouterr().out
    _as_database_owner("UPDATE core_auditevent SET detail = '{\"n\": 99}' WHERE seq = 3")
    with pytest.raises(CommandError, match="row 3") as raised:
        call_command("audit", "verify")
    assert raised.value.returncode == 1


@pytest.mark.postgres_only
@pytest.mark.django_db
@pytest.mark.parametrize("statement", ["UPDATE core_auditevent SET action = 'x'", "DELETE FROM core_auditevent"])
def test_postgresql_itself_refuses_to_change_or_remove_audit_rows(statement: str) -> None:
    _three_events()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AuditEvent.objects.count() == 3
    assert audit_verify().ok


@pytest.mark.django_db
def test_appending_stops_when_the_head_is_gone_but_events_exist() -> None:
    _three_events()
    AuditHead.objects.all().delete()
    with pytest.raises(RuntimeError, match="head is missing"):
        audit_record(action="test.event")
    assert audit_verify().problem == "the chain head is missing"


@pytest.mark.django_db
def test_details_refuse_free_text() -> None:
    with pytest.raises(TypeError, match="not text"):
        audit_record(
            action="x",
            detail={"note": "A long sentence that could name a person, where she lives and who she is afraid of"},
        )
