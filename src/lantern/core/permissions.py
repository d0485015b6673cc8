"""The one place that decides whether a user may do an action on an object.

Every view, API handler, selector and service asks here: `can(user, action, obj)` for one object,
`require(...)` to refuse with PermissionDenied, and `organisation_scope(user, action)` for the set of
organisations whose objects a list may show. A rule names the roles that may act inside their own organisation
and the national roles that may act on every organisation. Break-glass grants add emergency access to one object
for the view actions only.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from lantern.core.models import BreakGlassGrant, Organisation
from lantern.core.roles import Role


class Action(StrEnum):
    ORG_VIEW = "org.view"
    ORG_CREATE = "org.create"
    ORG_UPDATE = "org.update"
    # What the organisation is: name, type, country, lead-agency flag. The portal trusts these (a hotline's name,
    # a prosecution service's type), so only the national roles that create organisations change them.
    ORG_IDENTITY = "org.identity"
    MEMBER_VIEW = "member.view"
    MEMBER_MANAGE = "member.manage"
    AUDIT_VIEW = "audit.view"
    AUDIT_VERIFY = "audit.verify"
    BREAK_GLASS_OPEN = "break_glass.open"
    BREAK_GLASS_REVIEW = "break_glass.review"
    BREAK_GLASS_APPROVE = "break_glass.approve"
    ACCOUNT_RESET = "account.reset"
    # Making an organisation the country's competent authority, or taking that away: the authority decides who is
    # a victim of trafficking, so only the national coordinator designates it (not an organisation's administrator,
    # not the system administrator).
    AUTHORITY_DESIGNATE = "authority.designate"


@dataclass(frozen=True)
class Rule:
    in_own_organisation: frozenset[Role] = frozenset()
    everywhere: frozenset[Role] = frozenset()
    # Roles that may act, inside their own organisation, only on records they created themselves (a first
    # responder sees the cases she registered).
    on_own_records: frozenset[Role] = frozenset()
    # Roles that may act on the records referred to their organisation (a case referred to the competent authority:
    # its members read it and decide on it). Only the case registry's selectors ask for these (`referred_field`).
    on_referred_cases: frozenset[Role] = frozenset()


ALL_ROLES = frozenset(Role)

RULES: dict[str, Rule] = {
    Action.ORG_VIEW: Rule(
        in_own_organisation=ALL_ROLES,
        everywhere=frozenset({Role.NATIONAL_COORDINATOR, Role.ANALYST, Role.AUDITOR, Role.SYSADMIN}),
    ),
    Action.ORG_CREATE: Rule(everywhere=frozenset({Role.NATIONAL_COORDINATOR, Role.SYSADMIN})),
    Action.ORG_UPDATE: Rule(in_own_organisation=frozenset({Role.ORG_ADMIN}), everywhere=frozenset({Role.SYSADMIN})),
    Action.ORG_IDENTITY: Rule(everywhere=frozenset({Role.NATIONAL_COORDINATOR, Role.SYSADMIN})),
    Action.MEMBER_VIEW: Rule(
        in_own_organisation=frozenset({Role.ORG_ADMIN, Role.SUPERVISOR}),
        everywhere=frozenset({Role.SYSADMIN, Role.AUDITOR}),
    ),
    Action.MEMBER_MANAGE: Rule(in_own_organisation=frozenset({Role.ORG_ADMIN}), everywhere=frozenset({Role.SYSADMIN})),
    Action.AUDIT_VIEW: Rule(everywhere=frozenset({Role.AUDITOR})),
    Action.AUDIT_VERIFY: Rule(everywhere=frozenset({Role.AUDITOR, Role.SYSADMIN})),
    # Break-glass is for people who work with victims, to reach a record outside their normal scope. Those who
    # hold cases open it at once; the others only ask, and a supervisor of the record's organisation approves
    # (`break_glass_needs_approval`).
    Action.BREAK_GLASS_OPEN: Rule(
        everywhere=frozenset(
            {
                Role.CASEWORKER,
                Role.SUPERVISOR,
                Role.FIRST_RESPONDER,
                Role.SERVICE_PROVIDER,
                Role.JUSTICE,
                Role.NATIONAL_COORDINATOR,
            }
        )
    ),
    Action.BREAK_GLASS_REVIEW: Rule(
        in_own_organisation=frozenset({Role.SUPERVISOR, Role.ORG_ADMIN}), everywhere=frozenset({Role.AUDITOR})
    ),
    Action.BREAK_GLASS_APPROVE: Rule(in_own_organisation=frozenset({Role.SUPERVISOR})),
    # Resetting a member's password and second factor (lantern.core.accounts.may_reset narrows it further).
    Action.ACCOUNT_RESET: Rule(in_own_organisation=frozenset({Role.ORG_ADMIN}), everywhere=frozenset({Role.SYSADMIN})),
    Action.AUTHORITY_DESIGNATE: Rule(everywhere=frozenset({Role.NATIONAL_COORDINATOR})),
}

# Roles that hold cases: they may open break-glass without anyone's approval (and the coordinator, who answers
# for the national response). A first responder of a hotline holds the call-backs it turns into cases.
BREAK_GLASS_WITHOUT_APPROVAL: frozenset[Role] = frozenset({Role.CASEWORKER, Role.SUPERVISOR, Role.NATIONAL_COORDINATOR})
HOTLINE_TYPE = "Hotline"

# --- Which roles an organisation may hold, by its type ----------------------------------------------------------
# A role is a promise about the work someone does; the organisation's type says what work it does. A prosecutor's
# role in an NGO, or a national role in a hotline, would hand one organisation's staff powers meant for another
# kind of body. Types are the values of `lantern.core.models.OrganisationType` (strings here so that this module
# loads before the models); tests/core/test_permissions.py checks every type x role.
_NATIONAL_BODIES = frozenset({"Ministry", "CentralGovernmentOrganisation"})
_HOLD_CASES = frozenset(
    {"NGO", "Shelter", "Hotline", "HealthServiceOrganisation", "LocalGovernmentOrganisation", "LegalService"}
)
_IDENTIFY = frozenset(
    {
        "LawEnforcement",
        "LabourInspectorate",
        "ImmigrationService",
        "Hotline",
        "NGO",
        "HealthServiceOrganisation",
        "LocalGovernmentOrganisation",
    }
)
_PROVIDE = frozenset(
    {
        "Hotline",  # remote counselling and psychosocial support
        "NGO",
        "Shelter",
        "HealthServiceOrganisation",
        "LegalService",
        "LocalGovernmentOrganisation",
        "CorporateBusiness",
        "SchoolOrCollege",
    }
)
ORGANISATION_TYPES: frozenset[str] = frozenset(
    _NATIONAL_BODIES | _HOLD_CASES | _IDENTIFY | _PROVIDE | {"Court", "Prosecution", "CompetentAuthority"}
)
ROLE_MATRIX: dict[Role, frozenset[str]] = {
    Role.ORG_ADMIN: ORGANISATION_TYPES,
    Role.CASEWORKER: _HOLD_CASES,
    Role.SUPERVISOR: _HOLD_CASES,
    Role.FIRST_RESPONDER: _IDENTIFY,
    Role.SERVICE_PROVIDER: _PROVIDE,
    Role.JUSTICE: frozenset({"Prosecution", "Court"}),
    Role.NATIONAL_COORDINATOR: _NATIONAL_BODIES,
    Role.ANALYST: _NATIONAL_BODIES,
    Role.AUDITOR: _NATIONAL_BODIES,
    Role.SYSADMIN: _NATIONAL_BODIES,
    Role.AUTHORITY_MEMBER: frozenset({"CompetentAuthority"}),
}


def role_allowed(role: Role | str, organisation_type: str) -> bool:
    """Whether an organisation of this type may hold this role (the role matrix above)."""
    return organisation_type in ROLE_MATRIX.get(Role(role), frozenset())


# What an active break-glass grant on an object allows on that object.
BREAK_GLASS_ACTIONS: frozenset[str] = frozenset({Action.ORG_VIEW, Action.MEMBER_VIEW})


def register_rule(action: Action | str, rule: Rule, *, break_glass: bool = False) -> None:
    """Later modules add their actions here at import time (from their own permissions module)."""
    global BREAK_GLASS_ACTIONS
    RULES[action] = rule
    if break_glass:
        BREAK_GLASS_ACTIONS = BREAK_GLASS_ACTIONS | {str(action)}


def _memberships(user: Any) -> list[tuple[int, Role, str]]:
    """(organisation id, role, organisation type) of an active user's memberships that the role matrix allows,
    loaded once per user object. A membership that breaks the matrix (its organisation's type changed since, or
    it predates the matrix) grants nothing; `lantern user check-roles` lists them."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached: list[tuple[int, Role, str]] | None = getattr(user, "_lantern_memberships", None)
    if cached is None:
        rows = user.memberships.values_list("organisation_id", "role", "organisation__type")
        cached = [(org_id, Role(role), kind) for org_id, role, kind in rows if role_allowed(role, kind)]
        user._lantern_memberships = cached
    return cached


