"""Forms of the case pages. They keep everything typed when one field is wrong."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lantern.cases import codes
from lantern.cases.models import (
    AgreementWay,
    Assessment,
    BestInterests,
    Case,
    ChargeKind,
    Consent,
    Decision,
    FollowUpOutcome,
    MediatorAssignment,
    OffenceKind,
    PermitKind,
    PermitStatus,
    PlanAction,
    RemovalKind,
    RemovalResolution,
    RequestOutcome,
    Stage,
)
from lantern.cases.validation import ContextData, PersonData, as_dict
from lantern.core.forms import IsoDateInput
from lantern.core.pickers import SEVERAL, CodePickerField, RegionInput

CHECKBOXES = forms.CheckboxSelectMultiple


class CaseForm(forms.Form):
    """Registering a presumed victim: who (encrypted), what happened (for counting), and consent."""

    # Person
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    second_name = forms.CharField(label=_("Family name"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=IsoDateInput())
    gender = forms.ChoiceField(label=_("Sex or gender"), choices=codes.Gender.choices, initial=codes.Gender.UNKNOWN)
    primary_language = CodePickerField(kind="language", label=_("Main language"), required=False)
    other_languages = CodePickerField(
        kind="language", multiple=True, label=_("Other languages"), help_text=SEVERAL, required=False
    )
    interpreter_needed = forms.BooleanField(label=_("Needs an interpreter"), required=False)
    citizenship = CodePickerField(
        kind="country", multiple=True, label=_("Citizenship"), help_text=SEVERAL, required=False
    )
    contact_route = forms.ChoiceField(
        label=_("How to reach the person safely"), choices=list(codes.CONTACT_ROUTES.items())
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    messaging = forms.CharField(label=_("Messaging app and handle"), max_length=120, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    identified_on = forms.DateField(label=_("Identified on"), widget=IsoDateInput())
    # Victim context
    forms_of_exploitation = forms.MultipleChoiceField(
        label=_("Forms of exploitation"), choices=list(codes.EXPLOITATION.items()), widget=CHECKBOXES, required=False
    )
    forced_labour_industry = forms.ChoiceField(
        label=_("Industry (forced labour)"), choices=[("", "—"), *codes.ISIC_SECTIONS.items()], required=False
    )
    recruitment_methods = forms.MultipleChoiceField(
        label=_("How the person was recruited"),
        choices=list(codes.RECRUITMENT_METHODS.items()),
        widget=CHECKBOXES,
        required=False,
    )
    recruitment_platforms = forms.MultipleChoiceField(
        label=_("Websites and apps used to recruit"),
        choices=list(codes.PLATFORMS.items()),
        widget=CHECKBOXES,
        required=False,
    )
    methods_of_control = forms.MultipleChoiceField(
        label=_("Methods of control"), choices=list(codes.METHODS_OF_CONTROL.items()), widget=CHECKBOXES, required=False
    )
    disability_domains = forms.MultipleChoiceField(
        label=_("Disability (a lot of difficulty, or cannot do)"),
        choices=list(codes.DISABILITY_DOMAINS.items()),
        widget=CHECKBOXES,
        required=False,
    )
    disability_asked = forms.BooleanField(
        label=_("Asked about disability"),
        required=False,
        help_text=_('Tick when the person was asked, even if no difficulty is ticked above: that records "none".'),
    )
    at_risk_groups = forms.MultipleChoiceField(
        label=_("At-risk groups"), choices=list(codes.AT_RISK_GROUPS.items()), widget=CHECKBOXES, required=False
    )
    at_risk_asked = forms.BooleanField(
        label=_("Asked about the at-risk groups"),
        required=False,
        help_text=_('Tick when the person was asked, even if no group is ticked above: that records "none".'),
    )
    crisis_circumstances = forms.MultipleChoiceField(
        label=_("Crisis circumstances"),
        choices=list(codes.CRISIS_CIRCUMSTANCES.items()),
        widget=CHECKBOXES,
        required=False,
    )
    migration_status = forms.ChoiceField(
        label=_("Migration status"), choices=[("", "—"), *codes.MIGRATION_STATUS.items()], required=False
    )
    recruitment_country = CodePickerField(kind="country", label=_("Country of recruitment"), required=False)
    recruitment_region = forms.CharField(
        label=_("Region of recruitment"),
        max_length=100,
        required=False,
        widget=RegionInput(country_field="recruitment_country"),
    )
    exploitation_country = CodePickerField(kind="country", label=_("Country of exploitation"), required=False)
    exploitation_region = forms.CharField(
        label=_("Region of exploitation"),
        max_length=100,
        required=False,
        widget=RegionInput(country_field="exploitation_country"),
    )
    may_be_child = forms.BooleanField(
        label=_("May be a child (age uncertain)"),
        required=False,
        help_text=_("Treated as a child until an age assessment says otherwise."),
    )
    separation = forms.ChoiceField(
        label=_("Who cares for the child now"), choices=codes.Separation.choices, required=False
    )
    # Never ticked in advance: the person says yes, or the case is kept without this consent (it can be recorded
    # later on the case page).
    consent_to_case_management = forms.BooleanField(
        label=_("The person agrees that we keep this case to help them"),
        required=False,
        initial=False,
        help_text=_("Tick only if the person said yes, after you explained what is kept and who sees it."),
    )

    PERSON: tuple[str, ...] = (
        "first_name", "second_name", "birth_date", "gender", "primary_language", "interpreter_needed",
        "contact_route", "phone", "messaging", "email",
    )  # fmt: skip
    CONTEXT: tuple[str, ...] = (
        "forms_of_exploitation", "forced_labour_industry", "recruitment_methods", "recruitment_platforms",
        "methods_of_control", "disability_domains", "disability_asked", "at_risk_groups", "at_risk_asked",
        "crisis_circumstances",
        "migration_status", "recruitment_country", "recruitment_region", "exploitation_country",
        "exploitation_region", "may_be_child", "separation",
    )  # fmt: skip
    CHILD = ("may_be_child", "separation")

    def person(self) -> PersonData:
        data: dict[str, Any] = {name: self.cleaned_data[name] for name in self.PERSON}
        data["other_languages"] = self.cleaned_data["other_languages"]
        data["citizenship"] = self.cleaned_data["citizenship"]
        return PersonData(**data)

    def context(self) -> ContextData:
        return ContextData(**{name: self.cleaned_data[name] for name in self.CONTEXT})


class CaseEditForm(CaseForm):
    """Changing a case: the same questions as registering it, with the risk level; consent has its own section."""

    risk_level = forms.ChoiceField(label=_("Risk level"), choices=[("", "—"), *Assessment.Risk.choices], required=False)

    CONTEXT = (*CaseForm.CONTEXT, "risk_level")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["consent_to_case_management"]

    @classmethod
    def initial_for(cls, case: Case, risk_level: str) -> dict[str, Any]:
        """What the form shows before anything is typed: the case as recorded (decrypted for the edit page)."""
        person = case.person
        initial: dict[str, Any] = {name: getattr(person, name) for name in cls.PERSON}
        initial["other_languages"] = ", ".join(person.other_languages)
        initial["citizenship"] = ", ".join(person.citizenship)
        initial.update({name: getattr(case, name) for name in CaseForm.CONTEXT})
        initial["identified_on"] = case.identified_on
        initial["risk_level"] = risk_level
        return initial

    def person_changes(self) -> dict[str, Any]:
        """Only the fields this form asks (the API may hold others, which the form must not blank)."""
        data = as_dict(self.person())
        return {name: data[name] for name in (*self.PERSON, "other_languages", "citizenship")}

    def context_changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in CaseForm.CONTEXT}


class AssignForm(forms.Form):
    assignee = forms.TypedChoiceField(label=_("Assign to"), coerce=int, empty_value=None, required=False)

    def __init__(self, *args: Any, users: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("Nobody")), *users]


class TransferForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Hand the case over to"), coerce=int)

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "—"), *organisations]
        field.help_text = _(
            "An organisation with caseworkers (an NGO, social services) that the person consented to be referred to. "
            "It holds the case from then on; the history goes with it."
        )


class FilterForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=[("", _("Any stage")), *Stage.choices], required=False)
    reference = forms.CharField(label=_("Reference or part of it"), max_length=16, required=False)
    overdue = forms.BooleanField(label=_("Overdue"), required=False)
    soon_due = forms.BooleanField(label=_("Due soon"), required=False)
    assigned_to_me = forms.BooleanField(label=_("Assigned to me"), required=False)
    recently_assigned_to_me = forms.BooleanField(label=_("Recently assigned to me"), required=False)
    unmet_needs = forms.BooleanField(label=_("Has unmet needs"), required=False)
    follow_up_due = forms.BooleanField(label=_("Follow-up due"), required=False)
    high_risk = forms.BooleanField(label=_("At high risk"), required=False)
    safety_review_overdue = forms.BooleanField(label=_("Safety plan review overdue"), required=False)
    removal_open = forms.BooleanField(label=_("Detention or removal order open"), required=False)
    permit_due = forms.BooleanField(label=_("Residence permit running out or expired"), required=False)
    safety_plan_missing = forms.BooleanField(label=_("Safety plan missing"), required=False)

    # Read only by those who hold the assistance plan (the risk level is theirs to see).
    PLAN_FIELDS = ("high_risk", "safety_review_overdue", "safety_plan_missing")


class NameSearchForm(forms.Form):
    """Sent by POST: a name never travels in a URL (where proxies and browser histories keep it)."""

    name = forms.CharField(
        label=_("Full name (exact)"),
        max_length=200,
        help_text=_("First and family name as registered; your organisation's cases only."),
    )


class NoteForm(forms.Form):
    text = forms.CharField(label=_("New note"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 3}))


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Consent.Purpose.choices)
    recipient = forms.IntegerField(label=_("Organisation (for a referral)"), required=False, widget=forms.Select)
    channel = forms.ChoiceField(
        label=_("Channel (for contact)"), choices=[("", "—"), *codes.CONTACT_ROUTES.items()], required=False
    )
    given_by = forms.ChoiceField(
        label=_("Given by"), choices=codes.ConsentGiver.choices, initial=codes.ConsentGiver.PERSON, required=False
    )


class NeedsForm(forms.Form):
    needs = forms.MultipleChoiceField(
        label=_("Services needed"), choices=list(codes.SERVICE_TYPES.items()), widget=CHECKBOXES, required=False
    )


class RiskForm(forms.Form):
    risk_level = forms.ChoiceField(label=_("Risk"), choices=Assessment.Risk.choices)
    notes = forms.CharField(label=_("Why"), max_length=10_000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    safety_plan = forms.CharField(
        label=_("Safety plan"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "What keeps the person safe, and who does what. A high risk may be recorded first and its safety plan "
            "written after: until then the case shows it missing."
        ),
    )
    review_on = forms.DateField(label=_("Review the safety plan by"), widget=IsoDateInput(), required=False)


# --- The assistance plan, declined services, mediators ----------------------------------------------------------

SERVICE_CHOICES = list(codes.SERVICE_TYPES.items())


class _OwnIds(forms.Form):
    """The case page holds many forms: each of these gives its fields ids of its own (two forms with a `reason`
    field would otherwise share an id, and a label would name the other form's field)."""

    id_prefix = "plan"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class PlanForm(_OwnIds):
    id_prefix = "plan"
    objectives = forms.CharField(
        label=_("Objectives, as agreed with the person"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 3})
    )
    next_review_on = forms.DateField(label=_("Next review by"), widget=IsoDateInput(), required=False)


