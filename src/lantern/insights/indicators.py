"""The registry of indicators: the one place that lists them, with their label, definition and unit, the
disaggregations they carry, and the aggregate queries that compute them (in the database, never by looping over
cases in Python).

Every query returns cells as dictionaries with the keys of `lantern.insights.models.IndicatorValue` (period,
region, organisation_id, the disaggregations it uses, numerator, denominator). Two kinds of period exist:
- flow indicators count what happened in a month (cases identified, referrals sent, stays ended) and are
  recomputed for the months whose source rows changed;
- stock indicators measure a state at the end of a month (beds occupied, capacity lost); those whose history the
  database keeps (bed assignments, status changes) are recomputed like flows, the others (snapshots) are measured
  for the current month only and keep, month after month, what earlier refreshes measured.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import (
    Case as SqlCase,
)
from django.db.models import (
    CharField,
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lantern.cases.codes import CaseStatus, MinorityBasis, ReopenReason
from lantern.cases.identification.selectors import notifications_in_scope
from lantern.cases.models import Case, Decision, Guardian, Reopening, ReturnPlan, Stage, TimelineEntry
from lantern.core.models import OrganisationType
from lantern.crisis.selectors import active_crises, minimum_package
from lantern.justice.models import Compensation, Hearing, HearingStatus, Proceeding
from lantern.justice.selectors import backlog
from lantern.providers.models import Offering, StatusChange
from lantern.referrals.models import MEETS_NEED, Referral
from lantern.shelters.models import Bed, BedAssignment, Stay

Cell = dict[str, Any]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # "changed since the epoch": every month that has data
NUMERATOR_ONLY_DIMENSIONS = ("platform",)
DIMENSIONS = ("sex", "age_band", "form", "border", "platform", "child", "disability", "at_risk")

# The options of the dimensions computed here (the others are the cases' own codes). A child is a child by birth
# date or age assessment; a person of unknown age who may be a child is presumed one (cases.minority.decide, kept in
# `Case.is_minor` and `Case.minority_basis`) and counted apart; unknown: nothing says either.
CHILD = "child"
PRESUMED_CHILD = "presumed_child"
ADULT = "adult"
# A list of codes recorded (disability domains, at-risk groups): one of them, several, asked and none, not asked.
WITH_DISABILITY = "disability"
MULTIPLE_GROUPS = "multiple"
NONE = "none"
NOT_ASKED = "not_asked"


class Unit:
    CASES = "cases"
    PERCENT = "percent"
    DAYS = "days"
    PEOPLE = "people"
    RATIO = "ratio"
    HEARINGS = "hearings"
    PROCEEDINGS = "proceedings"


UNIT_LABELS: dict[str, Promise] = {
    Unit.CASES: _("cases"),
    Unit.PERCENT: _("percent"),
    Unit.DAYS: _("days"),
    Unit.PEOPLE: _("people"),
    Unit.RATIO: _("cases per caseworker"),
    Unit.HEARINGS: _("hearings"),
    Unit.PROCEEDINGS: _("proceedings"),
}


@dataclass(frozen=True)
class Since:
    """How far an earlier refresh read: the moment, and the highest id of each source table then (rows imported
    in bulk with dates in the past, like generated cases, are found by their id)."""

    at: datetime
    ids: dict[str, int] = field(default_factory=dict)

    def after_id(self, source: str) -> int:
        return self.ids.get(source, 0)


ALL = Since(EPOCH)


def high_ids() -> dict[str, int]:
    """The highest id of each source table whose new rows an incremental refresh looks for."""
    sources: tuple[tuple[str, Any], ...] = (
        ("case", Case),
        ("referral", Referral),
        ("stay", Stay),
        ("hearing", Hearing),
        ("proceeding", Proceeding),
        ("compensation", Compensation),
        ("reopening", Reopening),
    )
    return {label: model.objects.order_by().aggregate(high=Max("pk"))["high"] or 0 for label, model in sources}


@dataclass(frozen=True)
class Indicator:
    code: str
    label: Promise
    definition: Promise
    unit: str
    # "count": the numerator; "share": numerator / denominator in percent; "mean": numerator / denominator
    kind: str
    disaggregations: tuple[str, ...] = ()
    compute: Callable[[list[date], datetime], Iterable[Cell]] | None = None
    # The months whose source rows changed since a moment (the checkpoint); None: the open periods only.
    changed: Callable[[Since], set[date]] | None = None
    snapshot: bool = False  # measured for the current month only
    source: str = ""  # the app the indicator reads
    # The parts that count people (cases, people, referrals, stays, hearings), subject to the small-cell rule: an
    # average of days has no count of people above the line but one below it (the cases or stays averaged over).
    people: tuple[str, ...] = ("numerator", "denominator")

    @property
    def counts_people(self) -> bool:
        return bool(self.people)

    @property
    def available(self) -> bool:
        return self.compute is not None

    @property
    def margins(self) -> tuple[str, ...]:
        """The grains written besides the full cells: the total and each disaggregation alone (none when the
        cells are already the total, or are kept apart by a numerator-only disaggregation)."""
        if not self.disaggregations or self.split_by:
            return ()
        return ("total", *self.disaggregations)

    @property
    def split_by(self) -> str:
        return next((d for d in self.disaggregations if d in NUMERATOR_ONLY_DIMENSIONS), "")

    def grain(self, by: str = "") -> str:
        """The grain of the rows that answer a question by one disaggregation (or none)."""
        if self.split_by:
            return "cell"
        if not self.disaggregations:
            return "total"
        return by or "total"


# --- Periods ------------------------------------------------------------------------------------------------


def month_of(day: date) -> date:
    return date(day.year, day.month, 1)


def next_month(period: date) -> date:
    return date(period.year + (period.month == 12), period.month % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    periods, period = [], month_of(first)
    while period <= last:
        periods.append(period)
        period = next_month(period)
    return periods


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day when it is shorter: 31 May less 3 months is 28 or 29
    February)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def month_end(period: date, now: datetime) -> datetime:
    """The moment a stock indicator is measured for a month: its last instant, or now for the current month."""
    last = date(period.year, period.month, calendar.monthrange(period.year, period.month)[1])
    return min(datetime.combine(last, time.max, tzinfo=UTC), now)


def _ranges(periods: list[date]) -> list[tuple[date, date]]:
    """Contiguous runs of months as [start, end) date ranges, so a query filters on a few ranges, not on months."""
    runs: list[tuple[date, date]] = []
    for period in sorted(periods):
        if runs and runs[-1][1] == period:
            runs[-1] = (runs[-1][0], next_month(period))
        else:
            runs.append((period, next_month(period)))
    return runs


def in_periods(field_name: str, periods: list[date], *, datetime_field: bool = False) -> Q:
    condition = Q(pk__in=[])
    for start, end in _ranges(periods):
        if datetime_field:
            condition |= Q(
                **{
                    f"{field_name}__gte": datetime.combine(start, time.min, tzinfo=UTC),
                    f"{field_name}__lt": datetime.combine(end, time.min, tzinfo=UTC),
                }
            )
        else:
            condition |= Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end})
    return condition


def _months(rows: QuerySet[Any], field_name: str, *, datetime_field: bool = False) -> set[date]:
    """The distinct months of a date or datetime column, computed by the database."""
    month = _month(field_name) if datetime_field else TruncMonth(field_name)
    values = rows.order_by().annotate(month=month).values_list("month", flat=True).distinct()
    return {month_of(value) for value in values if value is not None}


def _month(field_name: str) -> TruncMonth:
    return TruncMonth(field_name, output_field=DateField(), tzinfo=UTC)


# --- Cases ----------------------------------------------------------------------------------------------------


def _cases() -> QuerySet[Any]:
    return Case.objects.order_by()


def _child_or_adult(case: str = "") -> SqlCase:
    """A case's option of the child dimension, as the case registry decided it (`cases.minority.decide`); `case`
    is the path to the case from the rows counted (`case__`), empty when they are the cases."""
    return SqlCase(
        When(**{f"{case}is_minor": False}, then=Value(ADULT)),
        When(**{f"{case}is_minor": True, f"{case}minority_basis": MinorityBasis.PRESUMED}, then=Value(PRESUMED_CHILD)),
        When(**{f"{case}is_minor": True}, then=Value(CHILD)),
        default=Value(""),
        output_field=CharField(),
    )


def _case_cells(periods: list[date]) -> QuerySet[Any]:
    """Cases identified in the periods, with the month and the disaggregations as columns."""
    return (
        _cases()
        .filter(in_periods("identified_on", periods))
        .annotate(
            period=TruncMonth("identified_on"),
            first_form=KT("forms_of_exploitation__0"),
            second_form=KT("forms_of_exploitation__1"),
            first_domain=KT("disability_domains__0"),
            first_group=KT("at_risk_groups__0"),
            second_group=KT("at_risk_groups__1"),
        )
        .annotate(
            form=SqlCase(
                When(second_form__isnull=False, then=Value("Multiple")),
                default=Coalesce("first_form", Value(""), output_field=CharField()),
                output_field=CharField(),
            ),
            border=SqlCase(
                When(is_cross_border=True, then=Value("cross_border")),
                When(is_cross_border=False, then=Value("domestic")),
                default=Value(""),
                output_field=CharField(),
            ),
            sex=F("person__gender"),
            region=F("exploitation_region"),
            child=_child_or_adult(),
            disability=SqlCase(
                When(first_domain__isnull=False, then=Value(WITH_DISABILITY)),
                When(disability_asked=True, then=Value(NONE)),
                default=Value(NOT_ASKED),
                output_field=CharField(),
            ),
            at_risk=SqlCase(
                When(second_group__isnull=False, then=Value(MULTIPLE_GROUPS)),
                When(first_group__isnull=False, then=F("first_group")),
                When(at_risk_asked=True, then=Value(NONE)),
                default=Value(NOT_ASKED),
                output_field=CharField(),
            ),
        )
    )


def _cases_changed(since: Since) -> set[date]:
    """Months of identification of the cases added or changed since (every change writes the timeline), and of
    the anonymous notifications recorded since (they are never changed)."""
    cases = _cases()
    notifications = notifications_in_scope(None)
    if since.at > EPOCH:
        changed = TimelineEntry.objects.filter(at__gte=since.at).values("case_id")
        cases = cases.filter(Q(pk__gt=since.after_id("case")) | Q(pk__in=changed))
        # A notification keeps the day it was recorded, not the moment (docs/privacy.md): the whole day is read
        # again, which recounts a month at most once more.
        notifications = notifications.filter(recorded_on__gte=timezone.localdate(since.at))
    return _months(cases, "identified_on") | _months(notifications, "identified_on")


def _notification_cells(periods: list[date]) -> QuerySet[Any]:
    """Adults who declined the NRM, notified anonymously, in the same columns as the cases: counted with them."""
    return (
        notifications_in_scope(None)
        .order_by()
        .filter(in_periods("identified_on", periods))
        .annotate(
            period=TruncMonth("identified_on"),
            first_form=KT("forms_of_exploitation__0"),
            second_form=KT("forms_of_exploitation__1"),
        )
        .annotate(
            form=SqlCase(
                When(second_form__isnull=False, then=Value("Multiple")),
                default=Coalesce("first_form", Value(""), output_field=CharField()),
                output_field=CharField(),
            ),
            border=SqlCase(
                When(Q(citizenship="") | Q(exploitation_country=""), then=Value("")),
                When(citizenship=F("exploitation_country"), then=Value("domestic")),
                default=Value("cross_border"),
                output_field=CharField(),
            ),
            sex=F("gender"),
            region=F("exploitation_region"),
            # Only adults are notified anonymously; the notification records no disability nor at-risk group.
            child=Value(ADULT, output_field=CharField()),
            disability=Value(NOT_ASKED, output_field=CharField()),
            at_risk=Value(NOT_ASKED, output_field=CharField()),
        )
    )


def new_cases(periods: list[date], now: datetime) -> Iterable[Cell]:
    """Cases and anonymous notifications, counted in one query (a UNION of the two aggregates; a cell both have
    is added up here)."""
    columns = ("period", "region", "organisation_id", "sex", "age_band", "form", "border", "child", "disability",
               "at_risk")  # fmt: skip
    cases = _case_cells(periods).values(*columns).annotate(numerator=Count("id"))
    notified = _notification_cells(periods).values(*columns).annotate(numerator=Count("id"))
    counts: dict[tuple[Any, ...], int] = {}
    for row in cases.union(notified, all=True):
        key = tuple(row[name] for name in columns)
        counts[key] = counts.get(key, 0) + row["numerator"]
    return ({**dict(zip(columns, key, strict=True)), "numerator": n, "denominator": None} for key, n in counts.items())


def _share_of_cases(condition: Q) -> Callable[[list[date], datetime], Iterable[Cell]]:
    def compute(periods: list[date], now: datetime) -> Iterable[Cell]:
        return (
            _case_cells(periods)
            .values("period", "region", "organisation_id", "sex", "age_band", "child")
            .annotate(numerator=Count("id", filter=condition), denominator=Count("id"))
        )

    return compute


def recruited_online_by_platform(periods: list[date], now: datetime) -> Iterable[Cell]:
    """Cases recruited on each platform (the first one recorded), over all the cases of the same cell. Every cell
    carries a row for every platform (0 where none), so that a platform's share summed over cells divides by all
    their cases."""
    cells = _case_cells(periods)
    totals = {
        (row["period"], row["region"], row["organisation_id"]): row["n"]
        for row in cells.values("period", "region", "organisation_id").annotate(n=Count("id"))
    }
    online = {
        (row["period"], row["region"], row["organisation_id"], row["platform"]): row["n"]
        for row in cells.filter(recruited_online=True)
        .annotate(platform=Coalesce(KT("recruitment_platforms__0"), Value("Other"), output_field=CharField()))
        .values("period", "region", "organisation_id", "platform")
        .annotate(n=Count("id"))
    }
    platforms = sorted({key[3] for key in online})
    for (period, region, organisation_id), total in totals.items():
        for platform in platforms:
            yield {
                "period": period,
                "region": region,
                "organisation_id": organisation_id,
                "platform": platform,
                "numerator": online.get((period, region, organisation_id, platform), 0),
                "denominator": total,
            }


def _json_list_has(field_name: str, value: str) -> Q:
    """The JSON list holds the value. JSON containment is not portable (SQLite has none); the list's JSON text
    holding the quoted value is, since the values are codes without quotes."""
    return Q(**{f"{field_name}__icontains": value})


# --- The speed of the national referral mechanism ----------------------------------------------------------------


def _first_decision(kind: str) -> Subquery:
    """The day of the case's first decision of this kind (positive or negative: the first answer the person had)."""
    return Subquery(
        Decision.objects.filter(case=OuterRef("pk"), kind=kind)
        .order_by()
        .values("case")
        .annotate(first=Min("decided_on"))
        .values("first")[:1],
        output_field=DateField(),
    )


