"""Reads of justice, scoped to the user: a prosecution sees the proceedings it is in charge of, a court registry
the hearings of its courts, the caseworker and supervisor of a case the hearings of that case (to tell the
survivor). The backlog figures carry no personal data and are read by the national coordinator and insights."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext, pgettext

from lantern.cases.journey import PerpetratorLink
from lantern.cases.models import Case, CountryProfile, Perpetrator, PublicHoliday
from lantern.cases.permissions import CaseAction
from lantern.cases.workdays import add_working_days, is_working_day
from lantern.core.models import Organisation, OrganisationType, User
from lantern.core.permissions import can, organisation_scope
from lantern.justice.models import (
    CalendarFeed,
    Compensation,
    Court,
    Defendant,
    Hearing,
    HearingStatus,
    Mode,
    Proceeding,
    ProtectiveMeasure,
)
from lantern.justice.permissions import JusticeAction


def _case_q(user: User, prefix: str) -> Q:
    return organisation_scope(user, CaseAction.VIEW).q(f"{prefix}case__organisation_id", f"{prefix}case__created_by_id")


def hearings_visible_to(user: User) -> QuerySet[Hearing]:
    justice = organisation_scope(user, JusticeAction.VIEW)
    visible = justice.q("proceeding__organisation_id") | justice.q("court__registry_id") | _case_q(user, "proceeding__")
    return Hearing.objects.filter(visible).select_related("proceeding__case", "court")


def proceedings_visible_to(user: User) -> QuerySet[Proceeding]:
    justice = organisation_scope(user, JusticeAction.VIEW)
    at_own_courts = Hearing.objects.filter(justice.q("court__registry_id")).values("proceeding_id")
    visible = justice.q("organisation_id") | Q(pk__in=at_own_courts) | _case_q(user, "")
    return Proceeding.objects.filter(visible).select_related("case", "organisation")


def proceeding_get_for_user(user: User, proceeding_id: int) -> Proceeding:
    proceeding = proceedings_visible_to(user).filter(pk=proceeding_id).first()
    if proceeding is None:
        raise Http404("no such proceeding")
    return proceeding


def hearing_get_for_user(user: User, hearing_id: int) -> Hearing:
    hearing = (
        hearings_visible_to(user)
        .select_related("proceeding__organisation", "court__registry", "postponed_by_measure", "follows")
        .filter(pk=hearing_id)
        .first()
    )
    if hearing is None:
        raise Http404("no such hearing")
    return hearing


def proceeding_list(user: User, *, case_reference: str = "") -> QuerySet[Proceeding]:
    """The proceedings the user sees, newest first, with their protective measures, defendants and compensation
    (a page at a time)."""
    proceedings = proceedings_visible_to(user).prefetch_related("protective_measures", "defendants", "compensations")
    if case_reference:
        proceedings = proceedings.filter(case__reference=case_reference)
    return proceedings.order_by("-opened_on", "-pk")


def proceedings_of_case(user: User, reference: str) -> QuerySet[Proceeding]:
    return (
        proceedings_visible_to(user)
        .filter(case__reference=reference.strip().upper())
        .select_related("representative_organisation")
        .prefetch_related("protective_measures", "defendants", "compensations")
        .order_by("opened_on", "pk")
    )


@dataclass(frozen=True)
class HearingFilters:
    court_id: int | None = None
    status: str = ""
    mode: str = ""
    starts_from: date | None = None
    starts_to: date | None = None


def hearing_list(user: User, filters: HearingFilters | None = None) -> QuerySet[Hearing]:
    filters = filters or HearingFilters()
    hearings = hearings_visible_to(user)
    if filters.court_id is not None:
        hearings = hearings.filter(court_id=filters.court_id)
    if filters.status in HearingStatus.values:
        hearings = hearings.filter(status=filters.status)
    if filters.mode in Mode.values:
        hearings = hearings.filter(mode=filters.mode)
    if filters.starts_from is not None:
        hearings = hearings.filter(starts_at__date__gte=filters.starts_from)
    if filters.starts_to is not None:
        hearings = hearings.filter(starts_at__date__lte=filters.starts_to)
    return hearings.order_by("starts_at", "pk")


def to_reschedule(user: User, *, today: date | None = None) -> QuerySet[Hearing]:
    """Postponed hearings still without a new date, once nothing stops giving them one: postponed for a reason of
    their own, or by a court suspension that has ended (its last day has come). A suspension still in force, even
    with a known end, keeps its hearings off the list: a date given now could fall inside it."""
    today = today or timezone.localdate()
    return (
        hearings_visible_to(user)
        .filter(status=HearingStatus.POSTPONED, new_starts_at__isnull=True)
        .filter(Q(postponed_by_measure__isnull=True) | Q(postponed_by_measure__ends_on__lte=today))
        .select_related("postponed_by_measure")
        .order_by("postponed_at", "starts_at", "pk")
    )


def courts() -> QuerySet[Court]:
    return Court.objects.all().order_by("country", "region", "name")


def hearing_following(hearing: Hearing) -> Hearing | None:
    """The hearing given as the new date of a postponed one."""
    return Hearing.objects.filter(follows=hearing).first()


def prosecutes_case(user: User, case: Case) -> bool:
    """Whether the user works for the prosecution in charge of a proceeding of this case (a court clerk does not:
    a court registry is not the prosecution)."""
    scope = organisation_scope(user, JusticeAction.VIEW)
    if scope.empty:
        return False
    return Proceeding.objects.filter(
        scope.q("organisation_id"), case=case, organisation__type=OrganisationType.PROSECUTION
    ).exists()


def prosecution_services_of(user: User) -> QuerySet[Organisation]:
    """The prosecution services the user opens proceedings for (a court registry opens none)."""
    scope = organisation_scope(user, JusticeAction.MANAGE)
    return Organisation.objects.filter(scope.q("pk"), type=OrganisationType.PROSECUTION).order_by("name")


def court_get(court_id: int) -> Court | None:
    """One court by its id (courts are public information), with its registry."""
    return Court.objects.select_related("registry").filter(pk=court_id).first()


def court_regions() -> list[str]:
    return sorted(set(Court.objects.values_list("region", flat=True)))


def courts_of(user: User) -> QuerySet[Court]:
    """The courts whose hearings the user sees (for the filters of the hearing list), and the courts whose registry
    the user works in (a court with no hearing yet still has a calendar)."""
    registry = organisation_scope(user, JusticeAction.VIEW).q("registry_id")
    return Court.objects.filter(Q(pk__in=hearings_visible_to(user).values("court_id")) | registry).order_by("name")


# --- Days a court does not sit ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayOff:
    day: date
    holiday: str  # the public holiday's name; "" for a weekend day


def days_off(country: str, start: date, end: date) -> dict[date, DayOff]:
    """The weekend days (as the country profile counts them) and public holidays of `country` from `start` to
    `end` inclusive."""
    weekend = CountryProfile.objects.filter(country=country).values_list("weekend", flat=True).first() or [6, 7]
    holidays = dict(
        PublicHoliday.objects.filter(country=country, date__gte=start, date__lte=end).values_list("date", "name")
    )
    found = {}
    day = start
    while day <= end:
        if not is_working_day(day, weekend=weekend, holidays=holidays):
            found[day] = DayOff(day=day, holiday=holidays.get(day, ""))
        day += timedelta(days=1)
    return found


def court_day_off(court: Court, moment: datetime) -> DayOff | None:
    """Whether an instant falls, in the court's own time zone, on a weekend day or public holiday of its country."""
    day = moment.astimezone(ZoneInfo(court.time_zone)).date()
    return days_off(court.country, day, day).get(day)


