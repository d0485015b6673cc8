"""The core API: who am I, organisations and their members, the audit trail, break-glass, alerts."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from lantern.core import accounts, selectors, services
from lantern.core.audit import audit_verify
from lantern.core.models import User
from lantern.core.pagination import Pagination
from lantern.core.permissions import Action, can, require
from lantern.core.schemas import (
    AlertOut,
    ApiTokenCreatedOut,
    ApiTokenIn,
    ApiTokenOut,
    AuditEventOut,
    AuditVerifyOut,
    BreakGlassIn,
    BreakGlassOut,
    MemberIn,
    MemberOut,
    MemberResetOut,
    MeOut,
    OrganisationIn,
    OrganisationOut,
    OrganisationPatch,
    Problem,
    SessionOut,
    SignOutIn,
    SignOutOut,
)

router = Router(tags=["core"])

ERRORS: dict[int, type[Problem]] = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}

# Records that break-glass can open, by their object type: (model, the field the object id names). Later modules
# add theirs when they load (cases: a case by its reference).
BREAK_GLASS_TARGETS: dict[str, tuple[str, str]] = {"core.organisation": ("core.Organisation", "pk")}


def api_user(request: HttpRequest, action: str | None = None) -> User:
    """The authenticated user of an API request (token or session); with `action`, refused unless allowed."""
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    if action is not None and not can(user, action):
        raise PermissionDenied("not allowed")
    return user


@router.get("/me", response={200: MeOut, **ERRORS}, operation_id="me_get")
def me_get(request: HttpRequest) -> dict:
    user = api_user(request)
    verified = getattr(user, "is_verified", lambda: False)()
    return {
        "id": user.pk,
        "username": user.username,
        "second_factor_verified": bool(verified),
        "memberships": list(selectors.memberships_of(user)),
    }


@router.get("/organisations", response={200: list[OrganisationOut], **ERRORS}, operation_id="organisations_list")
@paginate(Pagination)
def organisations_list(request: HttpRequest) -> object:
    return selectors.organisations_visible_to(api_user(request))


@router.post("/organisations", response={201: OrganisationOut, **ERRORS}, operation_id="organisations_create")
def organisations_create(request: HttpRequest, payload: OrganisationIn) -> Status:
    organisation = services.organisation_create(actor=api_user(request), **payload.dict())
    return Status(201, organisation)


@router.get(
    "/organisations/{organisation_id}",
    response={200: OrganisationOut, **ERRORS},
    operation_id="organisations_get",
)
def organisations_get(request: HttpRequest, organisation_id: int) -> object:
    return selectors.organisation_get_for_user(api_user(request), organisation_id)


@router.patch(
    "/organisations/{organisation_id}",
    response={200: OrganisationOut, **ERRORS},
    operation_id="organisations_update",
)
def organisations_update(request: HttpRequest, organisation_id: int, payload: OrganisationPatch) -> object:
    user = api_user(request)
    organisation = selectors.organisation_get_for_user(user, organisation_id)
    changes = payload.dict(exclude_unset=True, exclude_none=True)
    return services.organisation_update(actor=user, organisation=organisation, **changes)


@router.get(
    "/organisations/{organisation_id}/members",
    response={200: list[MemberOut], **ERRORS},
    operation_id="members_list",
)
@paginate(Pagination)
def members_list(request: HttpRequest, organisation_id: int) -> object:
    user = api_user(request)
    organisation = selectors.organisation_get_for_user(user, organisation_id, Action.MEMBER_VIEW)
    return selectors.members_visible_to(user, organisation)


@router.post(
    "/organisations/{organisation_id}/members",
    response={201: MemberOut, **ERRORS},
    operation_id="members_add",
)
def members_add(request: HttpRequest, organisation_id: int, payload: MemberIn) -> Status:
    user = api_user(request)
    organisation = selectors.organisation_get_for_user(user, organisation_id, Action.MEMBER_MANAGE)
    membership = services.membership_add_by_username(
        actor=user, username=payload.username, organisation=organisation, role=payload.role
    )
    return Status(201, membership)


@router.delete("/memberships/{membership_id}", response={204: None, **ERRORS}, operation_id="members_remove")
def members_remove(request: HttpRequest, membership_id: int) -> Status:
    user = api_user(request)
    membership = selectors.membership_get_for_user(user, membership_id, Action.MEMBER_MANAGE)
    services.membership_remove(actor=user, membership=membership)
    return Status(204, None)


@router.get("/audit/events", response={200: list[AuditEventOut], **ERRORS}, operation_id="audit_events_list")
@paginate(Pagination)
def audit_events_list(request: HttpRequest, action: str = "", object_type: str = "", object_id: str = "") -> object:
    user = api_user(request)
    require(user, Action.AUDIT_VIEW)
    return selectors.audit_events_visible_to(user, action=action, object_type=object_type, object_id=object_id)


@router.post("/audit/verify", response={200: AuditVerifyOut, **ERRORS}, operation_id="audit_verify")
def audit_verify_run(request: HttpRequest) -> object:
    require(api_user(request), Action.AUDIT_VERIFY)
    return audit_verify()


@router.post("/break-glass", response={201: BreakGlassOut, **ERRORS}, operation_id="break_glass_open")
def break_glass_open(request: HttpRequest, payload: BreakGlassIn) -> Status:
    user = api_user(request)
    target = BREAK_GLASS_TARGETS.get(payload.object_type)
    if target is None:
        raise ValidationError({"object_type": "This kind of record cannot be opened by break-glass."})
    label, field = target
    if field == "pk" and not payload.object_id.isdigit():
        raise Http404("no such record")
    obj = selectors.break_glass_target(label, field, payload.object_id)
    if obj is None:
        raise Http404("no such record")
    grant = services.break_glass_open(actor=user, obj=obj, reason=payload.reason, hours=payload.hours)
    return Status(201, grant)


@router.post(
    "/break-glass/{grant_id}/approve", response={200: BreakGlassOut, **ERRORS}, operation_id="break_glass_approve"
)
def break_glass_approve(request: HttpRequest, grant_id: int) -> object:
    """A supervisor of the record's organisation approves a request by someone who does not hold cases."""
    user = api_user(request)
    return services.break_glass_approve(actor=user, grant=selectors.break_glass_grant_get_for_user(user, grant_id))


