from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lantern.core.forms import IsoDateInput, IsoDateTimeInput
from lantern.core.models import Organisation
from lantern.core.pickers import CodePickerField
from lantern.justice.models import Court, Mode, PostponementReason, ProceedingKind, Protection, SurvivorRole

LOCAL = IsoDateTimeInput()
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
REASONS = [(code, label) for code, label in PostponementReason.choices if code != PostponementReason.COURT_SUSPENSION]


class DayOffConfirmation(forms.Form):
    """A date on a weekend day or public holiday of the court's country is kept only when the clerk ticks the box
    the warning brings; the box is not shown before there is a warning."""

    on_day_off = forms.BooleanField(label=_("Keep this date all the same"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        box = self.fields.pop("on_day_off")
        if self.is_bound:  # after the date it is about
            self.fields["on_day_off"] = box


def local_field(label: Any, *, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        widget=LOCAL,
        input_formats=LOCAL_FORMATS,
        required=required,
        help_text=_("In the court's local time."),
    )


class ProceedingForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("In charge"), queryset=Organisation.objects.none())
    kind = forms.ChoiceField(label=_("Proceeding"), choices=ProceedingKind.choices)
    survivor_role = forms.ChoiceField(label=_("The survivor's role"), choices=SurvivorRole.choices)

    def __init__(self, *args: object, organisations: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class ProtectiveMeasureForm(forms.Form):
    kind = forms.ChoiceField(label=_("Protective measure"), choices=Protection.choices)
    language = CodePickerField(kind="language", label=_("Language of the interpreter"), required=False)


class HearingForm(DayOffConfirmation):
    court = forms.ModelChoiceField(
        label=pgettext_lazy("justice", "Court"), queryset=Court.objects.all().order_by("name")
    )
    starts_at = local_field(_("Date and time"))
    mode = forms.ChoiceField(label=_("Mode"), choices=Mode.choices)


class PostponeForm(DayOffConfirmation):
    reason = forms.ChoiceField(label=_("Reason"), choices=REASONS)
    new_starts_at = local_field(_("New date and time (if known)"), required=False)


class RescheduleForm(DayOffConfirmation):
    new_starts_at = local_field(_("New date and time"))
    mode = forms.ChoiceField(label=_("Mode"), choices=Mode.choices)


class ModeForm(forms.Form):
    mode = forms.ChoiceField(label=_("Mode"), choices=Mode.choices)


class HearingFilterForm(forms.Form):
    court = forms.ModelChoiceField(
        label=pgettext_lazy("justice", "Court"),
        queryset=Court.objects.none(),
        required=False,
        empty_label=_("All courts"),
    )
    status = forms.ChoiceField(
        label=pgettext_lazy("justice", "Status"), choices=[("", pgettext_lazy("justice", "Any"))], required=False
    )
    mode = forms.ChoiceField(
        label=_("Mode"), choices=[("", pgettext_lazy("justice", "Any")), *Mode.choices], required=False
    )
    starts_from = forms.DateField(
        label=pgettext_lazy("justice", "From"),
        widget=IsoDateInput(),
        required=False,
    )
    starts_to = forms.DateField(
        label=pgettext_lazy("justice", "Until"),
        widget=IsoDateInput(),
        required=False,
    )


class CalendarForm(forms.Form):
    court = forms.ModelChoiceField(
        label=pgettext_lazy("justice", "Court"), queryset=Court.objects.none(), empty_label=None
    )
    view = forms.ChoiceField(
        label=pgettext_lazy("justice", "Show"),
        choices=[("week", pgettext_lazy("justice", "Week")), ("month", pgettext_lazy("justice", "Month"))],
        required=False,
    )
    day = forms.DateField(
        label=pgettext_lazy("justice", "Date"),
        widget=IsoDateInput(),
        required=False,
    )


class FeedForm(forms.Form):
    """Which calendar to subscribe to: one of the clerk's courts, or (empty) the prosecutor's own hearings."""

    court = forms.ModelChoiceField(
        label=_("Calendar of"), queryset=Court.objects.none(), required=False, empty_label=_("My proceedings' hearings")
    )
