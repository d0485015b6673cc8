"""The justice lists page in the database: more proceedings and hearings than the 1,000 the lists once stopped at,
every page walked, the count right, and each page at the same number of queries."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from lantern.justice.models import Hearing, HearingStatus, Proceeding
from tests.conftest import World
from tests.justice.helpers import Justice
from tests.lists import assert_walked, walk

OLD_CAP = 1000
MAX_QUERIES = 12


def _proceedings(justice: Justice, world: World, count: int) -> None:
    case = justice.proceeding.case
    Proceeding.objects.bulk_create(
        Proceeding(case=case, organisation=world.prosecution, kind="trial", survivor_role="witness")
        for _ in range(count)
    )


def _postponed_hearings(justice: Justice, count: int) -> None:
    start = justice.hearing.starts_at + timedelta(days=30)
    Hearing.objects.bulk_create(
        Hearing(
            proceeding=justice.proceeding,
            court=justice.athens,
            starts_at=start + timedelta(hours=i),
            status=HearingStatus.POSTPONED,
            postponement_reason="illness",
            postponed_at=timezone.now(),
        )
        for i in range(count)
    )


def test_every_proceeding_is_listed_past_the_old_cap(
    api_client: dict[str, Client], justice: Justice, world: World
) -> None:
    _proceedings(justice, world, OLD_CAP + 50)
    total = Proceeding.objects.count()
    walked = walk(api_client["prosecutor"], "/api/v1/justice/proceedings")
    assert_walked(walked, total, max_queries=MAX_QUERIES)


def test_every_hearing_is_listed_past_the_old_cap(api_client: dict[str, Client], justice: Justice) -> None:
    _postponed_hearings(justice, OLD_CAP + 50)
    total = Hearing.objects.count()
    walked = walk(api_client["prosecutor"], "/api/v1/justice/hearings")
    assert_walked(walked, total, max_queries=MAX_QUERIES)
    starts = [item["starts_at"] for item in walked.items]
    assert starts == sorted(starts)  # one order across the pages


def test_every_hearing_to_reschedule_is_listed_past_the_old_cap(
    api_client: dict[str, Client], justice: Justice
) -> None:
    _postponed_hearings(justice, OLD_CAP + 50)
    walked = walk(api_client["prosecutor"], "/api/v1/justice/hearings/to-reschedule")
    assert_walked(walked, OLD_CAP + 50, max_queries=MAX_QUERIES)
    assert {item["status"] for item in walked.items} == {"postponed"}


def test_the_courts_list_costs_the_same_on_every_page(api_client: dict[str, Client], justice: Justice) -> None:
    walked = walk(api_client["coordinator"], "/api/v1/justice/courts", page_size=2)
    assert_walked(walked, 3, max_queries=MAX_QUERIES)
