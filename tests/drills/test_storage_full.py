"""Drill: the embedded database is full (SQLite's max_page_count stands in for a full disk).

What must hold: the member of staff gets a clear error (a 503 page saying the database has no space and nothing
was saved; problem+json on the API), nothing is corrupt (integrity check, audit chain), nothing is half written,
and work resumes by itself once there is space again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.test import Client

from lantern.cases.models import Case, Note
from lantern.core.audit import audit_verify
from lantern.core.models import AuditEvent
from tests.conftest import World

pytestmark = [pytest.mark.sqlite_only, pytest.mark.django_db(transaction=True)]

TEXT = "Spoke with her at the shelter; next visit on Thursday. " * 150  # about 8 KB: a new page or two


@pytest.fixture
def full_disk(case: Case) -> Iterator[None]:
    """No page may be added to the database any more (for this connection, the one the test client uses)."""
    with connection.cursor() as cursor:
        # The free pages a flush by an earlier test left inside the file would take many notes before the limit
        # bites: fill them with ballast first, so that the database is full after a note or two whatever ran before.
        cursor.execute("PRAGMA freelist_count")
        free = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA page_size")
        size = int(cursor.fetchone()[0])
        cursor.execute("CREATE TABLE drill_ballast (b BLOB)")
        if free > 8:
            cursor.execute("INSERT INTO drill_ballast VALUES (zeroblob(%s))", [(free - 8) * (size - 64)])
        cursor.execute("PRAGMA page_count")
        pages = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {int(pages)}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA max_page_count = 1073741823")
        cursor.execute("DROP TABLE drill_ballast")


def _until_full(post: object) -> object:
    """Free pages inside the file take a few notes first: write until the database refuses one."""
    for _ in range(200):
        response = post()  # type: ignore[operator]
        if response.status_code == 503:
            return response
    raise AssertionError("the database never filled up")


def _integrity() -> str:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA integrity_check")
        return str(cursor.fetchone()[0])


def test_a_full_database_says_so_to_staff_keeps_everything_whole_and_resumes(
    world: World, case: Case, staff: dict[str, Client], full_disk: None
) -> None:
    client = staff["caseworker"]
    client.raise_request_exception = False  # as a browser sees it: the handler's page, not the exception
    url = f"/cases/{case.reference}/notes/"

    def post() -> object:
        return client.post(url, {"text": TEXT})

    saved_before = Note.objects.filter(case=case).count()
    refused = _until_full(post)
    # A clear page, in her language, and a Retry-After; never a traceback
    page = refused.content.decode()  # type: ignore[attr-defined]
    assert "no space left, so nothing was saved" in page
    assert refused["Retry-After"] == "5"  # type: ignore[index]
    assert "Traceback" not in page
    # Nothing half written: every note that was saved has its audit event, and the refused one is not there
    notes = Note.objects.filter(case=case).count()
    added_events = AuditEvent.objects.filter(action="case.note", object_id=case.reference).count()
    assert notes - saved_before == added_events
    assert _integrity() == "ok"
    assert audit_verify().ok
    # Space comes back: the same note goes through
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA max_page_count = 1073741823")
    response = post()
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert Note.objects.filter(case=case).count() == notes + 1
    assert _integrity() == "ok"


def test_a_full_database_is_a_503_problem_on_the_api(
    world: World, case: Case, api_client: dict[str, Client], full_disk: None
) -> None:
    client = api_client["caseworker"]
    client.raise_request_exception = False

    def post() -> object:
        return client.post(f"/api/v1/cases/{case.reference}/notes", {"text": TEXT}, content_type="application/json")

    refused = _until_full(post)
    assert refused["Content-Type"] == "application/problem+json"  # type: ignore[index]
    problem = refused.json()  # type: ignore[attr-defined]
    assert problem["status"] == 503
    assert "no space left" in problem["detail"]
    assert _integrity() == "ok"
