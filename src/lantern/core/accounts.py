"""Every write of the account lifecycle: the second factor and its recovery codes, changing one's password, an
administrator's reset, ending one's sessions. Each is keyword-only, runs in one transaction and writes its audit
event in it (as lantern.core.services does for the rest of the core).

An administrator's reset gives a temporary password, shown to her once, rather than mailing a reset link: the
embedded set-up and many crisis deployments have no trusted mail server, staff mailboxes are often shared, and a
temporary password handed over by phone or in person works everywhere. It is good for TEMPORARY_PASSWORD_HOURS
and only to choose a new password; the second factor is enrolled again; the member is alerted.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lantern.core import crypto
from lantern.core.audit import audit_record
from lantern.core.context import client_ip
from lantern.core.models import (
    Alert,
    ApiToken,
    Membership,
    RecoveryCode,
    RecoveryCodeDevice,
    StaffSession,
    TotpDevice,
    User,
)
from lantern.core.permissions import Action, forget_roles, organisation_scope
from lantern.core.phones import work_phone_clean
from lantern.core.roles import NATIONAL_ROLES
from lantern.core.sessions import key_digest
from lantern.core.tasks import alert_email_send

TEMPORARY_PASSWORD_HOURS = 72
RECOVERY_CODES = 10
# 12 characters of a 32-letter alphabet without look-alikes: 60 bits each, typed in three groups of four.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


# --- Second factor ------------------------------------------------------------------------------------------


def has_second_factor(user: User) -> bool:
    return TotpDevice.objects.filter(user=user, confirmed=True).exists()


def totp_device_pending(*, user: User) -> TotpDevice:
    """The authenticator being set up (not confirmed yet), created once so that a reload shows the same QR."""
    device = TotpDevice.objects.filter(user=user, confirmed=False).first()
    return device or TotpDevice.objects.create(user=user, name="authenticator", confirmed=False)


def second_factor_enrol(*, user: User, device: TotpDevice, password: str, code: str) -> None:
    """Confirm a new authenticator. The password is asked again: a session left open (or taken) before the
    second factor existed cannot bind someone else's phone to the account."""
    if device.user_id != user.pk or device.confirmed:
        raise PermissionDenied("not a pending device of this user")
    errors: dict[str, str] = {}
    if not user.check_password(password):
        errors["password"] = _("This is not your password.")
    elif not device.verify_token(code.strip()):
        errors["token"] = _("This code is not right. Check the time on your phone and try again.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(action="2fa.enrol", actor=user, object_type="core.user", object_id=user.pk)


def _recovery_digest(code: str) -> str:
    """Keyed: 60 random bits are too few to survive an offline search of a plain hash from a database copy."""
    normalised = "".join(ch for ch in code.lower() if ch in _RECOVERY_ALPHABET)
    return hmac.new(crypto.index_key(), b"recovery\x1f" + normalised.encode("ascii"), hashlib.sha256).hexdigest()


def recovery_codes_create(*, user: User) -> list[str]:
    """A new set of recovery codes (the old set stops working). Shown once; only their digests are kept."""
    if not has_second_factor(user):
        raise ValidationError(_("Set up your authenticator app first."))
    codes = []
    for _i in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _j in range(12))
        codes.append(f"{raw[:4]}-{raw[4:8]}-{raw[8:]}")
    with transaction.atomic():
        RecoveryCodeDevice.objects.filter(user=user).delete()
        device = RecoveryCodeDevice.objects.create(user=user, name="recovery codes", confirmed=True)
        RecoveryCode.objects.bulk_create([RecoveryCode(device=device, digest=_recovery_digest(c)) for c in codes])
        audit_record(
            action="2fa.recovery_codes", actor=user, object_type="core.user", object_id=user.pk,
            detail={"count": len(codes)},
        )  # fmt: skip
    return codes


