"""Two people of the receiving organisation accept two referrals at the same moment for the last place: exactly
one succeeds. Real concurrency: two threads, two database connections, on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from lantern.cases import services as cases
from lantern.cases.validation import PersonData
from lantern.core import services as core
from lantern.providers.models import CapacityWeek
from lantern.providers.services import offering_save
from lantern.referrals import services
from lantern.referrals.models import Referral, Status
from tests.conftest import World


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_accepts_for_the_last_place_exactly_one_wins(world: World) -> None:
    offering = offering_save(
        actor=None,
        organisation=world.legal_aid,
        service_type="legal_counselling",
        regions=["Attica"],
        delivery_modes=["in_person"],
        weekly_capacity=1,
    )
    colleague = core.user_create(
        actor=None, username="provider2", organisation=world.legal_aid, role="service_provider", password=None
    )
    referrals = []
    for index in range(2):
        case = cases.case_register(actor=world.caseworker, organisation=world.ngo_a, person=PersonData())
        cases.consent_give(actor=world.caseworker, case=case, purpose="referral", recipient=world.legal_aid)
        referrals.append(
            services.referral_create(
                actor=world.caseworker,
                case=case,
                recipient=world.legal_aid,
                service_type="legal_counselling",
                idempotency_key=f"k{index}",
            )
        )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def accept(user: object, referral: Referral) -> None:
        try:
            barrier.wait(timeout=10)
            services.referral_accept(actor=user, referral=referral)  # type: ignore[arg-type]
            outcomes.append("accepted")
        except ValidationError:
            outcomes.append("full")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=accept, args=(user, referral))
        for user, referral in zip([world.provider, colleague], referrals, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["accepted", "full"]
    assert CapacityWeek.objects.get(offering=offering).used == 1
    assert Referral.objects.filter(status=Status.ACCEPTED).count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_same_need_sent_twice_at_the_same_moment_makes_one_referral(world: World) -> None:
    offering_save(
        actor=None,
        organisation=world.legal_aid,
        service_type="legal_counselling",
        regions=["Attica"],
        delivery_modes=["in_person"],
        weekly_capacity=5,
    )
    case = cases.case_register(actor=world.caseworker, organisation=world.ngo_a, person=PersonData())
    cases.consent_give(actor=world.caseworker, case=case, purpose="referral", recipient=world.legal_aid)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def send(key: str) -> None:
        try:
            barrier.wait(timeout=10)
            services.referral_create(
                actor=world.caseworker,
                case=case,
                recipient=world.legal_aid,
                service_type="legal_counselling",
                idempotency_key=key,
            )
            outcomes.append("sent")
        except ValidationError as refused:
            outcomes.append(refused.error_dict["recipient"][0].code or "")
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(key,)) for key in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "sent"]
    assert Referral.objects.filter(case=case).count() == 1
