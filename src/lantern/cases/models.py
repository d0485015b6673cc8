"""People, their cases and everything recorded about them. Personal data is encrypted (lantern.core.fields);
analytical fields are kept in clear so that they can be counted; every case is known by a pseudonymous reference.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lantern.cases.codes import (
    TIMELINE,
    AgeMethod,
    AgeResult,
    AssessorRole,
    BorderCrossing,
    CaseStatus,
    ClosureReason,
    ConsentGiver,
    DecisionMaker,
    DurableSolution,
    EventType,
    Gender,
    MinorityBasis,
    PerpetratorRelationship,
    ReferralReason,
    Relationship,
    ReopenReason,
    ReturnOutcome,
    ReturnRisk,
    Separation,
    TraffickingStatus,
    Transport,
    ViewsAbout,
)
from lantern.core.fields import EncryptedDateField, EncryptedTextField
from lantern.core.models import Organisation


class CountryProfile(models.Model):
    """How the national referral mechanism of one country counts its deadlines."""

    country = models.CharField(max_length=2, unique=True)
    reasonable_grounds_working_days = models.PositiveSmallIntegerField(default=5)
    recovery_period_days = models.PositiveSmallIntegerField(default=30)
    # The least a recovery and reflection period runs before a negative conclusive-grounds decision may end it
    # (Council of Europe Convention, Art. 13: at least 30 days).
    recovery_period_minimum_days = models.PositiveSmallIntegerField(default=30)
    weekend = models.JSONField(default=list, help_text="ISO weekday numbers, Monday 1 to Sunday 7")
    soon_due_working_days = models.PositiveSmallIntegerField(default=2)
    # Closed cases are anonymised this many days after closure by `lantern retention apply`.
    retention_days = models.PositiveIntegerField(default=5 * 365)
    # Children (Council of Europe Convention Art. 10(3), 16(7)): a shorter reasonable-grounds deadline, a guardian
    # within so many days, whether a child's own consent needs the guardian's, and who is told of every child.
    child_reasonable_grounds_working_days = models.PositiveSmallIntegerField(default=3)
    guardian_within_days = models.PositiveSmallIntegerField(default=3)
    child_consent_needs_guardian = models.BooleanField(default=False)
    child_protection_organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A foreign victim's residence permit: the caseworker and supervisors are alerted this many days before it
    # runs out (twice as early while a crisis closes the offices that renew permits).
    permit_expiry_alert_days = models.PositiveSmallIntegerField(default=30)

    def __str__(self) -> str:
        return f"NRM profile {self.country}"


class PublicHoliday(models.Model):
    country = models.CharField(max_length=2)
    date = models.DateField()
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["country", "date"], name="holiday_once_a_day")]

    def __str__(self) -> str:
        return f"{self.country} {self.date} {self.name}"


class Person(models.Model):
    """The person a case is about. Every field that identifies them is encrypted."""

    first_name = EncryptedTextField(blank=True, default="")
    middle_name = EncryptedTextField(blank=True, default="")
    second_name = EncryptedTextField(blank=True, default="")
    birth_date = EncryptedDateField(null=True, blank=True)
    identity_number = EncryptedTextField(blank=True, default="")
    phone = EncryptedTextField(blank=True, default="")
    messaging = EncryptedTextField(blank=True, default="", help_text="app and handle")
    email = EncryptedTextField(blank=True, default="")
    address = EncryptedTextField(blank=True, default="")  # HTCDS prs_MailingStreet
    # The rest of HTCDS's structured address and its other core person fields (an import brings them; an export
    # gives them back).
    mailing_city = EncryptedTextField(blank=True, default="")
    mailing_state = EncryptedTextField(blank=True, default="")
    mailing_postal_code = EncryptedTextField(blank=True, default="")
    mailing_country = EncryptedTextField(blank=True, default="", help_text="ISO 3166 code")
    home_phone = EncryptedTextField(blank=True, default="")
    salutation = EncryptedTextField(blank=True, default="")
    title = EncryptedTextField(blank=True, default="")
    # Keyed HMAC of normalised name + birth date: finds possible duplicates without the clear values.
    identity_index = models.CharField(max_length=64, blank=True, default="", db_index=True)
    # Keyed HMAC of the normalised full name alone: "find a case by name" inside one's organisation, exact match.
    name_index = models.CharField(max_length=64, blank=True, default="", db_index=True)
    # Clear, for counting
    gender = models.CharField(max_length=24, choices=Gender.choices, default=Gender.UNKNOWN)
    primary_language = models.CharField(max_length=3, blank=True, default="")
    other_languages = models.JSONField(default=list, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    citizenship = models.JSONField(default=list, blank=True, help_text="ISO 3166 codes")
    contact_route = models.CharField(max_length=20, default="caseworker_only")
    documents_held = models.BooleanField(null=True, blank=True)
    documents_withheld = models.BooleanField(null=True, blank=True, help_text="by the trafficker")
    anonymised_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"person #{self.pk}"  # never the name


class Stage(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    REFERRED = "referred", _("Referred to the competent authority")
    REASONABLE_GROUNDS = "reasonable_grounds", _("Reasonable-grounds decision")
    RECOVERY = "recovery", _("Recovery and reflection period")
    CONCLUSIVE_GROUNDS = "conclusive_grounds", _("Conclusive-grounds decision")
    SUPPORT = "support", _("Support and reintegration")
    RETURN = "return", _("Return")
    CLOSED = "closed", _("Closed")


class Case(models.Model):
    reference = models.CharField(max_length=16, unique=True)
    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="case")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cases")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(default=timezone.now)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, related_name="assigned_cases", null=True, blank=True
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    identified_on = models.DateField()
    identified_by = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", null=True)

    # The NRM process
    stage = models.CharField(max_length=24, choices=Stage.choices, default=Stage.IDENTIFIED)
    stage_changed_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=CaseStatus.choices, default=CaseStatus.ACTIVE)
    closure_reason = EncryptedTextField(blank=True, default="")  # free text: it may name people
    closed_at = models.DateTimeField(null=True, blank=True)
    # HTCDS cas_ReasonForCaseClosure as a code (the words above stay beside it, encrypted).
    closure_code = models.CharField(max_length=16, choices=ClosureReason.choices, blank=True, default="")
    # Closed into follow-up (status FollowUp): the day the caseworker contacts the person again.
    follow_up_on = models.DateField(null=True, blank=True)
    referred_on = models.DateField(null=True, blank=True)
    # The competent authority the case was referred to: its members read the case and decide on it.
    referred_to = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="cases_referred"
    )
    # Why the authority may have the file when the person did not consent to share it (a law, a court order).
    referral_legal_basis = EncryptedTextField(blank=True, default="")  # free text: it may name people
    reasonable_grounds_due = models.DateField(null=True, blank=True)
    recovery_ends = models.DateField(null=True, blank=True)
    # The next deadline of whatever stage the case is in: what "overdue" and "soon due" look at.
    next_deadline = models.DateField(null=True, blank=True)

    # Victim context (HTCDS vic_*), clear for statistics
    trafficking_status = models.CharField(
        max_length=32, choices=TraffickingStatus.choices, default=TraffickingStatus.POSSIBLE
    )
    status_decided_by = models.CharField(max_length=40, choices=DecisionMaker.choices, blank=True, default="")
    relationship_to_trafficker = models.CharField(max_length=16, choices=Relationship.choices, blank=True, default="")
    age_at_identification = models.PositiveSmallIntegerField(null=True, blank=True)
    age_when_trafficked = models.PositiveSmallIntegerField(null=True, blank=True)
    age_band = models.CharField(max_length=8, blank=True, default="")
    is_minor = models.BooleanField(null=True, blank=True)
    # A person of uncertain age who may be a child is treated as one (presumption of minority, CoE Art. 10(3)).
    may_be_child = models.BooleanField(default=False)
    separation = models.CharField(max_length=16, choices=Separation.choices, blank=True, default="")
    minority_basis = models.CharField(max_length=12, choices=MinorityBasis.choices, blank=True, default="")
    guardian_due = models.DateField(null=True, blank=True)
    recruitment_methods = models.JSONField(default=list, blank=True)
    recruitment_platforms = models.JSONField(default=list, blank=True)
    recruited_online = models.BooleanField(default=False)
    methods_of_control = models.JSONField(default=list, blank=True)
    forms_of_exploitation = models.JSONField(default=list, blank=True)
    forced_labour_industry = models.CharField(max_length=1, blank=True, default="")
    sex_exploitation_types = models.JSONField(default=list, blank=True)
    vulnerabilities = models.JSONField(default=list, blank=True)
    disability_domains = models.JSONField(default=list, blank=True)
    # Whether the person was asked: an empty list is "none" when asked, "not asked" otherwise (a domain or a group
    # recorded says it was asked).
    disability_asked = models.BooleanField(default=False)
    migration_status = models.CharField(max_length=20, blank=True, default="")
    at_risk_groups = models.JSONField(default=list, blank=True)
    at_risk_asked = models.BooleanField(default=False)
    crisis_circumstances = models.JSONField(default=list, blank=True)
    recruitment_country = models.CharField(max_length=2, blank=True, default="")
    recruitment_region = models.CharField(max_length=100, blank=True, default="")
    exploitation_country = models.CharField(max_length=2, blank=True, default="")
    exploitation_region = models.CharField(max_length=100, blank=True, default="")
    # Derived from the countries above (and citizenship), never typed
    is_cross_border = models.BooleanField(null=True, blank=True)
    needs = models.JSONField(default=list, blank=True, help_text="service types from the latest needs assessment")
    # Kept by the referral workflow (which this module must not import): the needs a referral meets now.
    needs_met = models.JSONField(default=list, blank=True)
    has_unmet_needs = models.BooleanField(default=False)
    # Kept by the risk assessment (cases.plans): the latest risk is high and its safety plan is not written yet.
    safety_plan_missing = models.BooleanField(default=False)
    # HTCDS vic_DetailsOfVulnerabilities: free text, it tells the person's story.
    vulnerability_details = EncryptedTextField(blank=True, default="")
    # HTCDS referral details (cas_*) as another system recorded them: history brought by an import and given back by
    # an export. They grant no organisation anything (who may read a case follows from `organisation` and
    # `referred_to` only). A case worker's name and the details are free text: encrypted.
    incoming_referral_organisation = models.CharField(max_length=200, blank=True, default="")
    incoming_referral_on = models.DateField(null=True, blank=True)
    incoming_referral_caseworker = EncryptedTextField(blank=True, default="")
    incoming_referral_reason = models.CharField(max_length=32, choices=ReferralReason.choices, blank=True, default="")
    incoming_referral_details = EncryptedTextField(blank=True, default="")
    outgoing_referral_organisation = models.CharField(max_length=200, blank=True, default="")
    outgoing_referral_on = models.DateField(null=True, blank=True)
    outgoing_referral_caseworker = EncryptedTextField(blank=True, default="")
    outgoing_referral_reason = models.CharField(max_length=32, choices=ReferralReason.choices, blank=True, default="")
    outgoing_referral_details = EncryptedTextField(blank=True, default="")
    # The languages the person was spoken to in (ISO 639 codes): when she gave consent, in interviews, and when a
    # decision was served on her (each decision keeps its own too).
    consent_language = models.CharField(max_length=3, blank=True, default="")
    interview_language = models.CharField(max_length=3, blank=True, default="")
    decisions_language = models.CharField(max_length=3, blank=True, default="")
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["organisation", "-created_at"], name="case_org_recent"),
            # "My cases": the assignee, inside the organisations the user may see, most recently assigned first.
            models.Index(fields=["assigned_to", "organisation", "-assigned_at"], name="case_assignee_recent"),
            models.Index(fields=["organisation", "stage", "-created_at"], name="case_org_stage"),
            models.Index(fields=["organisation", "next_deadline"], name="case_org_deadline"),
            models.Index(fields=["organisation", "has_unmet_needs", "-created_at"], name="case_org_unmet"),
            models.Index(fields=["created_by", "-created_at"], name="case_creator_recent"),
            models.Index(fields=["status", "closed_at"], name="case_closed"),
            models.Index(fields=["identified_on"], name="case_identified"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=[CaseStatus.CLOSED, CaseStatus.CLOSED_REFERRED]) | Q(closed_at__isnull=False),
                name="closed_case_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class Closure(models.Model):
    """One closing of a case, kept when it is reopened: the coded reason, the stage it closed from, and what was
    still open when a supervisor closed it all the same (the check codes, and her reason, encrypted)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="closures")
    code = models.CharField(max_length=16, choices=ClosureReason.choices)
    stage_before = models.CharField(max_length=24, choices=Stage.choices)
    closed_at = models.DateTimeField(default=timezone.now)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    overridden = models.JSONField(default=list, blank=True, help_text="the checks a supervisor overrode")
    override_reason = EncryptedTextField(blank=True, default="")
    follow_up_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["closed_at", "pk"]

    def __str__(self) -> str:
        return f"closure {self.code}"


