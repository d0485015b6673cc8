"""Helpers for the tests of lists: many rows made quickly, every page of an API list walked, and the queries each
request costs counted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lantern.cases.models import Case, Person
from lantern.core.models import Organisation, User

PAGE_SIZE = 200  # the largest page the API gives (lantern.core.pagination.MAX_PAGE_SIZE)


def queries_of(call: Callable[[], Any]) -> int:
    """How many SQL statements one call runs: the fewer of two runs, so that a cache expiring in between (the
    machine may be slow) does not count as the call's own cost."""
    counted = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            call()
        counted.append(len(captured))
    return min(counted)


@dataclass
class Walk:
    items: list[dict[str, Any]] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)  # the `count` each page said
    queries: list[int] = field(default_factory=list)  # the statements each page cost


def walk(client: Client, url: str, *, page_size: int = PAGE_SIZE, **params: Any) -> Walk:
    """Every page of a paginated API list, in order, until a page comes back short."""
    client.get(url, {**params, "page_size": 1})  # a token's first use is recorded once: not part of the lists' cost
    walked = Walk()
    page = 1
    while True:
        query = {**params, "page": page, "page_size": page_size}
        response = client.get(url, query)
        assert response.status_code == 200, (url, page, response.content[:300])
        body = response.json()
        walked.items.extend(body["items"])
        walked.counts.append(body["count"])
        walked.queries.append(queries_of(partial(client.get, url, query)))
        if len(body["items"]) < page_size:
            return walked
        page += 1


def assert_walked(walked: Walk, total: int, *, key: str = "id", max_queries: int) -> None:
    """Every row once, the count right on every page, and every page at the same bounded cost (a full page of
    200 rows costs what the short last page costs: nothing is read row by row)."""
    assert len(walked.items) == total, (len(walked.items), walked.counts, walked.queries)
    assert len({item[key] for item in walked.items}) == total
    assert set(walked.counts) == {total}
    assert len(walked.queries) >= 2
    assert max(walked.queries) <= max_queries, walked.queries
    assert walked.queries[0] == walked.queries[-1], walked.queries


def bulk_cases(organisation: Organisation, count: int, *, created_by: User | None = None, **fields: Any) -> list[Case]:
    """`count` cases of an organisation, each with its (empty) person, in a few statements. The references follow
    the registry's pattern (LT-XXXX-XXXX), numbered from LT-ZZ00-0000: far from the few a test draws at random."""
    persons = Person.objects.bulk_create([Person() for _ in range(count)], batch_size=500)
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

    def reference(n: int) -> str:
        digits = ""
        for _ in range(6):
            n, r = divmod(n, len(alphabet))
            digits = alphabet[r] + digits
        return f"LT-ZZ{digits[:2]}-{digits[2:]}"

    fields.setdefault("identified_on", date(2026, 2, 16))
    first = Case.objects.filter(reference__startswith="LT-ZZ").count()
    made = [
        Case(
            reference=reference(i),
            person=person,
            organisation=organisation,
            identified_by=organisation,
            created_by=created_by,
            **fields,
        )
        for i, person in enumerate(persons, start=first)
    ]
    return Case.objects.bulk_create(made, batch_size=500)


def assert_flat(load: Callable[[], Any], grow: Callable[[], Any], *, max_queries: int) -> None:
    """A page or a list costs the same number of queries with a few rows as with many more (no query per row),
    and no more than `max_queries`."""
    load()  # warm: a token's or a session's first use, caches filled once per process
    few = queries_of(load)
    grow()
    many = queries_of(load)
    assert few == many <= max_queries, (few, many)
