"""The referral lists page in the database: more referrals than the 1,000 the list once stopped at, and more
cases missing the minimum package than the 500 that list stopped at; every page walked, the count right, each page
at the same number of queries. The referral pages cost the same with few rows as with many."""

from __future__ import annotations

from datetime import date, timedelta

from django.test import Client
from django.utils import timezone

from lantern.cases.models import Case
from lantern.crisis import services as crisis
from lantern.referrals import selectors
from lantern.referrals.models import Referral
from tests.conftest import World
from tests.lists import assert_flat, assert_walked, bulk_cases, walk

MAX_QUERIES = 12


def _referrals(case: Case, world: World, count: int) -> None:
    Referral.objects.bulk_create(
        Referral(
            case=case,
            sender=world.ngo_a,
            recipient=world.legal_aid,
            service_type="legal_counselling",
            respond_by=timezone.now() + timedelta(days=7),
        )
        for _ in range(count)
    )


def test_every_referral_received_and_sent_is_listed_past_the_old_cap(
    api_client: dict[str, Client], consented_case: Case, world: World
) -> None:
    _referrals(consented_case, world, 1050)
    received = walk(api_client["provider"], "/api/v1/referrals", box="inbox")
    assert_walked(received, 1050, max_queries=MAX_QUERIES)
    assert {item["reference"] for item in received.items} == {consented_case.reference}
    sent = walk(api_client["caseworker"], "/api/v1/referrals", box="sent")
    assert_walked(sent, 1050, max_queries=MAX_QUERIES)


def test_every_case_missing_the_package_is_listed_past_the_old_cap(
    api_client: dict[str, Client], case: Case, world: World
) -> None:
    crisis.crisis_declare(
        actor=world.coordinator, name="Pandemic", kind="pandemic", country="GR", starts_on=date(2026, 1, 1)
    )
    bulk_cases(world.ngo_a, 550, identified_on=date(2026, 1, 5))
    walked = walk(api_client["supervisor"], "/api/v1/minimum-package/missing")
    assert_walked(walked, 551, key="reference", max_queries=MAX_QUERIES)
    # The services each case misses, worked out in the page's query, are those the rule gives case by case.
    cases, due = selectors.cases_missing_package(world.supervisor)
    by_reference = {c.reference: c for c in cases}
    for item in walked.items[:3] + walked.items[-3:]:
        assert item["missing"] == selectors.missing_services(by_reference[item["reference"]], due)
        assert item["missing"]
    assert walked.items[0]["identified_on"] == "2026-01-05"


def test_the_referral_pages_cost_the_same_with_many_rows(
    staff: dict[str, Client], consented_case: Case, world: World
) -> None:
    _referrals(consented_case, world, 2)
    assert_flat(
        lambda: staff["provider"].get("/referrals/"),
        lambda: _referrals(consented_case, world, 40),
        max_queries=25,
    )
    crisis.crisis_declare(
        actor=world.coordinator, name="Pandemic", kind="pandemic", country="GR", starts_on=date(2026, 1, 1)
    )
    bulk_cases(world.ngo_a, 2, identified_on=date(2026, 1, 5))
    assert_flat(
        lambda: staff["supervisor"].get("/referrals/minimum-package/"),
        lambda: bulk_cases(world.ngo_a, 40, identified_on=date(2026, 1, 5)),
        max_queries=25,
    )
