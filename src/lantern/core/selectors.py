"""Every read of the core, scoped to the user who asks through lantern.core.permissions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from django.apps import apps
from django.db.models import Case, Model, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from lantern.core.accounts import may_reset
from lantern.core.models import (
    Alert,
    ApiToken,
    AuditEvent,
    BreakGlassGrant,
    Membership,
    Organisation,
    RecoveryCodeDevice,
    StaffSession,
    TotpDevice,
    User,
    WorkerHeartbeat,
)
from lantern.core.permissions import Action, Scope, can, organisation_scope
from lantern.core.sessions import key_digest


def organisations_visible_to(user: User) -> QuerySet[Organisation]:
    scope = organisation_scope(user, Action.ORG_VIEW)
    return Organisation.objects.filter(scope.q("pk")).order_by("name")


def organisation_get_for_user(user: User, organisation_id: int, action: Action = Action.ORG_VIEW) -> Organisation:
    """The organisation if the user may do `action` on it; 404 otherwise, so that ids of others do not leak."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None or not can(user, Action.ORG_VIEW, organisation) or not can(user, action, organisation):
        raise Http404("no such organisation")
    return organisation


def members_visible_to(user: User, organisation: Organisation) -> QuerySet[Membership]:
    if not can(user, Action.MEMBER_VIEW, organisation):
        return Membership.objects.none()
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user", "organisation")
        .order_by("user__username", "role")
    )


def membership_get_for_user(user: User, membership_id: int, action: Action) -> Membership:
    membership = Membership.objects.select_related("user", "organisation").filter(pk=membership_id).first()
    if membership is None or not can(user, Action.MEMBER_VIEW, membership) or not can(user, action, membership):
        raise Http404("no such membership")
    return membership


def memberships_of(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name")


def audit_events_visible_to(
    user: User, *, action: str = "", object_type: str = "", object_id: str = ""
) -> QuerySet[AuditEvent]:
    if not can(user, Action.AUDIT_VIEW):
        return AuditEvent.objects.none()
    events = AuditEvent.objects.all()
    if action:
        events = events.filter(action=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    return events.order_by("-seq")


def break_glass_grants_visible_to(user: User) -> QuerySet[BreakGlassGrant]:
    """The reviewers' list: grants and requests on records of the reviewer's organisations, and those made by
    the reviewer's own colleagues anywhere."""
    scope = organisation_scope(user, Action.BREAK_GLASS_REVIEW)
    if scope.everywhere:
        grants = BreakGlassGrant.objects.all()
    elif scope.empty:
        grants = BreakGlassGrant.objects.none()
    else:
        colleagues = Q(user__memberships__organisation_id__in=sorted(scope.organisation_ids))
        grants = BreakGlassGrant.objects.filter(scope.q() | colleagues)
    return (
        BreakGlassGrant.objects.filter(pk__in=grants.values("pk"))
        .select_related("user", "organisation", "approved_by")
        .order_by("-created_at")
    )


def break_glass_grant_get_for_user(user: User, grant_id: int) -> BreakGlassGrant:
    grant = break_glass_grants_visible_to(user).filter(pk=grant_id).first()
    if grant is None:
        raise Http404("no such break-glass grant")
    return grant


def alerts_for(user: User, *, unread_only: bool = False) -> QuerySet[Alert]:
    alerts = Alert.objects.filter(recipient=user)
    if unread_only:
        alerts = alerts.filter(read_at__isnull=True)
    # The urgent ones first while unread (a removal order is not buried under routine news), then the newest.
    first = Case(When(urgent=True, read_at__isnull=True, then=Value(1)), default=Value(0))
    return alerts.annotate(urgent_unread=first).order_by("-urgent_unread", "-created_at", "-pk")


# --- One's own account --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionRow:
    id: str  # the first characters of the stored digest: names a row, opens nothing
    login_at: datetime | None
    address: str
    agent: str
    expires_at: datetime
    current: bool


def sessions_of(user: User, *, current_session_key: str | None = None) -> list[SessionRow]:
    """The user's live sessions, newest first (a person has a handful; the list is bounded by the query)."""
    current = key_digest(current_session_key) if current_session_key else ""
    rows = StaffSession.objects.filter(user=user, expire_date__gt=timezone.now()).order_by("-expire_date")[:100]
    found = []
    for row in rows:
        data = row.get_decoded()
        found.append(
            SessionRow(
                id=row.session_key[:12],
                login_at=_when(data.get("lantern_login_at")),
                address=str(data.get("lantern_address", "")),
                agent=str(data.get("lantern_agent", "")),
                expires_at=row.expire_date,
                current=row.session_key == current,
            )
        )
    return found


def _when(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def token_get_for_user(user: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.filter(pk=token_id, user=user).first()
    if token is None:
        raise Http404("no such token")
    return token


def member_get_for_reset(user: User, organisation: Organisation, member_id: int) -> User:
    """A member of `organisation` whose account `user` may reset; 404 otherwise."""
    member = User.objects.filter(pk=member_id, memberships__organisation=organisation).distinct().first()
    if member is None or not can(user, Action.ACCOUNT_RESET, organisation) or not may_reset(user, member):
        raise Http404("no such member")
    return member


# --- Lookups by id, before the permission check ----------------------------------------------------------------
# A form or a payload names an organisation by its id; the service it is handed to asks the permission module.


def organisation_get(organisation_id: int | None, *, type: str = "") -> Organisation | None:
    """One organisation by its id (and type, when given), or None."""
    if organisation_id is None:
        return None
    organisations = Organisation.objects.filter(pk=organisation_id)
    return (organisations.filter(type=type) if type else organisations).first()


def organisations_all() -> QuerySet[Organisation]:
    return Organisation.objects.order_by("name")


def lead_agencies() -> QuerySet[Organisation]:
    return Organisation.objects.filter(is_lead_agency=True).order_by("country")


def organisations_in_scope(scope: Scope) -> QuerySet[Organisation]:
    return Organisation.objects.filter(scope.q("pk")).order_by("name")


def acting_organisation(user: User, action: Action | str) -> Organisation | None:
    """The organisation a user acts for when she registers or exports a record: the first (lowest id) of those
    where her role allows the action, or None when there is none. A national scope names no organisation."""
    scope = organisation_scope(user, action)
    return Organisation.objects.filter(pk__in=sorted(scope.organisation_ids)).order_by("pk").first()


def active_user_by_username(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def break_glass_target(label: str, field: str, object_id: str) -> Model | None:
    """The record a break-glass request names: by its key, or by its reference (upper case)."""
    model = apps.get_model(label)
    value: object = int(object_id) if field == "pk" else object_id.strip().upper()
    return cast(Model | None, model._default_manager.filter(**{field: value}).first())


def totp_device_of(user: User) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user, confirmed=True).first()


def recovery_codes_of(user: User) -> RecoveryCodeDevice | None:
    return RecoveryCodeDevice.objects.filter(user=user, confirmed=True).first()


def latest_heartbeat() -> WorkerHeartbeat | None:
    return WorkerHeartbeat.objects.order_by("-last_seen").first()
