"""Forms of the staff UI. Django forms keep what was typed when a field is wrong."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lantern.core.models import OrganisationType
from lantern.core.permissions import role_allowed
from lantern.core.pickers import SEVERAL, CodePickerField, RegionInput
from lantern.core.roles import Role

ISO_DATE = "%Y-%m-%d"
ISO_DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class IsoDateInput(forms.DateInput):
    """`<input type="date">`: a browser reads its value only as ISO 8601 (2026-12-06) and shows nothing for the
    French, Russian or Ukrainian "06.12.2026". The value is ISO in every language; dates shown as text follow the
    reader's language elsewhere. Something typed by hand in the language's format is shown again in ISO."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=ISO_DATE)

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, str) and value:
            try:
                value = forms.DateField().to_python(value)
            except ValidationError:
                return value  # shown as typed, beside its error
        return super().format_value(value)


class IsoDateTimeInput(forms.DateTimeInput):
    """`<input type="datetime-local">`, its value ISO 8601 without seconds in every language."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=ISO_DATETIME_LOCAL)

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, str) and value:
            try:
                value = forms.DateTimeField().to_python(value)
            except ValidationError:
                return value
        return super().format_value(value)


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        help_text=_("Lost your phone? Type one of your recovery codes instead."),
        min_length=6,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


class SecondFactorSetupForm(forms.Form):
    password = forms.CharField(
        label=_("Your password, once more"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    token = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    type = forms.ChoiceField(label=_("Type"), choices=OrganisationType.choices)
    country = CodePickerField(kind="country", label=_("Country"))
    region = forms.CharField(
        label=_("Region"), max_length=100, required=False, widget=RegionInput(country_field="country")
    )
    languages = CodePickerField(kind="language", multiple=True, label=_("Languages"), help_text=SEVERAL, required=False)


class MemberForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args: Any, organisation_type: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if organisation_type is not None:
            # Only the roles this organisation's type may hold (the role matrix); the service refuses others too.
            role_field = self.fields["role"]
            assert isinstance(role_field, forms.ChoiceField)
            role_field.choices = [
                (value, label) for value, label in Role.choices if role_allowed(value, organisation_type)
            ]


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need this record now?"),
        min_length=20,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Your supervisors are told, and the reason is reviewed."),
    )
    hours = forms.IntegerField(label=_("For how many hours"), min_value=1, max_value=12, initial=4)


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters, not a common password, not like your username."),
    )
    new_password_again = forms.CharField(
        label=_("New password, once more"),
        strip=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if cleaned.get("new_password") and cleaned.get("new_password") != cleaned.get("new_password_again"):
            self.add_error("new_password_again", _("The two new passwords are not the same."))
        return cleaned


class WorkPhoneForm(forms.Form):
    work_phone = forms.CharField(
        label=_("Work phone"),
        max_length=32,
        required=False,
        help_text=_("Shown with your work e-mail to the providers you refer people to. Never a private number."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "dir": "ltr"}),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Name of the token (what it is for)"), max_length=100)
    expires_in_days = forms.IntegerField(label=_("Expires after (days)"), min_value=1, max_value=365, initial=90)


class SignOutEverywhereForm(forms.Form):
    revoke_tokens = forms.BooleanField(label=_("Revoke my API tokens too"), required=False)
