"""Synthetic cases (cases/generate.py): reproducible, realistic, and with the crisis effects the analyses look for."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.db import connection

from lantern.cases.generate import Period, generate_cases, in_crisis
from lantern.cases.models import Case
from tests.conftest import World
from tests.helpers import Generated, generate

PERIOD = Period(date(2018, 1, 1), date(2023, 12, 31))


@pytest.fixture
def generated(world: World, clock: object) -> Generated:
    return generate(count=3000, seed=11, organisations=[world.ngo_a, world.ngo_b], period=PERIOD, batch_size=700)


def _share(cases: list[Case], test: Callable[[Case], bool | None]) -> float:
    return sum(1 for c in cases if test(c)) / len(cases)


def test_the_same_seed_gives_the_same_cases(world: World, clock: object) -> None:
    generate_cases(count=50, seed=3, organisations=[world.ngo_a], period=PERIOD)
    first = list(Case.objects.order_by("pk").values_list("identified_on", "age_band", "forms_of_exploitation"))
    Case.objects.all().delete()
    generate_cases(count=50, seed=3, organisations=[world.ngo_a], period=PERIOD)
    again = list(Case.objects.order_by("pk").values_list("identified_on", "age_band", "forms_of_exploitation"))
    assert first == again


def test_distributions_look_like_detected_victims(generated: Generated) -> None:
    assert 0.50 < _share(generated.cases, lambda c: c.person.gender == "Feminine") < 0.66
    assert 0.25 < _share(generated.cases, lambda c: c.is_minor) < 0.42
    assert 0.30 < _share(generated.cases, lambda c: "SexualExploitation" in c.forms_of_exploitation) < 0.55
    assert 0.30 < _share(generated.cases, lambda c: "ForcedLabour" in c.forms_of_exploitation) < 0.55
    assert len({c.person.citizenship[0] for c in generated.cases}) >= 12


def test_the_crisis_effects_are_in_the_data(generated: Generated) -> None:
    during = [c for c in generated.cases if in_crisis(c.identified_on)]
    before = [c for c in generated.cases if c.identified_on < date(2020, 3, 1)]
    online = _share(during, lambda c: c.recruited_online) - _share(before, lambda c: c.recruited_online)
    assert online > 0.15
    home = [c for c in generated.cases if "SexualExploitation" in c.forms_of_exploitation]
    home_during = [c for c in home if in_crisis(c.identified_on)]
    home_before = [c for c in home if c.identified_on < date(2020, 3, 1)]
    in_home = lambda c: "exploited_in_private_home" in c.crisis_circumstances  # noqa: E731
    assert _share(home_during, in_home) - _share(home_before, in_home) > 0.2
    assert _share(during, lambda c: c.is_cross_border) < _share(before, lambda c: c.is_cross_border) - 0.1
    per_day_during = len(during) / ((date(2021, 6, 30) - date(2020, 3, 15)).days + 1)
    per_day_before = len(before) / (date(2020, 3, 1) - PERIOD.start).days
    assert per_day_during < 0.8 * per_day_before  # fewer victims detected while lockdowns lasted


def test_generated_people_are_encrypted_like_any_other(generated: Generated) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT first_name, birth_date FROM cases_person LIMIT 5")
        for first_name, birth_date in cursor.fetchall():
            assert first_name.startswith("v1:")
            assert birth_date.startswith("v1:")
    assert generated.cases[0].person.first_name.isalpha()
    assert len({c.reference for c in generated.cases}) == len(generated.cases)
