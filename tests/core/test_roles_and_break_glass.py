"""Who may be what, and who may break the glass.

The roles an organisation may hold follow from its type (the role matrix in lantern.core.permissions); what an
organisation is, only the national roles change; nobody grants a role to themselves. Break-glass opens at once
only for those who hold cases and the coordinator; for anyone else it is a request that a supervisor of the
record's organisation approves; every use alerts that supervisor, shows in the reviewers' list, and one person
has a daily limit."""

from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from lantern.cases.models import Case
from lantern.cases.permissions import CaseAction
from lantern.cases.services import case_register
from lantern.cases.validation import PersonData
from lantern.core import selectors, services
from lantern.core.models import Alert, AuditEvent, BreakGlassGrant, Membership, OrganisationType
from lantern.core.permissions import ROLE_MATRIX, Action, can, role_allowed, roles_of
from lantern.core.roles import Role
from tests.conftest import World

REASON = "The survivor called from a new number and is in danger"

# The matrix, written out once more by hand: a change to it must be a change to this table too.
NATIONAL = {"Ministry", "CentralGovernmentOrganisation"}
HOLD_CASES = {"NGO", "Shelter", "Hotline", "HealthServiceOrganisation", "LocalGovernmentOrganisation", "LegalService"}
EXPECTED: dict[Role, set[str]] = {
    Role.ORG_ADMIN: set(OrganisationType.values),
    Role.CASEWORKER: HOLD_CASES,
    Role.SUPERVISOR: HOLD_CASES,
    Role.FIRST_RESPONDER: {
        "LawEnforcement",
        "LabourInspectorate",
        "ImmigrationService",
        "Hotline",
        "NGO",
        "HealthServiceOrganisation",
        "LocalGovernmentOrganisation",
    },
    Role.SERVICE_PROVIDER: {
        "Hotline",
        "NGO",
        "Shelter",
        "HealthServiceOrganisation",
        "LegalService",
        "LocalGovernmentOrganisation",
        "CorporateBusiness",
        "SchoolOrCollege",
    },
    Role.JUSTICE: {"Prosecution", "Court"},
    Role.NATIONAL_COORDINATOR: NATIONAL,
    Role.ANALYST: NATIONAL,
    Role.AUDITOR: NATIONAL,
    Role.SYSADMIN: NATIONAL,
    Role.AUTHORITY_MEMBER: {"CompetentAuthority"},
}


def test_the_matrix_names_every_role_and_only_real_types() -> None:
    assert set(ROLE_MATRIX) == set(Role)
    for types in ROLE_MATRIX.values():
        assert types <= set(OrganisationType.values)


@pytest.mark.parametrize("organisation_type", OrganisationType.values)
@pytest.mark.parametrize("role", Role.values)
def test_every_type_and_role(world: World, organisation_type: str, role: str) -> None:
    """Every type x role: allowed by the matrix exactly when the table says, and granting refused otherwise."""
    allowed = organisation_type in EXPECTED[Role(role)]
    assert role_allowed(role, organisation_type) is allowed
    # The world has Greece's competent authority already, and a country has one.
    country = "CY" if organisation_type == OrganisationType.COMPETENT_AUTHORITY else "GR"
    organisation = services.organisation_create(
        actor=None, name=f"Test {organisation_type}", type=organisation_type, country=country
    )
    if allowed:
        services.membership_add(actor=None, user=world.police, organisation=organisation, role=role)
        assert (organisation.pk, Role(role)) in roles_of(world.police)
    else:
        with pytest.raises(ValidationError) as refused:
            services.membership_add(actor=None, user=world.police, organisation=organisation, role=role)
        assert "role" in refused.value.message_dict
        with pytest.raises(ValidationError):
            services.user_create(
                actor=None, username=f"new-{role}", organisation=organisation, role=role, password=None
            )
        assert not Membership.objects.filter(organisation=organisation).exists()