def recovery_code_use(*, device: RecoveryCodeDevice, code: str) -> bool:
    """Spend one recovery code: it works once, even with two requests racing each other."""
    with transaction.atomic():
        spent = RecoveryCode.objects.filter(device=device, digest=_recovery_digest(code), used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if not spent:
            return False
        left = RecoveryCode.objects.filter(device=device, used_at__isnull=True).count()
        audit_record(
            action="2fa.recovery_code_used", actor=device.user, object_type="core.user", object_id=device.user_id,
            detail={"left": left},
        )  # fmt: skip
    return True


def recovery_codes_left(user: User) -> int | None:
    """How many unused recovery codes the user has, or None if she never created any."""
    device = RecoveryCodeDevice.objects.filter(user=user).first()
    return None if device is None else device.codes.filter(used_at__isnull=True).count()


# --- Passwords ----------------------------------------------------------------------------------------------


def password_change(*, user: User, old_password: str, new_password: str, current_session_key: str | None) -> int:
    """Change one's own password (the old one is required) and end every other session of the account, which
    the old password may have opened. Returns how many sessions were ended."""
    errors: dict[str, list[str] | str] = {}
    if not user.check_password(old_password):
        errors["old_password"] = _("This is not your current password.")
    elif new_password == old_password:
        errors["new_password"] = _("Choose a password different from the current one.")
    else:
        try:
            validate_password(new_password, user=user)
        except ValidationError as exc:
            errors["new_password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        was_temporary = user.temporary_password_until is not None
        user.set_password(new_password)
        user.temporary_password_until = None
        user.save(update_fields=["password", "temporary_password_until"])
        ended = _end_sessions(user=user, keep=current_session_key)
        audit_record(
            action="password.change", actor=user, object_type="core.user", object_id=user.pk,
            detail={"after_reset": was_temporary, "sessions_ended": ended},
        )  # fmt: skip
    return ended


def temporary_password_expired(user: User) -> bool:
    until = user.temporary_password_until
    return until is not None and until <= timezone.now()


def resettable_among(actor: User, members: list[User]) -> set[int]:
    """The ids of `members` whose account `actor` may reset. An organisation administrator resets members whose
    every role is in organisations she administers and who hold no national role (a reset hands her the account
    until the member logs in again); a system administrator resets anyone. Nobody resets herself: she changes
    her password instead."""
    candidates = {m.pk for m in members if m.pk != actor.pk and m.is_active}
    scope = organisation_scope(actor, Action.ACCOUNT_RESET)
    if scope.everywhere or not candidates:
        return candidates
    refused: set[int] = set()
    held: set[int] = set()
    for user_id, org, role in Membership.objects.filter(user_id__in=candidates).values_list(
        "user_id", "organisation_id", "role"
    ):
        held.add(user_id)
        if org not in scope.organisation_ids or role in NATIONAL_ROLES:
            refused.add(user_id)
    return held - refused


def may_reset(actor: User, member: User) -> bool:
    return member.pk in resettable_among(actor, [member])


def member_reset(*, actor: User | None, member: User) -> str:
    """Reset a member's password and second factor: returns a temporary password, shown once. Every session and
    API token of the member ends; she must choose a new password and enrol her authenticator again."""
    if actor is not None and not may_reset(actor, member):
        raise PermissionDenied("not allowed to reset this account")
    temporary = "-".join(secrets.token_urlsafe(6) for _i in range(3))
    now = timezone.now()
    with transaction.atomic():
        member.set_password(temporary)
        member.temporary_password_until = now + timedelta(hours=TEMPORARY_PASSWORD_HOURS)
        member.save(update_fields=["password", "temporary_password_until"])
        devices = TotpDevice.objects.filter(user=member).delete()[0]
        RecoveryCodeDevice.objects.filter(user=member).delete()
        tokens = ApiToken.objects.filter(user=member, revoked_at__isnull=True).update(revoked_at=now)
        sessions = _end_sessions(user=member, keep=None)
        organisation_id = member.memberships.values_list("organisation_id", flat=True).first()
        audit_record(
            action="account.reset", actor=actor, actor_label="" if actor else "console",
            organisation_id=organisation_id, object_type="core.user", object_id=member.pk,
            detail={"second_factors_removed": devices, "tokens_revoked": tokens, "sessions_ended": sessions},
        )  # fmt: skip
        alert = Alert.objects.create(
            recipient=member,
            kind=Alert.Kind.SECURITY,
            text=_("Your password and second factor were reset by %(admin)s.")
            % {"admin": actor.get_username() if actor else "console"},
            object_type="core.user",
            object_id=str(member.pk),
        )
        transaction.on_commit(partial(alert_email_send.enqueue, alert.pk))
    forget_roles(member)
    return temporary


# --- Sessions and tokens ------------------------------------------------------------------------------------


def session_describe(session: Any, *, user_agent: str) -> None:
    """What the sessions page shows of a session, kept in the session itself at login: when, from which
    address (the one the audit trail records) and which browser."""
    session["lantern_login_at"] = timezone.now().isoformat()
    session["lantern_address"] = client_ip.get()
    session["lantern_agent"] = user_agent[:120]


def _end_sessions(*, user: User, keep: str | None) -> int:
    sessions = StaffSession.objects.filter(user=user)
    if keep:
        sessions = sessions.exclude(session_key=key_digest(keep))
    return int(sessions.delete()[0])


def sign_out_everywhere(*, user: User, current_session_key: str | None, revoke_tokens: bool) -> tuple[int, int]:
    """End every other session of the user and, if asked, revoke her API tokens. Returns (sessions, tokens)."""
    with transaction.atomic():
        ended = _end_sessions(user=user, keep=current_session_key)
        revoked = 0
        if revoke_tokens:
            revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit_record(
            action="sessions.end_all", actor=user, object_type="core.user", object_id=user.pk,
            detail={"sessions_ended": ended, "tokens_revoked": revoked},
        )  # fmt: skip
    return ended, revoked


def work_phone_set(*, user: User, work_phone: str) -> User:
    """A member of staff sets her own work phone (shown to the providers she refers to, with her work e-mail)."""
    phone = work_phone_clean(work_phone)
    with transaction.atomic():
        user.work_phone = phone
        user.save(update_fields=["work_phone"])
        audit_record(action="account.work_phone", actor=user, object_type="core.user", object_id=user.pk)
    return user


def preferred_language_set(*, user: User, language: str) -> User:
    """A member of staff picks the language of the staff UI (the picker at the top of every page): it becomes her
    preferred language, the one her later alerts and their e-mails are written in."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Unknown value %(value)s.") % {"value": repr(language)}})
    if user.preferred_language != language:
        with transaction.atomic():
            user.preferred_language = language
            user.save(update_fields=["preferred_language"])
            audit_record(
                action="account.language", actor=user, object_type="core.user", object_id=user.pk,
                detail={"language": language},
            )  # fmt: skip
    return user
