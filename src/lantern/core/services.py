"""Every write of the core: organisations, users and memberships, API tokens, break-glass access, logins.

Each function is keyword-only, runs in one transaction, validates before it touches anything and writes its audit
event in the same transaction. `actor=None` means the machine's operator at the console (`lantern ...`), which
is recorded as such.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from lantern.core import codes, crypto, keyrotation
from lantern.core.audit import audit_record
from lantern.core.models import (
    Alert,
    ApiToken,
    BreakGlassGrant,
    Membership,
    Organisation,
    OrganisationType,
    User,
)
from lantern.core.permissions import (
    Action,
    break_glass_needs_approval,
    forget_roles,
    object_key,
    organisation_of,
    organisation_scope,
    require,
    role_allowed,
    roles_of,
)
from lantern.core.phones import work_phone_clean
from lantern.core.pickers import refused_codes
from lantern.core.roles import NATIONAL_ROLES, Role
from lantern.core.tasks import alert_email_send

CONSOLE = "console"
TOKEN_PREFIX = "lt_"  # noqa: S105 (a marker, not a secret)
BREAK_GLASS_MAX_HOURS = 12
BREAK_GLASS_REQUESTED = gettext_noop(
    "%(user)s asks for break-glass access to %(object)s for %(hours)s. "
    "A supervisor of its organisation approves or refuses it."
)
BREAK_GLASS_OPENED = gettext_noop("%(user)s opened break-glass access to %(object)s for %(hours)s. Review the reason.")


def _require(actor: User | None, action: Action, obj: Any = None) -> None:
    if actor is not None:
        require(actor, action, obj)


def _label(actor: User | None) -> str:
    return actor.get_username() if actor is not None else CONSOLE


# --- Organisations ------------------------------------------------------------------------------------------


def _clean_organisation_fields(
    *, name: str, type: str, country: str, region: str, languages: list[str]
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    name = " ".join(name.split())
    if not name:
        errors["name"] = _("A name is required.")
    elif len(name) > 200:
        errors["name"] = _("At most 200 characters.")
    if type not in OrganisationType.values:
        errors["type"] = _("Unknown organisation type %(value)s.") % {"value": repr(type)}
    country = country.strip().upper()
    if country not in codes.country_codes():
        errors["country"] = refused_codes("country", [country])
    region = region.strip()
    if len(region) > 100:
        errors["region"] = _("At most 100 characters.")
    languages = list(
        dict.fromkeys(codes.language_code(code) or code.strip().lower() for code in languages if code.strip())
    )
    unknown = [code for code in languages if code not in codes.language_codes()]
    if unknown:
        errors["languages"] = refused_codes("language", unknown)
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "type": type,
        "country": country,
        "region": region,
        "languages": list(dict.fromkeys(languages)),
    }


def organisation_create(
    *,
    actor: User | None,
    name: str,
    type: str,
    country: str,
    region: str = "",
    languages: list[str] | None = None,
    is_lead_agency: bool = False,
) -> Organisation:
    _require(actor, Action.ORG_CREATE)
    if type == OrganisationType.COMPETENT_AUTHORITY:
        _require(actor, Action.AUTHORITY_DESIGNATE)
    fields = _clean_organisation_fields(name=name, type=type, country=country, region=region, languages=languages or [])
    _check_one_authority(fields)
    if Organisation.objects.filter(name__iexact=fields["name"]).exists():
        raise ValidationError({"name": _("An organisation with this name already exists.")})
    if is_lead_agency and Organisation.objects.filter(country=fields["country"], is_lead_agency=True).exists():
        raise ValidationError({"is_lead_agency": _("This country already has a lead agency.")})
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(**fields, is_lead_agency=is_lead_agency)
            audit_record(
                action="organisation.create",
                actor=actor,
                actor_label=_label(actor),
                organisation_id=organisation.pk,
                object_type="core.organisation",
                object_id=organisation.pk,
                detail={"type": organisation.type, "country": organisation.country},
            )
    except IntegrityError:  # lost a race against the same name or lead agency
        raise ValidationError({"name": _("An organisation with this name already exists.")}) from None
    return organisation


def _check_one_authority(fields: dict[str, Any], exclude: int | None = None) -> None:
    if fields["type"] != OrganisationType.COMPETENT_AUTHORITY:
        return
    others = Organisation.objects.filter(country=fields["country"], type=OrganisationType.COMPETENT_AUTHORITY)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    if others.exists():
        raise ValidationError({"type": _("This country already has a competent authority.")})


def organisation_update(*, actor: User | None, organisation: Organisation, **changes: Any) -> Organisation:
    """Change an organisation. What it is (name, type, country, lead-agency flag) is decided by the national
    coordinator or a system administrator: the portal offers a hotline by its type and name, and a type decides
    the roles its members may hold. Its administrator keeps its region and languages up to date."""
    # Naming a field is enough to need the national roles, even with its current value: no partial success.
    identity = {"name", "type", "country", "is_lead_agency"} & set(changes)
    _require(actor, Action.ORG_IDENTITY if identity else Action.ORG_UPDATE, organisation)
    unknown = set(changes) - {"name", "type", "country", "region", "languages", "is_lead_agency"}
    if unknown:
        raise ValidationError({field: _("This field cannot be changed.") for field in sorted(unknown)})
    current = {f: getattr(organisation, f) for f in ("name", "type", "country", "region", "languages")}
    lead = changes.pop("is_lead_agency", organisation.is_lead_agency)
    fields = _clean_organisation_fields(**{**current, **changes})
    authority = OrganisationType.COMPETENT_AUTHORITY
    if (organisation.type == authority) != (fields["type"] == authority):
        _require(actor, Action.AUTHORITY_DESIGNATE)  # designating the authority, or taking it away
    if fields["type"] == authority:
        _check_one_authority(fields, exclude=organisation.pk)
    clash = Organisation.objects.filter(name__iexact=fields["name"]).exclude(pk=organisation.pk)
    if clash.exists():
        raise ValidationError({"name": _("An organisation with this name already exists.")})
    if lead and (
        Organisation.objects.filter(country=fields["country"], is_lead_agency=True).exclude(pk=organisation.pk).exists()
    ):
        raise ValidationError({"is_lead_agency": _("This country already has a lead agency.")})
    changed = sorted(f for f, v in {**fields, "is_lead_agency": lead}.items() if getattr(organisation, f) != v)
    if not changed:
        return organisation
    with transaction.atomic():
        for field, value in fields.items():
            setattr(organisation, field, value)
        organisation.is_lead_agency = lead
        organisation.save(update_fields=changed)
        # Memberships the new type does not allow stay on record but grant nothing from now on (the role matrix
        # in lantern.core.permissions); the count goes with the change so that the reviewer sees it.
        broken = [m.pk for m in organisation.memberships.all() if not role_allowed(m.role, organisation.type)]
        audit_record(
            action="organisation.update",
            actor=actor,
            actor_label=_label(actor),
            organisation_id=organisation.pk,
            object_type="core.organisation",
            object_id=organisation.pk,
            detail={"fields": changed, "memberships_outside_role_matrix": broken},
        )
    return organisation


# --- Users and memberships ----------------------------------------------------------------------------------


def _clean_role(role: str) -> Role:
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role %(value)s.") % {"value": repr(role)}})
    return Role(role)


def _check_role_matrix(role: Role, organisation: Organisation) -> None:
    """The roles an organisation may hold follow from its type (lantern.core.permissions.ROLE_MATRIX)."""
    if not role_allowed(role, organisation.type):
        raise ValidationError(
            {"role": _("An organisation of this type cannot hold the role %(role)s.") % {"role": role.label}}
        )


def _refuse_self_grant(actor: User | None, user: User) -> None:
    if actor is not None and actor.pk == user.pk:
        raise PermissionDenied("nobody grants a role to themselves")


def user_create(
    *,
    actor: User | None,
    username: str,
    organisation: Organisation,
    role: str,
    password: str | None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    work_phone: str = "",
) -> User:
    """Create a member of staff with a first role. Without a password the account cannot log in until one is
    set (`lantern user create --password-stdin`)."""
    _require(actor, Action.MEMBER_MANAGE, organisation)
    role_value = _clean_role(role)
    if role_value in NATIONAL_ROLES and actor is not None and not _is_sysadmin(actor):
        raise PermissionDenied("only a system administrator grants national roles")
    _check_role_matrix(role_value, organisation)
    username = username.strip()
    errors: dict[str, Any] = {}
    if not username or len(username) > 150 or not all(c.isalnum() or c in "@.+-_" for c in username):
        errors["username"] = _("Use up to 150 letters, digits and @ . + - _")
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = _("This username is taken.")
    try:
        work_phone = work_phone_clean(work_phone)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    candidate = User(username=username, email=email, first_name=first_name, last_name=last_name, work_phone=work_phone)
    if password is not None:
        try:
            validate_password(password, user=candidate)
        except ValidationError as exc:
            errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if password is None:
            candidate.set_unusable_password()
        else:
            candidate.set_password(password)
        candidate.save()
        Membership.objects.create(user=candidate, organisation=organisation, role=role_value)
        audit_record(
            action="user.create",
            actor=actor,
            actor_label=_label(actor),
            organisation_id=organisation.pk,
            object_type="core.user",
            object_id=candidate.pk,
            detail={"role": role_value.value},
        )
    return candidate


# One answer whether the username is unknown, the account inactive, or held by another organisation: an
# organisation's administrator must not learn which usernames exist elsewhere in the country.
MEMBER_NOT_ADDABLE = gettext_noop(
    "No account you may add has this username. Ask a system administrator to create it or to add it here."
)


def _refuse_foreign_account(actor: User | None, user: User) -> None:
    """An organisation's administrator adds only accounts that belong to no other organisation, or only to
    organisations she administers too. Otherwise she could give a police officer a caseworker's role in her NGO,
    without anyone of the police being asked, and so lift the approval that break-glass asks of the police. A
    system administrator (and the console) may join an account to several organisations."""
    if actor is None or _is_sysadmin(actor):
        return
    scope = organisation_scope(actor, Action.MEMBER_MANAGE)
    if not user.is_active or any(
        org_id not in scope for org_id in user.memberships.values_list("organisation_id", flat=True)
    ):
        raise ValidationError({"username": _(MEMBER_NOT_ADDABLE)})


def membership_add_by_username(*, actor: User, username: str, organisation: Organisation, role: str) -> Membership:
    """Give a role here to an existing account named by its username (the administration page and API)."""
    _require(actor, Action.MEMBER_MANAGE, organisation)
    user = User.objects.filter(username=username.strip(), is_active=True).first()
    if user is None:
        raise ValidationError({"username": _(MEMBER_NOT_ADDABLE)})
    return membership_add(actor=actor, user=user, organisation=organisation, role=role)


def membership_add(*, actor: User | None, user: User, organisation: Organisation, role: str) -> Membership:
    _require(actor, Action.MEMBER_MANAGE, organisation)
    _refuse_self_grant(actor, user)
    _refuse_foreign_account(actor, user)
    role_value = _clean_role(role)
    if role_value in NATIONAL_ROLES and actor is not None and not _is_sysadmin(actor):
        # National roles reach every organisation: only a system administrator hands them out.
        raise PermissionDenied("only a system administrator grants national roles")
    _check_role_matrix(role_value, organisation)
    if Membership.objects.filter(user=user, organisation=organisation, role=role_value).exists():
        raise ValidationError({"role": _("This person already has this role here.")})
    with transaction.atomic():
        membership = Membership.objects.create(user=user, organisation=organisation, role=role_value)
        audit_record(
            action="membership.add",
            actor=actor,
            actor_label=_label(actor),
            organisation_id=organisation.pk,
            object_type="core.user",
            object_id=user.pk,
            detail={"role": role_value.value, "membership": membership.pk},
        )
    forget_roles(user)
    return membership


def _is_sysadmin(user: User) -> bool:
    return any(role == Role.SYSADMIN for _, role in roles_of(user))


def memberships_outside_role_matrix() -> list[Membership]:
    """Memberships whose role their organisation's type does not allow (the type changed after they were
    given, or they predate the matrix). They grant nothing; an administrator removes them or the coordinator
    corrects the type."""
    rows = Membership.objects.select_related("user", "organisation").order_by("organisation__name", "user__username")
    return [m for m in rows if not role_allowed(m.role, m.organisation.type)]


def membership_remove(*, actor: User | None, membership: Membership) -> None:
    _require(actor, Action.MEMBER_MANAGE, membership)
    if membership.role in NATIONAL_ROLES and actor is not None and not _is_sysadmin(actor):
        raise PermissionDenied("only a system administrator removes national roles")
    with transaction.atomic():
        audit_record(
            action="membership.remove",
            actor=actor,
            actor_label=_label(actor),
            organisation_id=membership.organisation_id,
            object_type="core.user",
            object_id=membership.user_id,
            detail={"role": membership.role, "membership": membership.pk},
        )
        membership.delete()
    forget_roles(membership.user)


# --- API tokens ---------------------------------------------------------------------------------------------


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


TOKEN_DAYS_DEFAULT = 90  # a token nobody remembers stops working within a quarter
TOKEN_DAYS_MAX = 365


def token_create(
    *, actor: User | None, user: User, name: str = "api", expires_in_days: int | None = None
) -> tuple[ApiToken, str]:
    """Returns the stored token and the secret, which is never stored and cannot be shown again. Every token
    expires: after `expires_in_days` (at most a year), TOKEN_DAYS_DEFAULT if not said."""
    if actor is not None and actor.pk != user.pk:
        raise PermissionDenied("tokens are created for oneself, or by the operator at the console")
    name = name.strip() or "api"
    if len(name) > 100:
        raise ValidationError({"name": _("At most 100 characters.")})
    if expires_in_days is None:
        expires_in_days = TOKEN_DAYS_DEFAULT
    if not 1 <= expires_in_days <= TOKEN_DAYS_MAX:
        raise ValidationError({"expires_in_days": _("Between 1 and %(max)d days.") % {"max": TOKEN_DAYS_MAX}})
    if not user.is_active:
        raise ValidationError({"user": _("This account is disabled.")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(days=expires_in_days)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, prefix=raw[:10], digest=token_digest(raw), expires_at=expires_at
        )
        audit_record(
            action="token.create",
            actor=actor,
            actor_label=_label(actor),
            object_type="core.apitoken",
            object_id=token.pk,
            detail={"user": user.pk, "expires": expires_at.isoformat()},
        )
    return token, raw


def token_revoke(*, actor: User | None, token: ApiToken) -> None:
    if actor is not None and actor.pk != token.user_id and not _is_sysadmin(actor):
        raise PermissionDenied("not your token")
    if token.revoked_at is not None:
        return
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            action="token.revoke",
            actor=actor,
            actor_label=_label(actor),
            object_type="core.apitoken",
            object_id=token.pk,
        )


def token_authenticate(raw: str) -> User | None:
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    now = timezone.now()
    token = ApiToken.objects.select_related("user").filter(digest=token_digest(raw), revoked_at__isnull=True).first()
    if token is None or (token.expires_at is not None and token.expires_at <= now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- Logins -------------------------------------------------------------------------------------------------


def login_recorded(*, user: User, second_factor: bool) -> None:
    audit_record(
        action="login.success",
        actor=user,
        object_type="core.user",
        object_id=user.pk,
        detail={"second_factor": second_factor},
    )


def typed_username_digest(username: str) -> str:
    """A keyed hash of what someone typed in the username box. The trail keeps this, never the text: people type
    their password in the wrong box, and the trail is kept forever. Whoever holds the index key can still tell
    whether a given account name was tried, by computing the same digest; a copy of the database alone cannot."""
    message = b"login.username\x1f" + username.strip().casefold().encode("utf-8")
    return hmac.new(crypto.index_key(), message, hashlib.sha256).hexdigest()


def axes_username(request: Any, credentials: dict[str, Any] | None) -> str | None:
    """What django-axes keeps for the typed username (AXES_USERNAME_CALLABLE): the same keyed digest as the trail,
    so its tables never hold the text (a password typed in the wrong box) while lockouts still count per typed
    username and client."""
    if credentials:
        typed = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        typed = getattr(request, "data", request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    if not isinstance(typed, str):
        return None
    return typed_username_digest(typed)


def login_failure_recorded(*, username: str, reason: str, user: User | None = None) -> None:
    """A failed login. Before the password is right the typed username is only a digest; once it is (a wrong
    second factor), the account is known and named as the actor. The password is never recorded."""
    if user is not None:
        audit_record(
            action="login.failure", actor=user, object_type="core.user", object_id=user.pk, detail={"reason": reason}
        )
        return
    audit_record(action="login.failure", detail={"reason": reason, "username_digest": typed_username_digest(username)})


def second_factor_enrolled(*, user: User) -> None:
    audit_record(action="2fa.enrol", actor=user, object_type="core.user", object_id=user.pk)


# --- Break-glass --------------------------------------------------------------------------------------------


def break_glass_open(*, actor: User, obj: Any, reason: str, hours: int = 4) -> BreakGlassGrant:
    """Open emergency access to one object outside the actor's scope. The reason is required and kept
    (encrypted); supervisors of the object's organisation and of the actor's own organisations are alerted.

    Those who hold cases (and the coordinator) open it at once. For anyone else (a provider, the police, a
    prosecutor) it is a request that opens nothing until a supervisor of the object's organisation approves it
    (`break_glass_approve`). Each person may open or ask `LANTERN_BREAK_GLASS_DAILY_LIMIT` times in 24 hours."""
    require(actor, Action.BREAK_GLASS_OPEN, obj)
    reason = reason.strip()
    errors: dict[str, str] = {}
    if len(reason) < 20:
        errors["reason"] = _("Say why, in at least 20 characters: this is reviewed.")
    if not 1 <= hours <= BREAK_GLASS_MAX_HOURS:
        errors["hours"] = _("Between 1 and %(max)d hours.") % {"max": BREAK_GLASS_MAX_HOURS}
    organisation_id = organisation_of(obj)
    if organisation_id is None:
        errors["object"] = _("This record cannot be opened by break-glass.")
    if errors or organisation_id is None:
        raise ValidationError(errors)
    object_type, object_id = object_key(obj)
    object_label, object_url = _record_label(obj), _record_url(obj)
    needs_approval = break_glass_needs_approval(actor)
    with transaction.atomic():
        # The actor's row is locked so that two requests at once cannot both pass the daily limit.
        User.objects.select_for_update().filter(pk=actor.pk).first()
        now = timezone.now()
        used = BreakGlassGrant.objects.filter(user=actor, created_at__gt=now - timedelta(hours=24)).count()
        if used >= settings.LANTERN_BREAK_GLASS_DAILY_LIMIT:
            raise ValidationError(
                {
                    "limit": ngettext(
                        "You have used break-glass %(n)d time in 24 hours, the most allowed. Ask a supervisor.",
                        "You have used break-glass %(n)d times in 24 hours, the most allowed. Ask a supervisor.",
                        used,
                    )
                    % {"n": used}
                }
            )
        grant = BreakGlassGrant.objects.create(
            user=actor,
            organisation_id=organisation_id,
            object_type=object_type,
            object_id=object_id,
            object_label=object_label,
            object_url=object_url,
            reason=reason,
            created_at=now,
            hours=hours,
            approved_at=None if needs_approval else now,
            expires_at=now + timedelta(hours=hours),
        )
        audit_record(
            action="break_glass.request" if needs_approval else "break_glass.open",
            actor=actor,
            organisation_id=organisation_id,
            object_type=object_type,
            object_id=object_id,
            detail={"grant": grant.pk, "hours": hours},
        )
        own_orgs = list(actor.memberships.values_list("organisation_id", flat=True))
        reviewers = User.objects.filter(
            is_active=True,
            memberships__role__in=[Role.SUPERVISOR, Role.ORG_ADMIN],
            memberships__organisation_id__in=[organisation_id, *own_orgs],
        )
        message = BREAK_GLASS_REQUESTED if needs_approval else BREAK_GLASS_OPENED
        _alert(
            reviewers.exclude(pk=actor.pk).distinct(),
            lambda: _(message) % {"user": actor.get_username(), "object": grant.object_label, "hours": _hours(hours)},
            grant,
            url=reverse("core:break_glass_review"),
        )
    return grant


def _record_label(obj: Any) -> str:
    """What a person reads for the record: its reference (a case's LT-...), else its name."""
    return str(getattr(obj, "reference", None) or getattr(obj, "name", None) or _("a record"))[:200]


def _record_url(obj: Any) -> str:
    """The record's page. Apps name their detail page `<app>:detail` with the reference, or give the object a
    `get_absolute_url`; an organisation's page is core's own."""
    if isinstance(obj, Organisation):
        return reverse("core:organisation", kwargs={"organisation_id": obj.pk})
    if hasattr(obj, "get_absolute_url"):
        return str(obj.get_absolute_url())[:300]
    reference = getattr(obj, "reference", None)
    if reference:
        try:
            return reverse(f"{obj._meta.app_label}:detail", kwargs={"reference": reference})[:300]
        except NoReverseMatch:
            return ""
    return ""


def _hours(hours: int) -> str:
    return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}


