"""The suite's own guarantee that every test starts with the reference data a migrated database has (tests/seeds.py),
even after a transactional test emptied the tables."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython

from lantern.core.models import AuditHead
from lantern.crisis.models import PackageItem
from lantern.portal.models import CrisisMessage
from lantern.portal.standard_messages import STANDARD_MESSAGES
from tests.seeds import NOT_SEEDS, SEEDS


def test_every_data_migration_is_named_a_seed_or_not() -> None:
    found = set()
    for (app_label, name), migration in MigrationLoader(None, ignore_no_migrations=True).disk_migrations.items():
        if not migration.__module__.startswith("lantern."):
            continue
        for operation in migration.operations:
            if isinstance(operation, RunPython):
                found.add((app_label, name, getattr(operation.code, "__name__", "")))
    assert found == set(SEEDS) | set(NOT_SEEDS)


@pytest.mark.django_db(transaction=True)
def test_a_flush_leaves_the_reference_data_of_a_migrated_database() -> None:
    call_command("flush", interactive=False, verbosity=0)
    assert AuditHead.objects.filter(id=1, last_seq=0).exists()
    assert PackageItem.objects.count() == 8
    assert CrisisMessage.objects.count() == len(STANDARD_MESSAGES)
