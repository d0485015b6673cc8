"""Staff work phones: how one is checked wherever it is typed (the account page, `lantern user create`)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WORK_PHONE_DIGITS = (6, 15)  # ITU-T E.164: at most 15 digits; fewer than 6 is no phone number anywhere
WORK_PHONE_CHARACTERS = frozenset("0123456789 +-().")
WORK_PHONE_LENGTH = 32  # the column's: 15 digits with their spaces, dashes and brackets fit well within it


def work_phone_clean(value: str) -> str:
    """A work phone as staff type it ("+30 210 555 0100", "(210) 555-0100"): digits with spaces, dashes, dots and
    brackets, a leading + at most; 6 to 15 digits. Empty is allowed (the phone is optional)."""
    phone = " ".join(value.split())
    if not phone:
        return ""
    digits = sum(c.isdigit() for c in phone)
    if (
        not set(phone) <= WORK_PHONE_CHARACTERS
        or "+" in phone[1:]
        or len(phone) > WORK_PHONE_LENGTH
        or not WORK_PHONE_DIGITS[0] <= digits <= WORK_PHONE_DIGITS[1]
    ):
        raise ValidationError(
            {"work_phone": _("Write a phone number with 6 to 15 digits, for example +30 210 555 0100.")}
        )
    return phone
