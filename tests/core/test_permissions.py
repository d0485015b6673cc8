"""One permission module decides (permissions.py); selectors and services obey it. Organisation B sees nothing of
organisation A unless a rule says so."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from lantern.core import selectors, services
from lantern.core.models import Alert, AuditEvent
from lantern.core.permissions import Action, can, needs_second_factor, organisation_scope
from lantern.core.roles import Role
from tests.conftest import PERSONAS, World
from tests.helpers import run_queued_tasks

NATIONAL_VIEWERS = {"coordinator", "analyst", "auditor", "sysadmin"}


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_organisations_listed_are_the_own_ones_unless_the_role_is_national(world: World, persona: str) -> None:
    user = world.users[persona]
    visible = set(selectors.organisations_visible_to(user).values_list("name", flat=True))
    if persona in NATIONAL_VIEWERS:
        assert "Safe Passage NGO" in visible
        assert "Other Shore NGO" in visible
    else:
        own = getattr(world, PERSONAS[persona][0])
        assert visible == {own.name}


@pytest.mark.parametrize("persona", ["outsider", "outsider_admin", "police", "provider", "prosecutor"])
def test_another_organisation_cannot_read_list_or_change_organisation_a(world: World, persona: str) -> None:
    user = world.users[persona]
    with pytest.raises(Http404):
        selectors.organisation_get_for_user(user, world.ngo_a.pk)
    assert not selectors.members_visible_to(user, world.ngo_a).exists()
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=user, organisation=world.ngo_a, region="Crete")
    with pytest.raises(PermissionDenied):
        services.membership_add(actor=user, user=user, organisation=world.ngo_a, role=Role.CASEWORKER)
    world.ngo_a.refresh_from_db()
    assert world.ngo_a.region == "Attica"


def test_members_are_seen_by_the_supervisor_and_administrator_not_by_the_caseworker(world: World) -> None:
    assert selectors.members_visible_to(world.supervisor, world.ngo_a).count() == 3
    assert selectors.members_visible_to(world.org_admin, world.ngo_a).count() == 3
    assert not selectors.members_visible_to(world.caseworker, world.ngo_a).exists()
    assert not selectors.members_visible_to(world.outsider_admin, world.ngo_a).exists()


def test_the_administrator_adds_roles_in_her_organisation_only(world: World) -> None:
    membership = services.membership_add(
        actor=world.org_admin, user=world.caseworker, organisation=world.ngo_a, role=Role.SUPERVISOR
    )
    assert can(world.caseworker, Action.MEMBER_VIEW, world.ngo_a)
    event = AuditEvent.objects.filter(action="membership.add").latest("seq")
    assert event.actor_id == world.org_admin.pk
    assert event.detail == {"role": "supervisor", "membership": membership.pk}
    with pytest.raises(ValidationError):
        services.membership_add(
            actor=world.org_admin, user=world.caseworker, organisation=world.ngo_a, role=Role.SUPERVISOR
        )


def test_national_roles_are_granted_by_a_system_administrator_only(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.membership_add(
            actor=world.org_admin, user=world.caseworker, organisation=world.ngo_a, role=Role.AUDITOR
        )
    services.membership_add(actor=world.sysadmin, user=world.caseworker, organisation=world.ministry, role=Role.AUDITOR)
    assert can(world.caseworker, Action.AUDIT_VIEW)


def test_removing_a_role_takes_the_access_away(world: World) -> None:
    membership = world.supervisor.memberships.get()
    services.membership_remove(actor=world.org_admin, membership=membership)
    assert not can(world.supervisor, Action.MEMBER_VIEW, world.ngo_a)
    assert organisation_scope(world.supervisor, Action.ORG_VIEW).empty


def test_a_user_without_roles_or_disabled_can_do_nothing(world: World) -> None:
    world.caseworker.is_active = False
    world.caseworker.save()
    assert not can(world.caseworker, Action.ORG_VIEW, world.ngo_a)


@pytest.mark.parametrize(
    ("persona", "needs"),
    [
        ("caseworker", True),
        ("supervisor", True),
        ("org_admin", True),
        ("police", True),
        ("provider", True),
        ("prosecutor", True),
        ("coordinator", True),
        ("sysadmin", True),
        ("analyst", True),
        ("auditor", True),
    ],
)
def test_every_role_needs_a_second_factor(world: World, persona: str, needs: bool) -> None:
    assert needs_second_factor(world.users[persona]) is needs


def test_break_glass_opens_one_record_for_a_while_and_alerts_the_supervisors(
    world: World, django_capture_on_commit_callbacks: object, mailoutbox: list
) -> None:
    assert not can(world.outsider, Action.ORG_VIEW, world.ngo_a)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        grant = services.break_glass_open(
            actor=world.outsider, obj=world.ngo_a, reason="A child from this shelter is missing tonight", hours=2
        )
    assert can(world.outsider, Action.ORG_VIEW, world.ngo_a)
    assert can(world.outsider, Action.MEMBER_VIEW, world.ngo_a)
    assert not can(world.outsider, Action.ORG_UPDATE, world.ngo_a)  # viewing only
    assert not can(world.outsider, Action.ORG_VIEW, world.police_unit)
    event = AuditEvent.objects.get(action="break_glass.open")
    assert event.actor_id == world.outsider.pk
    assert "missing" not in str(event.detail)  # the reason is kept encrypted, not in the trail
    alerted = set(Alert.objects.filter(object_id=str(grant.pk)).values_list("recipient__username", flat=True))
    assert alerted == {"supervisor", "org_admin", "outsider_admin"}
    # the e-mail copies were queued on commit; the database worker sends them
    run_queued_tasks()
    assert sorted(m.to[0] for m in mailoutbox) == [
        "org_admin@example.org",
        "outsider_admin@example.org",
        "supervisor@example.org",
    ]
    assert all("missing" not in m.body for m in mailoutbox)


def test_break_glass_needs_a_reason_and_a_role_that_works_with_victims(world: World) -> None:
    with pytest.raises(ValidationError) as raised:
        services.break_glass_open(actor=world.outsider, obj=world.ngo_a, reason="because", hours=2)
    assert "reason" in raised.value.message_dict
    with pytest.raises(PermissionDenied):
        services.break_glass_open(actor=world.analyst, obj=world.ngo_a, reason="x" * 40, hours=2)
    assert not can(world.outsider, Action.ORG_VIEW, world.ngo_a)


def test_break_glass_expires(world: World, time_machine: object) -> None:
    time_machine.move_to(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False)  # type: ignore[attr-defined]
    services.break_glass_open(actor=world.outsider, obj=world.ngo_a, reason="A person at risk needs help now", hours=1)
    assert can(world.outsider, Action.ORG_VIEW, world.ngo_a)
    time_machine.shift(3601)  # type: ignore[attr-defined]
    assert not can(world.outsider, Action.ORG_VIEW, world.ngo_a)


def test_a_reviewer_reads_the_reason_and_the_read_is_audited(world: World) -> None:
    grant = services.break_glass_open(
        actor=world.outsider, obj=world.ngo_a, reason="A person at risk needs help now", hours=1
    )
    assert services.break_glass_reason_read(actor=world.supervisor, grant=grant) == "A person at risk needs help now"
    assert AuditEvent.objects.filter(action="personal_data.read", object_id=str(grant.pk)).count() == 1
    with pytest.raises(PermissionDenied):
        services.break_glass_reason_read(actor=world.caseworker, grant=grant)


def test_an_administrator_cannot_remove_national_roles_either(world: World) -> None:
    services.membership_add(actor=None, user=world.org_admin, organisation=world.ministry, role=Role.ORG_ADMIN)
    auditor_role = world.auditor.memberships.get()
    with pytest.raises(PermissionDenied):
        services.membership_remove(actor=world.org_admin, membership=auditor_role)
    assert can(world.auditor, Action.AUDIT_VIEW)