def _days(total: Any) -> float:
    """A sum of date differences in days: a duration (PostgreSQL) or microseconds (SQLite)."""
    seconds = total.total_seconds() if isinstance(total, timedelta) else float(total or 0) / 1e6
    return max(0.0, seconds / 86400)


def _nrm_step(kind: str) -> QuerySet[Any]:
    """Cases with the day they reached a step of the mechanism (`done`): referred to the competent authority, or
    its first reasonable- or conclusive-grounds decision."""
    done = F("referred_on") if kind == "referral" else _first_decision(kind)
    return _cases().annotate(done=done).filter(done__isnull=False)


def _nrm_days(kind: str) -> Callable[[list[date], datetime], Iterable[Cell]]:
    def compute(periods: list[date], now: datetime) -> Iterable[Cell]:
        rows = (
            _nrm_step(kind)
            .filter(in_periods("done", periods))
            .annotate(
                period=TruncMonth("done", output_field=DateField()),
                region=F("exploitation_region"),
                wait=ExpressionWrapper(F("done") - F("identified_on"), output_field=DurationField()),
            )
            .values("period", "region", "organisation_id")
            .annotate(total=Sum("wait"), denominator=Count("id"))
        )
        for row in rows:
            yield {**row, "numerator": _days(row.pop("total"))}

    return compute


