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

from lantern.core.roles import Role


class Action(StrEnum):
    ORG_VIEW = "org.view"
    ORG_CREATE = "org.create"
    ORG_UPDATE = "org.update"
    MEMBER_VIEW = "member.view"
    MEMBER_MANAGE = "member.manage"
    AUDIT_VIEW = "audit.view"
    AUDIT_VERIFY = "audit.verify"
    BREAK_GLASS_OPEN = "break_glass.open"
    BREAK_GLASS_REVIEW = "break_glass.review"
    ACCOUNT_RESET = "account.reset"


@dataclass(frozen=True)
class Rule:
    in_own_organisation: frozenset[Role] = frozenset()
    everywhere: frozenset[Role] = frozenset()
    # Roles that may act, inside their own organisation, only on records they created themselves (a first
    # responder sees the cases she registered).
    on_own_records: frozenset[Role] = frozenset()


ALL_ROLES = frozenset(Role)

RULES: dict[str, Rule] = {
    Action.ORG_VIEW: Rule(
        in_own_organisation=ALL_ROLES,
        everywhere=frozenset({Role.NATIONAL_COORDINATOR, Role.ANALYST, Role.AUDITOR, Role.SYSADMIN}),
    ),
    Action.ORG_CREATE: Rule(everywhere=frozenset({Role.NATIONAL_COORDINATOR, Role.SYSADMIN})),
    Action.ORG_UPDATE: Rule(in_own_organisation=frozenset({Role.ORG_ADMIN}), everywhere=frozenset({Role.SYSADMIN})),
    Action.MEMBER_VIEW: Rule(
        in_own_organisation=frozenset({Role.ORG_ADMIN, Role.SUPERVISOR}),
        everywhere=frozenset({Role.SYSADMIN, Role.AUDITOR}),
    ),
    Action.MEMBER_MANAGE: Rule(in_own_organisation=frozenset({Role.ORG_ADMIN}), everywhere=frozenset({Role.SYSADMIN})),
    Action.AUDIT_VIEW: Rule(everywhere=frozenset({Role.AUDITOR})),
    Action.AUDIT_VERIFY: Rule(everywhere=frozenset({Role.AUDITOR, Role.SYSADMIN})),
    # Break-glass is for people who work with victims, to reach a record outside their normal scope.
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
    # Resetting a member's password and second factor (lantern.core.accounts.may_reset narrows it further).
    Action.ACCOUNT_RESET: Rule(in_own_organisation=frozenset({Role.ORG_ADMIN}), everywhere=frozenset({Role.SYSADMIN})),
}

# What an active break-glass grant on an object allows on that object.
BREAK_GLASS_ACTIONS: frozenset[str] = frozenset({Action.ORG_VIEW, Action.MEMBER_VIEW})


def register_rule(action: Action | str, rule: Rule, *, break_glass: bool = False) -> None:
    """Later modules add their actions here at import time (from their own permissions module)."""
    global BREAK_GLASS_ACTIONS
    RULES[action] = rule
    if break_glass:
        BREAK_GLASS_ACTIONS = BREAK_GLASS_ACTIONS | {str(action)}


def roles_of(user: Any) -> list[tuple[int, Role]]:
    """(organisation id, role) pairs of an active user, loaded once per user object."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached: list[tuple[int, Role]] | None = getattr(user, "_lantern_roles", None)
    if cached is None:
        cached = [(org_id, Role(role)) for org_id, role in user.memberships.values_list("organisation_id", "role")]
        user._lantern_roles = cached
    return cached


def forget_roles(user: Any) -> None:
    if hasattr(user, "_lantern_roles"):
        del user._lantern_roles


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

    def q(self, field: str = "organisation_id", creator_field: str = "created_by_id") -> Q:
        if self.everywhere:
            return Q()
        condition = Q(pk__in=[])
        if self.organisation_ids:
            condition |= Q(**{f"{field}__in": sorted(self.organisation_ids)})
        if self.own_record_orgs:
            condition |= Q(**{f"{field}__in": sorted(self.own_record_orgs), creator_field: self.user_id})
        return condition

    def __contains__(self, organisation_id: object) -> bool:
        return self.everywhere or organisation_id in self.organisation_ids

    def allows(self, obj: Any) -> bool:
        organisation_id = organisation_of(obj)
        if organisation_id in self:
            return True
        return organisation_id in self.own_record_orgs and getattr(obj, "created_by_id", None) == self.user_id

    @property
    def empty(self) -> bool:
        return not self.everywhere and not self.organisation_ids and not self.own_record_orgs


def organisation_scope(user: Any, action: Action | str) -> Scope:
    rule = RULES[action]
    pairs = roles_of(user)
    if any(role in rule.everywhere for _, role in pairs):
        return Scope(True, frozenset())
    full = frozenset(org for org, role in pairs if role in rule.in_own_organisation)
    own = frozenset(org for org, role in pairs if role in rule.on_own_records) - full
    return Scope(False, full, own, getattr(user, "pk", None))


def organisation_of(obj: Any) -> int | None:
    from lantern.core.models import Organisation

    if isinstance(obj, Organisation):
        return obj.pk
    return getattr(obj, "organisation_id", None)


def object_key(obj: Any) -> tuple[str, str]:
    return obj._meta.label_lower, str(obj.pk)


def _break_glass_allows(user: Any, action: Action | str, obj: Any) -> bool:
    if action not in BREAK_GLASS_ACTIONS or obj is None or not hasattr(obj, "_meta"):
        return False
    from lantern.core.models import BreakGlassGrant

    object_type, object_id = object_key(obj)
    return BreakGlassGrant.objects.filter(
        user=user,
        object_type=object_type,
        object_id=object_id,
        ended_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).exists()


def can(user: Any, action: Action | str, obj: Any = None) -> bool:
    if not roles_of(user):
        return False
    scope = organisation_scope(user, action)
    if scope.everywhere:
        return True
    if obj is None:
        rule = RULES[action]
        return not scope.empty if (rule.in_own_organisation or rule.on_own_records) else False
    if scope.allows(obj):
        return True
    return _break_glass_allows(user, action, obj)


def require(user: Any, action: Action | str, obj: Any = None) -> None:
    if not can(user, action, obj):
        raise PermissionDenied(f"not allowed: {action}")
