"""Case fixtures: a case registered by the caseworker of organisation A, through the real service."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from lantern.cases import services
from lantern.cases.models import Case, PublicHoliday
from lantern.cases.validation import ContextData, PersonData
from tests.conftest import World

TODAY = date(2026, 3, 2)  # a Monday


@pytest.fixture
def clock(time_machine: object) -> object:
    time_machine.move_to(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False)  # type: ignore[attr-defined]
    return time_machine


def maria() -> PersonData:
    return PersonData(
        first_name="Maria",
        second_name="Popescu",
        birth_date=date(2004, 5, 17),
        gender="Feminine",
        primary_language="ro",
        other_languages=["en"],
        citizenship=["RO"],
        contact_route="messaging",
        messaging="Signal +40 721 000 111",
    )


def labour_context() -> ContextData:
    return ContextData(
        forms_of_exploitation=["ForcedLabour"],
        forced_labour_industry="A",
        recruitment_methods=["ThroughOnlineSocialNetworks"],
        recruitment_platforms=["Facebook"],
        recruitment_country="RO",
        exploitation_country="GR",
        exploitation_region="Peloponnese",
        crisis_circumstances=["recruited_online_in_crisis", "lost_livelihood"],
    )


@pytest.fixture
def case(world: World, clock: object) -> Case:
    PublicHoliday.objects.create(country="GR", date=date(2026, 3, 25), name="Independence Day")
    return services.case_register(
        actor=world.caseworker,
        organisation=world.ngo_a,
        person=maria(),
        context=labour_context(),
        identified_on=date(2026, 2, 16),
    )