def _alert(recipients: Any, text: Callable[[], str], grant: BreakGlassGrant, *, url: str = "") -> None:
    """One alert per recipient, its text made in her own language (`text` is called under her language)."""
    alerts = []
    for recipient in recipients:
        with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
            body = text()
        alerts.append(
            Alert(
                recipient=recipient,
                kind=Alert.Kind.BREAK_GLASS,
                text=body[:500],
                object_type="core.breakglassgrant",
                object_id=str(grant.pk),
                url=url,
            )
        )
    for alert in Alert.objects.bulk_create(alerts):
        transaction.on_commit(partial(alert_email_send.enqueue, alert.pk))


def _pending_grant(actor: User, grant: BreakGlassGrant) -> BreakGlassGrant:
    require(actor, Action.BREAK_GLASS_APPROVE, grant)
    if grant.user_id == actor.pk:
        raise PermissionDenied("nobody approves their own break-glass")
    locked = BreakGlassGrant.objects.select_for_update().get(pk=grant.pk)
    if locked.approved_at is not None or locked.ended_at is not None:
        raise ValidationError({"grant": _("This request has already been answered.")})
    return locked


def break_glass_approve(*, actor: User, grant: BreakGlassGrant) -> BreakGlassGrant:
    """A supervisor of the record's organisation lets a request open: it runs for its hours from now."""
    with transaction.atomic():
        grant = _pending_grant(actor, grant)
        now = timezone.now()
        grant.approved_at = now
        grant.approved_by = actor
        grant.expires_at = now + timedelta(hours=grant.hours)
        grant.save(update_fields=["approved_at", "approved_by", "expires_at"])
        audit_record(
            action="break_glass.approve",
            actor=actor,
            organisation_id=grant.organisation_id,
            object_type=grant.object_type,
            object_id=grant.object_id,
            detail={"grant": grant.pk, "requested_by": grant.user_id},
        )
        _alert(
            [grant.user],
            lambda: (
                _("Your break-glass request for %(object)s was approved for %(hours)s.")
                % {"object": grant.object_label, "hours": _hours(grant.hours)}
            ),
            grant,
            url=grant.object_url,
        )
    return grant


