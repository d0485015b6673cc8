"""The reference data that data migrations put in a new database (the audit chain's head, the default minimum
service package, the portal's standard crisis messages), put back after a transactional test empties the tables.

A transactional test (`transaction=True`, a live server, a real worker) ends with a flush of every table, seeded
rows included; the tests that run after it on the same worker would otherwise find a database no deployment ever
has. Django emits `post_migrate` after such a flush (with no migration plan), and the suite answers it by running
the migrations' own seed functions again; they are idempotent, as they already are for `migrate`."""

from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate

# (app label, migration, function): every RunPython forward function that puts reference data in a new database.
SEEDS = [
    ("core", "0002_audit_append_only", "create_head"),
    ("crisis", "0002_default_minimum_package", "create"),
    ("portal", "0002_standard_messages", "seed"),
]
# RunPython functions that change existing rows or the schema, with nothing to put back after a flush.
NOT_SEEDS = [
    ("core", "0002_audit_append_only", "pg_triggers"),  # triggers: a flush keeps them
    ("cases", "0003_closure_reason_encrypted", "encrypt_existing"),  # encrypts rows that existed then
    ("portal", "0009_leave_home_wording", "reword"),  # rewords rows as installed; the seed already writes the new text
]


def seed_function(app_label: str, migration: str, name: str) -> Any:
    module = importlib.import_module(f"{global_apps.get_app_config(app_label).name}.migrations.{migration}")
    return getattr(module, name)


def _reseed_after_flush(sender: Any, plan: Any = None, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    if plan is not None or using != DEFAULT_DB_ALIAS:  # a real migrate: the migrations seed; one database only
        return
    for app_label, migration, name in SEEDS:
        if sender.label == app_label:
            seed_function(app_label, migration, name)(global_apps, None)


def connect() -> None:
    post_migrate.connect(_reseed_after_flush, dispatch_uid="lantern-tests-reseed-after-flush")
