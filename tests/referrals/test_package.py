"""The minimum service package while a crisis lasts (referrals/selectors.py)."""

from __future__ import annotations

from datetime import date

from lantern.cases.models import Case
from lantern.crisis import services as crisis
from lantern.referrals import selectors, services
from lantern.referrals.selectors import cases_missing_package, missing_services
from tests.conftest import World


def test_declaring_a_crisis_lists_the_open_cases_missing_the_package_and_ending_it_clears_the_list(
    consented_case: Case, world: World, offers: dict, clock: object
) -> None:
    cases, _ = cases_missing_package(world.supervisor)
    assert list(cases) == []  # no crisis: no list
    pandemic = crisis.crisis_declare(
        actor=world.coordinator, name="Pandemic", kind="pandemic", country="GR", starts_on=date(2026, 2, 1)
    )
    cases, due = cases_missing_package(world.supervisor)
    assert [c.reference for c in cases] == [consented_case.reference]
    missing = missing_services(consented_case, due)
    assert "safe_accommodation" in missing
    assert "medical" in missing
    assert "legal_counselling" not in missing  # 14 days from the crisis start have not passed for this case
    assert selectors.package_missing_count(world.supervisor) == 1
    assert selectors.package_missing_count(world.coordinator) == 1
    assert [c.reference for c in cases_missing_package(world.outsider_admin)[0]] == []

    referral = services.referral_create(
        actor=world.caseworker, case=consented_case, recipient=world.legal_aid, service_type="legal_counselling"
    )
    services.referral_accept(actor=world.provider, referral=referral)
    assert "legal_counselling" not in missing_services(consented_case, due)

    crisis.crisis_end(actor=world.coordinator, crisis=pandemic, ends_on=date(2026, 3, 1))
    clock.shift(24 * 3600)  # type: ignore[attr-defined]
    assert list(cases_missing_package(world.supervisor)[0]) == []
