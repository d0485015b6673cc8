"""Pages of the staff UI shell: login with a second factor, home, organisations and members, audit, alerts,
break-glass. Thin: forms validate, services write, selectors read, permissions decide."""

from __future__ import annotations

import base64
import functools
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_otp import login as otp_login

from lantern.core import accounts, selectors, services
from lantern.core.audit import audit_verify
from lantern.core.forms import BreakGlassForm, LoginForm, MemberForm, OrganisationForm, SecondFactorSetupForm, TokenForm
from lantern.core.models import OrganisationType, RecoveryCodeDevice, TotpDevice, User
from lantern.core.permissions import Action, can, needs_second_factor, require


def page_user(request: HttpRequest, action: str | None = None) -> User:
    """The logged-in member of staff of a page request; with `action`, refused unless allowed."""
    user = request.user
    assert isinstance(user, User)
    if action is not None and not can(user, action):
        raise PermissionDenied
    return user


def form_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's validation errors beside the fields of the form that was typed."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def attempt(request: HttpRequest, call: Callable[[], object], done: str) -> bool:
    """Run one small action of a page (a button): say it was done, or say why it was refused. The caller then
    redirects back to the page it came from."""
    try:
        call()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    messages.success(request, done)
    return True


def page_above(path: str) -> str:
    """The nearest page above an action's address: `/cases/<ref>/consents/` -> `/cases/<ref>/`,
    `/crisis/3/measures/` -> `/crisis/`. A prefix counts when it resolves to a view that is not itself POST-only."""
    parts = [part for part in path.split("/") if part]
    while parts:
        parts.pop()
        candidate = "/" + "".join(f"{part}/" for part in parts)
        try:
            match = resolve(candidate)
        except Resolver404:
            continue
        if not getattr(match.func, "post_only", False):
            return candidate
    return "/"


def post_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For a form's action: POST does the action; a GET (a reload after a refused form re-rendered on the action's
    address, or a language switch from there) goes back to the page with 303 See Other, instead of 405."""

    @functools.wraps(view)
    def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            return view(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["POST"])
        return HttpResponseRedirect(
            request.META.get("SCRIPT_NAME", "").rstrip("/") + page_above(request.path_info), status=HTTPStatus.SEE_OTHER
        )

    inner.post_only = True  # type: ignore[attr-defined]
    return inner


CONFIRMED = "confirmed"  # the field a confirmation page sends with the action


def confirmed(request: HttpRequest) -> bool:
    """Whether an irreversible action's POST comes from its confirmation page."""
    return request.POST.get(CONFIRMED) == "yes"


def confirm_page(
    request: HttpRequest,
    *,
    title: str,
    consequence: str,
    button: str,
    keep: tuple[str, ...] = (),
    back: str = "",
) -> HttpResponse:
    """The step between a one-click button and an action that cannot be undone: the page says what will happen and
    asks once more, with a plain form (no JavaScript needed) that posts the same action again with `confirmed`
    and the fields named in `keep` as they were sent. Nothing is written before the second POST."""
    return render(
        request,
        "core/confirm.html",
        {
            "title": title,
            "consequence": consequence,
            "button": button,
            "action": request.path,
            "kept": [(name, request.POST.get(name, "")) for name in keep],
            "back": back or page_above(request.path_info),
        },
    )


