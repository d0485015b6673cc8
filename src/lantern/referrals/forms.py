"""The one form of the referral pages that takes typed text: declining, with a reason from the coded list."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lantern.referrals.models import DECLINE_TEXT_MAX, DeclineReason


class DeclineForm(forms.Form):
    reason_code = forms.ChoiceField(label=_("Why you decline"), choices=DeclineReason.choices)
    reason = forms.CharField(
        label=_("In your words"),
        required=False,
        max_length=DECLINE_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed for another reason. The referring caseworker reads it."),
    )
