"""Reads of justice, scoped to the user: a prosecution sees the proceedings it is in charge of, a court registry
the hearings of its courts, the caseworker and supervisor of a case the hearings of that case (to tell the
survivor). The backlog figures carry no personal data and are read by the national coordinator and insights."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from lantern.cases.permissions import CaseAction
from lantern.core.models import Organisation, OrganisationType, User
from lantern.core.permissions import organisation_scope
from lantern.justice.models import Court, Hearing, HearingStatus, Mode, Proceeding
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
    """The proceedings the user sees, newest first, with their protective measures (a page at a time)."""
    proceedings = proceedings_visible_to(user).prefetch_related("protective_measures")
    if case_reference:
        proceedings = proceedings.filter(case__reference=case_reference)
    return proceedings.order_by("-opened_on", "-pk")


def proceedings_of_case(user: User, reference: str) -> QuerySet[Proceeding]:
    return (
        proceedings_visible_to(user)
        .filter(case__reference=reference.strip().upper())
        .prefetch_related("protective_measures")
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


def to_reschedule(user: User) -> QuerySet[Hearing]:
    """Postponed hearings still without a new date, once nothing stops giving them one: postponed for a reason of
    their own, or by a court suspension whose end is known."""
    return (
        hearings_visible_to(user)
        .filter(status=HearingStatus.POSTPONED, new_starts_at__isnull=True)
        .filter(Q(postponed_by_measure__isnull=True) | Q(postponed_by_measure__ends_on__isnull=False))
        .select_related("postponed_by_measure")
        .order_by("postponed_at", "starts_at", "pk")
    )


def courts() -> QuerySet[Court]:
    return Court.objects.all().order_by("country", "region", "name")


def hearing_following(hearing: Hearing) -> Hearing | None:
    """The hearing given as the new date of a postponed one."""
    return Hearing.objects.filter(follows=hearing).first()


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
    """The courts whose hearings the user sees (for the filters of the hearing list)."""
    return Court.objects.filter(pk__in=hearings_visible_to(user).values("court_id")).order_by("name")


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