def court_sitting_day(court: Court, day: date) -> date:
    """`day` when the court's country works on it, else its next working day (a hearing is not set on a weekend or
    a public holiday)."""
    weekend = CountryProfile.objects.filter(country=court.country).values_list("weekend", flat=True).first() or [6, 7]
    holidays = set(PublicHoliday.objects.filter(country=court.country, date__gte=day).values_list("date", flat=True))
    return add_working_days(day, 0, weekend=weekend, holidays=holidays)


# --- The calendar -------------------------------------------------------------------------------------------------


@dataclass
class CalendarDay:
    day: date
    in_period: bool  # False for the days of the neighbouring months that fill a month's first and last week
    off: DayOff | None
    hearings: list[Hearing]


def calendar_period(view: str, anchor: date) -> tuple[date, date]:
    """The first and last day shown: the week (Monday to Sunday) of `anchor`, or the whole weeks covering its
    month."""
    if view == "month":
        first = anchor.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        last = following - timedelta(days=1)
        return first - timedelta(days=first.weekday()), last + timedelta(days=6 - last.weekday())
    monday = anchor - timedelta(days=anchor.weekday())
    return monday, monday + timedelta(days=6)


def court_calendar(user: User, court: Court, *, view: str, anchor: date) -> list[list[CalendarDay]]:
    """The hearings of one court the user sees, week by week, each on its day as the court reckons it (its time
    zone), cancelled ones left out; with the court's days off."""
    zone = ZoneInfo(court.time_zone)
    start, end = calendar_period(view, anchor)
    since = datetime.combine(start, time.min, tzinfo=zone)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)
    by_day: dict[date, list[Hearing]] = defaultdict(list)
    hearings = (
        hearings_visible_to(user)
        .filter(court=court, starts_at__gte=since, starts_at__lt=until)
        .exclude(status=HearingStatus.CANCELLED)
        .order_by("starts_at", "pk")
    )
    for hearing in hearings:
        by_day[hearing.starts_at.astimezone(zone).date()].append(hearing)
    off = days_off(court.country, start, end)
    weeks: list[list[CalendarDay]] = []
    day = start
    while day <= end:
        if day.weekday() == 0:
            weeks.append([])
        in_period = view != "month" or day.month == anchor.month
        weeks[-1].append(CalendarDay(day=day, in_period=in_period, off=off.get(day), hearings=by_day.get(day, [])))
        day += timedelta(days=1)
    return weeks


