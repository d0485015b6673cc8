"""The filters of the dashboards and the choice of the impact analysis, validated at the edge."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lantern.insights import indicators
from lantern.insights.impact import Change, Readiness, crisis_change, measure_change, readiness
from lantern.insights.selectors import Viewer, crises_for_analysis, measures_for_analysis


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


def changes() -> list[tuple[str, str, Change]]:
    """Every measure and every crisis start that can be analysed: (choice, label, change)."""
    found: list[tuple[str, str, Change]] = [
        (f"measure:{m.pk}", f"{m.get_kind_display()} — {m.crisis.name} ({m.starts_on:%Y-%m-%d})", measure_change(m))
        for m in measures_for_analysis()
    ]
    found += [
        (
            f"crisis:{c.pk}",
            _("Start of %(crisis)s (%(day)s)") % {"crisis": c.name, "day": f"{c.starts_on:%Y-%m-%d}"},
            crisis_change(c),
        )
        for c in crises_for_analysis()
    ]
    return found


def change_choices() -> list[tuple[str, str]]:
    return [(choice, str(label)) for choice, label, _change in changes()]


def indicator_choices() -> list[tuple[str, str]]:
    return [(i.code, str(i.label)) for i in indicators.available() if not i.snapshot]


def _months(ready: Readiness) -> str:
    return _("%(before)s months before, %(during)s during") % {"before": ready.before, "during": ready.during}


class ImpactForm(forms.Form):
    """The measure or crisis first, then the indicator: the indicators with enough months on each side of the
    chosen change (the first one until another is chosen) are offered first, each with its months before and
    during, so that the first choice offered can be analysed."""

    change = forms.ChoiceField(label=_("Measure or crisis"))
    indicator = forms.ChoiceField(
        label=_("Indicator"),
        help_text=_("The months with data before and during the measure or crisis chosen when the page was shown."),
    )
    region = forms.CharField(label=_("Region"), required=False, max_length=100)

    def __init__(self, *args: Any, viewer: Viewer | None = None, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        found = changes()
        offered = [i for i in indicators.available() if not i.snapshot]
        if viewer is None or today is None or not found:
            self.fields["change"].choices = [(c, str(label)) for c, label, _ch in found]  # type: ignore[attr-defined]
            self.fields["indicator"].choices = indicator_choices()  # type: ignore[attr-defined]
            return
        region = str(self.data.get("region", "") or "")[:100]
        ready = readiness(viewer, offered, [change for _c, _l, change in found], today=today, region=region)
        # Changes with something to analyse first, in date order within each part.
        order = sorted(range(len(found)), key=lambda i: not any(ready[(ind.code, i)].enough for ind in offered))
        self.fields["change"].choices = [(found[i][0], str(found[i][1])) for i in order]  # type: ignore[attr-defined]
        chosen = next((i for i in order if found[i][0] == self.data.get("change")), order[0])
        if not self.is_bound:
            self.initial["change"] = found[chosen][0]
        enough = [(i.code, f"{i.label} ({_months(ready[(i.code, chosen)])})") for i in offered
                  if ready[(i.code, chosen)].enough]  # fmt: skip
        too_few = [(i.code, f"{i.label} ({_months(ready[(i.code, chosen)])})") for i in offered
                   if not ready[(i.code, chosen)].enough]  # fmt: skip
        groups: list[tuple[str, list[tuple[str, str]]]] = []
        if enough:
            groups.append((str(_("Enough months to analyse")), enough))
        if too_few:
            groups.append((str(_("Not enough months with data")), too_few))
        self.fields["indicator"].choices = groups  # type: ignore[attr-defined]
