"""Reads of the provider directory, and routing: for a need, the providers that can meet it now, ranked, with
the reasons for their place."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lantern.core.codes import language_label
from lantern.core.models import Organisation, User
from lantern.core.permissions import can, organisation_scope
from lantern.core.selectors import organisations_in_scope
from lantern.crisis.models import MOVEMENT_MEASURES, Measure, MeasureKind
from lantern.crisis.selectors import active_measures
from lantern.providers.capacity import ACCOMMODATION, BedNeed, FreeBeds, free_beds
from lantern.providers.models import (
    CapacityWeek,
    DeliveryMode,
    Offering,
    OfferingRegion,
    OperatingStatus,
    ProviderState,
)
from lantern.providers.permissions import ProviderAction
from lantern.providers.services import NATIONWIDE, week_of, weekly_capacity

# Services that still reach people in person under a lockdown or curfew: the documents ask that health care,
# shelter and basic needs go on whatever the restrictions.
ESSENTIAL_IN_PERSON = frozenset(
    {
        "safe_accommodation",
        "quarantine_accommodation",
        "medical",
        "covid_test_vaccination",
        "food_package",
        "protective_equipment",
        "emergency_cash",
    }
)


def directory(*, service_type: str = "", region: str = "") -> QuerySet[Offering]:
    offerings = Offering.objects.filter(active=True).select_related("organisation", "organisation__provider_state")
    if service_type:
        offerings = offerings.filter(service_type=service_type)
    if region:
        offerings = offerings.filter(served_regions__region__in=[region, NATIONWIDE]).distinct()
    return offerings.order_by("organisation__name", "service_type")


@dataclass(frozen=True)
class RouteWeights:
    """The points `route` gives an offer; the highest total comes first (docs/referrals-and-crisis.md, Routing)."""

    open: int = 30  # the provider operates normally
    reduced: int = 15  # the provider runs a reduced service
    remote_only: int = 10  # the provider works remotely only
    speaks_language: int = 25  # the offer's staff speak the person's language
    interpreter: int = 12  # no shared language, but an interpreter
    interpreter_missing: int = -10  # an interpreter is needed and there is neither one nor a shared language
    capacity_left: int = 20  # times the share of this week's places still free
    remote_under_restrictions: int = 15  # remote or outreach delivery while movement is restricted
    in_person: int = 10  # in person when movement is not restricted
    serves_region: int = 5  # serves the region itself, not the whole country


ROUTE_WEIGHTS = RouteWeights()


def _status_points(status: str, weights: RouteWeights) -> int:
    if status == OperatingStatus.OPEN:
        return weights.open
    if status == OperatingStatus.REDUCED:
        return weights.reduced
    return weights.remote_only


@dataclass
class Candidate:
    offering: Offering
    score: int
    delivery_mode: str
    capacity_left: int
    reasons: list[str] = field(default_factory=list)
    beds: FreeBeds | None = None  # for accommodation: the shelter's free beds, as the beds board counts them


def offering_get(offering_id: int) -> Offering | None:
    """One offer by its id, with its organisation (the service it is handed to asks the permission module)."""
    return Offering.objects.select_related("organisation").filter(pk=offering_id).first()


def own_organisations_with_state(user: User) -> list[tuple[Organisation, ProviderState | None]]:
    """The organisations whose operating status the user sets, each with its current state (two queries)."""
    own = list(organisations_in_scope(organisation_scope(user, ProviderAction.STATUS)))
    states = {s.organisation_id: s for s in ProviderState.objects.filter(organisation__in=own)}
    return [(o, states.get(o.pk)) for o in own]


def candidate_rows(service_type: str, region: str) -> QuerySet[Offering]:
    """The plain indexed query: active offers of this service in this region (or nationwide)."""
    ids = OfferingRegion.objects.filter(service_type=service_type, region__in=[region, NATIONWIDE]).values(
        "offering_id"
    )
    return Offering.objects.filter(pk__in=ids, active=True)


def _beds_reasons(beds: FreeBeds) -> list[str]:
    if not beds.quarantine_first:
        return [ngettext("%(n)d free bed", "%(n)d free beds", beds.regular) % {"n": beds.regular}]
    return [
        ngettext(
            "%(n)d free bed in the quarantine wing, where admission starts while the protocol is in force",
            "%(n)d free beds in the quarantine wing, where admission starts while the protocol is in force",
            beds.quarantine,
        )
        % {"n": beds.quarantine},
        ngettext("%(n)d free regular bed after it", "%(n)d free regular beds after it", beds.regular)
        % {"n": beds.regular},
    ]


def route(
    *,
    service_type: str,
    region: str,
    language: str = "",
    interpreter_needed: bool = False,
    beds_for: BedNeed | None = None,
    on: date | None = None,
) -> list[Candidate]:
    """Rank the offers that can take this need now, by the points of ROUTE_WEIGHTS. Left out: suspended
    providers, offers with no capacity left, and offers whose delivery the measures in force do not allow.

    Capacity is the offer's weekly places, except for accommodation: there it is the shelter's free beds for this
    person (`beds_for`: her case, or one kind of room), in the quarantine wing first while a protocol is in force,
    counted as the beds board counts them (one truth, providers.capacity)."""
    weights = ROUTE_WEIGHTS
    on = on or timezone.localdate()
    offerings = list(
        candidate_rows(service_type, region).select_related("organisation", "organisation__provider_state")
    )
    used = dict(
        CapacityWeek.objects.filter(offering__in=[o.pk for o in offerings], week_start=week_of(on)).values_list(
            "offering_id", "used"
        )
    )
    beds = (
        free_beds({o.organisation_id for o in offerings}, beds_for or BedNeed(), on)
        if service_type in ACCOMMODATION
        else {}
    )
    measures = active_measures(on=on, region=region)
    kinds = {m.kind for m in measures}
    restricted = bool(kinds & MOVEMENT_MEASURES)
    intake_frozen = MeasureKind.SHELTER_INTAKE_FREEZE in kinds
    ranked = []
    for offering in offerings:
        state = getattr(offering.organisation, "provider_state", None)
        status = state.status if state is not None else OperatingStatus.OPEN
        if status == OperatingStatus.SUSPENDED:
            continue
        modes = list(offering.delivery_modes)
        if status == OperatingStatus.REMOTE_ONLY:
            modes = [m for m in modes if m == DeliveryMode.REMOTE]
        if restricted and service_type not in ESSENTIAL_IN_PERSON:
            modes = [m for m in modes if m != DeliveryMode.IN_PERSON]
        if intake_frozen and service_type == "safe_accommodation":
            modes = []
        if not modes:
            continue
        shelter = beds.get(offering.organisation_id)
        if service_type in ACCOMMODATION:
            if shelter is None:
                continue  # no beds on record: nothing to offer
            capacity, left = shelter.total, shelter.available(service_type)
        else:
            capacity = weekly_capacity(offering, state)
            left = capacity - used.get(offering.pk, 0)
        if left <= 0:
            continue
        reasons: list[str] = []
        score = _status_points(status, weights)
        reasons.append(
            {
                OperatingStatus.OPEN: _("operating normally"),
                OperatingStatus.REDUCED: _("reduced service"),
                OperatingStatus.REMOTE_ONLY: _("remote only"),
            }.get(status, status)
        )
        if language and language in offering.languages:
            score += weights.speaks_language
            reasons.append(_("speaks the person's language (%(language)s)") % {"language": language_label(language)})
        elif offering.interpreter_available:
            score += weights.interpreter
            reasons.append(_("with an interpreter"))
        elif language:
            reasons.append(
                _("does not speak the person's language (%(language)s) and has no interpreter")
                % {"language": language_label(language)}
            )
        if interpreter_needed and not offering.interpreter_available and language not in offering.languages:
            score += weights.interpreter_missing
        score += round(weights.capacity_left * left / capacity) if capacity else 0
        if shelter is not None:
            reasons += _beds_reasons(shelter)
        else:
            reasons.append(_("%(left)d of %(capacity)d places left this week") % {"left": left, "capacity": capacity})
        if restricted and (DeliveryMode.REMOTE in modes or DeliveryMode.OUTREACH in modes):
            score += weights.remote_under_restrictions
            mode = DeliveryMode.REMOTE if DeliveryMode.REMOTE in modes else DeliveryMode.OUTREACH
            reasons.append(_("can work remotely under the movement restrictions"))
        else:
            mode = DeliveryMode.IN_PERSON if DeliveryMode.IN_PERSON in modes else modes[0]
            if not restricted and mode == DeliveryMode.IN_PERSON:
                score += weights.in_person
        if region in offering.regions:
            score += weights.serves_region
            reasons.append(_("works in the region where the person is helped (%(region)s)") % {"region": region})
        else:
            reasons.append(_("serves the whole country"))
        ranked.append(
            Candidate(
                offering=offering, score=score, delivery_mode=mode, capacity_left=left, reasons=reasons, beds=shelter
            )
        )
    ranked.sort(key=lambda c: (-c.score, c.offering.organisation.name, c.offering.pk))
    return ranked


# --- The public portal ------------------------------------------------------------------------------------


@dataclass
class PublicOffer:
    """An offer as the public portal shows it: only what its provider marked public, and what is open today."""

    offering: Offering
    status: str
    modes_now: list[str]

    @property
    def open_now(self) -> bool:
        return bool(self.modes_now)

    @property
    def shown(self) -> dict[str, str]:
        """The entry as the coordinator last approved it: a change since waits for review and the portal keeps
        showing this version meanwhile."""
        return dict(self.offering.approved_public or {})


def _movement_restricted(offering: Offering, region: str, measures: list[Measure]) -> bool:
    regions = [region] if region else [r for r in offering.regions if r != NATIONWIDE]
    for measure in measures:
        scope = measure.regions or measure.crisis.regions
        if not scope or any(r in scope for r in regions):
            return True
    return False


# What the portal reads of an entry, and only from the copy the coordinator approved (Offering.public_version).
APPROVED_FIELDS = (
    "service_type",
    "regions",
    "languages",
    "interpreter_available",
    "delivery_modes",
    "public_contact",
    "hours",
    "eligibility_note",
)


def _approved_offerings() -> list[Offering]:
    """Public entries with an approved version, each carrying the approved values in place of the current ones
    (in memory, never saved): whatever the portal reads or filters on is what the coordinator saw."""
    offerings = Offering.objects.filter(active=True, is_public=True, approved_public__isnull=False).select_related(
        "organisation", "organisation__provider_state"
    )
    approved = []
    for offering in offerings:
        version = offering.approved_public or {}
        if any(name not in version for name in APPROVED_FIELDS):
            continue  # approved before the review covered this field: nobody has seen it
        for name in APPROVED_FIELDS:
            setattr(offering, name, version[name])
        approved.append(offering)
    return approved


def public_offers(
    *, region: str = "", service_type: str = "", language: str = "", on: date | None = None
) -> list[PublicOffer]:
    """The offers a provider listed on the public portal, as the coordinator approved them, with the delivery
    modes open today: a suspended provider has none, a remote-only one only remote, and under a lockdown or curfew
    only essential services stay in person. Open ones first. A language matches the offer's languages or an
    interpreter. Read in Python: the directory is small, and the approved copy is not indexed."""
    on = on or timezone.localdate()
    movement = [m for m in active_measures(on=on) if m.kind in MOVEMENT_MEASURES]
    rows = []
    for offering in _approved_offerings():
        if service_type and offering.service_type != service_type:
            continue
        if region and region not in offering.regions and NATIONWIDE not in offering.regions:
            continue
        if language and language not in offering.languages and not offering.interpreter_available:
            continue
        state = getattr(offering.organisation, "provider_state", None)
        status = state.status if state is not None else OperatingStatus.OPEN
        modes = [] if status == OperatingStatus.SUSPENDED else list(offering.delivery_modes)
        if status == OperatingStatus.REMOTE_ONLY:
            modes = [m for m in modes if m == DeliveryMode.REMOTE]
        if offering.service_type not in ESSENTIAL_IN_PERSON and _movement_restricted(offering, region, movement):
            modes = [m for m in modes if m != DeliveryMode.IN_PERSON]
        rows.append(PublicOffer(offering=offering, status=status, modes_now=modes))
    rows.sort(key=lambda r: (not r.open_now, r.shown.get("name", ""), r.offering.service_type, r.offering.pk))
    return rows


def public_regions() -> list[str]:
    """The regions served by offers listed on the public portal, as approved (the whole country left out)."""
    return sorted({r for o in _approved_offerings() for r in o.regions if r != NATIONWIDE})


def directory_to_review(user: User) -> list[Offering]:
    """The coordinator's review list: public entries never approved, or changed in anything the portal shows or
    finds them by since she last looked. Read in Python (the directory is small); the comparison is the model's own."""
    if not can(user, ProviderAction.REVIEW):
        raise PermissionDenied("not allowed")
    offerings = Offering.objects.filter(active=True, is_public=True).select_related("organisation", "approved_by")
    return [o for o in offerings.order_by("organisation__name", "service_type", "pk") if o.awaits_review]


def directory_entry_to_review(user: User, offering_id: int) -> Offering:
    offering = next((o for o in directory_to_review(user) if o.pk == offering_id), None)
    if offering is None:
        raise Http404("no such entry to review")
    return offering


def offering_regions() -> list[tuple[str, str]]:
    """(country, region) of every region an offer serves (its organisation's country): for the region pickers."""
    pairs: set[tuple[str, str]] = set()
    for country, names in Offering.objects.values_list("organisation__country", "regions"):
        pairs.update((country, str(name)) for name in names or [] if name != NATIONWIDE)
    return sorted(pairs)


def transfer_refusal(organisation: Organisation) -> str:
    """A case is not handed over to an organisation whose services are suspended (nobody there to take it up)."""
    state = ProviderState.objects.filter(organisation=organisation).first()
    if state is not None and state.status == OperatingStatus.SUSPENDED:
        return str(
            _("%(name)s has suspended its services: choose an organisation that is operating.")
            % {"name": organisation.name}
        )
    return ""
