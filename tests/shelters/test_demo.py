"""The demo shows routing and the beds board agreeing: Athens Family Shelter (Attica), with free beds, is offered
for safe accommodation in Attica; Thessaloniki Women's Shelter, its regular beds all taken, is not (although its
offer serves the whole country with six weekly places)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from lantern.cases import services as cases
from lantern.core.demo import load_demo
from lantern.core.models import Organisation, User
from lantern.providers.capacity import BedNeed
from lantern.providers.selectors import route
from lantern.referrals import demo as referrals_demo
from lantern.shelters import demo as shelters_demo
from lantern.shelters import selectors, services
from tests.conftest import maria


@pytest.mark.django_db
def test_the_demo_routes_accommodation_by_free_beds(tmp_path: Path) -> None:
    load_demo(tmp_path / "demo-credentials.txt")
    caseworker = User.objects.get(username="caseworker")
    ngo = Organisation.objects.get(name="Safe Passage NGO")
    for number in range(8):
        cases.case_register(
            actor=caseworker, organisation=ngo, person=replace(maria(), first_name=f"W{number}"),
            identified_on=date(2026, 1, 5),
        )  # fmt: skip
    for number in range(2):
        child = replace(maria(), first_name=f"C{number}", birth_date=date(2015, 1, 1))
        cases.case_register(actor=caseworker, organisation=ngo, person=child, identified_on=date(2026, 1, 5))
    referrals_demo.load()
    shelters_demo.load()

    board = {row.shelter.name: row for row in selectors.board()}
    assert board["Thessaloniki Women's Shelter"].free_regular == 0
    assert board["Athens Family Shelter"].free_regular + board["Athens Family Shelter"].free_quarantine > 0
    routed = {c.offering.organisation.name: c for c in route(service_type="safe_accommodation", region="Attica")}
    assert list(routed) == ["Athens Family Shelter"]
    family = routed["Athens Family Shelter"].beds
    assert family is not None
    assert (family.regular, family.quarantine) == (
        board["Athens Family Shelter"].free_regular,
        board["Athens Family Shelter"].free_quarantine,
    )
    # An adult woman is offered the family shelter too: its women's room has free beds, and she is admitted there.
    woman = cases.case_register(
        actor=caseworker, organisation=ngo, person=replace(maria(), first_name="Adult"), identified_on=date(2026, 1, 6)
    )
    offered = route(service_type="safe_accommodation", region="Attica", beds_for=BedNeed(case=woman))
    assert [c.offering.organisation.name for c in offered] == ["Athens Family Shelter"]
    athens = Organisation.objects.get(name="Athens Family Shelter")
    stay = services.admit(actor=None, case=woman, shelter=athens)
    assert stay.assignments.get().bed.room.name in {"Women", "Q"}