def reasonable_grounds_in_time(periods: list[date], now: datetime) -> Iterable[Cell]:
    """Of the first reasonable-grounds decisions taken in the month, those taken by the statutory deadline."""
    return (
        _nrm_step(Decision.Kind.REASONABLE_GROUNDS)
        .filter(in_periods("done", periods))
        .annotate(period=TruncMonth("done", output_field=DateField()), region=F("exploitation_region"))
        .values("period", "region", "organisation_id")
        .annotate(
            numerator=Count("id", filter=Q(done__lte=F("reasonable_grounds_due"))),
            denominator=Count("id"),
        )
    )


def _nrm_changed(kind: str) -> Callable[[Since], set[date]]:
    """The months of the step for the cases added or changed since (a referral and a decision write the timeline)."""

    def changed(since: Since) -> set[date]:
        cases = _nrm_step(kind)
        if since.at > EPOCH:
            touched = TimelineEntry.objects.filter(at__gte=since.at).values("case_id")
            cases = cases.filter(Q(pk__gt=since.after_id("case")) | Q(pk__in=touched))
        return _months(cases, "done")

    return changed


# --- Referrals ---------------------------------------------------------------------------------------------------


def _referrals() -> QuerySet[Any]:
    return Referral.objects.order_by()


def _referral_changes(since: Since) -> Q:
    return (
        Q(pk__gt=since.after_id("referral"))
        | Q(created_at__gte=since.at)
        | Q(responded_at__gte=since.at)
        | Q(started_at__gte=since.at)
        | Q(completed_at__gte=since.at)
        | Q(closed_at__gte=since.at)
    )


