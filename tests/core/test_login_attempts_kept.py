"""What someone typed in the username box of a failed login is kept nowhere in clear: the audit trail and
django-axes both keep only a keyed digest, and the lockout still counts per typed username and client."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.apps import apps
from django.db import connection
from django.test import Client

from lantern.core.services import typed_username_digest
from tests.conftest import World

TYPED = "Correct-Horse-Battery-Staple-9"  # a password typed in the wrong box


def test_after_a_failed_login_no_table_holds_the_typed_username(world: World) -> None:
    Client().post("/login/", {"username": TYPED, "password": "whatever-it-was"})
    attempt = AccessAttempt.objects.get()
    assert attempt.username == typed_username_digest(TYPED)
    for model in apps.get_models():
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT * FROM "{table}"')
            rows = cursor.fetchall()
        for row in rows:
            assert not any(isinstance(value, str) and TYPED.casefold() in value.casefold() for value in row), table


def test_the_lockout_still_counts_per_typed_username(world: World, settings: object) -> None:
    client = Client()
    for _ in range(5):
        client.post("/login/", {"username": "caseworker", "password": "wrong-password-123"})
    page = client.post("/login/", {"username": "caseworker", "password": "wrong-password-123"})
    assert AccessAttempt.objects.get(username=typed_username_digest("caseworker")).failures_since_start >= 5
    assert page.status_code in (403, 429) or "locked" in page.content.decode().lower()
    # another typed username from the same client is not locked
    other = Client().post("/login/", {"username": "supervisor", "password": "wrong-password-123"})
    assert "Wrong username or password" in other.content.decode()