class FollowUpOutcome(models.TextChoices):
    DOING_WELL = "doing_well", _("Reached and doing well")
    NEEDS_HELP = "needs_help", _("Reached, needs help")
    NOT_REACHED = "not_reached", _("Not reached")
    DECLINED = "declined", _("Declined further contact")


class FollowUpContact(models.Model):
    """One follow-up contact after closure (or an attempt at one): its coded outcome and the next follow-up day it
    set, if any. What was said goes into a note (encrypted), never here."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_up_contacts")
    outcome = models.CharField(max_length=12, choices=FollowUpOutcome.choices)
    contacted_on = models.DateField()
    next_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["contacted_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=FollowUpOutcome.values), name="follow_up_contact_outcome_known"
            ),
            # Declining further contact ends the follow-up: no next day.
            models.CheckConstraint(
                condition=~Q(outcome=FollowUpOutcome.DECLINED) | Q(next_on__isnull=True),
                name="follow_up_contact_declined_ends",
            ),
        ]

    def __str__(self) -> str:
        return f"follow-up {self.outcome} on case #{self.case_id}"


class Reopening(models.Model):
    """A closed case opened again: why (coded, and in words, encrypted), by whom, when."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reopenings")
    code = models.CharField(max_length=16, choices=ReopenReason.choices)
    reason = EncryptedTextField(blank=True, default="")
    reopened_at = models.DateTimeField(default=timezone.now)
    reopened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)

    class Meta:
        ordering = ["reopened_at", "pk"]
        indexes = [models.Index(fields=["code", "reopened_at"], name="reopening_code_day")]

    def __str__(self) -> str:
        return f"reopening {self.code}"