# --- Calendar feeds -----------------------------------------------------------------------------------------------

# How far back a feed reaches: calendar applications keep what they fetched, so a short past is enough.
FEED_DAYS_BACK = 90
# A feed is a calendar, not an export: at most this many hearings in one fetch (the soonest first).
FEED_MAX_HEARINGS = 2000


def feeds_of(user: User) -> QuerySet[CalendarFeed]:
    return CalendarFeed.objects.filter(owner=user, revoked_at__isnull=True).select_related("court")


def feed_by_token_hash(token_hash: str) -> CalendarFeed | None:
    return (
        CalendarFeed.objects.filter(token_hash=token_hash, revoked_at__isnull=True, owner__is_active=True)
        .select_related("owner", "court__registry")
        .first()
    )


def courts_with_feed_for(user: User) -> QuerySet[Court]:
    """The courts whose registry the user works in (a clerk subscribes to her own courts only)."""
    scope = organisation_scope(user, JusticeAction.VIEW)
    if scope.empty or scope.everywhere:
        return Court.objects.none()
    return Court.objects.filter(registry_id__in=sorted(scope.organisation_ids)).order_by("name")


def feed_hearings(feed: CalendarFeed, *, now: datetime | None = None) -> QuerySet[Hearing]:
    """What a feed shows, by its owner's permissions at the time of the fetch: a court feed the court's hearings
    while the owner still works in its registry; a prosecutor's feed the hearings of the proceedings her
    prosecution service is in charge of. Never the hearings she sees only as a caseworker."""
    now = now or timezone.now()
    scope = organisation_scope(feed.owner, JusticeAction.VIEW)
    if scope.everywhere:  # nobody has justice.view everywhere; refuse rather than publish every court
        return Hearing.objects.none()
    hearings = Hearing.objects.filter(starts_at__gte=now - timedelta(days=FEED_DAYS_BACK))
    if feed.court is not None:
        if feed.court.registry_id not in scope.organisation_ids:
            return Hearing.objects.none()
        hearings = hearings.filter(court=feed.court)
    else:
        hearings = hearings.filter(proceeding__organisation_id__in=sorted(scope.organisation_ids))
    return hearings.select_related("proceeding__case", "court").order_by("starts_at", "pk")


# --- Backlog figures (no personal data) -------------------------------------------------------------------------