def _referrals_changed(since: Since) -> set[date]:
    changed = _referrals().filter(_referral_changes(since))
    return _months(changed, "created_at", datetime_field=True)


def referrals_overdue(periods: list[date], now: datetime) -> Iterable[Cell]:
    """Referrals sent in the month that were answered after their deadline, or are still unanswered past it."""
    late = Q(responded_at__gt=F("respond_by")) | Q(responded_at__isnull=True, respond_by__lt=now, status="pending")
    return (
        _referrals()
        .filter(in_periods("created_at", periods, datetime_field=True))
        .annotate(period=_month("created_at"), region=F("case__exploitation_region"), organisation_id=F("sender_id"))
        .values("period", "region", "organisation_id")
        .annotate(numerator=Count("id", filter=late), denominator=Count("id"))
    )


def _first_service() -> Subquery:
    return Subquery(
        _referrals()
        .filter(case=OuterRef("pk"), status__in=MEETS_NEED, responded_at__isnull=False)
        .values("case")
        .annotate(first=Min("responded_at"))
        .values("first")[:1]
    )


def time_to_first_service(periods: list[date], now: datetime) -> Iterable[Cell]:
    rows = (
        _cases()
        .filter(in_periods("created_at", periods, datetime_field=True))
        .annotate(first=_first_service())
        .filter(first__isnull=False)
        .annotate(
            period=_month("created_at"),
            region=F("exploitation_region"),
            wait=ExpressionWrapper(F("first") - F("created_at"), output_field=DurationField()),
        )
        .values("period", "region", "organisation_id")
        .annotate(total=Sum("wait"), denominator=Count("id"))
    )
    for row in rows:
        total = row.pop("total")
        seconds = total.total_seconds() if isinstance(total, timedelta) else float(total or 0) / 1e6
        yield {**row, "numerator": max(0.0, seconds / 86400)}


def _first_service_changed(since: Since) -> set[date]:
    cases = _referrals().filter(_referral_changes(since)).values("case_id")
    return _months(_cases().filter(pk__in=cases), "created_at", datetime_field=True)


def package_coverage(periods: list[date], now: datetime) -> Iterable[Cell]:
    """Open cases offered every item of the minimum package that is due for them, by child or adult.

    The rule is the referral workflow's (`lantern.referrals.selectors.cases_missing_package`), counted here over
    every organisation: at all times, an unaccompanied or separated child has a guardian by `Case.guardian_due`;
    while a crisis lasts, a service is due for a case identified more than its deadline ago (counted from the crisis
    start for cases identified before it)."""
    today = now.date()
    appointed = Guardian.objects.filter(case=OuterRef("pk"), ended_at__isnull=True)
    missing, due = Q(~Exists(appointed), guardian_due__lt=today), Q(guardian_due__lt=today)
    crisis = active_crises(on=today).first()
    for item in minimum_package() if crisis is not None else []:
        assert crisis is not None
        if crisis.starts_on + timedelta(days=item.deadline_days) < today:
            cutoff = today - timedelta(days=item.deadline_days)
            met = _referrals().filter(case=OuterRef("pk"), service_type=item.service_type, status__in=MEETS_NEED)
            missing |= Q(~Exists(met), identified_on__lt=cutoff)
            due |= Q(identified_on__lt=cutoff)
    rows = (
        _cases()
        .exclude(stage=Stage.CLOSED)
        .filter(due)
        .annotate(region=F("exploitation_region"), child=_child_or_adult())
        .values("region", "organisation_id", "child")
        .annotate(missing=Count("id", filter=missing), denominator=Count("id"))
    )
    period = month_of(today)
    return ({**row, "period": period, "numerator": row["denominator"] - row.pop("missing")} for row in rows)


def caseload(periods: list[date], now: datetime) -> Iterable[Cell]:
    """Open cases with a caseworker assigned, per caseworker assigned to at least one, now."""
    period = month_of(now.date())
    rows = (
        _cases()
        .filter(status=CaseStatus.ACTIVE, assigned_to__isnull=False)
        .annotate(region=F("organisation__region"))
        .values("region", "organisation_id")
        .annotate(numerator=Count("id"), denominator=Count("assigned_to", distinct=True))
    )
    return ({**row, "period": period} for row in rows)


