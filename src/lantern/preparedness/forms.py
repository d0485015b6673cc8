from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lantern.core.forms import IsoDateInput
from lantern.core.models import Organisation
from lantern.core.pickers import CodePickerField, RegionInput
from lantern.preparedness.models import ActionStatus, LanternDecision, Phase

DATE = IsoDateInput()
LEVEL_CHOICES = [(n, str(n)) for n in range(6)]


def _organisations(form: forms.Form, name: str, queryset: Any) -> None:
    form.fields[name].queryset = queryset  # type: ignore[attr-defined]


class AssessmentForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("preparedness", "Title"), max_length=200)
    country = CodePickerField(kind="country", label=_("Country"), initial="GR")
    region = forms.CharField(
        label=_("Region (empty: the whole country)"),
        max_length=100,
        required=False,
        widget=RegionInput(country_field="country"),
    )
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DATE)
    contributors = forms.ModelMultipleChoiceField(
        label=_("Partner organisations contributing"), queryset=Organisation.objects.none(), required=False
    )

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _organisations(self, "contributors", organisations if organisations is not None else Organisation.objects.all())


class ItemForm(forms.Form):
    level = forms.TypedChoiceField(label=_("Level"), choices=LEVEL_CHOICES, coerce=int)
    evidence = forms.CharField(
        label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )
    link = forms.CharField(label=_("Link to the evidence"), max_length=500, required=False)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=Organisation.objects.none(), required=False)
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
    lantern_decision = forms.ChoiceField(label=_("Lantern's evidence"), choices=LanternDecision.choices, required=False)
    override_reason = forms.CharField(
        label=_("Why it is overridden"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=1000
    )

    weight = forms.TypedChoiceField(
        label=_("Weight"),
        choices=[(1, "1"), (2, "2"), (3, "3")],
        coerce=int,
        help_text=_("1 useful, 2 important, 3 essential"),
    )

    def __init__(
        self,
        *args: Any,
        organisations: Any = None,
        with_lantern: bool = True,
        with_weight: bool = False,
        with_owner: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _organisations(self, "owner", organisations)
        if not with_owner:
            del self.fields["owner"]
        if not with_weight:
            del self.fields["weight"]
        if not with_lantern:
            del self.fields["lantern_decision"]
            del self.fields["override_reason"]


class ActionForm(forms.Form):
    item_id = forms.ChoiceField(label=_("Item"))
    title = forms.CharField(label=_("Action"), max_length=300)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=Organisation.objects.none())
    due_on = forms.DateField(label=_("Due on"), widget=DATE)

    def __init__(self, *args: Any, items: Any = (), organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item_id"].choices = items  # type: ignore[attr-defined]
        _organisations(self, "owner", organisations)


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)


class RoleForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    phase = forms.ChoiceField(label=_("Phase"), choices=Phase.choices)
    duty = forms.CharField(label=_("What it does"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    sop = forms.CharField(
        label=_("Contingency SOP"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=8000
    )

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _organisations(self, "organisation", organisations)
