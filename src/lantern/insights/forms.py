"""The filters of the dashboards and the choice of the impact analysis, validated at the edge."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from lantern.insights import indicators
from lantern.insights.selectors import crises_for_analysis, measures_for_analysis


class MonthField(forms.CharField):
    """A month typed as YYYY-MM (what <input type="month"> sends); cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})

    def clean(self, value: object) -> date | None:
        text = str(super().clean(value) or "").strip()
        if not text:
            return None
        try:
            year, month = (int(part) for part in text.split("-"))
            return date(year, month, 1)
        except ValueError:
            raise forms.ValidationError(_("Enter a month as YYYY-MM.")) from None


class FilterForm(forms.Form):
    start = MonthField(label=_("From (month)"), required=False, max_length=7)
    end = MonthField(label=_("To (month)"), required=False, max_length=7)
    region = forms.CharField(label=_("Region"), required=False, max_length=100)

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if isinstance(start, date) and isinstance(end, date) and start > end:
            self.add_error("end", _("The end comes before the start."))
        return cleaned


def change_choices() -> list[tuple[str, str]]:
    choices = [
        (f"measure:{m.pk}", f"{m.get_kind_display()} — {m.crisis.name} ({m.starts_on:%Y-%m-%d})")
        for m in measures_for_analysis()
    ]
    choices += [
        (f"crisis:{c.pk}", _("Start of %(crisis)s (%(day)s)") % {"crisis": c.name, "day": f"{c.starts_on:%Y-%m-%d}"})
        for c in crises_for_analysis()
    ]
    return choices


def indicator_choices() -> list[tuple[str, str]]:
    return [(i.code, str(i.label)) for i in indicators.available() if not i.snapshot]


class ImpactForm(forms.Form):
    indicator = forms.ChoiceField(label=_("Indicator"))
    change = forms.ChoiceField(label=_("Measure or crisis"))
    region = forms.CharField(label=_("Region"), required=False, max_length=100)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["indicator"].choices = indicator_choices()  # type: ignore[attr-defined]
        self.fields["change"].choices = change_choices()  # type: ignore[attr-defined]