# --- Shelters --------------------------------------------------------------------------------------------------


def _changed_from(earliest: datetime | date | None, now: datetime) -> set[date]:
    """A stock changes in every month from its first changed source row on."""
    if earliest is None:
        return set()
    first = earliest.date() if isinstance(earliest, datetime) else earliest
    return set(months_between(first, now.date()))


def shelter_occupancy(periods: list[date], now: datetime) -> Iterable[Cell]:
    """Beds occupied at the end of the month over the active beds of shelters (one query per month)."""
    beds = {
        (row["region"], row["organisation_id"]): row["n"]
        for row in Bed.objects.filter(active=True, room__shelter__type=OrganisationType.SHELTER)
        .annotate(region=F("room__shelter__region"), organisation_id=F("room__shelter_id"))
        .values("region", "organisation_id")
        .annotate(n=Count("id"))
        .order_by()
    }
    for period in periods:
        at = month_end(period, now)
        occupied = {
            (row["region"], row["organisation_id"]): row["n"]
            for row in BedAssignment.objects.filter(bed__active=True, since__lte=at)
            .filter(Q(until__isnull=True) | Q(until__gt=at))
            .annotate(region=F("bed__room__shelter__region"), organisation_id=F("bed__room__shelter_id"))
            .values("region", "organisation_id")
            .annotate(n=Count("id"))
            .order_by()
        }
        for (region, organisation_id), total in beds.items():
            yield {
                "period": period,
                "region": region,
                "organisation_id": organisation_id,
                "numerator": occupied.get((region, organisation_id), 0),
                "denominator": total,
            }


def _occupancy_changed(since: Since) -> set[date]:
    now = datetime.now(tz=UTC)
    changed = BedAssignment.objects.filter(Q(since__gte=since.at) | Q(until__gte=since.at)).order_by()
    first = changed.aggregate(first=Min("since"))["first"]
    return _changed_from(first, now)


def length_of_stay(periods: list[date], now: datetime) -> Iterable[Cell]:
    rows = (
        Stay.objects.order_by()
        .filter(in_periods("discharged_at", periods, datetime_field=True))
        .annotate(
            period=_month("discharged_at"),
            region=F("shelter__region"),
            organisation_id=F("shelter_id"),
            days=ExpressionWrapper(F("discharged_at") - F("admitted_at"), output_field=DurationField()),
        )
        .values("period", "region", "organisation_id")
        .annotate(total=Sum("days"), denominator=Count("id"))
    )
    for row in rows:
        total = row.pop("total")
        seconds = total.total_seconds() if isinstance(total, timedelta) else float(total or 0) / 1e6
        yield {**row, "numerator": max(0.0, seconds / 86400)}


def _stays_changed(since: Since) -> set[date]:
    changed = Stay.objects.filter(Q(discharged_at__gte=since.at) | Q(pk__gt=since.after_id("stay")))
    return _months(changed.filter(discharged_at__isnull=False), "discharged_at", datetime_field=True)


def waiting_for_repatriation(periods: list[date], now: datetime) -> Iterable[Cell]:
    """People in shelters whose planned return (the case's return plan) a border closure blocks, now, by the shelter
    where they stay (its open stay: one per case)."""
    period = month_of(now.date())
    rows = (
        ReturnPlan.objects.order_by()
        .filter(status=ReturnPlan.Status.BLOCKED, case__stays__discharged_at__isnull=True)
        .annotate(region=F("case__stays__shelter__region"), organisation_id=F("case__stays__shelter_id"))
        .values("region", "organisation_id")
        .annotate(numerator=Count("id"))
    )
    return ({**row, "period": period, "denominator": None} for row in rows)


# --- Providers -----------------------------------------------------------------------------------------------------


def capacity_lost(periods: list[date], now: datetime) -> Iterable[Cell]:
    """Weekly capacity of the active offerings lost to staff absence at the end of the month: the capacity times
    the absence the provider's latest status change before that moment recorded, over the whole capacity."""
    for period in periods:
        at = month_end(period, now)
        absence = Subquery(
            StatusChange.objects.filter(organisation=OuterRef("organisation_id"), valid_from__lte=at)
            .order_by("-valid_from", "-pk")
            .values("staff_absence_percent")[:1]
        )
        rows = (
            Offering.objects.order_by()
            .filter(active=True, created_at__lte=at)
            .annotate(absence=Coalesce(absence, Value(0)))
            .annotate(
                lost=ExpressionWrapper(F("weekly_capacity") * F("absence") / 100.0, output_field=FloatField()),
                region=F("organisation__region"),
            )
            .values("region", "organisation_id")
            .annotate(numerator=Sum("lost"), denominator=Sum("weekly_capacity"))
        )
        for row in rows:
            yield {**row, "period": period, "numerator": float(row["numerator"] or 0)}


def _capacity_changed(since: Since) -> set[date]:
    now = datetime.now(tz=UTC)
    first = StatusChange.objects.filter(valid_from__gte=since.at).order_by().aggregate(first=Min("valid_from"))["first"]
    offered = Offering.objects.filter(created_at__gte=since.at).order_by().aggregate(first=Min("created_at"))["first"]
    candidates = [moment for moment in (first, offered) if moment is not None]
    return _changed_from(min(candidates) if candidates else None, now)


# --- Justice ------------------------------------------------------------------------------------------------------