class ReturnPlan(models.Model):
    """A voluntary return of any person whose case Lantern holds (a resident of a shelter or not). A removal is
    not a return plan: Lantern never plans one. The risk before the return, the organisation that receives the
    person in the country of destination, and the follow-up after it."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        BLOCKED = "blocked", _("Blocked by a border closure")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="return_plans")
    country = models.CharField(max_length=2)
    planned_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    blocked_since = models.DateField(null=True, blank=True)
    # Voluntary by construction; whether the person asked for it herself during a period that protects her.
    own_request = models.BooleanField(default=False)
    own_request_text = EncryptedTextField(blank=True, default="")
    # Planned while a detention or removal order was open: whoever planned it confirmed that the person herself asks
    # to return voluntarily (a removal is never a voluntary return).
    removal_confirmed = models.BooleanField(default=False)
    # Blank only on the plans a shelter recorded before the assessment existed (shelters migration 0005).
    risk_level = models.CharField(max_length=8, choices=ReturnRisk.choices, blank=True)
    risk_reasons = EncryptedTextField(blank=True, default="")
    # A return at high risk: the safety measures the supervisor who planned it wrote (escort, reception, contacts).
    safety_measures = EncryptedTextField(blank=True, default="")
    receiving_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    receiving_name = EncryptedTextField(blank=True, default="")
    receiving_contact = EncryptedTextField(blank=True, default="")
    done_on = models.DateField(null=True, blank=True)
    follow_up_on = models.DateField(null=True, blank=True)
    follow_up_outcome = models.CharField(max_length=16, choices=ReturnOutcome.choices, blank=True, default="")
    planned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    planned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["planned_on", "pk"]
        indexes = [models.Index(fields=["status", "planned_on"], name="return_plan_status_day")]

    def __str__(self) -> str:
        return f"return to {self.country} ({self.status})"


OPEN_RETURN = (ReturnPlan.Status.PLANNED, ReturnPlan.Status.BLOCKED)


class Decision(models.Model):
    class Kind(models.TextChoices):
        REASONABLE_GROUNDS = "reasonable_grounds", _("Reasonable grounds")
        CONCLUSIVE_GROUNDS = "conclusive_grounds", _("Conclusive grounds")

    class Outcome(models.TextChoices):
        POSITIVE = "positive", _("Positive")
        NEGATIVE = "negative", _("Negative")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    decided_on = models.DateField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reconsiders = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reconsidered_by"
    )
    # The written reasons (required of every decision since the competent authority decides; empty on older ones).
    reasons = EncryptedTextField(blank=True, default="")
    # The person's request to reconsider, in their words or their lawyer's.
    reconsideration_grounds = EncryptedTextField(blank=True, default="")
    # When the decision was served on the person, and in which language (ISO 639 code).
    served_on = models.DateField(null=True, blank=True)
    served_language = models.CharField(max_length=3, blank=True, default="")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.outcome}"


class Consent(models.Model):
    class Purpose(models.TextChoices):
        CASE_MANAGEMENT = "case_management", _("Case management")
        REFERRAL = "referral", _("Referral to a named organisation")
        STATISTICS = "statistics", _("Statistics")
        CONTACT = "contact", _("Being contacted")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    recipient = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    channel = models.CharField(max_length=20, blank=True, default="")
    given_by = models.CharField(max_length=24, choices=ConsentGiver.choices, default=ConsentGiver.PERSON)
    given_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(purpose="referral") | Q(recipient__isnull=False), name="referral_consent_names_recipient"
            ),
            models.CheckConstraint(
                condition=~Q(purpose="contact") | ~Q(channel=""), name="contact_consent_has_channel"
            ),
            models.UniqueConstraint(
                F("case"),
                F("purpose"),
                Coalesce("recipient", Value(0)),
                F("channel"),
                condition=Q(withdrawn_at__isnull=True),
                name="one_active_consent",
            ),
        ]

    def __str__(self) -> str:
        return f"consent {self.purpose}"


class Assessment(models.Model):
    class Kind(models.TextChoices):
        NEEDS = "needs", _("Needs assessment")
        RISK = "risk", _("Risk assessment")

    class Risk(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    needs = models.JSONField(default=list, blank=True)
    risk_level = models.CharField(max_length=8, choices=Risk.choices, blank=True, default="")
    notes = EncryptedTextField(blank=True, default="")  # a risk assessment's reasons
    # A risk assessment's safety plan (free text about the person: encrypted) and the day it is reviewed by.
    safety_plan = EncryptedTextField(blank=True, default="")
    review_on = models.DateField(null=True, blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["assessed_at"]

    def __str__(self) -> str:
        return f"{self.kind} assessment"


class Note(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    text = EncryptedTextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"note #{self.pk}"


class TimelineEntry(models.Model):
    """What happened to a case, for the people who work on it. Summaries carry codes and names of staff, never
    personal data of the victim (that stays in the encrypted fields)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at:%Y-%m-%d}"

    @property
    def label(self) -> str:
        return str(TIMELINE.get(self.kind, self.kind))