@dataclass(frozen=True)
class BacklogRow:
    court_id: int | None  # None: all courts together
    court: str
    country: str
    region: str
    hearings: int  # not cancelled
    pending: int  # scheduled, or postponed and still without a new date
    postponed: int
    postponed_share: float | None
    median_delay_days: float | None  # postponed: from the date it had to the new date (or to today)
    remote: int  # remote or hybrid
    remote_share: float | None


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def backlog(*, country: str = "", region: str = "", now: datetime | None = None) -> list[BacklogRow]:
    """Figures by court, and overall in the last row. Counting happens in the database (one grouped query); the
    median delay reads the dates of the postponed hearings only."""
    now = now or timezone.now()
    courts_q = Court.objects.all()
    if country:
        courts_q = courts_q.filter(country=country.upper())
    if region:
        courts_q = courts_q.filter(region=region)
    court_rows = {c.pk: c for c in courts_q.order_by("country", "region", "name")}
    hearings = Hearing.objects.filter(court_id__in=list(court_rows)).exclude(status=HearingStatus.CANCELLED)
    counted = {
        line["court_id"]: line
        for line in hearings.values("court_id").annotate(
            total=Count("id"),
            pending=Count(
                "id",
                filter=Q(status=HearingStatus.SCHEDULED)
                | Q(status=HearingStatus.POSTPONED, new_starts_at__isnull=True),
            ),
            postponed=Count("id", filter=Q(status=HearingStatus.POSTPONED)),
            remote=Count("id", filter=Q(mode__in=[Mode.REMOTE, Mode.HYBRID])),
        )
    }
    delays: dict[int, list[float]] = defaultdict(list)
    for court_id, starts_at, new_starts_at in hearings.filter(status=HearingStatus.POSTPONED).values_list(
        "court_id", "starts_at", "new_starts_at"
    ):
        delays[court_id].append(max(0.0, ((new_starts_at or now) - starts_at).total_seconds() / 86400))

    def row(court: Court | None, lines: list[dict[str, int]], days: list[float]) -> BacklogRow:
        total = sum(line["total"] for line in lines)
        postponed = sum(line["postponed"] for line in lines)
        remote = sum(line["remote"] for line in lines)
        return BacklogRow(
            court_id=court.pk if court else None,
            court=court.name if court else "",
            country=court.country if court else country.upper(),
            region=court.region if court else region,
            hearings=total,
            pending=sum(line["pending"] for line in lines),
            postponed=postponed,
            postponed_share=_share(postponed, total),
            median_delay_days=round(statistics.median(days), 1) if days else None,
            remote=remote,
            remote_share=_share(remote, total),
        )

    rows = [row(c, [counted[pk]] if pk in counted else [], delays[pk]) for pk, c in court_rows.items()]
    rows.append(row(None, list(counted.values()), [d for days in delays.values() for d in days]))
    return rows


# --- Redress: outcomes, compensation, the survivor's representative -----------------------------------------------


def registries_hearing(proceeding: Proceeding) -> QuerySet[Organisation]:
    """The registries of the courts that have heard or will hear the proceeding (their clerks record its outcome)."""
    return Organisation.objects.filter(
        pk__in=Hearing.objects.filter(proceeding=proceeding, court__registry__isnull=False).values("court__registry_id")
    )


def proceeding_redress(proceeding: Proceeding) -> Proceeding:
    """The proceeding with its defendants, compensation and protective measures in three queries, for its page and
    the API (the caller has already read it through `proceeding_get_for_user`)."""
    return (
        Proceeding.objects.select_related("case", "organisation", "representative_organisation")
        .prefetch_related("defendants", "compensations", "protective_measures")
        .get(pk=proceeding.pk)
    )


def defendant_get_for_user(user: User, defendant_id: int) -> Defendant:
    defendant = (
        Defendant.objects.filter(proceeding__in=proceedings_visible_to(user), pk=defendant_id)
        .select_related("proceeding__case", "proceeding__organisation")
        .first()
    )
    if defendant is None:
        raise Http404("no such defendant")
    return defendant


def compensation_get_for_user(user: User, compensation_id: int) -> Compensation:
    compensation = (
        Compensation.objects.filter(proceeding__in=proceedings_visible_to(user), pk=compensation_id)
        .select_related("proceeding__case", "proceeding__organisation")
        .first()
    )
    if compensation is None:
        raise Http404("no such compensation claim")
    return compensation


def protective_measure_get_for_user(user: User, measure_id: int) -> ProtectiveMeasure:
    measure = (
        ProtectiveMeasure.objects.filter(proceeding__in=proceedings_visible_to(user), pk=measure_id)
        .select_related("proceeding__case", "proceeding__organisation")
        .first()
    )
    if measure is None:
        raise Http404("no such protective measure")
    return measure


