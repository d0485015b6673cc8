"""Every write of the core: organisations, users and memberships, API tokens, break-glass access, logins.

Each function is keyword-only, runs in one transaction, validates before it touches anything and writes its audit
event in the same transaction. `actor=None` means the machine's operator at the console (`lantern ...`), which
is recorded as such.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import partial
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lantern.core import codes, listing
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
from lantern.core.permissions import Action, can, forget_roles, object_key, organisation_of, require
from lantern.core.roles import NATIONAL_ROLES, Role
from lantern.core.tasks import alert_email_send

CONSOLE = "console"
TOKEN_PREFIX = "lt_"  # noqa: S105 (a marker, not a secret)
BREAK_GLASS_MAX_HOURS = 12


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
        errors["country"] = _("Not an ISO 3166 country code: %(value)s.") % {"value": repr(country)}
    region = region.strip()
    if len(region) > 100:
        errors["region"] = _("At most 100 characters.")
    languages = [code.strip().lower() for code in languages if code.strip()]
    unknown = [code for code in languages if code not in codes.language_codes()]
    if unknown:
        errors["languages"] = _("Not ISO 639-1 language codes: %(value)s.") % {"value": listing.join(unknown)}
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
    fields = _clean_organisation_fields(name=name, type=type, country=country, region=region, languages=languages or [])
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


def organisation_update(*, actor: User | None, organisation: Organisation, **changes: Any) -> Organisation:
    _require(actor, Action.ORG_UPDATE, organisation)
    allowed = {"name", "type", "country", "region", "languages", "is_lead_agency"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({field: _("This field cannot be changed.") for field in sorted(unknown)})
    if "is_lead_agency" in changes and (actor is not None and not can(actor, Action.ORG_CREATE)):
        raise PermissionDenied("only the national coordinator or a system administrator names the lead agency")
    current = {f: getattr(organisation, f) for f in ("name", "type", "country", "region", "languages")}
    lead = changes.pop("is_lead_agency", organisation.is_lead_agency)
    fields = _clean_organisation_fields(**{**current, **changes})
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
        audit_record(
            action="organisation.update",
            actor=actor,
            actor_label=_label(actor),
            organisation_id=organisation.pk,
            object_type="core.organisation",
            object_id=organisation.pk,
            detail={"fields": changed},
        )
    return organisation


# --- Users and memberships ----------------------------------------------------------------------------------


def _clean_role(role: str) -> Role:
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role %(value)s.") % {"value": repr(role)}})
    return Role(role)


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
) -> User:
    """Create a member of staff with a first role. Without a password the account cannot log in until one is
    set (`lantern user create --password-stdin`)."""
    _require(actor, Action.MEMBER_MANAGE, organisation)
    role_value = _clean_role(role)
    if role_value in NATIONAL_ROLES and actor is not None and not _is_sysadmin(actor):
        raise PermissionDenied("only a system administrator grants national roles")
    username = username.strip()
    errors: dict[str, Any] = {}
    if not username or len(username) > 150 or not all(c.isalnum() or c in "@.+-_" for c in username):
        errors["username"] = _("Use up to 150 letters, digits and @ . + - _")
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = _("This username is taken.")
    candidate = User(username=username, email=email, first_name=first_name, last_name=last_name)
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


def membership_add(*, actor: User | None, user: User, organisation: Organisation, role: str) -> Membership:
    _require(actor, Action.MEMBER_MANAGE, organisation)
    role_value = _clean_role(role)
    if role_value in NATIONAL_ROLES and actor is not None and not _is_sysadmin(actor):
        # National roles reach every organisation: only a system administrator hands them out.
        raise PermissionDenied("only a system administrator grants national roles")
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
    return user.memberships.filter(role=Role.SYSADMIN).exists()


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


def token_create(
    *, actor: User | None, user: User, name: str = "api", expires_in_days: int | None = None
) -> tuple[ApiToken, str]:
    """Returns the stored token and the secret, which is never stored and cannot be shown again."""
    if actor is not None and actor.pk != user.pk:
        raise PermissionDenied("tokens are created for oneself, or by the operator at the console")
    name = name.strip() or "api"
    if len(name) > 100:
        raise ValidationError({"name": _("At most 100 characters.")})
    if expires_in_days is not None and not 1 <= expires_in_days <= 3650:
        raise ValidationError({"expires": _("Between 1 and 3650 days.")})
    if not user.is_active:
        raise ValidationError({"user": _("This account is disabled.")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
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
            detail={"user": user.pk, "expires": expires_at.isoformat() if expires_at else ""},
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


def login_failure_recorded(*, username: str, reason: str) -> None:
    # The username is a staff account name, never a victim's; the password is never recorded.
    audit_record(action="login.failure", actor_label=username[:150], detail={"reason": reason})


def second_factor_enrolled(*, user: User) -> None:
    audit_record(action="2fa.enrol", actor=user, object_type="core.user", object_id=user.pk)


# --- Break-glass --------------------------------------------------------------------------------------------


def break_glass_open(*, actor: User, obj: Any, reason: str, hours: int = 4) -> BreakGlassGrant:
    """Open emergency access to one object outside the actor's scope. The reason is required and kept
    (encrypted); supervisors of the object's organisation and of the actor's own organisations are alerted."""
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
    now = timezone.now()
    with transaction.atomic():
        grant = BreakGlassGrant.objects.create(
            user=actor,
            organisation_id=organisation_id,
            object_type=object_type,
            object_id=object_id,
            reason=reason,
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
        audit_record(
            action="break_glass.open",
            actor=actor,
            organisation_id=organisation_id,
            object_type=object_type,
            object_id=object_id,
            detail={"grant": grant.pk, "hours": hours},
        )
        own_orgs = list(actor.memberships.values_list("organisation_id", flat=True))
        reviewers = (
            User.objects.filter(
                is_active=True,
                memberships__role__in=[Role.SUPERVISOR, Role.ORG_ADMIN],
                memberships__organisation_id__in=[organisation_id, *own_orgs],
            )
            .exclude(pk=actor.pk)
            .distinct()
        )
        text = _("%(user)s opened break-glass access to %(object)s for %(hours)d h. Review the reason.") % {
            "user": actor.get_username(),
            "object": f"{object_type} #{object_id}",
            "hours": hours,
        }
        alerts = Alert.objects.bulk_create(
            [
                Alert(
                    recipient=reviewer,
                    kind=Alert.Kind.BREAK_GLASS,
                    text=text,
                    object_type="core.breakglassgrant",
                    object_id=str(grant.pk),
                )
                for reviewer in reviewers
            ]
        )
        for alert in alerts:
            transaction.on_commit(partial(alert_email_send.enqueue, alert.pk))
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