def break_glass_refuse(*, actor: User, grant: BreakGlassGrant) -> BreakGlassGrant:
    with transaction.atomic():
        grant = _pending_grant(actor, grant)
        grant.ended_at = timezone.now()
        grant.save(update_fields=["ended_at"])
        audit_record(
            action="break_glass.refuse",
            actor=actor,
            organisation_id=grant.organisation_id,
            object_type=grant.object_type,
            object_id=grant.object_id,
            detail={"grant": grant.pk, "requested_by": grant.user_id},
        )
        _alert(
            [grant.user],
            lambda: _("Your break-glass request for %(object)s was refused.") % {"object": grant.object_label},
            grant,
        )
    return grant


def break_glass_reason_read(*, actor: User, grant: BreakGlassGrant) -> str:
    """A reviewer reads the reason; the read is audited because the reason may name people."""
    require(actor, Action.BREAK_GLASS_REVIEW, grant)
    audit_record(
        action="personal_data.read",
        actor=actor,
        organisation_id=grant.organisation_id,
        object_type="core.breakglassgrant",
        object_id=grant.pk,
        detail={"fields": ["reason"]},
    )
    return grant.reason


def alert_mark_read(*, actor: User, alert: Alert) -> None:
    if alert.recipient_id != actor.pk:
        raise PermissionDenied("not your alert")
    if alert.read_at is None:
        alert.read_at = timezone.now()
        alert.save(update_fields=["read_at"])