@router.post(
    "/break-glass/{grant_id}/refuse", response={200: BreakGlassOut, **ERRORS}, operation_id="break_glass_refuse"
)
def break_glass_refuse(request: HttpRequest, grant_id: int) -> object:
    user = api_user(request)
    return services.break_glass_refuse(actor=user, grant=selectors.break_glass_grant_get_for_user(user, grant_id))


@router.get("/alerts", response={200: list[AlertOut], **ERRORS}, operation_id="alerts_list")
@paginate(Pagination)
def alerts_list(request: HttpRequest, unread: bool = False) -> object:
    return selectors.alerts_for(api_user(request), unread_only=unread)


# --- One's own account, and an administrator's reset ---------------------------------------------------------


def _session_only(request: HttpRequest) -> None:
    """Tokens are made in a logged-in browser (password and second factor), never by another token: otherwise a
    token could renew itself for ever and its expiry would mean nothing. One's sessions (with their addresses and
    browsers) are listed and ended from the browser too: a stolen token must not show where its owner works from,
    nor sign her out."""
    if request.headers.get("Authorization", "").lower().startswith("bearer "):
        raise PermissionDenied("only from a logged-in session")


@router.get("/account/sessions", response={200: list[SessionOut], **ERRORS}, operation_id="account_sessions")
def account_sessions(request: HttpRequest) -> object:
    user = api_user(request)
    _session_only(request)
    return selectors.sessions_of(user, current_session_key=request.session.session_key)


@router.post(
    "/account/sign-out-everywhere", response={200: SignOutOut, **ERRORS}, operation_id="account_sign_out_everywhere"
)
def account_sign_out_everywhere(request: HttpRequest, payload: SignOutIn) -> dict:
    user = api_user(request)
    _session_only(request)
    ended, revoked = accounts.sign_out_everywhere(
        user=user,
        current_session_key=request.session.session_key,
        revoke_tokens=payload.revoke_tokens,
    )
    return {"sessions_ended": ended, "tokens_revoked": revoked}


@router.get("/account/tokens", response={200: list[ApiTokenOut], **ERRORS}, operation_id="account_tokens_list")
@paginate(Pagination)
def account_tokens_list(request: HttpRequest) -> object:
    return selectors.tokens_of(api_user(request))


@router.post("/account/tokens", response={201: ApiTokenCreatedOut, **ERRORS}, operation_id="account_tokens_create")
def account_tokens_create(request: HttpRequest, payload: ApiTokenIn) -> Status:
    user = api_user(request)
    _session_only(request)
    token, raw = services.token_create(
        actor=user, user=user, name=payload.name, expires_in_days=payload.expires_in_days
    )
    token.token = raw  # type: ignore[attr-defined]  # shown this once
    return Status(201, token)


@router.delete("/account/tokens/{token_id}", response={204: None, **ERRORS}, operation_id="account_tokens_revoke")
def account_tokens_revoke(request: HttpRequest, token_id: int) -> Status:
    user = api_user(request)
    services.token_revoke(actor=user, token=selectors.token_get_for_user(user, token_id))
    return Status(204, None)


@router.post(
    "/organisations/{organisation_id}/members/{user_id}/reset",
    response={200: MemberResetOut, **ERRORS},
    operation_id="members_reset",
)
def members_reset(request: HttpRequest, organisation_id: int, user_id: int) -> dict:
    user = api_user(request)
    organisation = selectors.organisation_get_for_user(user, organisation_id)
    member = selectors.member_get_for_reset(user, organisation, user_id)
    temporary = accounts.member_reset(actor=user, member=member)
    return {"user_id": member.pk, "temporary_password": temporary, "valid_until": member.temporary_password_until}