def roles_of(user: Any) -> list[tuple[int, Role]]:
    """(organisation id, role) pairs of an active user, loaded once per user object."""
    return [(org_id, role) for org_id, role, _ in _memberships(user)]


def forget_roles(user: Any) -> None:
    if hasattr(user, "_lantern_memberships"):
        del user._lantern_memberships


def break_glass_needs_approval(user: Any) -> bool:
    """Whether this user's break-glass is only a request that a supervisor of the record's organisation must
    approve before it opens anything: everyone but those who hold cases and the coordinator.

    The waiver must come from the organisation the person works for, not from a role another organisation gave
    her: it holds only when, in every organisation where the account holds a role, it holds a role that waives.
    A police officer made a caseworker of some NGO still asks, because the police did not give her that role."""
    waiving: dict[int, bool] = {}
    for org_id, role, kind in _memberships(user):
        waives = role in BREAK_GLASS_WITHOUT_APPROVAL or (role == Role.FIRST_RESPONDER and kind == HOTLINE_TYPE)
        waiving[org_id] = waiving.get(org_id, False) or waives
    return not waiving or not all(waiving.values())


def has_role(user: Any, *roles: Role) -> bool:
    return any(role in roles for _, role in roles_of(user))


def needs_second_factor(user: Any) -> bool:
    """Everyone with a role logs in with a second factor: the roles that see personal data, and the analysts
    (record-level downloads) and auditors (the trail says who worked on which case) as well."""
    return bool(roles_of(user))