class PlanActionForm(_OwnIds):
    id_prefix = "action"
    service_type = forms.ChoiceField(label=_("Service"), choices=SERVICE_CHOICES)
    planned_end = forms.DateField(label=_("Planned end"), widget=IsoDateInput(), required=False)


class PlanActionUpdateForm(_OwnIds):
    id_prefix = "action_update"
    status = forms.ChoiceField(label=_("Status"), choices=PlanAction.Status.choices)
    actual_end = forms.DateField(label=_("Actual end"), widget=IsoDateInput(), required=False)
    stop_reason = forms.CharField(label=_("Why it stopped"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class PlanAgreeForm(_OwnIds):
    id_prefix = "agree"
    agreed_how = forms.ChoiceField(label=_("How the person agreed"), choices=AgreementWay.choices)
    agreed_on = forms.DateField(label=_("Agreed on"), widget=IsoDateInput())


class PlanReviewForm(_OwnIds):
    id_prefix = "review"
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=IsoDateInput())
    changes = forms.CharField(label=_("What changed"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 2}))
    with_person = forms.BooleanField(label=_("Reviewed with the person"), required=False, initial=True)
    next_review_on = forms.DateField(label=_("Next review by"), widget=IsoDateInput(), required=False)


class DeclineForm(_OwnIds):
    id_prefix = "decline"
    service_type = forms.ChoiceField(label=_("Service the person declines"), choices=SERVICE_CHOICES)
    declined_on = forms.DateField(label=_("Declined on"), widget=IsoDateInput())
    reason = forms.CharField(
        label=_("Reason given"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MediatorForm(_OwnIds):
    id_prefix = "mediator"
    kind = forms.ChoiceField(label=_("Role"), choices=MediatorAssignment.Kind.choices)
    organisation = forms.IntegerField(
        label=_("From the directory (an organisation)"),
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        widget=forms.Select,
    )
    staff = forms.IntegerField(
        label=_("Or a member of staff"), min_value=1, max_value=2**31 - 1, required=False, widget=forms.Select
    )
    language = CodePickerField(kind="language", label=_("Language"), required=False)
    from_on = forms.DateField(label=_("From"), widget=IsoDateInput())
    to_on = forms.DateField(label=_("To"), widget=IsoDateInput(), required=False)


class LanguagesForm(_OwnIds):
    id_prefix = "languages"
    consent_language = CodePickerField(kind="language", label=_("Language of consent"), required=False)
    interview_language = CodePickerField(kind="language", label=_("Language of interviews"), required=False)
    decisions_language = CodePickerField(kind="language", label=_("Language decisions are served in"), required=False)


class ReferToAuthorityForm(forms.Form):
    """The competent authority receives the case file with the person's consent, or on a legal basis named here."""

    consent_given = forms.BooleanField(
        label=_("The person agrees that the competent authority receives the case file"), required=False
    )
    consent_given_by = forms.ChoiceField(
        label=_("Consent given by"),
        choices=codes.ConsentGiver.choices,
        initial=codes.ConsentGiver.PERSON,
        required=False,
        help_text=_("For a child, the guardian or a parent where the law asks it (record the child's views too)."),
    )
    legal_basis = forms.CharField(
        label=_("Or the legal basis for sharing it without consent"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Decision"), choices=Decision.Kind.choices)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Decision.Outcome.choices)
    decided_on = forms.DateField(label=_("Decided on"), widget=IsoDateInput())
    reasons = forms.CharField(
        label=_("Reasons for the decision"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 4})
    )
    served_on = forms.DateField(label=_("Served on the person on"), required=False, widget=IsoDateInput())
    served_language = CodePickerField(kind="language", label=_("Language it was served in"), required=False)
    reconsideration_grounds = forms.CharField(
        label=_("Grounds of the request to reconsider (when a decision of this kind exists)"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ServeForm(forms.Form):
    served_on = forms.DateField(label=_("Served on the person on"), widget=IsoDateInput())
    served_language = CodePickerField(kind="language", label=_("Language it was served in"))


class CloseForm(forms.Form):
    code = forms.ChoiceField(label=_("Why the case closes"), choices=[("", "—"), *codes.ClosureReason.choices])
    reason = forms.CharField(
        label=_("In words (optional, required for another reason)"), max_length=200, required=False
    )
    referred_elsewhere = forms.BooleanField(label=_("Referred to another organisation"), required=False)
    follow_up_on = forms.DateField(
        label=_("Follow up on"),
        required=False,
        widget=IsoDateInput(),
        help_text=_("A date closes the case into follow-up: you contact the person again that day."),
    )
    override_reason = forms.CharField(
        label=_("Why the case closes while something is still open (supervisor)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FollowUpForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "follow_up_%s")  # the case page holds other forms with a note or a date
        super().__init__(*args, **kwargs)

    outcome = forms.ChoiceField(
        label=_("How the contact went"), choices=[("", "—"), *FollowUpOutcome.choices], required=False
    )
    contacted_on = forms.DateField(label=_("Contacted on"), required=False, widget=IsoDateInput())
    next_on = forms.DateField(
        label=_("Next follow-up"),
        required=False,
        widget=IsoDateInput(),
        help_text=_(
            "Reached and doing well, and no date: the follow-up ends and the case is closed. Not reached, and no "
            "date: the follow-up stays due."
        ),
    )
    note = forms.CharField(
        label=_("What the contact found"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class SafetyPlanForm(_OwnIds):
    id_prefix = "safety"
    safety_plan = forms.CharField(
        label=_("Safety plan"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What keeps the person safe, and who does what."),
    )
    review_on = forms.DateField(label=_("Review the safety plan by"), widget=IsoDateInput())


class ReopenForm(forms.Form):
    code = forms.ChoiceField(label=_("Why the case opens again"), choices=[("", "—"), *codes.ReopenReason.choices])
    reason = forms.CharField(
        label=_("In words"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReturnPlanForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "return_%s")  # the case page holds the risk assessment's form too (risk_level)
        super().__init__(*args, **kwargs)

    country = CodePickerField(kind="country", label=_("Country of return"))
    planned_on = forms.DateField(label=_("Planned on"), widget=IsoDateInput())
    risk_level = forms.ChoiceField(
        label=_("Risk of the return (assessed before it)"), choices=[("", "—"), *codes.ReturnRisk.choices]
    )
    risk_reasons = forms.CharField(
        label=_("Why this risk"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    safety_measures = forms.CharField(
        label=_("Safety measures (a return at high risk, planned by a supervisor)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    receiving_organisation = forms.IntegerField(
        label=_("Receiving organisation (directory)"), required=False, widget=forms.Select
    )
    receiving_name = forms.CharField(
        label=_("Receiving organisation (not in the directory)"), max_length=200, required=False
    )
    receiving_contact = forms.CharField(label=_("Its contact"), max_length=200, required=False)
    own_request = forms.BooleanField(label=_("At the person's own informed request"), required=False)
    own_request_text = forms.CharField(
        label=_("The request, in the person's words"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    removal_confirmed = forms.BooleanField(
        label=_("The person herself asks to return voluntarily: this is not the removal"),
        help_text=_("Needed while a detention or removal order is open on the case; recorded with the plan."),
        required=False,
    )


class ReturnDoneForm(forms.Form):
    done_on = forms.DateField(label=_("Returned on"), widget=IsoDateInput())
    follow_up_on = forms.DateField(label=_("Follow up after the return on"), required=False, widget=IsoDateInput())


class ReturnCancelForm(forms.Form):
    pass


class ReturnFollowUpForm(forms.Form):
    outcome = forms.ChoiceField(label=_("What the follow-up found"), choices=[("", "—"), *codes.ReturnOutcome.choices])


class CaseBreakGlassForm(forms.Form):
    reference = forms.CharField(label=_("Case reference"), max_length=16)
    reason = forms.CharField(
        label=_("Why do you need this record now?"),
        min_length=20,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Your supervisors are told, and the reason is reviewed."),
    )
    hours = forms.IntegerField(label=_("For how many hours"), min_value=1, max_value=12, initial=4)


# --- Children ----------------------------------------------------------------------------------------------


class AgeAssessmentForm(forms.Form):
    method = forms.ChoiceField(label=_("Method"), choices=codes.AgeMethod.choices)
    assessed_on = forms.DateField(label=_("Assessed on"), widget=IsoDateInput())
    age_lower = forms.IntegerField(
        label=_("Age found: from"),
        min_value=0,
        max_value=120,
        required=False,
        help_text=_("The lowest age the method supports. The lower end decides (the benefit of the doubt)."),
    )
    age_upper = forms.IntegerField(
        label=_("Age found: to"),
        min_value=0,
        max_value=120,
        required=False,
        help_text=_("The highest age it supports (empty when one age was found)."),
    )
    result_band = forms.ChoiceField(
        label=_("Result"), choices=[("", _("From the ages found")), *codes.AgeResult.choices], required=False
    )
    assessed_by_organisation = forms.IntegerField(
        label=_("Organisation that assessed"), min_value=1, max_value=2**31 - 1, widget=forms.Select
    )
    assessor_role = forms.ChoiceField(label=_("Role of the assessor"), choices=codes.AssessorRole.choices)


class GuardianForm(forms.Form):
    name = forms.CharField(label=_("Guardian's name"), max_length=200)
    contact = forms.CharField(label=_("Guardian's phone or e-mail"), max_length=200, required=False)
    appointed_by = forms.CharField(label=_("Appointed by (authority)"), max_length=200)
    appointed_on = forms.DateField(label=_("Appointed on"), widget=IsoDateInput())


class ChildViewsForm(forms.Form):
    about = forms.ChoiceField(label=_("About"), choices=codes.ViewsAbout.choices)
    views = forms.CharField(label=_("What the child said"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 3}))
    heard_on = forms.DateField(label=_("Heard on"), widget=IsoDateInput())


class BestInterestsForm(forms.Form):
    kind = forms.ChoiceField(label=_("Step"), choices=BestInterests.Kind.choices)
    solution = forms.ChoiceField(
        label=_("Durable solution (a determination)"),
        choices=[("", "—"), *codes.DurableSolution.choices],
        required=False,
    )
    decided_on = forms.DateField(label=_("Date"), widget=IsoDateInput())
    organisation = forms.IntegerField(
        label=_("Assessed or determined by (an organisation)"),
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        widget=forms.Select,
    )
    body_name = forms.CharField(
        label=_("Or the body that did, by name"),
        max_length=200,
        required=False,
        help_text=_("For example: the child protection panel of the region."),
    )
    reasons = forms.CharField(label=_("Reasons"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 3}))


# The words for each field a change may touch (the timeline says which fields changed, never their values): the
# form's own labels, and the fields only the API or an import changes.
FIELD_LABELS: dict[str, Any] = {
    **{name: field.label for name, field in CaseEditForm.base_fields.items()},
    "middle_name": _("Middle name"),
    "address": _("Address"),
    "identity_number": _("Identity number"),
    "documents_held": _("Identity documents"),
    "documents_withheld": _("Documents withheld by the trafficker"),
    "trafficking_status": _("Trafficking status"),
    "status_decided_by": _("Status decided by"),
    "relationship_to_trafficker": _("Relationship to the trafficker"),
    "age_when_trafficked": _("Age when trafficked"),
    "sex_exploitation_types": _("Types of sexual exploitation"),
    "vulnerabilities": _("Vulnerabilities"),
}


class JourneyEventForm(forms.Form):
    """One step of the journey (HTCDS hte_)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "journey_%s")  # the case page holds other forms with a country
        super().__init__(*args, **kwargs)

    kind = forms.ChoiceField(label=_("What happened there"), choices=codes.EventType.choices)
    country = CodePickerField(kind="country", label=_("Country"), required=False)
    region = forms.CharField(
        label=_("Region"), max_length=100, required=False, widget=RegionInput(country_field="country")
    )
    city = forms.CharField(label=_("City or town"), max_length=100, required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=IsoDateInput())
    date_to = forms.DateField(label=_("Until (if it lasted)"), required=False, widget=IsoDateInput())
    transport = forms.ChoiceField(
        label=_("How the person travelled"), choices=[("", "—"), *codes.Transport.choices], required=False
    )
    border_crossing = forms.ChoiceField(
        label=_("Border crossing"), choices=[("", "—"), *codes.BorderCrossing.choices], required=False
    )
    street = forms.CharField(label=_("Street or place"), max_length=100, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=100, required=False)
    latitude = forms.CharField(label=_("Latitude"), max_length=20, required=False)
    longitude = forms.CharField(label=_("Longitude"), max_length=20, required=False)
    description = forms.CharField(
        label=_("What happened"), max_length=10_000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    position = forms.IntegerField(
        label=_("Place in the journey"), min_value=1, required=False, help_text=_("Empty: after the last step.")
    )


class PerpetratorForm(forms.Form):
    """Someone who took part (HTCDS per_). No name is needed for statistics."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "perpetrator_%s")
        super().__init__(*args, **kwargs)

    roles = forms.MultipleChoiceField(
        label=_("Role"), choices=list(codes.PERPETRATOR_ROLES.items()), widget=CHECKBOXES, required=False
    )
    relationship = forms.ChoiceField(
        label=_("Relationship to the person"),
        choices=[("", "—"), *codes.PerpetratorRelationship.choices],
        required=False,
    )
    gender = forms.ChoiceField(label=_("Sex or gender"), choices=codes.Gender.choices, initial=codes.Gender.UNKNOWN)
    age_band = forms.ChoiceField(
        label=_("Age (about)"), choices=[("", "—"), *((b, b) for b in codes.AGE_BANDS)], required=False
    )
    citizenship = CodePickerField(
        kind="country", multiple=True, label=_("Citizenship"), help_text=SEVERAL, required=False
    )
    role_details = forms.CharField(
        label=_("What they did"), max_length=10_000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    name = forms.CharField(
        label=_("Name or alias (optional)"),
        max_length=200,
        required=False,
        help_text=_("Only if the case needs it: statistics never do. Kept encrypted."),
    )


# --- Residence permits, detention and removal, non-punishment --------------------------------------------------


class PermitForm(forms.Form):
    kind = forms.ChoiceField(label=_("Permit"), choices=PermitKind.choices)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(s.value, s.label) for s in (PermitStatus.APPLIED, PermitStatus.GRANTED, PermitStatus.REFUSED)],
    )
    applied_on = forms.DateField(label=_("Applied on"), widget=IsoDateInput())
    granted_on = forms.DateField(label=_("Granted on"), required=False, widget=IsoDateInput())
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=IsoDateInput())
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=IsoDateInput())
    renews = forms.TypedChoiceField(label=_("Renews"), coerce=int, empty_value=None, required=False, choices=[])

    def __init__(self, *args: Any, renewable: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        renews = self.fields["renews"]
        assert isinstance(renews, forms.TypedChoiceField)
        renews.choices = [("", _("None: a first permit")), *(renewable or [])]


class RemovalForm(forms.Form):
    kind = forms.ChoiceField(label=_("What"), choices=RemovalKind.choices)
    ordered_on = forms.DateField(label=_("Date"), widget=IsoDateInput())
    authority = forms.CharField(label=_("Authority"), max_length=200)
    scheduled_on = forms.DateField(label=_("Deportation set for"), required=False, widget=IsoDateInput())


class RemovalResolveForm(forms.Form):
    resolution = forms.ChoiceField(label=_("Resolved"), choices=RemovalResolution.choices)
    resolved_on = forms.DateField(label=_("On"), widget=IsoDateInput())


class ChargeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Charge or fine"), choices=ChargeKind.choices)
    offence = forms.ChoiceField(label=_("Offence"), choices=OffenceKind.choices)
    charged_on = forms.DateField(label=_("Date"), widget=IsoDateInput())
    authority = forms.CharField(label=_("Authority"), max_length=200)
    amount = forms.DecimalField(label=_("Amount of the fine"), required=False, max_digits=12, decimal_places=2)
    currency = forms.CharField(label=_("Currency"), max_length=3, required=False)


class NonPunishmentRequestForm(forms.Form):
    requested_on = forms.DateField(label=_("Requested on"), widget=IsoDateInput())
    addressed_to = forms.CharField(label=_("To whom"), max_length=200)
    grounds = forms.CharField(
        label=_("Grounds (what she was compelled to do)"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 3})
    )


class NonPunishmentDecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[(o.value, o.label) for o in (RequestOutcome.GRANTED, RequestOutcome.REFUSED)]
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=IsoDateInput())