# --- Children ----------------------------------------------------------------------------------------------


class AgeAssessment(models.Model):
    """How old a person of uncertain age was found to be: a range of ages (no method gives one age), or a band.
    The benefit of the doubt: the lower end of the range decides the band, and only "adult" ends the presumption."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="age_assessments")
    method = models.CharField(max_length=16, choices=AgeMethod.choices)
    assessed_on = models.DateField()
    age_lower = models.PositiveSmallIntegerField(null=True, blank=True)
    age_upper = models.PositiveSmallIntegerField(null=True, blank=True)
    result_band = models.CharField(max_length=10, choices=AgeResult.choices)
    assessed_by_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    assessor_role = models.CharField(max_length=30, choices=AssessorRole.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["assessed_on", "recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(age_lower__isnull=True, age_upper__isnull=True)
                | Q(age_lower__isnull=False, age_upper__isnull=False, age_lower__lte=F("age_upper")),
                name="age_assessment_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(age_lower__isnull=True)
                | Q(age_lower__lt=18, result_band=AgeResult.UNDER_18)
                | Q(age_lower__gte=18, result_band=AgeResult.ADULT),
                name="age_assessment_lower_end_decides",
            ),
        ]

    def __str__(self) -> str:
        return f"age assessment {self.result_band}"


class Guardian(models.Model):
    """The guardian of an unaccompanied or separated child: who appointed them and when. Their name and contact
    are personal data, encrypted like the child's."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="guardians")
    name = EncryptedTextField()
    contact = EncryptedTextField(blank=True, default="")
    appointed_by = models.CharField(max_length=200, help_text="the authority that appointed the guardian")
    appointed_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["appointed_on", "recorded_at"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(ended_at__isnull=True), name="one_guardian_at_a_time")
        ]

    def __str__(self) -> str:
        return f"guardian #{self.pk}"  # never the name