def test_a_membership_outside_the_matrix_grants_nothing_and_is_reported(world: World) -> None:
    """The coordinator turns the NGO into a prosecution service: its caseworkers keep their rows, lose their powers,
    and `lantern user check-roles` lists them."""
    case = case_register(actor=world.caseworker, organisation=world.ngo_a, person=PersonData(first_name="Ana"))
    assert can(world.caseworker, CaseAction.VIEW, case)
    services.organisation_update(actor=world.coordinator, organisation=world.ngo_a, type=OrganisationType.PROSECUTION)
    caseworker = type(world.caseworker).objects.get(pk=world.caseworker.pk)
    assert not can(caseworker, CaseAction.VIEW, Case.objects.get(pk=case.pk))
    assert roles_of(caseworker) == []
    event = AuditEvent.objects.filter(action="organisation.update").latest("seq")
    assert len(event.detail["memberships_outside_role_matrix"]) == 2  # caseworker and supervisor; org_admin stays
    out = io.StringIO()
    call_command("user", "check-roles", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert {(r["username"], r["role"]) for r in rows} == {("caseworker", "caseworker"), ("supervisor", "supervisor")}


def test_an_organisation_administrator_cannot_make_her_ngo_the_hotline(world: World) -> None:
    for changes in ({"type": "Hotline"}, {"name": "National Trafficking Hotline (24h)"}, {"is_lead_agency": True}):
        with pytest.raises(PermissionDenied):
            services.organisation_update(actor=world.org_admin, organisation=world.ngo_a, **changes)
    services.organisation_update(actor=world.org_admin, organisation=world.ngo_a, region="Crete")  # her own affair
    world.ngo_a.refresh_from_db()
    assert (world.ngo_a.type, world.ngo_a.name, world.ngo_a.region) == ("NGO", "Safe Passage NGO", "Crete")
    services.organisation_update(actor=world.coordinator, organisation=world.ngo_a, name="Safe Passage")
    world.ngo_a.refresh_from_db()
    assert world.ngo_a.name == "Safe Passage"


def test_nobody_grants_a_role_to_themselves(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.membership_add(
            actor=world.org_admin, user=world.org_admin, organisation=world.ngo_a, role="supervisor"
        )
    with pytest.raises(PermissionDenied):
        services.membership_add(
            actor=world.sysadmin, user=world.sysadmin, organisation=world.ministry, role="national_coordinator"
        )
    assert not can(world.org_admin, Action.BREAK_GLASS_REVIEW) or world.org_admin.memberships.count() == 1
    assert world.sysadmin.memberships.count() == 1


# --- Break-glass ---------------------------------------------------------------------------------------------


@pytest.fixture
def case(world: World) -> Case:
    return case_register(actor=world.caseworker, organisation=world.ngo_a, person=PersonData(first_name="Ana"))


@pytest.mark.parametrize("persona", ["police", "provider", "prosecutor", "shelter_worker"])
def test_those_who_do_not_hold_cases_only_ask(world: World, case: Case, persona: str) -> None:
    user = world.users[persona]
    grant = services.break_glass_open(actor=user, obj=case, reason=REASON)
    assert grant.approved_at is None
    assert not can(user, CaseAction.VIEW, case)
    assert AuditEvent.objects.filter(action="break_glass.request", actor_id=user.pk).exists()
    alerted = set(Alert.objects.filter(object_id=str(grant.pk)).values_list("recipient__username", flat=True))
    assert "supervisor" in alerted  # the case's supervisor is told, and decides
    assert grant in selectors.break_glass_grants_visible_to(world.supervisor)
    # Nobody else approves: not the requester, an administrator, a supervisor elsewhere, the auditor.
    for other in (user, world.org_admin, world.outsider_admin, world.auditor, world.caseworker):
        with pytest.raises(PermissionDenied):
            services.break_glass_approve(actor=other, grant=grant)
    services.break_glass_approve(actor=world.supervisor, grant=grant)
    assert can(type(user).objects.get(pk=user.pk), CaseAction.VIEW, case)
    assert AuditEvent.objects.filter(action="break_glass.approve", actor_id=world.supervisor.pk).exists()
    assert Alert.objects.filter(recipient=user, object_id=str(grant.pk)).exists()
    with pytest.raises(ValidationError):  # answered once
        services.break_glass_refuse(actor=world.supervisor, grant=grant)


def test_a_refused_request_opens_nothing(world: World, case: Case) -> None:
    grant = services.break_glass_open(actor=world.police, obj=case, reason=REASON)
    services.break_glass_refuse(actor=world.supervisor, grant=grant)
    assert not can(world.police, CaseAction.VIEW, case)
    with pytest.raises(ValidationError):
        services.break_glass_approve(actor=world.supervisor, grant=grant)


@pytest.mark.parametrize("persona", ["outsider", "coordinator"])
def test_those_who_hold_cases_and_the_coordinator_open_at_once_and_the_supervisor_is_told(
    world: World, case: Case, persona: str
) -> None:
    user = world.users[persona]
    grant = services.break_glass_open(actor=user, obj=case, reason=REASON)
    assert grant.approved_at is not None
    assert can(user, CaseAction.VIEW, case)
    assert Alert.objects.filter(recipient=world.supervisor, object_id=str(grant.pk)).exists()
    assert grant in selectors.break_glass_grants_visible_to(world.supervisor)
    assert grant in selectors.break_glass_grants_visible_to(world.auditor)


def test_a_hotline_first_responder_holds_cases(world: World, case: Case) -> None:
    hotline = services.organisation_create(actor=None, name="Hotline", type="Hotline", country="GR")
    operator = services.user_create(
        actor=None, username="operator", organisation=hotline, role="first_responder", password=None
    )
    assert services.break_glass_open(actor=operator, obj=case, reason=REASON).approved_at is not None


@pytest.mark.parametrize("persona", ["org_admin", "analyst", "auditor", "sysadmin", "outsider_admin"])
def test_others_cannot_even_ask(world: World, case: Case, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        services.break_glass_open(actor=world.users[persona], obj=case, reason=REASON)
    assert not BreakGlassGrant.objects.exists()


def test_a_daily_limit_per_person(world: World, case: Case, settings: pytest.FixtureRequest) -> None:
    settings.LANTERN_BREAK_GLASS_DAILY_LIMIT = 2  # type: ignore[attr-defined]
    for _ in range(2):
        services.break_glass_open(actor=world.outsider, obj=case, reason=REASON)
    with pytest.raises(ValidationError) as refused:
        services.break_glass_open(actor=world.outsider, obj=case, reason=REASON)
    assert "limit" in refused.value.message_dict
    assert BreakGlassGrant.objects.filter(user=world.outsider).count() == 2
    services.break_glass_open(actor=world.caseworker, obj=world.ngo_b, reason=REASON)  # another person's own count


def test_the_console_refuses_a_role_outside_the_matrix_in_one_line(world: World) -> None:
    with pytest.raises(CommandError) as refused:
        call_command("user", "create", "--username", "nadia", "--org", "Safe Passage NGO", "--role", "justice")
    assert refused.value.returncode == 2
    assert "role" in str(refused.value)
    assert not type(world.caseworker).objects.filter(username="nadia").exists()


def test_the_members_page_refuses_a_role_outside_the_matrix_and_a_self_grant(
    world: World, staff: dict[str, Client]
) -> None:
    page = staff["org_admin"].post(f"/organisations/{world.ngo_a.pk}/", {"username": "caseworker", "role": "justice"})
    assert 'value="caseworker"' in page.content.decode()  # what was typed is kept
    assert "not one of the available choices" in page.content.decode()  # the picker offers only allowed roles
    assert 'value="justice"' not in staff["org_admin"].get(f"/organisations/{world.ngo_a.pk}/").content.decode()
    page = staff["org_admin"].post(f"/organisations/{world.ngo_a.pk}/", {"username": "org_admin", "role": "supervisor"})
    assert "Nobody grants a role to themselves" in page.content.decode()
    assert (
        not Membership.objects.filter(organisation=world.ngo_a, user__username__in=["caseworker", "org_admin"])
        .exclude(role__in=["org_admin", "caseworker"])
        .exists()
    )


def test_the_review_page_lets_the_case_supervisor_approve_a_request(
    world: World, case: Case, staff: dict[str, Client]
) -> None:
    grant = services.break_glass_open(actor=world.provider, obj=case, reason=REASON)
    page = staff["supervisor"].get("/break-glass/").content.decode()
    assert "Waiting for approval" in page
    assert REASON not in page  # the reason is shown on request only (and that read is audited)
    assert staff["org_admin"].post("/break-glass/", {"grant": grant.pk, "decision": "approve"}).status_code in (
        302,
        403,
    )
    grant.refresh_from_db()
    assert grant.approved_at is None
    assert staff["supervisor"].post("/break-glass/", {"grant": grant.pk, "decision": "approve"}).status_code == 302
    grant.refresh_from_db()
    assert grant.approved_by == world.supervisor
