"""The demo's justice side has a court clerk to log in as: the member of the registry that keeps the two Attica
courts, which a court suspension in the demo covers."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from lantern.cases.services import case_register
from lantern.cases.validation import PersonData
from lantern.core.demo import load_demo
from lantern.core.models import Membership, Organisation, User
from lantern.core.roles import Role
from lantern.justice import demo
from lantern.justice.models import Court, Proceeding


@pytest.mark.django_db
def test_the_demo_clerk_keeps_the_attica_courts(tmp_path: Path) -> None:
    logins = {login.username: login for login in load_demo(tmp_path / "demo-credentials.txt")}
    demo.load()
    clerk = logins["clerk"]
    assert clerk.organisation == demo.REGISTRY
    membership = Membership.objects.get(user__username="clerk")
    assert membership.role == Role.JUSTICE
    kept = dict(Court.objects.values_list("name", "registry_id"))
    assert kept == {
        "Athens Court of First Instance": membership.organisation_id,
        "Piraeus Court of First Instance": membership.organisation_id,
        "Thessaloniki Court of First Instance": None,
        "Heraklion Court of First Instance": None,
    }


@pytest.mark.django_db
def test_the_demo_has_a_trial_that_ended_with_compensation_partly_paid(tmp_path: Path) -> None:
    load_demo(tmp_path / "demo-credentials.txt")
    caseworker = User.objects.get(username="caseworker")
    case_register(  # the cases' own demo generates 3,000; one is enough here
        actor=caseworker,
        organisation=Organisation.objects.get(memberships__user=caseworker),
        person=PersonData(first_name="Ioana"),
        consent_to_case_management=True,
    )
    demo.load()
    ended = Proceeding.objects.get(closed_on__isnull=False)
    assert set(ended.defendants.values_list("outcome", flat=True)) == {"conviction"}
    award = ended.compensations.get(payer="offender")
    assert (award.awarded, award.paid) == (Decimal("15000.00"), Decimal("5000.00"))
    assert ended.compensations.get(payer="state_fund").fund_status == "under_review"
    assert ended.representative_organisation is not None
    assert ended.representative_organisation.name == demo.LEGAL_AID
    assert set(ended.protective_measures.values_list("kind", "status")) == {
        ("video_interview", "granted"),
        ("anonymity", "refused"),
    }
