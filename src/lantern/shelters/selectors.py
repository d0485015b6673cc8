"""Reads of shelters: the capacity board (no personal data), a shelter's residents by reference, the waiting list,
and the indicators the insights module reads."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lantern.cases.codes import Separation
from lantern.cases.models import OPEN_RETURN, Case, ReturnPlan
from lantern.cases.permissions import CaseAction
from lantern.cases.selectors import cases_visible_to
from lantern.core.models import Organisation, OrganisationType, User
from lantern.core.permissions import break_glass_object_ids, organisation_scope
from lantern.crisis.models import CrisisEvent
from lantern.crisis.selectors import active_crises
from lantern.providers.capacity import BedNeed, FreeBeds
from lantern.shelters.models import (
    AgeGroup,
    Bed,
    BedAssignment,
    Restriction,
    Room,
    Stay,
    WaitingEntry,
    Wing,
)
from lantern.shelters.permissions import ShelterAction


@dataclass
class ShelterRow:
    shelter: Organisation
    free: dict[tuple[str, str], int] = field(default_factory=dict)  # (wing, restriction) -> free beds
    total: int = 0
    occupied: int = 0
    blocked_repatriations: int = 0
    longest_blocked_days: int = 0

    @property
    def free_regular(self) -> int:
        return sum(n for (wing, _), n in self.free.items() if wing == Wing.REGULAR)

    @property
    def free_quarantine(self) -> int:
        return sum(n for (wing, _), n in self.free.items() if wing == Wing.QUARANTINE)


def restrictions_for(case: Case) -> list[str]:
    """The rooms a person may be given, most specific first."""
    allowed: list[str] = []
    if case.is_minor:
        allowed.append(Restriction.CHILDREN)
    gender = case.person.gender
    if gender in ("Feminine", "TransgenderFeminine"):
        allowed.append(Restriction.WOMEN)
    elif gender in ("Masculine", "TransgenderMasculine"):
        allowed.append(Restriction.MEN)
    with_family = not case.is_minor or case.separation == Separation.ACCOMPANIED
    allowed += [Restriction.FAMILIES, Restriction.MIXED] if with_family else [Restriction.MIXED]
    return allowed


def age_groups_for(case: Case) -> list[str]:
    """The rooms a person may be given by age. A child (or a person presumed to be one) only in a room for
    children, or with their family when a parent or usual caregiver is with them; never in a room for adults."""
    if case.is_minor:
        if case.separation == Separation.ACCOMPANIED:
            return [AgeGroup.CHILDREN, AgeGroup.FAMILIES]
        return [AgeGroup.CHILDREN]
    # An adult only in a room for adults: a families room holds children, and Lantern does not yet know which adult
    # is a child's parent, so no unrelated adult is ever placed beside them.
    return [AgeGroup.ADULTS]


def quarantine_days_at(shelter: Organisation, crises: list[CrisisEvent]) -> int:
    """The quarantine protocol of these crises where the shelter is (the longest, if several)."""
    days = 0
    for crisis in crises:
        if crisis.country == shelter.country and (not crisis.regions or shelter.region in crisis.regions):
            days = max(days, crisis.quarantine_days)
    return days


def bed_counts(
    shelter_ids: object,
    *,
    restrictions: list[str] | None = None,
    accessible: bool = False,
    age_groups: list[str] | None = None,
) -> QuerySet[Bed, dict[str, object]]:
    """Active and occupied beds per shelter, wing and kind of room: the one count of free beds that the beds board
    shows and routing reads (providers.capacity). `restrictions`: only these kinds of room; `accessible`: only
    accessible rooms."""
    beds = Bed.objects.filter(room__shelter_id__in=shelter_ids, active=True)
    if restrictions is not None:
        beds = beds.filter(room__restriction__in=restrictions)
    if accessible:
        beds = beds.filter(room__accessible=True)
    if age_groups is not None:
        beds = beds.filter(room__age_group__in=age_groups)
    return beds.values("room__shelter_id", "room__wing", "room__restriction").annotate(
        total=Count("id", distinct=True),
        occupied=Count("assignments", filter=Q(assignments__until__isnull=True)),
    )


def _stranded(shelter_ids: Iterable[int] | None = None) -> QuerySet[ReturnPlan]:
    """The return plans a border closure blocks of people staying in a shelter now (the case's return plan is the
    one record of a return: cases.returns). One condition on the stay: one join, the open stay."""
    staying = Q(case__stays__discharged_at__isnull=True)
    if shelter_ids is not None:
        staying &= Q(case__stays__shelter_id__in=list(shelter_ids))
    return ReturnPlan.objects.filter(staying, status=ReturnPlan.Status.BLOCKED).order_by()


def board(
    *, region: str = "", restriction: str = "", accessible: bool = False, on: date | None = None
) -> list[ShelterRow]:
    """Free regular and quarantine beds of every shelter, by region, kind of room and accessibility, and the
    repatriations a border closure blocks. Three queries whatever the number of shelters."""
    on = on or timezone.localdate()
    shelters = Organisation.objects.filter(type=OrganisationType.SHELTER)
    if region:
        shelters = shelters.filter(region=region)
    rows = {s.pk: ShelterRow(shelter=s) for s in shelters.order_by("region", "name")}
    counted = bed_counts(list(rows), restrictions=[restriction] if restriction else None, accessible=accessible)
    for line in counted:
        row = rows[int(line["room__shelter_id"])]  # type: ignore[call-overload]
        total, occupied = int(line["total"]), int(line["occupied"])  # type: ignore[call-overload]
        row.free[(str(line["room__wing"]), str(line["room__restriction"]))] = total - occupied
        row.total += total
        row.occupied += occupied
    for shelter_id, blocked_since, planned_on in _stranded(rows).values_list(
        "case__stays__shelter_id", "blocked_since", "planned_on"
    ):
        row = rows[shelter_id]
        row.blocked_repatriations += 1
        row.longest_blocked_days = max(row.longest_blocked_days, (on - (blocked_since or planned_on)).days)
    return list(rows.values())


def free_beds_for_routing(organisation_ids: Iterable[int], need: BedNeed, on: date) -> dict[int, FreeBeds]:
    """Routing's capacity for accommodation (registered in providers.capacity): each shelter's free beds for this
    need, counted by `bed_counts` as on the board, and whether admission goes through the quarantine wing now.
    Three queries."""
    shelters = list(
        Organisation.objects.filter(pk__in=list(organisation_ids), type=OrganisationType.SHELTER).only(
            "pk", "country", "region"
        )
    )
    if not shelters:
        return {}
    if need.restriction:
        restrictions: list[str] | None = [need.restriction]
    elif need.case is not None:
        restrictions = restrictions_for(need.case)
    else:
        restrictions = None
    free = {(s.pk, wing): 0 for s in shelters for wing in Wing.values}
    totals = dict.fromkeys((s.pk for s in shelters), 0)
    # A child is offered only beds she may be given (never a room for adults): the admission's own rule.
    age_groups = age_groups_for(need.case) if need.case is not None else None
    for line in bed_counts(
        [s.pk for s in shelters], restrictions=restrictions, accessible=need.accessible, age_groups=age_groups
    ):
        shelter_id = int(line["room__shelter_id"])  # type: ignore[call-overload]
        total, occupied = int(line["total"]), int(line["occupied"])  # type: ignore[call-overload]
        free[(shelter_id, str(line["room__wing"]))] += total - occupied
        totals[shelter_id] += total
    crises = list(active_crises(on=on))
    return {
        s.pk: FreeBeds(
            regular=free[(s.pk, Wing.REGULAR)],
            quarantine=free[(s.pk, Wing.QUARANTINE)],
            total=totals[s.pk],
            quarantine_first=quarantine_days_at(s, crises) > 0,
        )
        for s in shelters
    }


def shelters_of(user: User, action: str = ShelterAction.RESIDENTS) -> QuerySet[Organisation]:
    scope = organisation_scope(user, action)
    return Organisation.objects.filter(scope.q("pk"), type=OrganisationType.SHELTER).order_by("name")


def shelter_regions() -> list[str]:
    return sorted(set(Organisation.objects.filter(type=OrganisationType.SHELTER).values_list("region", flat=True)))


# What a shelter needs of a resident's return, whichever organisation holds the case: where, when, and whether a
# border closure stops it. The person's request in her words, the risk and its reasons, the receiving organisation
# and its contact stay with the case; they are not even read from the database here.
RETURN_FIELDS_FOR_SHELTER = ("pk", "case_id", "country", "planned_on", "status", "blocked_since")


def residents(shelter: Organisation) -> QuerySet[Stay]:
    """Who is staying now, by case reference, with the bed and wing (no name), and the return still to come (a
    cancelled or done plan is no business of the shelter)."""
    current_returns = ReturnPlan.objects.filter(status__in=OPEN_RETURN).only(*RETURN_FIELDS_FOR_SHELTER)
    return (
        Stay.objects.filter(shelter=shelter, discharged_at__isnull=True)
        .select_related("case")
        .prefetch_related(
            "assignments__bed__room",
            Prefetch("case__return_plans", queryset=current_returns.order_by("planned_on", "pk")),
        )
        .order_by("admitted_at", "pk")
    )


def room_of(shelter: Organisation, room_id: int) -> Room | None:
    """A room of this shelter (the caller checked the user may admit there)."""
    return Room.objects.filter(shelter=shelter, pk=room_id).first()


def rooms_of(shelter: Organisation) -> QuerySet[Room]:
    """The shelter's rooms, each with `free`: its active beds nobody occupies now (one query)."""
    return (
        Room.objects.filter(shelter=shelter)
        .annotate(
            active_beds=Count("beds", filter=Q(beds__active=True), distinct=True),
            occupied_beds=Count(
                "beds__assignments",
                filter=Q(beds__active=True, beds__assignments__until__isnull=True),
                distinct=True,
            ),
        )
        .annotate(free=F("active_beds") - F("occupied_beds"))
        .order_by("wing", "name")
    )