def hearings_postponed(periods: list[date], now: datetime) -> Iterable[Cell]:
    """Hearings set for a day in the month (not cancelled), and those of them postponed."""
    return (
        Hearing.objects.order_by()
        .exclude(status=HearingStatus.CANCELLED)
        .filter(in_periods("starts_at", periods, datetime_field=True))
        .annotate(
            period=_month("starts_at"),
            region=F("court__region"),
            organisation_id=F("proceeding__organisation_id"),
        )
        .values("period", "region", "organisation_id")
        .annotate(numerator=Count("id", filter=Q(status=HearingStatus.POSTPONED)), denominator=Count("id"))
    )


def _hearings_changed(since: Since) -> set[date]:
    changed = Hearing.objects.filter(
        Q(pk__gt=since.after_id("hearing")) | Q(changed_at__gte=since.at) | Q(created_at__gte=since.at)
    )
    return _months(changed, "starts_at", datetime_field=True)


def court_backlog(periods: list[date], now: datetime) -> Iterable[Cell]:
    """Hearings waiting to be held, by court, as the justice app counts its backlog
    (`lantern.justice.selectors.backlog`: scheduled, or postponed and still without a new date)."""
    period = month_of(now.date())
    return (
        {"period": period, "region": row.region, "organisation_id": None, "numerator": row.pending, "denominator": None}
        for row in backlog(now=now)
        if row.court_id is not None and row.pending
    )


# How long a proceeding may stay open before it counts as backlog: a year, the span the Council of Europe's GRETA
# reports use when they ask how long trafficking trials last.
BACKLOG_MONTHS = 12


def _last_court_region() -> Subquery:
    """The region of the court that heard (or will hear) the proceeding last: proceedings have no court of their
    own, their hearings do."""
    return Subquery(
        Hearing.objects.filter(proceeding=OuterRef("pk")).order_by("-starts_at", "-pk").values("court__region")[:1]
    )


def proceedings_open_long(periods: list[date], now: datetime) -> Iterable[Cell]:
    """Proceedings still open (no outcome for every defendant) that were opened more than BACKLOG_MONTHS ago, by the
    region of their court and the prosecution in charge, now."""
    period = month_of(now.date())
    limit = months_before(now.date(), BACKLOG_MONTHS)
    rows = (
        Proceeding.objects.order_by()
        .filter(closed_on__isnull=True, opened_on__lt=limit)
        .annotate(region=Coalesce(_last_court_region(), Value("")))
        .values("region", "organisation_id")
        .annotate(numerator=Count("id"))
    )
    return ({**row, "period": period, "denominator": None} for row in rows)


def compensation_awarded(periods: list[date], now: datetime) -> Iterable[Cell]:
    """Proceedings closed in the month, and those of them in which compensation was awarded to the survivor (an
    award above zero, from the offender or the state fund)."""
    awarded = Exists(Compensation.objects.filter(proceeding=OuterRef("pk"), awarded__gt=0))
    return (
        Proceeding.objects.order_by()
        .filter(in_periods("closed_on", periods))
        .annotate(period=TruncMonth("closed_on"), region=Coalesce(_last_court_region(), Value("")))
        .values("period", "region", "organisation_id")
        .annotate(numerator=Count("id", filter=Q(awarded)), denominator=Count("id"))
    )


def _proceedings_closed_changed(since: Since) -> set[date]:
    changed = Proceeding.objects.filter(closed_on__isnull=False).filter(
        Q(closed_on__gte=since.at.date())
        | Q(pk__gt=since.after_id("proceeding"))
        | Q(compensations__awarded_on__gte=since.at.date())
    )
    return _months(changed, "closed_on")


def compensation_paid(periods: list[date], now: datetime) -> Iterable[Cell]:
    """Of the awards made in the month, how much has been paid so far: each award's paid part (paid over awarded,
    so that currencies never mix), summed, over the number of awards. Awards of nothing are left out."""
    rows = (
        Compensation.objects.order_by()
        .filter(in_periods("awarded_on", periods), awarded__gt=0)
        .annotate(
            period=TruncMonth("awarded_on"),
            region=Coalesce(
                Subquery(
                    Hearing.objects.filter(proceeding=OuterRef("proceeding_id"))
                    .order_by("-starts_at", "-pk")
                    .values("court__region")[:1]
                ),
                Value(""),
            ),
            organisation_id=F("proceeding__organisation_id"),
            part=ExpressionWrapper(F("paid") * 1.0 / F("awarded"), output_field=FloatField()),
        )
        .values("period", "region", "organisation_id")
        .annotate(numerator=Sum("part"), denominator=Count("id"))
    )
    for row in rows:
        yield {**row, "numerator": float(row["numerator"] or 0)}


def _awards_changed(since: Since) -> set[date]:
    changed = Compensation.objects.filter(awarded_on__isnull=False).filter(
        Q(awarded_on__gte=since.at.date())
        | Q(last_paid_on__gte=since.at.date())
        | Q(pk__gt=since.after_id("compensation"))
    )
    return _months(changed, "awarded_on")


# --- Re-trafficking ---------------------------------------------------------------------------------------------


def _re_trafficked() -> QuerySet[Any]:
    return Reopening.objects.order_by().filter(code=ReopenReason.RE_TRAFFICKED)