class ChildViews(models.Model):
    """What the child said about a decision that concerns them, in their words (encrypted)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="child_views")
    about = models.CharField(max_length=20, choices=ViewsAbout.choices)
    views = EncryptedTextField()
    heard_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["heard_on", "recorded_at"]

    def __str__(self) -> str:
        return f"views about {self.about}"


class BestInterests(models.Model):
    """A best-interests assessment (BIA), or the determination (BID) of a durable solution that must come before
    any return, relocation or local integration of a child (UNHCR/UNICEF guidelines, 2021)."""

    class Kind(models.TextChoices):
        ASSESSMENT = "assessment", _("Best-interests assessment")
        DETERMINATION = "determination", _("Best-interests determination")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="best_interests")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    solution = models.CharField(max_length=20, choices=DurableSolution.choices, blank=True, default="")
    decided_on = models.DateField()
    # The body that assessed or determined: an organisation of the directory, or one named in words (a child
    # protection panel that is no organisation in Lantern). Never assumed to be the organisation holding the case.
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    body_name = models.CharField(max_length=200, blank=True, default="")
    reasons = EncryptedTextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_on", "recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="assessment", solution="") | (Q(kind="determination") & ~Q(solution="")),
                name="determination_names_solution",
            ),
            models.CheckConstraint(
                condition=(Q(organisation__isnull=False) & Q(body_name=""))
                | (Q(organisation__isnull=True) & ~Q(body_name="")),
                name="best_interests_names_one_body",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.solution}"

    @property
    def body(self) -> str:
        return self.organisation.name if self.organisation is not None else self.body_name


# --- The journey and the perpetrators (HTCDS hte_ and per_) ---------------------------------------------------


class JourneyEvent(models.Model):
    """One step of the person's journey (HTCDS "Historic Trafficking Events", hte_): where she was recruited, moved
    through, exploited, in order. The country, region and city are kept in clear so that routes can be counted;
    the street, postal code, coordinates and the description may point at a home or name people: encrypted."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="journey")
    position = models.PositiveSmallIntegerField()  # 1, 2, ... in the order of the journey
    kind = models.CharField(max_length=16, choices=EventType.choices)  # hte_Type
    country = models.CharField(max_length=2, blank=True, default="")  # hte_Country, ISO 3166
    region = models.CharField(max_length=100, blank=True, default="")  # hte_State
    city = models.CharField(max_length=100, blank=True, default="")  # hte_City
    street = EncryptedTextField(blank=True, default="")  # hte_Street
    postal_code = EncryptedTextField(blank=True, default="")  # hte_PostalCode
    latitude = EncryptedTextField(blank=True, default="")  # hte_Latitude, decimal degrees as text
    longitude = EncryptedTextField(blank=True, default="")  # hte_Longitude
    date_from = models.DateField(null=True, blank=True)  # hte_Date
    date_to = models.DateField(null=True, blank=True)  # Lantern's: the end of a stay, when it lasted
    transport = models.CharField(max_length=8, choices=Transport.choices, blank=True, default="")
    border_crossing = models.CharField(max_length=10, choices=BorderCrossing.choices, blank=True, default="")
    description = EncryptedTextField(blank=True, default="")  # hte_Description
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_to__isnull=True) | Q(date_from__isnull=False, date_from__lte=F("date_to")),
                name="journey_event_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.country}"