def alerts_mark_all_read(*, actor: User) -> int:
    """Every unread alert of one's own, read now (one update, however many); returns how many."""
    return Alert.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())


def alerts_send(
    *,
    messages: list[tuple[User, str]],
    kind: str = Alert.Kind.SECURITY,
    object_type: str = "",
    object_id: str = "",
    url: str = "",
    urgent: bool = False,
) -> list[Alert]:
    """Alert members of staff (each message already in its recipient's language; never personal data of victims),
    by e-mail too once the caller's transaction commits. `url` is where the reader acts on it (never carrying
    personal data); an urgent alert is listed first while unread."""
    alerts = Alert.objects.bulk_create(
        [
            Alert(
                recipient=user,
                kind=kind,
                text=text[:500],
                object_type=object_type,
                object_id=object_id,
                url=url,
                urgent=urgent,
            )
            for user, text in messages
        ]
    )
    for alert in alerts:
        transaction.on_commit(partial(alert_email_send.enqueue, alert.pk))
    return alerts


def keys_rotate(
    *, batch_size: int = 500, progress: Callable[[str, int, int], None] | None = None
) -> keyrotation.RotationReport:
    """Re-encrypt every encrypted value under the active data key, in batches, resumably (`lantern keys rotate`);
    audited once it is done, with the key and the count (never a value)."""
    report = keyrotation.rotate_to_active_key(batch_size=batch_size, progress=progress)
    with transaction.atomic():
        audit_record(
            action="keys.rotate",
            actor_label="console",
            detail={"active_key": report.active_key, "rewritten": report.total},
        )
    return report