def re_trafficked(periods: list[date], now: datetime) -> Iterable[Cell]:
    """Cases reopened in the month because the person was trafficked again (`cases.closure.case_reopen` with the
    reason "re_trafficked"): each case once a month, however often it was reopened in it."""
    return (
        _re_trafficked()
        .filter(in_periods("reopened_at", periods, datetime_field=True))
        .annotate(
            period=_month("reopened_at"),
            region=F("case__exploitation_region"),
            organisation_id=F("case__organisation_id"),
            sex=F("case__person__gender"),
            age_band=F("case__age_band"),
            child=_child_or_adult("case__"),
        )
        .values("period", "region", "organisation_id", "sex", "age_band", "child")
        .annotate(numerator=Count("case_id", distinct=True))
    )


def _re_trafficked_changed(since: Since) -> set[date]:
    changed = _re_trafficked().filter(Q(reopened_at__gte=since.at) | Q(pk__gt=since.after_id("reopening")))
    return _months(changed, "reopened_at", datetime_field=True)


# --- The registry -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NrmSpeed:
    """One indicator of the speed of the mechanism: the step it measures (the referral to the competent authority,
    or its first decision of a kind), and whether it is the share taken in time rather than the mean wait."""

    code: str
    step: str
    label: Promise
    definition: Promise
    in_time: bool = False


NRM_SPEED = (
    NrmSpeed(
        "nrm_days_to_referral",
        "referral",
        _("Days from identification to referral to the competent authority"),
        _(
            "For the cases referred to the competent authority in the month, the average number of days from "
            "identification to the referral."
        ),
    ),
    NrmSpeed(
        "nrm_days_to_reasonable_grounds",
        Decision.Kind.REASONABLE_GROUNDS,
        _("Days from identification to the reasonable-grounds decision"),
        _(
            "For the cases whose first reasonable-grounds decision the competent authority took in the month, "
            "the average number of days from identification to that decision."
        ),
    ),
    NrmSpeed(
        "nrm_days_to_conclusive_grounds",
        Decision.Kind.CONCLUSIVE_GROUNDS,
        _("Days from identification to the conclusive-grounds decision"),
        _(
            "For the cases whose first conclusive-grounds decision the competent authority took in the month, "
            "the average number of days from identification to that decision."
        ),
    ),
    NrmSpeed(
        "nrm_reasonable_grounds_in_time",
        Decision.Kind.REASONABLE_GROUNDS,
        _("Reasonable-grounds decisions within the statutory deadline"),
        _(
            "Of the first reasonable-grounds decisions taken in the month, the share taken by the deadline the "
            "country's NRM sets (working days from the referral)."
        ),
        in_time=True,
    ),
)


def _nrm_speed(row: NrmSpeed) -> Indicator:
    if row.in_time:
        return Indicator(
            code=row.code,
            label=row.label,
            definition=row.definition,
            unit=Unit.PERCENT,
            kind="share",
            compute=reasonable_grounds_in_time,
            changed=_nrm_changed(row.step),
            source="cases",
        )
    return Indicator(
        code=row.code,
        label=row.label,
        definition=row.definition,
        unit=Unit.DAYS,
        kind="mean",
        compute=_nrm_days(row.step),
        changed=_nrm_changed(row.step),
        source="cases",
        people=("denominator",),  # the cases averaged over
    )


ONLINE = Q(recruited_online=True)
PRIVATE_HOME = _json_list_has("crisis_circumstances", '"exploited_in_private_home"')