def stay_get(stay_id: int) -> Stay | None:
    """One stay by its id, with its shelter and case (the caller asks the permission module about the shelter)."""
    return Stay.objects.select_related("shelter", "case").filter(pk=stay_id).first()


def waiting_list(*, region: str = "") -> QuerySet[WaitingEntry]:
    """Everyone waiting for a bed, whatever their organisation: for services and counts, never shown to a user as
    it is (`waiting_list_for_user` is what a user sees)."""
    entries = WaitingEntry.objects.filter(resolved_at__isnull=True).select_related("case")
    if region:
        entries = entries.filter(region=region)
    return entries.order_by("since", "pk")


def waiting_list_for_user(user: User, *, region: str = "") -> QuerySet[WaitingEntry]:
    """The entries whose case the user may view, as the case API decides (her organisation's cases, and those an
    active break-glass grant opens): another organisation's case reference is never listed."""
    granted = [int(pk) for pk in break_glass_object_ids(user, CaseAction.VIEW, Case) if pk.isdigit()]
    visible = Q(case__in=cases_visible_to(user, CaseAction.VIEW).values("pk"))
    if granted:
        visible |= Q(case_id__in=granted)
    return waiting_list(region=region).filter(visible)


def waiting_counts(*, region: str = "") -> list[dict[str, object]]:
    """How many people wait for a bed per region and restriction, every organisation's cases counted: numbers only,
    for everyone who sees the board."""
    entries = WaitingEntry.objects.filter(resolved_at__isnull=True)
    if region:
        entries = entries.filter(region=region)
    rows = entries.values("region", "restriction").annotate(count=Count("pk")).order_by("region", "restriction")
    return [{"region": row["region"], "restriction": row["restriction"], "count": row["count"]} for row in rows]