def representative_organisations() -> QuerySet[Organisation]:
    """Organisations of the directory that represent survivors in court: legal services and NGOs."""
    return Organisation.objects.filter(type__in=[OrganisationType.LEGAL_SERVICE, OrganisationType.NGO]).order_by("name")


def open_proceedings(case: Case) -> int:
    return Proceeding.objects.filter(case=case, closed_on__isnull=True).count()


def open_before_closure(case: Case) -> str:
    """What a closure of the case must wait for: proceedings still open (cases.closure)."""
    n = open_proceedings(case)
    if not n:
        return ""
    return ngettext(
        "%(n)d proceeding is still open: the person may be needed as a witness.",
        "%(n)d proceedings are still open: the person may be needed as a witness.",
        n,
    ) % {"n": n}


def holds_retention(case: Case) -> bool:
    """A closed case whose proceedings are still open is kept whole: the court may still need the file."""
    return open_proceedings(case) > 0


# --- The case page: its proceedings, and the defendants who are its perpetrators ----------------------------------


@dataclass(frozen=True)
class CaseProceeding:
    proceeding: Proceeding
    next_hearing: Hearing | None  # the soonest hearing still scheduled


def proceedings_on_case_page(user: User, case: Case, *, now: datetime | None = None) -> list[CaseProceeding]:
    """The case's proceedings the user sees (the justice app's scope: the case's own staff, the prosecution in
    charge, the registries of its courts), oldest first, each with its next hearing. Two queries, however many
    proceedings."""
    now = now or timezone.now()
    soonest = (
        Hearing.objects.filter(proceeding=OuterRef("pk"), status=HearingStatus.SCHEDULED, starts_at__gte=now)
        .order_by("starts_at", "pk")
        .values("pk")[:1]
    )
    rows = list(
        proceedings_visible_to(user)
        .filter(case=case)
        .annotate(next_hearing_id=Subquery(soonest))
        .order_by("opened_on", "pk")
    )
    wanted = [row.next_hearing_id for row in rows if row.next_hearing_id is not None]
    hearings = {h.pk: h for h in Hearing.objects.filter(pk__in=wanted).select_related("court")}
    return [CaseProceeding(proceeding=row, next_hearing=hearings.get(row.next_hearing_id)) for row in rows]


def follows_proceedings(user: User, case: Case) -> bool:
    """Whether the user's part lets her see the case's proceedings once there are any (justice staff, or the case's
    own staff through the case scope `proceedings_visible_to` uses): the case page then says there is none."""
    if not organisation_scope(user, JusticeAction.VIEW).empty:
        return True
    return Case.objects.filter(organisation_scope(user, CaseAction.VIEW).q(), pk=case.pk).exists()


def perpetrators_of(proceeding: Proceeding) -> QuerySet[Perpetrator]:
    """The perpetrators recorded on the proceeding's case, a defendant may be linked to."""
    return Perpetrator.objects.filter(case_id=proceeding.case_id).order_by("position", "pk")


def reads_perpetrator_names(user: User, case: Case) -> bool:
    """Who may read the case reads its perpetrators' names; a prosecutor or a clerk, who may not, sees their
    numbers and roles only."""
    return can(user, CaseAction.VIEW, case)


def defendant_links(user: User, case: Case) -> list[PerpetratorLink]:
    """For the case page's perpetrators (cases.journey.LINKERS): the defendants of the proceedings the user sees who
    were linked to them."""
    defendants = (
        Defendant.objects.filter(
            proceeding__in=proceedings_visible_to(user).filter(case=case), perpetrator__isnull=False
        )
        .select_related("proceeding")
        .order_by("proceeding__opened_on", "proceeding_id", "number")
    )
    links = []
    for defendant in defendants:
        if defendant.perpetrator_id is None:  # filtered above; says so to the type checker
            continue
        label = pgettext("justice", "Defendant %(number)d in %(proceeding)s of %(day)s") % {
            "number": defendant.number,
            "proceeding": defendant.proceeding.get_kind_display(),
            "day": defendant.proceeding.opened_on.isoformat(),
        }
        if defendant.outcome:
            label += f" ({defendant.get_outcome_display()})"
        links.append(
            PerpetratorLink(
                perpetrator_id=defendant.perpetrator_id,
                label=label,
                url=reverse("justice:proceeding", args=[defendant.proceeding_id]),
            )
        )
    return links