@dataclass(frozen=True)
class Scope:
    """What a user may act on: everything, or the objects of these organisations, plus (in `own_record_orgs`) the
    objects of these organisations that the user created."""

    everywhere: bool
    organisation_ids: frozenset[int]
    own_record_orgs: frozenset[int] = frozenset()
    user_id: int | None = None
    # Organisations whose members may act on the records referred to them (`Rule.on_referred_cases`).
    referred_orgs: frozenset[int] = frozenset()

    def q(self, field: str = "organisation_id", creator_field: str = "created_by_id", referred_field: str = "") -> Q:
        """The records in scope. `referred_field` names the column of the organisation a record is referred to;
        only a caller that gives it (the case registry) lets the referred records in."""
        if self.everywhere:
            return Q()
        condition = Q(pk__in=[])
        if self.organisation_ids:
            condition |= Q(**{f"{field}__in": sorted(self.organisation_ids)})
        if self.own_record_orgs:
            condition |= Q(**{f"{field}__in": sorted(self.own_record_orgs), creator_field: self.user_id})
        if self.referred_orgs and referred_field:
            condition |= Q(**{f"{referred_field}__in": sorted(self.referred_orgs)})
        return condition

    def __contains__(self, organisation_id: object) -> bool:
        return self.everywhere or organisation_id in self.organisation_ids

    def allows(self, obj: Any) -> bool:
        organisation_id = organisation_of(obj)
        if organisation_id in self:
            return True
        if self.referred_orgs and getattr(obj, "referred_to_id", None) in self.referred_orgs:
            return True
        return organisation_id in self.own_record_orgs and getattr(obj, "created_by_id", None) == self.user_id

    @property
    def empty(self) -> bool:
        return not self.everywhere and not self.organisation_ids and not self.own_record_orgs and not self.referred_orgs


def organisation_scope(user: Any, action: Action | str) -> Scope:
    rule = RULES[action]
    pairs = roles_of(user)
    if any(role in rule.everywhere for _, role in pairs):
        return Scope(True, frozenset())
    full = frozenset(org for org, role in pairs if role in rule.in_own_organisation)
    own = frozenset(org for org, role in pairs if role in rule.on_own_records) - full
    referred = frozenset(org for org, role in pairs if role in rule.on_referred_cases)
    return Scope(False, full, own, getattr(user, "pk", None), referred)


def organisation_of(obj: Any) -> int | None:
    if isinstance(obj, Organisation):
        return obj.pk
    return getattr(obj, "organisation_id", None)


def object_key(obj: Any) -> tuple[str, str]:
    return obj._meta.label_lower, str(obj.pk)


def _break_glass_allows(user: Any, action: Action | str, obj: Any) -> bool:
    if action not in BREAK_GLASS_ACTIONS or obj is None or not hasattr(obj, "_meta"):
        return False
    object_type, object_id = object_key(obj)
    return BreakGlassGrant.objects.filter(
        user=user,
        object_type=object_type,
        object_id=object_id,
        approved_at__isnull=False,
        ended_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).exists()


def break_glass_object_ids(user: Any, action: Action | str, model: Any) -> list[str]:
    """The ids of the objects of `model` that an active break-glass grant lets this user `action` on (what `can`
    allows one object at a time, for a list)."""
    if action not in BREAK_GLASS_ACTIONS or not getattr(user, "pk", None):
        return []
    return list(
        BreakGlassGrant.objects.filter(
            user=user,
            object_type=model._meta.label_lower,
            approved_at__isnull=False,
            ended_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).values_list("object_id", flat=True)
    )


def can(user: Any, action: Action | str, obj: Any = None) -> bool:
    if not roles_of(user):
        return False
    scope = organisation_scope(user, action)
    if scope.everywhere:
        return True
    if obj is None:
        rule = RULES[action]
        return not scope.empty if (rule.in_own_organisation or rule.on_own_records or rule.on_referred_cases) else False
    if scope.allows(obj):
        return True
    return _break_glass_allows(user, action, obj)


def require(user: Any, action: Action | str, obj: Any = None) -> None:
    if not can(user, action, obj):
        raise PermissionDenied(f"not allowed: {action}")
