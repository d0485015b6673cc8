"""The publication form: a source, the dimensions, the mode and its parameter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lantern.publication.services import DEFAULT_K, MAX_EPSILON, MAX_K, MAX_UPLOAD

DIMENSIONS = [  # the CTDC columns a table is usually cut by, in the order a table lists them
    ("yearOfRegistration", _("Year of registration")),
    ("gender", _("Sex")),
    ("ageBroad", _("Age band")),
    ("majorityStatus", _("Adult or minor")),
    ("typeOfExploitation", _("Form of exploitation")),
    ("citizenship", _("Citizenship")),
    ("CountryOfExploitation", _("Country of exploitation")),
    ("isAbroad", _("Exploited abroad")),
    ("recruitedOnline", _("Recruited online")),
]


class PublicationForm(forms.Form):
    source = forms.ChoiceField(
        label=_("Publish from"),
        choices=[
            ("lantern", _("Lantern's de-identified data (cases consented to statistics)")),
            ("upload", _("An uploaded CSV of de-identified records (for example a CTDC file)")),
        ],
        initial="lantern",
        widget=forms.RadioSelect,
    )
    upload = forms.FileField(label=_("CSV file (up to 20 MB)"), required=False)
    dataset = forms.CharField(
        label=_("Name of the uploaded dataset in the privacy ledger"),
        max_length=200,
        required=False,
        help_text=_("Give the same name to every version of the same records so that they share one budget."),
    )
    by = forms.MultipleChoiceField(
        label=_("Dimensions"),
        choices=DIMENSIONS,
        initial=["yearOfRegistration", "gender"],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The first one ticked is the chart's axis, the second its colours."),
    )
    other = forms.CharField(
        label=_("Other columns of an uploaded file (optional, comma-separated)"),
        max_length=600,
        required=False,
    )
    mode = forms.ChoiceField(
        label=_("Protection"),
        choices=[
            ("k", _("Small-cell suppression: counts from 1 to k-1 hidden, with their complements")),
            ("dp", _("Differential privacy: discrete Laplace noise on every cell")),
        ],
        initial="k",
        widget=forms.RadioSelect,
    )
    k = forms.IntegerField(label=_("k"), min_value=2, max_value=MAX_K, initial=DEFAULT_K, required=False)
    epsilon = forms.FloatField(
        label=_("Epsilon spent by this release"), min_value=0.001, max_value=MAX_EPSILON, initial=0.25, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        names = list(data.get("by") or [])
        names += [name.strip() for name in (data.get("other") or "").split(",") if name.strip()]
        if not names and "by" not in self.errors:
            self.add_error("by", _("Tick at least one dimension."))
        data["by"] = list(dict.fromkeys(names))
        if data.get("source") == "upload":
            upload = data.get("upload")
            if upload is None:
                self.add_error("upload", _("Choose the CSV file to publish from."))
            elif upload.size > MAX_UPLOAD:
                self.add_error("upload", _("The file is larger than 20 MB."))
        if data.get("mode") == "k" and data.get("k") is None:
            self.add_error("k", _("Give k (11 is what CTDC uses)."))
        if data.get("mode") == "dp" and data.get("epsilon") is None:
            self.add_error("epsilon", _("Give the epsilon this release may spend."))
        return data


class MinimumKForm(forms.Form):
    minimum_k = forms.IntegerField(
        label=_("Smallest k anyone may publish with"),
        min_value=2,
        max_value=MAX_K,
        help_text=_("Counts below it are never published; 11 is what CTDC uses."),
    )