REGISTRY: dict[str, Indicator] = {
    indicator.code: indicator
    for indicator in [
        Indicator(
            code="new_cases",
            label=_("New cases"),
            definition=_(
                "Presumed victims identified in the month (by the date of identification), with the adults "
                "notified anonymously after declining the national referral mechanism, by sex, age band, form of "
                "exploitation, whether the trafficking crossed a border, child or adult, disability and at-risk group."
            ),
            unit=Unit.CASES,
            kind="count",
            disaggregations=("sex", "age_band", "form", "border", "child", "disability", "at_risk"),
            compute=new_cases,
            changed=_cases_changed,
            source="cases",
        ),
        Indicator(
            code="recruited_online",
            label=_("Share recruited online"),
            definition=_(
                "Of the victims identified in the month, the share recruited through online social networks or "
                "other online platforms."
            ),
            unit=Unit.PERCENT,
            kind="share",
            disaggregations=("sex", "age_band", "child"),
            compute=_share_of_cases(ONLINE),
            changed=_cases_changed,
            source="cases",
        ),
        Indicator(
            code="recruited_online_platform",
            label=_("Share recruited online, by platform"),
            definition=_(
                "Of the victims identified in the month, the share recruited on each online platform (the first "
                "platform recorded for the case)."
            ),
            unit=Unit.PERCENT,
            kind="share",
            disaggregations=("platform",),
            compute=recruited_online_by_platform,
            changed=_cases_changed,
            source="cases",
        ),
        Indicator(
            code="private_home",
            label=_("Share exploited in private homes"),
            definition=_(
                "Of the victims identified in the month, the share exploited in a private home (domestic servitude, "
                "sexual exploitation out of sight)."
            ),
            unit=Unit.PERCENT,
            kind="share",
            disaggregations=("sex", "age_band", "child"),
            compute=_share_of_cases(PRIVATE_HOME),
            changed=_cases_changed,
            source="cases",
        ),
        Indicator(
            code="re_trafficked",
            label=_("Cases reopened after re-trafficking"),
            definition=_(
                "Closed cases reopened in the month because the person was trafficked again, each case once, by "
                "sex, age band and child or adult."
            ),
            unit=Unit.CASES,
            kind="count",
            disaggregations=("sex", "age_band", "child"),
            compute=re_trafficked,
            changed=_re_trafficked_changed,
            source="cases",
        ),
        Indicator(
            code="time_to_first_service",
            label=_("Days from identification to first service"),
            definition=_(
                "For the cases registered in the month that a service has accepted, the average number of days "
                "from registration to the first referral accepted."
            ),
            unit=Unit.DAYS,
            kind="mean",
            compute=time_to_first_service,
            changed=_first_service_changed,
            source="referrals",
            people=("denominator",),  # the cases averaged over
        ),
        *(_nrm_speed(row) for row in NRM_SPEED),
        Indicator(
            code="referrals_overdue",
            label=_("Referrals answered late"),
            definition=_(
                "Of the referrals sent in the month, the share answered after their deadline or still unanswered "
                "past it."
            ),
            unit=Unit.PERCENT,
            kind="share",
            compute=referrals_overdue,
            changed=_referrals_changed,
            source="referrals",
        ),
        Indicator(
            code="package_coverage",
            label=_("Minimum-package coverage"),
            definition=_(
                "The share of open cases that have been offered every item of the minimum package due for them: at "
                "all times a guardian for an unaccompanied or separated child, within the days the country's "
                "profile sets; while a crisis lasts, every service within its deadline. By child or adult. "
                "Measured at each refresh for the current month."
            ),
            unit=Unit.PERCENT,
            kind="share",
            disaggregations=("child",),
            compute=package_coverage,
            snapshot=True,
            source="referrals",
        ),
        Indicator(
            code="shelter_occupancy",
            label=_("Shelter occupancy"),
            definition=_("Beds occupied at the end of the month over the active beds of all shelters."),
            unit=Unit.PERCENT,
            kind="share",
            compute=shelter_occupancy,
            changed=_occupancy_changed,
            source="shelters",
        ),
        Indicator(
            code="length_of_stay",
            label=_("Length of stay in shelters"),
            definition=_(
                "For the stays that ended in the month, the average number of days from admission to discharge."
            ),
            unit=Unit.DAYS,
            kind="mean",
            compute=length_of_stay,
            changed=_stays_changed,
            source="shelters",
            people=("denominator",),  # the stays averaged over
        ),
        Indicator(
            code="waiting_repatriation",
            label=_("People waiting for repatriation"),
            definition=_(
                "People in shelters whose planned return a border closure blocks. Measured at each refresh for the "
                "current month."
            ),
            unit=Unit.PEOPLE,
            kind="count",
            compute=waiting_for_repatriation,
            snapshot=True,
            source="shelters",
        ),
        Indicator(
            code="capacity_lost",
            label=_("Provider capacity lost to staff absence"),
            definition=_(
                "At the end of the month, the weekly capacity of service providers lost to staff absence, over their "
                "whole weekly capacity."
            ),
            unit=Unit.PERCENT,
            kind="share",
            compute=capacity_lost,
            changed=_capacity_changed,
            source="providers",
            people=(),  # places of service, not people
        ),
        Indicator(
            code="caseload",
            label=_("Caseload per caseworker"),
            definition=_(
                "Open cases with a caseworker assigned, per caseworker with at least one. Measured at each refresh "
                "for the current month."
            ),
            unit=Unit.RATIO,
            kind="mean",
            compute=caseload,
            snapshot=True,
            source="cases",
            people=("numerator",),  # the open cases; the denominator counts caseworkers
        ),
        Indicator(
            code="hearings_postponed",
            label=_("Hearings postponed"),
            definition=_("Of the hearings set for a day in the month (and not cancelled), the share postponed."),
            unit=Unit.PERCENT,
            kind="share",
            compute=hearings_postponed,
            changed=_hearings_changed,
            source="justice",
        ),
        Indicator(
            code="court_backlog",
            label=pgettext_lazy("insights", "Court backlog"),
            definition=_(
                "Hearings waiting to be held: scheduled, or postponed and still without a new date. Measured at each "
                "refresh for the current month."
            ),
            unit=Unit.HEARINGS,
            kind="count",
            compute=court_backlog,
            snapshot=True,
            source="justice",
            people=(),  # hearings waiting in each court, not people
        ),
        Indicator(
            code="proceedings_open_long",
            label=_("Proceedings open for more than a year"),
            definition=_(
                "Proceedings still waiting for an outcome for at least one defendant that were opened more than "
                "twelve months ago, by the region of their court. Measured at each refresh for the current month."
            ),
            unit=Unit.PROCEEDINGS,
            kind="count",
            compute=proceedings_open_long,
            snapshot=True,
            source="justice",
        ),
        Indicator(
            code="compensation_awarded",
            label=_("Concluded proceedings with compensation awarded"),
            definition=_(
                "Of the proceedings concluded in the month (every defendant has an outcome), the share in which "
                "compensation was awarded to the survivor, by the offender or the state fund."
            ),
            unit=Unit.PERCENT,
            kind="share",
            compute=compensation_awarded,
            changed=_proceedings_closed_changed,
            source="justice",
        ),
        Indicator(
            code="compensation_paid",
            label=_("Compensation awarded that has been paid"),
            definition=_(
                "For the compensation awarded in the month, the part of the amount paid so far, on average over the "
                "awards (each award counts the same, whatever its currency)."
            ),
            unit=Unit.PERCENT,
            kind="share",
            compute=compensation_paid,
            changed=_awards_changed,
            source="justice",
            people=("denominator",),  # the awards averaged over
        ),
    ]
}


def available() -> list[Indicator]:
    return [indicator for indicator in REGISTRY.values() if indicator.available]


def get(code: str) -> Indicator | None:
    return REGISTRY.get(code)
