"""The demo's justice side has a court clerk to log in as: the member of the registry that keeps the two Attica
courts, which a court suspension in the demo covers."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from lantern.cases.models import Case
from lantern.cases.services import case_decide, case_refer_to_authority, case_register
from lantern.cases.validation import PersonData
from lantern.core.demo import load_demo
from lantern.core.models import Membership, Organisation, User
from lantern.core.roles import Role
from lantern.justice import demo
from lantern.justice.models import Court, Hearing, Proceeding
from lantern.justice.selectors import court_day_off


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


def _decided(caseworker: User, first_name: str, outcome: str) -> Case:
    """A case of the caseworker's NGO on which the competent authority decided reasonable grounds."""
    case = case_register(
        actor=caseworker,
        organisation=Organisation.objects.get(memberships__user=caseworker),
        person=PersonData(first_name=first_name),
        consent_to_case_management=True,
    )
    case_refer_to_authority(actor=caseworker, case=case, consent_given=True)
    return case_decide(
        actor=User.objects.get(username="authority"), case=case, kind="reasonable_grounds", outcome=outcome,
        reasons="The authority's reasons, given in full to the person.", decided_on=timezone.localdate(),
    ).case  # fmt: skip


@pytest.mark.django_db
def test_the_demo_has_a_trial_that_ended_with_compensation_partly_paid(tmp_path: Path) -> None:
    load_demo(tmp_path / "demo-credentials.txt")
    caseworker = User.objects.get(username="caseworker")
    # The cases' own demo generates 3,000; two are enough here, the first found no victim.
    refused = _decided(caseworker, "Maria", "negative")
    recognised = _decided(caseworker, "Ioana", "positive")
    demo.load()
    assert not Proceeding.objects.filter(case=refused).exists()
    ended = Proceeding.objects.get(closed_on__isnull=False)
    assert ended.case == recognised
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


@pytest.mark.django_db
def test_the_demo_sets_no_hearing_on_a_weekend(tmp_path: Path) -> None:
    load_demo(tmp_path / "demo-credentials.txt")
    caseworker = User.objects.get(username="caseworker")
    for name in ("Ioana", "Olena", "Blessing", "Arben", "Samira", "Daria", "Lina", "Ana"):
        _decided(caseworker, name, "positive")
    demo.load()
    hearings = Hearing.objects.select_related("court")
    assert hearings.count() >= len(demo.PLAN)
    for hearing in hearings:
        assert court_day_off(hearing.court, hearing.starts_at) is None, hearing.starts_at  # the new dates included
