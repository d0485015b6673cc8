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
    # the standard "leave home" message is shown while movement is restricted (after 0002's seed, in this order)
    ("portal", "0011_message_shown_while", "leave_home_while_movement_restricted"),
]
# RunPython functions that change existing rows or the schema, with nothing to put back after a flush.
NOT_SEEDS = [
    ("core", "0002_audit_append_only", "pg_triggers"),  # triggers: a flush keeps them
    ("cases", "0003_closure_reason_encrypted", "encrypt_existing"),  # encrypts rows that existed then
    ("core", "0005_break_glass_approval", "grants_before_approval_were_open"),  # marks rows that existed then
    ("providers", "0005_directory_review", "entries_shown_before_review_stay_shown"),  # approves rows then shown
    # completes the approved copy of rows then shown with their kind of help, regions, languages and modes
    ("providers", "0011_review_covers_everything_shown", "approved_entries_keep_what_they_showed"),
    ("referrals", "0007_referral_public_id_decline_reason_encrypted", "give_public_ids"),  # rows that existed then
    ("referrals", "0007_referral_public_id_decline_reason_encrypted", "encrypt_existing"),  # rows that existed then
    ("referrals", "0008_referral_decline_code", "earlier_declines_said_other"),  # rows that existed then
    ("cases", "0010_children", "minority_from_birth_dates"),  # derives from the rows that existed then
    ("cases", "0013_person_name_index", "index_names"),  # indexes the names that existed then
    ("shelters", "0002_room_age_group", "age_groups_from_restrictions"),  # the rooms that existed then
    ("justice", "0003_redress", "measures_in_place_were_granted"),  # the measures that existed then
    ("cases", "0015_practitioner_review_age_range_bid_body_notification_privacy", "ages_to_ranges"),  # rows then
    ("cases", "0015_practitioner_review_age_range_bid_body_notification_privacy", "notifications_rekey"),  # rows then
    ("shelters", "0004_residents_in_regular_beds_out_of_quarantine", "clear_quarantine_of_regular_residents"),  # stays
    ("cases", "0016_case_disability_and_at_risk_asked", "asked_where_recorded"),  # the cases that existed then
    ("shelters", "0005_repatriations_into_case_return_plans", "copy_into_return_plans"),  # the rows then
    ("core", "0008_accounts", "move_totp_devices"),  # moves the authenticators that existed then
    ("core", "0008_accounts", "end_old_sessions"),  # empties the former session table
    ("core", "0008_accounts", "tokens_expire"),  # gives the tokens that existed then an expiry
    ("portal", "0009_leave_home_wording", "reword"),  # rewords rows as installed; the seed already writes the new text
    (
        "portal",
        "0010_leave_home_flag",
        "reword_and_flag",
    ),  # rewords rows as installed and flags the rest; the seed writes the new text
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