def _safe_next(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return reverse("core:home")


def second_factor_due(user: User) -> bool:
    verified = getattr(user, "is_verified", lambda: False)  # set by django-otp's middleware
    return bool(settings.LANTERN_REQUIRE_2FA) and needs_second_factor(user) and not verified()


# --- Login --------------------------------------------------------------------------------------------------


@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    if isinstance(request.user, User) and not second_factor_due(request.user):
        return redirect("core:home")
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is None:
            locked = getattr(request, "axes_locked_out", False)
            services.login_failure_recorded(username=username, reason="locked_out" if locked else "password")
            if locked:
                return login_locked_out(request, None, {"username": username})
            form.add_error(None, _("Wrong username or password."))
        elif isinstance(user, User) and accounts.temporary_password_expired(user):
            services.login_failure_recorded(username=username, reason="temporary_password_expired", user=user)
            form.add_error(None, _("This temporary password has expired. Ask your administrator for a new one."))
        else:
            login(request, user)
            assert isinstance(user, User)
            accounts.session_describe(request.session, user_agent=request.headers.get("User-Agent", ""))
            if bool(settings.LANTERN_REQUIRE_2FA) and needs_second_factor(user):
                request.session["lantern_next"] = _safe_next(request)
                return redirect("core:verify" if accounts.has_second_factor(user) else "core:setup_2fa")
            services.login_recorded(user=user, second_factor=False)
            return HttpResponseRedirect(_safe_next(request))
    return render(request, "core/login.html", {"form": form, "next": request.GET.get("next", "")})


def login_locked_out(request: HttpRequest, original_response: Any, credentials: Any) -> HttpResponse:
    """The page django-axes shows while an account is locked (the attempt is audited by the login view)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "core/locked_out.html",
        {"minutes": minutes},
        status=429,
    )


@never_cache
@login_required
def verify_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if not second_factor_due(user):
        return redirect("core:home")
    device = selectors.totp_device_of(user)
    if device is None:
        return redirect("core:setup_2fa")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["token"].strip()
        used: TotpDevice | RecoveryCodeDevice | None = device
        if not code.isdigit():  # a recovery code, for someone who lost her phone
            used = selectors.recovery_codes_of(user)
        if used is not None and used.verify_token(code):
            otp_login(request, used)
            services.login_recorded(user=user, second_factor=True)
            if isinstance(used, RecoveryCodeDevice):
                messages.warning(request, _("You used a recovery code. Each code works once: make new ones soon."))
            return HttpResponseRedirect(request.session.pop("lantern_next", reverse("core:home")))
        services.login_failure_recorded(username=user.username, reason="second_factor", user=user)
        form.add_error("token", _("This code is not right, or it has expired. Try the current one."))
    return render(request, "core/verify.html", {"form": form})


@never_cache
@login_required
def setup_2fa_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if accounts.has_second_factor(user):
        return redirect("core:verify" if second_factor_due(user) else "core:home")
    device = accounts.totp_device_pending(user=user)
    form = SecondFactorSetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.second_factor_enrol(
                user=user, device=device, password=form.cleaned_data["password"], code=form.cleaned_data["token"]
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            otp_login(request, device)
            services.login_recorded(user=user, second_factor=True)
            messages.success(request, _("Two-factor authentication is on."))
            return HttpResponseRedirect(request.session.pop("lantern_next", reverse("core:home")))
    qr_svg = segno.make(device.config_url, error="m").svg_data_uri(scale=5)
    secret = base64.b32encode(device.bin_key).decode("ascii")
    return render(request, "core/setup_2fa.html", {"form": form, "qr": qr_svg, "secret": secret})


@post_only
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You are logged out."))
    return redirect("core:login")


# --- Shell pages --------------------------------------------------------------------------------------------


@login_required
def home_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    return render(
        request,
        "core/home.html",
        {
            "memberships": selectors.memberships_of(user),
            "alerts": selectors.alerts_for(user, unread_only=True)[:5],
        },
    )


@login_required
def organisations_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    may_create = can(user, Action.ORG_CREATE)
    form = OrganisationForm(request.POST or None) if may_create else None
    if form is not None and not can(user, Action.AUTHORITY_DESIGNATE):  # only the coordinator designates it
        field = form.fields["type"]
        field.choices = [c for c in field.choices if c[0] != OrganisationType.COMPETENT_AUTHORITY]  # type: ignore[attr-defined]
    if request.method == "POST":
        require(user, Action.ORG_CREATE)
        assert form is not None
        if form.is_valid():
            try:
                organisation = services.organisation_create(actor=user, **form.cleaned_data)
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("Organisation created."))
                return redirect("core:organisation", organisation_id=organisation.pk)
    page = Paginator(selectors.organisations_visible_to(user), 50).get_page(request.GET.get("page"))
    return render(request, "core/organisations.html", {"page": page, "form": form})


@login_required
def organisation_view(request: HttpRequest, organisation_id: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    organisation = selectors.organisation_get_for_user(user, organisation_id)
    may_manage = can(user, Action.MEMBER_MANAGE, organisation)
    form = MemberForm(request.POST or None, organisation_type=organisation.type) if may_manage else None
    if request.method == "POST":
        require(user, Action.MEMBER_MANAGE, organisation)
        assert form is not None
        if form.is_valid():
            if form.cleaned_data["username"].strip().casefold() == user.get_username().casefold():
                form.add_error("username", _("Nobody grants a role to themselves: ask another administrator."))
            else:
                try:
                    services.membership_add_by_username(
                        actor=user,
                        username=form.cleaned_data["username"],
                        organisation=organisation,
                        role=form.cleaned_data["role"],
                    )
                except ValidationError as exc:
                    form_errors(form, exc)
                except PermissionDenied:
                    form.add_error("role", _("Only a system administrator grants national roles."))
                else:
                    messages.success(request, _("Role added."))
                    return redirect("core:organisation", organisation_id=organisation.pk)
    return render(
        request,
        "core/organisation.html",
        {
            "organisation": organisation,
            "members": selectors.members_visible_to(user, organisation),
            "may_view_members": can(user, Action.MEMBER_VIEW, organisation),
            **_resettable(user, organisation),
            "form": form,
        },
    )


def _resettable(user: User, organisation: Any) -> dict[str, Any]:
    """Whom the organisation page offers to reset (lantern.core.accounts.may_reset decides for each member)."""
    if not can(user, Action.ACCOUNT_RESET, organisation):
        return {"may_reset": False, "resettable": set()}
    members = [m.user for m in selectors.members_visible_to(user, organisation)]
    return {"may_reset": True, "resettable": accounts.resettable_among(user, members)}


@login_required
def audit_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if not (can(user, Action.AUDIT_VIEW) or can(user, Action.AUDIT_VERIFY)):
        raise PermissionDenied
    result = None
    if request.method == "POST":
        require(user, Action.AUDIT_VERIFY)
        result = audit_verify()
    events = selectors.audit_events_visible_to(user, action=request.GET.get("action", ""))
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/audit.html",
        {"page": page, "result": result, "may_verify": can(user, Action.AUDIT_VERIFY)},
    )


@login_required
def alerts_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if request.method == "POST":
        if request.POST.get("all"):
            count = services.alerts_mark_all_read(actor=user)
            messages.success(
                request, ngettext("%(n)d alert marked as read.", "%(n)d alerts marked as read.", count) % {"n": count}
            )
            return redirect("core:alerts")
        raw = request.POST.get("alert", "")
        alert = selectors.alerts_for(user).filter(pk=int(raw)).first() if raw.isdigit() else None
        if alert is not None:
            services.alert_mark_read(actor=user, alert=alert)
        return redirect("core:alerts")
    page = Paginator(selectors.alerts_for(user), 50).get_page(request.GET.get("page"))
    return render(request, "core/alerts.html", {"page": page})


BREAK_GLASS_ASKED = gettext_lazy(
    "Your request is sent: a supervisor of the record's organisation approves it before it opens anything."
)


@login_required
def break_glass_organisation_view(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """Break-glass onto an organisation's member list (the cases module opens cases the same way)."""
    user = request.user
    assert isinstance(user, User)
    organisation = selectors.organisation_get(organisation_id)
    if organisation is None or not can(user, Action.BREAK_GLASS_OPEN, organisation):
        raise PermissionDenied
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = services.break_glass_open(actor=user, obj=organisation, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            if grant.approved_at is None:
                messages.warning(request, BREAK_GLASS_ASKED)
                return redirect("core:home")
            messages.warning(request, _("Break-glass access is open. Your supervisors have been told."))
            return redirect("core:organisation", organisation_id=organisation.pk)
    return render(request, "core/break_glass.html", {"form": form, "target": organisation.name})


# --- Health -------------------------------------------------------------------------------------------------


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database reachable, and a worker seen recently. 200 when both hold, 503 otherwise."""
    database_ok = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        database_ok = False
    worker: dict[str, Any] = {"ok": False, "last_seen": None}
    if database_ok:
        beat = selectors.latest_heartbeat()
        if beat is not None:
            age = (timezone.now() - beat.last_seen).total_seconds()
            worker = {
                "ok": age <= settings.LANTERN_WORKER_STALE_SECONDS,
                "last_seen": beat.last_seen.isoformat(),
                "age_seconds": round(age, 1),
            }
    healthy = database_ok and worker["ok"]
    return JsonResponse(
        {"status": "ok" if healthy else "degraded", "database": {"ok": database_ok}, "worker": worker},
        status=200 if healthy else 503,
    )


def unread_alert_count(user: User) -> int:
    return selectors.alerts_for(user, unread_only=True).count()


@login_required
def break_glass_review_view(request: HttpRequest) -> HttpResponse:
    """Supervisors, administrators and auditors review emergency access: who opened what, when, until when; the
    reason is shown on request, and that reading is itself audited."""
    user = request.user
    assert isinstance(user, User)
    if not can(user, Action.BREAK_GLASS_REVIEW):
        raise PermissionDenied
    grants = selectors.break_glass_grants_visible_to(user)
    revealed: dict[int, str] = {}
    if request.method == "POST":
        raw = request.POST.get("grant", "")
        grant = grants.filter(pk=int(raw)).first() if raw.isdigit() else None
        if grant is None:
            raise PermissionDenied
        decision = request.POST.get("decision", "")
        if decision in ("approve", "refuse"):
            try:
                if decision == "approve":
                    services.break_glass_approve(actor=user, grant=grant)
                    messages.success(request, _("Break-glass request approved."))
                else:
                    services.break_glass_refuse(actor=user, grant=grant)
                    messages.success(request, _("Break-glass request refused."))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            return redirect("core:break_glass_review")
        revealed[grant.pk] = services.break_glass_reason_read(actor=user, grant=grant)
    page = Paginator(grants, 50).get_page(request.GET.get("page"))
    for grant in page:
        grant.may_decide = (  # type: ignore[attr-defined]
            grant.approved_at is None
            and grant.ended_at is None
            and grant.user_id != user.pk
            and can(user, Action.BREAK_GLASS_APPROVE, grant)
        )
    return render(request, "core/break_glass_review.html", {"page": page, "revealed": revealed})
