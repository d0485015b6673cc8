"""Courts, the proceedings a case is part of, the protective measures a survivor has in them, and hearings: when
(time-zone aware, stored in UTC), where, how (in person, remote, hybrid), and what became of them (held,
postponed with a reason and a new date, or cancelled), including the crisis measure that postponed them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lantern.cases.models import Case, Perpetrator
from lantern.core.fields import EncryptedTextField
from lantern.core.models import Organisation
from lantern.crisis.models import Measure


class Court(models.Model):
    """A court, and where it sits: its region decides which court suspensions cover it, its time zone how its
    hearing times are typed and shown. Its clerks are the members (role justice) of its registry organisation."""

    name = models.CharField(max_length=200, unique=True)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
    region = models.CharField(max_length=100)
    time_zone = models.CharField(max_length=64, help_text="IANA name, e.g. Europe/Athens")
    registry = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="courts", help_text="the clerks"
    )

    class Meta:
        ordering = ["country", "region", "name"]
        indexes = [models.Index(fields=["country", "region"])]
        constraints = [
            models.CheckConstraint(condition=~Q(time_zone=""), name="court_has_time_zone"),
            models.CheckConstraint(condition=~Q(region=""), name="court_has_region"),
        ]

    def __str__(self) -> str:
        return self.name


class ProceedingKind(models.TextChoices):
    INVESTIGATION = "investigation", _("Investigation")
    PROSECUTION = "prosecution", _("Prosecution")
    TRIAL = "trial", _("Trial")
    APPEAL = "appeal", _("Appeal")
    CIVIL_CLAIM = "civil_claim", _("Civil claim")
    COMPENSATION = "compensation", _("Compensation claim")


class SurvivorRole(models.TextChoices):
    WITNESS = "witness", _("Witness")
    INJURED_PARTY = "injured_party", _("Injured party")
    CIVIL_CLAIMANT = "civil_claimant", _("Civil claimant")


class Proceeding(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="proceedings")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="proceedings", help_text="in charge (the prosecution)"
    )
    kind = models.CharField(max_length=16, choices=ProceedingKind.choices)
    survivor_role = models.CharField(max_length=16, choices=SurvivorRole.choices)
    opened_on = models.DateField(default=timezone.localdate)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    closed_on = models.DateField(null=True, blank=True, help_text="set when every defendant has an outcome")
    # The survivor's legal representative: an organisation of the directory (legal aid, an NGO's lawyers) and/or a
    # named lawyer, whose name is kept encrypted like every other name in Lantern.
    representative_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="represented_proceedings"
    )
    representative_lawyer = EncryptedTextField(blank=True, default="")

    class Meta:
        ordering = ["opened_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ProceedingKind.values), name="proceeding_kind_known"),
            models.CheckConstraint(condition=Q(survivor_role__in=SurvivorRole.values), name="proceeding_role_known"),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")), name="proceeding_closes_later"
            ),
        ]

    def __str__(self) -> str:
        return f"proceeding #{self.pk} ({self.kind})"


class Outcome(models.TextChoices):
    CONVICTION = "conviction", _("Conviction")
    ACQUITTAL = "acquittal", _("Acquittal")
    DISMISSED = "dismissed", _("Case dismissed")
    WITHDRAWN = "withdrawn", _("Charges withdrawn")
    OTHER = "other", pgettext_lazy("outcome", "Other outcome")


class Defendant(models.Model):
    """One defendant of a proceeding, and what the proceeding decided for them. A defendant is a number within the
    proceeding ("Defendant 2"), never a name: Lantern holds the survivor's data, not the perpetrators', and a free
    text field here would soon hold names."""

    proceeding = models.ForeignKey(Proceeding, on_delete=models.PROTECT, related_name="defendants")
    number = models.PositiveSmallIntegerField()
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True, default="")
    outcome_on = models.DateField(null=True, blank=True)
    # The perpetrator the case records (HTCDS per_) this defendant is, when the prosecution knows: optional, of the
    # same case, once per proceeding. The link carries no name; who may read the case reads the perpetrator's.
    perpetrator = models.ForeignKey(Perpetrator, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)

    class Meta:
        ordering = ["proceeding", "number"]
        constraints = [
            models.UniqueConstraint(fields=["proceeding", "number"], name="defendant_number_once"),
            models.UniqueConstraint(fields=["proceeding", "perpetrator"], name="defendant_perpetrator_once"),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=Outcome.values), name="defendant_outcome_known"
            ),
            # An outcome has its date, and no date stands without one.
            models.CheckConstraint(
                condition=(Q(outcome="") & Q(outcome_on__isnull=True)) | (~Q(outcome="") & Q(outcome_on__isnull=False)),
                name="defendant_outcome_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"defendant {self.number} of proceeding #{self.proceeding_id}"


class Payer(models.TextChoices):
    OFFENDER = "offender", _("The offender")
    STATE_FUND = "state_fund", _("State compensation fund")


class FundClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("fund claim", "Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    GRANTED = "granted", pgettext_lazy("fund claim", "Granted")
    REFUSED = "refused", pgettext_lazy("fund claim", "Refused")


class Compensation(models.Model):
    """A claim for compensation of the survivor in a proceeding, against the offender (ordered by the court) or the
    state fund (a claim with its own status), and what became of it: the amount claimed, awarded and paid so far,
    in one currency (ISO 4217), with their dates."""

    proceeding = models.ForeignKey(Proceeding, on_delete=models.PROTECT, related_name="compensations")
    payer = models.CharField(max_length=10, choices=Payer.choices)
    currency = models.CharField(max_length=3, help_text="ISO 4217")
    claimed = models.DecimalField(max_digits=14, decimal_places=2)
    claimed_on = models.DateField()
    awarded = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    awarded_on = models.DateField(null=True, blank=True)
    paid = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    last_paid_on = models.DateField(null=True, blank=True)
    fund_status = models.CharField(max_length=12, choices=FundClaimStatus.choices, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)

    class Meta:
        ordering = ["claimed_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(payer__in=Payer.values), name="compensation_payer_known"),
            models.CheckConstraint(condition=Q(claimed__gt=0), name="compensation_claimed_positive"),
            models.CheckConstraint(
                condition=(Q(awarded__isnull=True) & Q(awarded_on__isnull=True))
                | (Q(awarded__gte=0) & Q(awarded_on__gte=F("claimed_on"))),
                name="compensation_award_dated",
            ),
            # Never more paid than awarded, and nothing paid before an award.
            models.CheckConstraint(
                condition=(Q(awarded__isnull=True) & Q(paid=0)) | Q(paid__gte=0, paid__lte=F("awarded")),
                name="compensation_paid_within_award",
            ),
            models.CheckConstraint(
                condition=(Q(paid=0) & Q(last_paid_on__isnull=True))
                | (Q(paid__gt=0) & Q(last_paid_on__gte=F("awarded_on"))),
                name="compensation_payment_dated",
            ),
            # A state-fund claim has a status; an order against the offender has none.
            models.CheckConstraint(
                condition=(Q(payer="state_fund") & Q(fund_status__in=FundClaimStatus.values))
                | (Q(payer="offender") & Q(fund_status="")),
                name="compensation_fund_status",
            ),
        ]

    def __str__(self) -> str:
        return f"compensation #{self.pk} ({self.payer})"

    @property
    def outstanding(self) -> object:
        return (self.awarded - self.paid) if self.awarded is not None else None


class Protection(models.TextChoices):
    REMOTE_TESTIMONY = "remote_testimony", _("Remote testimony")
    SCREEN = "screen", _("Screen from the defendant")
    CLOSED_HEARING = "closed_hearing", _("Closed hearing")
    SUPPORT_PERSON = "support_person", _("Support person")
    INTERPRETER = "interpreter", _("Interpreter")
    # Council of Europe Convention on Action against Trafficking in Human Beings, Art. 28 and 30.
    VIDEO_INTERVIEW = "video_interview", _("Video-recorded interview")
    ANONYMITY = "anonymity", _("Anonymity of the witness")
    PROTECTION_ORDER = "protection_order", _("Protection order")
    WITNESS_PROTECTION = "witness_protection", _("Witness protection programme")
    IDENTITY_CHANGE = "identity_change", _("Change of identity")
    RELOCATION = "relocation", _("Relocation")
    NO_CONTACT = "no_contact", _("No direct contact with the defendant")


class MeasureStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    GRANTED = "granted", pgettext_lazy("measure", "Granted")
    REFUSED = "refused", pgettext_lazy("measure", "Refused")


class ProtectiveMeasure(models.Model):
    """What protects the survivor in a proceeding, requested, then granted or refused (each with its date); an
    interpreter always has a language."""

    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="protective_measures")
    kind = models.CharField(max_length=20, choices=Protection.choices)
    language = models.CharField(max_length=3, blank=True, default="", help_text="ISO 639-1, for an interpreter")
    status = models.CharField(max_length=10, choices=MeasureStatus.choices, default=MeasureStatus.GRANTED)
    requested_on = models.DateField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["proceeding", "kind", "language"], name="protective_measure_once"),
            models.CheckConstraint(condition=Q(kind__in=Protection.values), name="protective_measure_known"),
            models.CheckConstraint(
                condition=Q(status__in=MeasureStatus.values), name="protective_measure_status_known"
            ),
            # A request waits for its decision; a decision is dated, and not before the request.
            models.CheckConstraint(
                condition=(Q(status="requested") & Q(decided_on__isnull=True))
                | (~Q(status="requested") & Q(decided_on__isnull=False)),
                name="protective_measure_decision_dated",
            ),
            models.CheckConstraint(
                condition=Q(requested_on__isnull=True)
                | Q(decided_on__isnull=True)
                | Q(decided_on__gte=F("requested_on")),
                name="protective_measure_decided_after_request",
            ),
            models.CheckConstraint(
                condition=(Q(kind="interpreter") & ~Q(language="")) | (~Q(kind="interpreter") & Q(language="")),
                name="interpreter_has_language",
            ),
        ]

    def __str__(self) -> str:
        return self.kind


class Mode(models.TextChoices):
    IN_PERSON = "in_person", pgettext_lazy("justice", "In person")
    REMOTE = "remote", _("Remote")
    HYBRID = "hybrid", _("Hybrid")


class HearingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    POSTPONED = "postponed", _("Postponed")
    CANCELLED = "cancelled", _("Cancelled")


class PostponementReason(models.TextChoices):
    COURT_SUSPENSION = "court_suspension", _("Court suspended by a crisis measure")
    ILLNESS = "illness", _("Illness of a party")
    WITNESS_UNAVAILABLE = "witness_unavailable", _("A witness could not attend")
    INTERPRETER_UNAVAILABLE = "interpreter_unavailable", _("No interpreter available")
    DEFENCE_REQUEST = "defence_request", _("Request of the defence")
    COURT_SCHEDULE = "court_schedule", _("Court schedule")
    REMOTE_NOT_READY = "remote_not_ready", _("Remote hearing not possible")
    OTHER = "other", _("Other reason")


class CancellationReason(models.TextChoices):
    """Why a hearing was cancelled, when Lantern cancelled it (a clerk's cancellation has no code)."""

    PROCEEDING_CONCLUDED = "proceeding_concluded", _("Proceeding concluded")


class Hearing(models.Model):
    """One hearing. Postponed, it keeps the date it had (`starts_at`) and gets a new date when it is rescheduled
    (`new_starts_at`); the hearing at the new date is a new row that `follows` it, so the history stays."""

    proceeding = models.ForeignKey(Proceeding, on_delete=models.PROTECT, related_name="hearings")
    court = models.ForeignKey(Court, on_delete=models.PROTECT, related_name="hearings")
    starts_at = models.DateTimeField(help_text="UTC")
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.IN_PERSON)
    status = models.CharField(max_length=10, choices=HearingStatus.choices, default=HearingStatus.SCHEDULED)
    postponement_reason = models.CharField(max_length=24, choices=PostponementReason.choices, blank=True, default="")
    postponed_at = models.DateTimeField(null=True, blank=True)
    postponed_by_measure = models.ForeignKey(
        Measure, on_delete=models.PROTECT, null=True, blank=True, related_name="postponed_hearings"
    )
    new_starts_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.CharField(max_length=24, choices=CancellationReason.choices, blank=True, default="")
    follows = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="followed_by")
    scheduled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["court", "status", "starts_at"]),
            models.Index(fields=["postponed_by_measure", "status"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=HearingStatus.values), name="hearing_status_known"),
            models.CheckConstraint(condition=Q(mode__in=Mode.values), name="hearing_mode_known"),
            models.CheckConstraint(
                condition=Q(postponement_reason="") | Q(postponement_reason__in=PostponementReason.values),
                name="hearing_reason_known",
            ),
            # A postponed hearing says why and since when; a hearing never postponed has neither.
            models.CheckConstraint(
                condition=(Q(status="postponed") & ~Q(postponement_reason="") & Q(postponed_at__isnull=False))
                | (~Q(status="postponed") & Q(new_starts_at__isnull=True) & Q(postponed_by_measure__isnull=True))
                | Q(status="cancelled"),
                name="hearing_postponement_complete",
            ),
            models.CheckConstraint(
                condition=Q(new_starts_at__isnull=True) | Q(new_starts_at__gt=F("starts_at")),
                name="hearing_new_date_later",
            ),
            models.CheckConstraint(
                condition=Q(postponed_by_measure__isnull=True) | Q(postponement_reason="court_suspension"),
                name="hearing_measure_means_suspension",
            ),
            # One proceeding is not heard twice at the same moment.
            models.UniqueConstraint(
                fields=["proceeding", "starts_at"], condition=Q(status="scheduled"), name="one_hearing_per_slot"
            ),
        ]

    def __str__(self) -> str:
        return f"hearing #{self.pk} ({self.status})"


class CalendarFeed(models.Model):
    """An iCalendar feed a calendar application subscribes to: the hearings of one court (for its clerks), or those
    of one prosecutor's proceedings. Calendar applications cannot sign in, so the address carries a secret; only
    its SHA-256 is stored, and a revoked feed answers 404. What the feed may show is decided again on every fetch
    from the permissions its owner has then, and it holds references only, never a name."""

    token_hash = models.CharField(max_length=64, unique=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    court = models.ForeignKey(Court, on_delete=models.PROTECT, null=True, blank=True, related_name="feeds")
    language = models.CharField(max_length=8, default="en", help_text="of the labels in the feed")
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=~Q(token_hash=""), name="calendar_feed_has_token")]

    def __str__(self) -> str:
        return f"calendar feed #{self.pk}"

    @property
    def is_court_feed(self) -> bool:
        return self.court_id is not None