class Perpetrator(models.Model):
    """Someone who took part in trafficking the person (HTCDS per_, on a Person of its own). Statistics need no
    name: a name, when one is kept, is encrypted, and so is what is said of the role."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="perpetrators")
    position = models.PositiveSmallIntegerField()
    name = EncryptedTextField(blank=True, default="")
    gender = models.CharField(max_length=24, choices=Gender.choices, default=Gender.UNKNOWN)  # prs_Gender
    age_band = models.CharField(max_length=8, blank=True, default="")  # codes.AGE_BANDS
    citizenship = models.JSONField(default=list, blank=True)  # prs_Citizenship, ISO 3166 codes
    roles = models.JSONField(default=list, blank=True)  # per_RoleInProcess
    role_details = EncryptedTextField(blank=True, default="")  # per_RoleDetails
    relationship = models.CharField(max_length=16, choices=PerpetratorRelationship.choices, blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "position", "pk"]

    def __str__(self) -> str:
        return f"perpetrator #{self.pk}"  # never the name


# --- Foreign victims: residence permits, detention and removal (lantern.cases.residence) ---------------------


class PermitKind(models.TextChoices):
    REFLECTION = "reflection", _("Recovery and reflection period permit")
    VICTIM = "victim", _("Temporary residence permit as a victim")
    OTHER = "other", _("Other residence permit")


class PermitStatus(models.TextChoices):
    APPLIED = "applied", _("Applied for")
    GRANTED = "granted", pgettext_lazy("permit", "Granted")
    REFUSED = "refused", pgettext_lazy("permit", "Refused")
    EXPIRED = "expired", pgettext_lazy("permit", "Expired")
    RENEWAL_PENDING = "renewal_pending", _("Renewal pending")


class ResidencePermit(models.Model):
    """A residence permit of a foreign victim (Council of Europe Convention Arts 13-14). A renewal is a new permit
    that names the one it renews (`renews`): each period keeps its own dates and status."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="residence_permits")
    kind = models.CharField(max_length=12, choices=PermitKind.choices)
    status = models.CharField(max_length=16, choices=PermitStatus.choices, default=PermitStatus.APPLIED)
    applied_on = models.DateField()
    granted_on = models.DateField(null=True, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    renews = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="renewal", help_text="the permit renewed"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["applied_on", "recorded_at"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=PermitKind.values), name="permit_kind_known"),
            models.CheckConstraint(condition=Q(status__in=PermitStatus.values), name="permit_status_known"),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="permit_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=~Q(status="granted") | Q(granted_on__isnull=False, valid_until__isnull=False),
                name="granted_permit_has_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"permit {self.kind} {self.status}"


class PermitAlert(models.Model):
    """An expiry alert sent for a permit, once per threshold (the periodic job is safe to run twice)."""

    permit = models.ForeignKey(ResidencePermit, on_delete=models.CASCADE, related_name="alerts")
    threshold_days = models.PositiveSmallIntegerField()
    offices_closed = models.BooleanField(default=False)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["permit", "threshold_days"], name="permit_alert_once_per_threshold")
        ]

    def __str__(self) -> str:
        return f"permit alert {self.threshold_days}"


class RemovalKind(models.TextChoices):
    DETENTION = "detention", _("Immigration detention")
    REMOVAL_ORDER = "removal_order", _("Removal order")
    DEPORTATION = "deportation", _("Deportation scheduled")


class RemovalResolution(models.TextChoices):
    RELEASED = "released", _("Released")
    SUSPENDED = "suspended", _("Order suspended")
    WITHDRAWN = "withdrawn", _("Order withdrawn")
    CARRIED_OUT = "carried_out", _("Removal carried out")


