"""Forms of the identification pages. They keep everything typed when one field is wrong."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lantern.cases import codes
from lantern.cases.identification import checklists
from lantern.cases.identification.services import ADULT_AGE_BANDS, NotificationData
from lantern.cases.models import IndicatorAnswer
from lantern.core import codes as iso
from lantern.core.forms import IsoDateInput

FIELD_PREFIX = "indicator_"


# The sections of the checklist a case's recorded forms of exploitation point to: shown open on the page (the
# others stay one click away, since at first contact the form of exploitation is often not yet known).
SECTIONS_FOR_FORMS: dict[str, str] = {
    "SexualExploitation": "sexual",
    "ForcedLabour": "labour",
    "ChildLabour": "labour",
    "ForcedBegging": "criminality_begging",
    "ForcedCriminality": "criminality_begging",
    "Servitude": "domestic",
}


def open_sections(forms_of_exploitation: list[str], is_minor: bool | None) -> set[str]:
    sections = {"general"} | {SECTIONS_FOR_FORMS[f] for f in forms_of_exploitation if f in SECTIONS_FOR_FORMS}
    if is_minor is not False:  # a child, or nobody knows yet: the child-specific indicators are asked too
        sections.add("child")
    return sections


class ChecklistForm(forms.Form):
    """One radio group per indicator of the current checklist (observed, not observed, not known: not known
    until the first responder says otherwise), grouped by section on the page."""

    observed_on = forms.DateField(label=_("Date of first contact"), widget=IsoDateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.checklist = checklists.current()
        self.fields["observed_on"].initial = timezone.localdate()
        for indicator in self.checklist.indicators.values():
            self.fields[FIELD_PREFIX + indicator.code] = forms.ChoiceField(
                label=indicator.label(),
                choices=IndicatorAnswer.choices,
                initial=IndicatorAnswer.UNKNOWN,
                required=False,  # an indicator not sent is not known
                widget=forms.RadioSelect(attrs={"class": "indicator-answer"}),
            )

    def sections(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        return [
            (section.code, section.label(), [self[FIELD_PREFIX + i.code] for i in section.indicators])
            for section in self.checklist.sections
        ]

    def answers(self) -> dict[str, str]:
        given = {code: self.cleaned_data[FIELD_PREFIX + code] for code in self.checklist.indicators}
        return {code: answer or IndicatorAnswer.UNKNOWN for code, answer in given.items()}


def _age_band_choices() -> list[tuple[str, str]]:
    return [("", str(_("Adult, age not known"))), *((band, band) for band in ADULT_AGE_BANDS)]


class NotificationForm(forms.Form):
    """The statistics of an anonymous notification: lists to choose from, nothing to type about the person."""

    identified_on = forms.DateField(label=_("Identified on"), widget=IsoDateInput())
    gender = forms.ChoiceField(label=_("Sex or gender"), choices=codes.Gender.choices, initial=codes.Gender.UNKNOWN)
    age_band = forms.ChoiceField(label=_("Age band"), choices=_age_band_choices, required=False)
    citizenship = forms.ChoiceField(label=_("Citizenship"), required=False)
    forms_of_exploitation = forms.MultipleChoiceField(
        label=_("Forms of exploitation"),
        choices=list(codes.EXPLOITATION.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    exploitation_region = forms.ChoiceField(label=_("Region of exploitation"), required=False)

    def __init__(self, *args: Any, regions: list[str], language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["identified_on"].initial = timezone.localdate()
        countries = sorted(((c, iso.country_name(c, language)) for c in iso.country_codes()), key=lambda p: p[1])
        self.fields["citizenship"].choices = [("", str(_("Not known"))), *countries]  # type: ignore[attr-defined]
        self.fields["exploitation_region"].choices = [  # type: ignore[attr-defined]
            ("", str(_("Not known"))),
            *((r, r) for r in regions),
        ]

    def data_out(self) -> NotificationData:
        return NotificationData(
            identified_on=self.cleaned_data["identified_on"],
            gender=self.cleaned_data["gender"],
            age_band=self.cleaned_data["age_band"],
            citizenship=self.cleaned_data["citizenship"],
            forms_of_exploitation=self.cleaned_data["forms_of_exploitation"],
            exploitation_region=self.cleaned_data["exploitation_region"],
        )