# --- Indicators for insights ------------------------------------------------------------------------------------


def occupancy_rate(*, on: datetime | None = None, region: str = "") -> float | None:
    """Occupied beds / active beds at a moment (now by default)."""
    on = on or timezone.now()
    beds = Bed.objects.filter(active=True, room__shelter__type=OrganisationType.SHELTER)
    if region:
        beds = beds.filter(room__shelter__region=region)
    total = beds.count()
    if not total:
        return None
    occupied = BedAssignment.objects.filter(bed__in=beds, since__lte=on).filter(Q(until__isnull=True) | Q(until__gt=on))
    return occupied.count() / total


def median_length_of_stay(*, discharged_from: date, discharged_to: date) -> float | None:
    """Median days between admission and discharge, for stays that ended in the period."""
    stays = Stay.objects.filter(discharged_at__date__gte=discharged_from, discharged_at__date__lte=discharged_to)
    days = [
        (s.discharged_at - s.admitted_at).total_seconds() / 86400
        for s in stays.only("admitted_at", "discharged_at")
        if s.discharged_at is not None
    ]
    return statistics.median(days) if days else None


def waiting_for_repatriation(*, on: date | None = None) -> dict[str, float | int | None]:
    """People whose planned return a border closure blocks: how many, and how long they have waited (days)."""
    on = on or timezone.localdate()
    waits = []
    by_country: dict[str, int] = defaultdict(int)
    for country, blocked_since, planned_on in _stranded().values_list("country", "blocked_since", "planned_on"):
        waits.append((on - (blocked_since or planned_on)).days)
        by_country[country] += 1
    return {
        "people": len(waits),
        "median_days": statistics.median(waits) if waits else None,
        "longest_days": max(waits) if waits else None,
        "by_country": dict(by_country),  # type: ignore[dict-item]
    }


def open_before_closure(case: Case) -> str:
    """What a closure of the case must wait for: a stay in a shelter not yet ended (cases.closure)."""
    stay = Stay.objects.filter(case=case, discharged_at__isnull=True).select_related("shelter").first()
    if stay is None:
        return ""
    return _("The person still stays in a shelter: discharge her first.")
