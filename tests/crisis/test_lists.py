"""The crisis list pages in the database: more crises than the 200 it once stopped at; every page walked, the
count right, each page at the same number of queries."""

from __future__ import annotations

from datetime import date, timedelta

from django.test import Client

from lantern.crisis.models import CrisisEvent, Measure
from tests.conftest import World
from tests.lists import assert_walked, walk


def test_every_crisis_is_listed_past_the_old_cap(api_client: dict[str, Client], world: World) -> None:
    crises = CrisisEvent.objects.bulk_create(
        CrisisEvent(
            name=f"Flood {i}",
            kind="disaster",
            country="GR",
            starts_on=date(2000, 1, 1) + timedelta(days=i),
            ends_on=date(2000, 1, 1) + timedelta(days=i + 3),
        )
        for i in range(250)
    )
    Measure.objects.bulk_create(
        Measure(crisis=c, kind="lockdown", starts_on=c.starts_on, ends_on=c.ends_on) for c in crises[::100]
    )
    walked = walk(api_client["caseworker"], "/api/v1/crises", page_size=100)
    assert_walked(walked, 250, max_queries=10)
    assert [item["name"] for item in walked.items[:2]] == ["Flood 249", "Flood 248"]  # newest first
    assert sum(len(item["measures"]) for item in walked.items) == 3