class RemovalRisk(models.Model):
    """Detention or a removal order against the person: shown at the top of the case until it is resolved."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="removal_risks")
    kind = models.CharField(max_length=16, choices=RemovalKind.choices)
    ordered_on = models.DateField()
    authority = models.CharField(max_length=200)
    scheduled_on = models.DateField(null=True, blank=True, help_text="the day of the deportation")
    resolution = models.CharField(max_length=12, choices=RemovalResolution.choices, blank=True, default="")
    resolved_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-ordered_on", "-recorded_at"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=RemovalKind.values), name="removal_kind_known"),
            models.CheckConstraint(
                condition=Q(resolution="", resolved_on__isnull=True)
                | (Q(resolution__in=RemovalResolution.values) & Q(resolved_on__isnull=False)),
                name="removal_resolved_with_a_date",
            ),
            models.CheckConstraint(
                condition=~Q(kind="deportation") | Q(scheduled_on__isnull=False), name="deportation_has_a_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.resolution or 'open'}"


# --- Non-punishment (lantern.cases.non_punishment) ----------------------------------------------------------------


class OffenceKind(models.TextChoices):
    LOCKDOWN = "lockdown", _("Breach of lockdown or quarantine rules")
    IMMIGRATION = "immigration", _("Immigration offence")
    PROSTITUTION = "prostitution", _("Prostitution-related offence")
    DRUGS = "drugs", _("Drug-related offence")
    DOCUMENTS = "documents", _("Document fraud")
    OTHER = "other", _("Other offence")


class ChargeKind(models.TextChoices):
    CHARGE = "charge", _("Criminal charge")
    FINE = "fine", _("Fine")


class Charge(models.Model):
    """A charge or a fine against the person for an offence she may have been compelled to commit (Council of
    Europe Convention, Art. 26)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="charges")
    kind = models.CharField(max_length=8, choices=ChargeKind.choices)
    offence = models.CharField(max_length=16, choices=OffenceKind.choices)
    charged_on = models.DateField()
    authority = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True, default="", help_text="ISO 4217")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["charged_on", "recorded_at"]
        constraints = [
            models.CheckConstraint(condition=Q(offence__in=OffenceKind.values), name="charge_offence_known"),
            models.CheckConstraint(
                condition=Q(kind="charge", amount__isnull=True, currency="")
                | Q(kind="fine", amount__isnull=False, amount__gte=0) & ~Q(currency=""),
                name="fine_has_amount_and_currency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.offence}"


class RequestOutcome(models.TextChoices):
    PENDING = "pending", pgettext_lazy("non-punishment", "Pending")
    GRANTED = "granted", pgettext_lazy("non-punishment", "Granted")
    REFUSED = "refused", pgettext_lazy("non-punishment", "Refused")


class NonPunishmentRequest(models.Model):
    """A request that the person not be punished for an offence she was compelled to commit. Its grounds tell
    what was done to her: encrypted."""

    charge = models.ForeignKey(Charge, on_delete=models.CASCADE, related_name="requests")
    requested_on = models.DateField()
    addressed_to = models.CharField(max_length=200)
    grounds = EncryptedTextField()
    outcome = models.CharField(max_length=8, choices=RequestOutcome.choices, default=RequestOutcome.PENDING)
    decided_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["requested_on", "recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="pending", decided_on__isnull=True)
                | Q(outcome__in=["granted", "refused"], decided_on__isnull=False),
                name="request_decided_with_a_date",
            )
        ]

    def __str__(self) -> str:
        return f"non-punishment request {self.outcome}"


# --- Identification by first responders (lantern.cases.identification) -----------------------------------------


class IndicatorAnswer(models.TextChoices):
    YES = "yes", pgettext_lazy("indicator", "Observed")
    NO = "no", pgettext_lazy("indicator", "Not observed")
    UNKNOWN = "unknown", pgettext_lazy("indicator", "Not known")


class IndicatorChecklist(models.Model):
    """One filling-in of the indicator checklist on a case: who, for which organisation, when, and against which
    version of the checklist (`cases/indicators/`). Evidence for whoever decides, never a score."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="indicator_checklists")
    version = models.CharField(max_length=20)
    observed_on = models.DateField()
    filled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "pk"]
        indexes = [models.Index(fields=["case", "recorded_at"], name="checklist_case_recent")]

    def __str__(self) -> str:
        return f"indicator checklist #{self.pk}"


class IndicatorResponse(models.Model):
    """The answer to one indicator of a checklist, by its stable code."""

    checklist = models.ForeignKey(IndicatorChecklist, on_delete=models.CASCADE, related_name="responses")
    code = models.CharField(max_length=40)
    answer = models.CharField(max_length=8, choices=IndicatorAnswer.choices)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "code"], name="one_answer_per_indicator"),
            models.CheckConstraint(condition=Q(answer__in=["yes", "no", "unknown"]), name="indicator_answer_known"),
        ]

    def __str__(self) -> str:
        return f"{self.code}={self.answer}"


class AnonymousNotification(models.Model):
    """An adult who declines to enter the NRM, notified for the statistics only (the UK's duty to notify): the
    CTDC fields, no name, no contact, no free text, no link to a case or a person. Its identifier is random and it
    keeps the day it was recorded, not the moment: nothing in it orders it among the officer's other work
    (docs/privacy.md, "Anonymous notifications")."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    identified_on = models.DateField()
    gender = models.CharField(max_length=24, choices=Gender.choices, default=Gender.UNKNOWN)
    age_band = models.CharField(max_length=8, blank=True, default="")
    citizenship = models.CharField(max_length=2, blank=True, default="", help_text="ISO 3166 code")
    forms_of_exploitation = models.JSONField(default=list, blank=True)
    exploitation_country = models.CharField(max_length=2, blank=True, default="")
    exploitation_region = models.CharField(max_length=100, blank=True, default="")
    # Who recorded it is in the audit trail; the row keeps only the organisation (a first responder's list shows
    # her organisation's notifications, none of them a person).
    recorded_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["-recorded_on", "pk"]
        indexes = [
            models.Index(fields=["organisation", "-recorded_on"], name="notification_org_recent_day"),
            models.Index(fields=["identified_on"], name="notification_identified_on"),
        ]

    def __str__(self) -> str:
        return f"anonymous notification #{self.pk}"


# --- The individual assistance plan (HTCDS spl_*), services declined, mediators -----------------------------------


class AgreementWay(models.TextChoices):
    SIGNED = "signed", _("Signed by the person")
    ORAL = "oral", _("Agreed orally")
    INTERPRETER = "interpreter", _("Agreed through an interpreter")


class AssistancePlan(models.Model):
    """What the person and her caseworker agreed to work on: the objectives in her words, the actions, and the day
    it is reviewed. Without the person's agreement recorded the plan is a draft."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="plan")
    objectives = EncryptedTextField()  # free text about the person
    next_review_on = models.DateField(null=True, blank=True)
    agreed_on = models.DateField(null=True, blank=True)
    agreed_how = models.CharField(max_length=12, choices=AgreementWay.choices, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"plan of case #{self.case_id}"

    @property
    def is_draft(self) -> bool:
        return self.agreed_on is None


class PlanAction(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("Under way")
        DONE = "done", _("Done")
        STOPPED = "stopped", _("Stopped")

    plan = models.ForeignKey(AssistancePlan, on_delete=models.CASCADE, related_name="actions")
    service_type = models.CharField(max_length=40)
    planned_end = models.DateField(null=True, blank=True)
    actual_end = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    stop_reason = EncryptedTextField(blank=True, default="")  # why it stopped: it speaks of the person
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.service_type} ({self.status})"


class PlanReview(models.Model):
    plan = models.ForeignKey(AssistancePlan, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changes = EncryptedTextField()  # what changed, in free text: it speaks of the person
    with_person = models.BooleanField(default=True)

    class Meta:
        ordering = ["reviewed_on", "pk"]

    def __str__(self) -> str:
        return f"review {self.reviewed_on}"


class ServiceDeclined(models.Model):
    """The person said no to a service (assistance is consensual: Council of Europe Convention Art. 12(7)). While
    it stands, the minimum-package check does not flag the service for her."""

    # How many open actions of the plan the decline stopped, as recorded (not a column: the timeline keeps it).
    actions_stopped: int = 0

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="declined_services")
    service_type = models.CharField(max_length=40)
    declined_on = models.DateField()
    reason = EncryptedTextField(blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True, help_text="she asked for the service after all")

    class Meta:
        ordering = ["declined_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "service_type"], condition=Q(withdrawn_at__isnull=True), name="one_standing_decline"
            )
        ]

    def __str__(self) -> str:
        return f"declined {self.service_type}"


class MediatorAssignment(models.Model):
    """A cultural mediator or an interpreter who works with the person on the case: an organisation of the directory
    or a named member of staff, for a span of days."""

    class Kind(models.TextChoices):
        INTERPRETER = "interpreter", _("Interpreter")
        MEDIATOR = "mediator", _("Cultural mediator")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="mediators")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    language = models.CharField(max_length=3, blank=True, default="")
    from_on = models.DateField()
    to_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["from_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=True, staff__isnull=False)
                | Q(organisation__isnull=False, staff__isnull=True),
                name="mediator_is_organisation_or_staff",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} on case #{self.case_id}"
