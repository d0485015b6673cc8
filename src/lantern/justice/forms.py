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


class HearingForm(forms.Form):
    court = forms.ModelChoiceField(
        label=pgettext_lazy("justice", "Court"), queryset=Court.objects.all().order_by("name")
    )
    starts_at = local_field(_("Date and time"))
    mode = forms.ChoiceField(label=_("Mode"), choices=Mode.choices)


class PostponeForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=REASONS)
    new_starts_at = local_field(_("New date and time (if known)"), required=False)


class RescheduleForm(forms.Form):
    new_starts_at = local_field(_("New date and time"))
    mode = forms.ChoiceField(label=_("Mode"), choices=Mode.choices)


class ModeForm(forms.Form):
    mode = forms.ChoiceField(label=_("Mode"), choices=Mode.choices)


class HearingFilterForm(forms.Form):
    court = forms.ModelChoiceField(
        label=pgettext_lazy("justice", "Court"), queryset=Court.objects.none(), required=False
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
