"""Races on a case: supervisors closing it at the same moment, caseworkers reopening it, several requests for the
same charge. The first wins, the others wait for its lock and are refused with words (two connections on
PostgreSQL); on SQLite, which writes one at a time, the same calls one after the other give the same result."""

from __future__ import annotations

from datetime import date

import pytest

from lantern.cases import closure, non_punishment
from lantern.cases.models import Case, Charge, Closure, NonPunishmentRequest, Reopening, Stage, TimelineEntry
from lantern.core import services as core
from lantern.core.models import AuditEvent, User
from lantern.providers.models import Offering
from tests.cases.test_closure import OVERRIDE, _referral
from tests.conftest import World
from tests.helpers import race

GROUNDS = "Her exploiters sent her to sell goods on the street during the lockdown; she could not refuse."


def _fresh(case: Case) -> Case:
    """Each caller loads the case itself, as each request does."""
    return Case.objects.get(pk=case.pk)


def _supervisors(world: World, n: int) -> list[User]:
    extra = [
        core.user_create(
            actor=None, username=f"supervisor_{i}", organisation=world.ngo_a, role="supervisor", password=None
        )
        for i in range(n - 1)
    ]
    return [world.supervisor, *extra]


@pytest.mark.django_db(transaction=True)
def test_three_supervisors_closing_at_once_close_the_case_once(
    world: World, case: Case, offers: dict[str, Offering]
) -> None:
    _referral(world, case)  # something open: each close is an override
    closers = [_fresh(case) for _ in range(3)]
    outcomes = race(
        *[
            (lambda s=s, c=c: closure.case_close(actor=s, case=c, code="goals_met", override_reason=OVERRIDE))
            for s, c in zip(_supervisors(world, 3), closers, strict=True)
        ]
    )
    assert outcomes == ["done", "refused", "refused"]
    assert Closure.objects.filter(case=case).count() == 1
    assert TimelineEntry.objects.filter(case=case, kind="close_override").count() == 1
    assert TimelineEntry.objects.filter(case=case, kind="close").count() == 1
    assert AuditEvent.objects.filter(action="case.close_override", object_id=case.reference).count() == 1
    assert _fresh(case).stage == Stage.CLOSED


@pytest.mark.django_db(transaction=True)
def test_two_reopenings_at_once_reopen_the_case_once(world: World, case: Case) -> None:
    closure.case_close(actor=world.caseworker, case=case, code="integrated")
    first, second = _fresh(case), _fresh(case)
    outcomes = race(
        lambda: closure.case_reopen(actor=world.caseworker, case=first, code="re_trafficked"),
        lambda: closure.case_reopen(actor=world.supervisor, case=second, code="new_need"),
    )
    assert outcomes == ["done", "refused"]
    assert Reopening.objects.filter(case=case).count() == 1
    assert TimelineEntry.objects.filter(case=case, kind="reopen").count() == 1
    assert _fresh(case).stage != Stage.CLOSED


@pytest.mark.django_db(transaction=True)
def test_a_reopened_case_closed_twice_at_once_closes_once(world: World, case: Case) -> None:
    closure.case_close(actor=world.caseworker, case=case, code="integrated")
    closure.case_reopen(actor=world.caseworker, case=_fresh(case), code="new_need")
    outcomes = race(
        lambda: closure.case_close(actor=world.caseworker, case=_fresh(case), code="integrated"),
        lambda: closure.case_close(actor=world.supervisor, case=_fresh(case), code="goals_met"),
    )
    assert outcomes == ["done", "refused"]
    assert Closure.objects.filter(case=case).count() == 2


@pytest.mark.django_db(transaction=True)
def test_four_requests_at_once_leave_one_pending(world: World, case: Case) -> None:
    charge = non_punishment.charge_record(
        actor=world.caseworker, case=case, kind="charge", offence="lockdown", charged_on=date(2026, 2, 25),
        authority="Attica Police",
    )  # fmt: skip
    copies = [Charge.objects.get(pk=charge.pk) for _ in range(4)]
    outcomes = race(
        *[
            (lambda c=c: non_punishment.request_record(actor=world.caseworker, charge=c, requested_on=date(2026, 3, 1),
                                                       addressed_to="Prosecutor of Athens", grounds=GROUNDS))
            for c in copies
        ]
    )  # fmt: skip
    assert outcomes == ["done", "refused", "refused", "refused"]
    assert NonPunishmentRequest.objects.filter(charge=charge, outcome="pending").count() == 1
    request = NonPunishmentRequest.objects.get(charge=charge)
    decided = race(
        lambda: non_punishment.request_decide(actor=world.caseworker, request=NonPunishmentRequest.objects.get(
            pk=request.pk), outcome="granted", decided_on=date(2026, 3, 2)),
        lambda: non_punishment.request_decide(actor=world.supervisor, request=NonPunishmentRequest.objects.get(
            pk=request.pk), outcome="refused", decided_on=date(2026, 3, 2)),
    )  # fmt: skip
    assert decided == ["done", "refused"]
    assert TimelineEntry.objects.filter(case=case, kind="non_punishment_decide").count() == 1
