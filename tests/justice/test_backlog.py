"""The backlog selector (read by the backlog page, the API and insights): counts in the database, the median delay
from the dates of postponed hearings."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lantern.justice import selectors, services
from lantern.justice.models import Hearing
from tests.conftest import World
from tests.justice.helpers import Justice, at

pytestmark = pytest.mark.django_db


def test_median_delay_counts_to_the_new_date_or_to_today(world: World, justice: Justice, clock: object) -> None:
    services.hearing_postpone(
        actor=world.prosecutor, hearing=justice.hearing, reason="illness", new_starts_at=at(2026, 3, 19, 10)
    )  # ten days later
    services.hearing_postpone(actor=world.prosecutor, hearing=justice.other, reason="court_schedule")
    clock.move_to(justice.other.starts_at + timedelta(days=30), tick=False)  # type: ignore[attr-defined]
    rows = {r.court_id: r for r in selectors.backlog()}
    assert rows[justice.athens.pk].median_delay_days == 10.0
    assert rows[justice.piraeus.pk].median_delay_days == 30.0
    overall = rows[None]
    assert overall.median_delay_days == 20.0
    # Athens: the postponed hearing and the one at its new date; Piraeus: the postponed one.
    assert (overall.hearings, overall.postponed, overall.pending) == (3, 2, 2)
    assert rows[justice.crete.pk].hearings == 0
    assert rows[justice.crete.pk].postponed_share is None


def test_cancelled_hearings_are_not_counted(world: World, justice: Justice) -> None:
    services.hearing_cancel(actor=world.prosecutor, hearing=justice.hearing)
    overall = selectors.backlog()[-1]
    assert overall.hearings == 1
    assert Hearing.objects.count() == 2


def test_the_backlog_takes_a_few_queries_whatever_the_number_of_courts(
    world: World, justice: Justice, django_assert_max_num_queries: object
) -> None:
    for i in range(10):
        services.court_create(actor=None, name=f"Court {i}", country="GR", region="Attica", time_zone="Europe/Athens")
    with django_assert_max_num_queries(3):  # type: ignore[operator]
        selectors.backlog(region="Attica")
