from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lantern.core.forms import IsoDateInput
from lantern.core.pickers import CodePickerField, RegionInput, split
from lantern.crisis.models import CrisisKind, MeasureKind

DATE = IsoDateInput()


def split_regions(raw: str) -> list[str]:
    return split(raw)


class CrisisForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=CrisisKind.choices)
    country = CodePickerField(kind="country", label=_("Country"))
    regions = forms.CharField(
        label=_("Regions (separated by commas; empty: the whole country)"),
        required=False,
        widget=RegionInput(country_field="country", multiple=True),
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(label=_("Measure"), choices=MeasureKind.choices)
    regions = forms.CharField(
        label=_("Regions (separated by commas; empty: the whole crisis area)"),
        required=False,
        widget=RegionInput(multiple=True),
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on (if known)"), widget=DATE, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
