from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lantern.core.forms import IsoDateInput, IsoDateTimeInput
from lantern.core.models import Organisation
from lantern.core.pickers import CodePickerField
from lantern.justice.models import (
    Court,
    FundClaimStatus,
    MeasureStatus,
    Mode,
    Outcome,
    Payer,
    PostponementReason,
    ProceedingKind,
    Protection,
    SurvivorRole,
)

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
    organisation = forms.ModelChoiceField(
        label=_("In charge"), queryset=Organisation.objects.none(), empty_label=_("Choose the organisation in charge")
    )
    kind = forms.ChoiceField(label=_("Proceeding"), choices=ProceedingKind.choices)
    survivor_role = forms.ChoiceField(label=_("The survivor's role"), choices=SurvivorRole.choices)

    def __init__(self, *args: object, organisations: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


def day_field(label: Any, *, help_text: Any = "") -> forms.DateField:
    return forms.DateField(label=label, widget=IsoDateInput(), required=False, help_text=help_text)


def amount_field(label: Any) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=14, decimal_places=2, min_value=0)


class ProtectiveMeasureForm(forms.Form):
    kind = forms.ChoiceField(label=_("Protective measure"), choices=Protection.choices)
    language = CodePickerField(kind="language", label=_("Language of the interpreter"), required=False)
    status = forms.ChoiceField(label=pgettext_lazy("justice", "Status"), choices=MeasureStatus.choices)
    requested_on = day_field(_("Requested on"))
    decided_on = day_field(_("Decided on"), help_text=_("Granted or refused: today if left empty."))


class MeasureDecisionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Decision"), choices=[(c, label) for c, label in MeasureStatus.choices if c != MeasureStatus.REQUESTED]
    )
    decided_on = day_field(_("Decided on"), help_text=_("Today if left empty."))


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    outcome_on = day_field(_("Date of the decision"), help_text=_("Today if left empty."))


class DefendantLinkForm(forms.Form):
    """Which perpetrator recorded on the case a defendant is: the choices are labelled by the view (a name only for
    who may read the case)."""

    perpetrator = forms.TypedChoiceField(
        label=_("Perpetrator recorded on the case"), coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args: Any, perpetrators: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["perpetrator"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("Not known")), *perpetrators]


class CompensationForm(forms.Form):
    payer = forms.ChoiceField(label=_("Claimed from"), choices=Payer.choices)
    claimed = amount_field(_("Amount claimed"))
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="EUR", help_text=_("ISO 4217, e.g. EUR."))
    claimed_on = day_field(_("Claimed on"), help_text=_("Today if left empty."))


class AwardForm(forms.Form):
    awarded = amount_field(_("Amount awarded"))
    awarded_on = day_field(_("Awarded on"), help_text=_("Today if left empty."))


class PaymentForm(forms.Form):
    amount = amount_field(_("Amount paid"))
    paid_on = day_field(_("Paid on"), help_text=_("Today if left empty."))


class FundStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("The fund's answer"),
        choices=[
            (FundClaimStatus.UNDER_REVIEW, FundClaimStatus.UNDER_REVIEW.label),
            (FundClaimStatus.REFUSED, FundClaimStatus.REFUSED.label),
        ],
    )


class RepresentativeForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False, empty_label=_("No organisation")
    )
    lawyer = forms.CharField(
        label=_("Lawyer"), max_length=200, required=False, help_text=_("Name of the lawyer, if known (kept encrypted).")
    )

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class HearingForm(DayOffConfirmation):
    court = forms.ModelChoiceField(
        label=pgettext_lazy("justice", "Court"),
        queryset=Court.objects.all().order_by("name"),
        empty_label=_("Choose a court"),
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
