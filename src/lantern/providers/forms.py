from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lantern.cases.codes import SERVICE_TYPES
from lantern.core.pickers import SEVERAL, CodePickerField, RegionInput
from lantern.providers.models import DeliveryMode


def split(raw: str) -> list[str]:
    return [part.strip() for part in raw.split(",") if part.strip()]


class OfferingForm(forms.Form):
    service_type = forms.ChoiceField(
        label=_("Service"), choices=sorted(SERVICE_TYPES.items(), key=lambda kv: str(kv[1]))
    )
    regions = forms.CharField(
        label=_("Regions served (separated by commas; * for the whole country)"),
        max_length=500,
        widget=RegionInput(multiple=True),
    )
    languages = CodePickerField(kind="language", multiple=True, label=_("Languages"), help_text=SEVERAL, required=False)
    interpreter_available = forms.BooleanField(label=_("An interpreter is available"), required=False)
    delivery_modes = forms.MultipleChoiceField(
        label=_("How"), choices=DeliveryMode.choices, widget=forms.CheckboxSelectMultiple
    )
    weekly_capacity = forms.IntegerField(label=_("People a week"), min_value=0, max_value=100_000)
    regardless_of_status = forms.BooleanField(
        label=_("Whatever the person's immigration status"), required=False, initial=True
    )
    hours = forms.CharField(label=_("Hours"), max_length=200, required=False)
    public_contact = forms.CharField(
        label=_("Public contact (shown on the public portal)"), max_length=200, required=False
    )
    is_public = forms.BooleanField(label=_("List on the public portal"), required=False)

    def regions_of(self, country: str) -> None:
        """Offer the regions known for the organisation's country."""
        widget = self.fields["regions"].widget
        assert isinstance(widget, RegionInput)
        widget.country = country


class TranslationForm(forms.Form):
    """An entry's own words in one language of the public portal; an empty field shows the original there."""

    language = forms.ChoiceField(label=_("Language"), choices=())
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    hours = forms.CharField(label=_("Hours"), max_length=200, required=False)
    public_contact = forms.CharField(
        label=_("Public contact (shown on the public portal)"), max_length=200, required=False
    )
    eligibility_note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, languages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = languages  # type: ignore[attr-defined]
        for name in ("name", "hours", "public_contact", "eligibility_note"):
            self.fields[name].widget.attrs["dir"] = "auto"
