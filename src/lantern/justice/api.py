"""The justice API: courts, proceedings and their protective measures, hearings (schedule, hold, postpone,
reschedule, cancel, change of mode), the hearings to reschedule after a court suspension, and the backlog."""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from lantern.cases.models import Case
from lantern.cases.schemas import REFERENCE_PATTERN
from lantern.core.api import ERRORS, api_user
from lantern.core.models import Organisation, User
from lantern.core.pagination import CappedPagination, Pagination
from lantern.core.permissions import can
from lantern.justice import selectors, services
from lantern.justice.models import Court, Hearing, Proceeding
from lantern.justice.permissions import JusticeAction

router = Router(tags=["justice"])

MAX_ID = 2**62


class CourtIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    country: str = Field(min_length=2, max_length=2)
    region: str = Field(min_length=1, max_length=100)
    time_zone: str = Field(min_length=1, max_length=64, description="IANA name, e.g. Europe/Athens")
    registry_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="the court's registry (its clerks)")


class CourtOut(Schema):
    id: int
    name: str
    country: str
    region: str
    time_zone: str


class ProceedingIn(Schema):
    case_reference: str = Field(pattern=REFERENCE_PATTERN)
    organisation_id: int = Field(ge=1, le=MAX_ID, description="in charge: the caller's own prosecution or court")
    kind: str = Field(max_length=16)
    survivor_role: str = Field(max_length=16)
    opened_on: date | None = None


class ProtectiveMeasureOut(Schema):
    kind: str
    language: str


class ProceedingOut(Schema):
    id: int
    reference: str
    organisation_id: int
    kind: str
    survivor_role: str
    opened_on: date
    closed_on: date | None
    protective_measures: list[ProtectiveMeasureOut]


class ProtectiveMeasureIn(Schema):
    kind: str = Field(max_length=20)
    language: str = Field(default="", max_length=3)


class HearingIn(Schema):
    court_id: int = Field(ge=1, le=MAX_ID)
    starts_at: datetime = Field(description="ISO 8601 with its time zone")
    mode: str = Field(default="in_person", max_length=10)


class HearingOut(Schema):
    id: int
    reference: str
    proceeding_id: int
    court_id: int
    court_time_zone: str
    starts_at: datetime
    mode: str
    status: str
    postponement_reason: str
    postponed_by_measure_id: int | None
    new_starts_at: datetime | None
    follows_id: int | None


class PostponeIn(Schema):
    reason: str = Field(max_length=24)
    new_starts_at: datetime | None = Field(default=None, description="if already known")


class RescheduleIn(Schema):
    new_starts_at: datetime
    mode: str | None = Field(default=None, max_length=10)
    court_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class ModeIn(Schema):
    mode: str = Field(max_length=10)


class BacklogOut(Schema):
    court_id: int | None = Field(description="null: all courts together")
    court: str
    country: str
    region: str
    hearings: int
    pending: int
    postponed: int
    postponed_share: float | None
    median_delay_days: float | None
    remote: int
    remote_share: float | None


def _proceeding_out(proceeding: Proceeding) -> dict[str, object]:
    return {
        "id": proceeding.pk,
        "reference": proceeding.case.reference,
        "organisation_id": proceeding.organisation_id,
        "kind": proceeding.kind,
        "survivor_role": proceeding.survivor_role,
        "opened_on": proceeding.opened_on,
        "closed_on": proceeding.closed_on,
        "protective_measures": [{"kind": m.kind, "language": m.language} for m in proceeding.protective_measures.all()],
    }


def _hearing_out(hearing: Hearing) -> dict[str, object]:
    return {
        "id": hearing.pk,
        "reference": hearing.proceeding.case.reference,
        "proceeding_id": hearing.proceeding_id,
        "court_id": hearing.court_id,
        "court_time_zone": hearing.court.time_zone,
        "starts_at": hearing.starts_at,
        "mode": hearing.mode,
        "status": hearing.status,
        "postponement_reason": hearing.postponement_reason,
        "postponed_by_measure_id": hearing.postponed_by_measure_id,
        "new_starts_at": hearing.new_starts_at,
        "follows_id": hearing.follows_id,
    }


def _court(court_id: int | None, field: str = "court_id") -> Court:
    court = Court.objects.select_related("registry").filter(pk=court_id).first() if court_id else None
    if court is None:
        raise ValidationError({field: "No such court."})
    return court


def _managed_hearing(request: HttpRequest, hearing_id: int) -> tuple[User, Hearing]:
    user = api_user(request)
    hearing = selectors.hearing_get_for_user(user, hearing_id)
    if not services.may_manage_hearing(user, hearing):
        raise PermissionDenied("not allowed")
    return user, hearing


@router.get("/justice/courts", response={200: list[CourtOut], **ERRORS}, operation_id="justice_courts_list")
@paginate(Pagination)
def courts_list(request: HttpRequest, region: str = "") -> object:
    api_user(request, JusticeAction.COURTS_VIEW)
    courts = selectors.courts()
    return courts.filter(region=region[:100]) if region else courts


@router.post("/justice/courts", response={201: CourtOut, **ERRORS}, operation_id="justice_courts_create")
def courts_create(request: HttpRequest, payload: CourtIn) -> Status:
    user = api_user(request, JusticeAction.COURTS_MANAGE)
    registry = None
    if payload.registry_id is not None:
        registry = Organisation.objects.filter(pk=payload.registry_id).first()
        if registry is None:
            raise ValidationError({"registry_id": "No such organisation."})
    data = payload.dict(exclude={"registry_id"})
    return Status(201, services.court_create(actor=user, registry=registry, **data))


@router.get(
    "/justice/proceedings", response={200: list[ProceedingOut], **ERRORS}, operation_id="justice_proceedings_list"
)
@paginate(Pagination)
def proceedings_list(request: HttpRequest, case_reference: str = "") -> list[dict[str, object]]:
    user = api_user(request)
    proceedings = selectors.proceedings_visible_to(user).prefetch_related("protective_measures")
    if case_reference:
        proceedings = proceedings.filter(case__reference=case_reference.strip().upper()[:16])
    return [_proceeding_out(p) for p in proceedings.order_by("-opened_on", "-pk")[:1000]]


@router.post("/justice/proceedings", response={201: ProceedingOut, **ERRORS}, operation_id="justice_proceedings_open")
def proceedings_open(request: HttpRequest, payload: ProceedingIn) -> Status:
    """Open a proceeding the survivor of a case is part of. The caller's organisation is in charge; the case is
    named by its reference (the caller does not see the case itself)."""
    user = api_user(request, JusticeAction.MANAGE)
    organisation = Organisation.objects.filter(pk=payload.organisation_id).first()
    if organisation is None or not can(user, JusticeAction.MANAGE, organisation):
        raise ValidationError({"organisation_id": "Name your own organisation."})
    case = Case.objects.filter(reference=payload.case_reference).first()
    if case is None or not services.may_open_proceeding(user, case, organisation):
        # One answer for a reference that does not exist and for a case not referred here: no oracle.
        raise ValidationError({"case_reference": "No case with this reference was referred to your organisation."})
    proceeding = services.proceeding_open(
        actor=user,
        case=case,
        organisation=organisation,
        kind=payload.kind,
        survivor_role=payload.survivor_role,
        opened_on=payload.opened_on,
    )
    return Status(201, _proceeding_out(proceeding))


@router.get(
    "/justice/proceedings/{proceeding_id}",
    response={200: ProceedingOut, **ERRORS},
    operation_id="justice_proceedings_get",
)
def proceedings_get(request: HttpRequest, proceeding_id: int) -> dict[str, object]:
    return _proceeding_out(selectors.proceeding_get_for_user(api_user(request), proceeding_id))


@router.post(
    "/justice/proceedings/{proceeding_id}/protective-measures",
    response={201: ProceedingOut, **ERRORS},
    operation_id="justice_protective_measures_add",
)
def protective_measures_add(request: HttpRequest, proceeding_id: int, payload: ProtectiveMeasureIn) -> Status:
    user = api_user(request)
    proceeding = selectors.proceeding_get_for_user(user, proceeding_id)
    services.protective_measure_add(actor=user, proceeding=proceeding, kind=payload.kind, language=payload.language)
    return Status(201, _proceeding_out(proceeding))


@router.post(
    "/justice/proceedings/{proceeding_id}/hearings",
    response={201: HearingOut, **ERRORS},
    operation_id="justice_hearings_schedule",
)
def hearings_schedule(request: HttpRequest, proceeding_id: int, payload: HearingIn) -> Status:
    user = api_user(request)
    proceeding = selectors.proceeding_get_for_user(user, proceeding_id)
    hearing = services.hearing_schedule(
        actor=user,
        proceeding=proceeding,
        court=_court(payload.court_id),
        starts_at=payload.starts_at,
        mode=payload.mode,
    )
    return Status(201, _hearing_out(hearing))


@router.get("/justice/hearings", response={200: list[HearingOut], **ERRORS}, operation_id="justice_hearings_list")
@paginate(CappedPagination)
def hearings_list(
    request: HttpRequest,
    court_id: int | None = None,
    status: str = "",
    mode: str = "",
    starts_from: date | None = None,
    starts_to: date | None = None,
) -> list[dict[str, object]]:
    """The hearings the caller may see: a prosecution's, a court registry's, or those of the caller's cases."""
    user = api_user(request)
    if court_id is not None and not 1 <= court_id <= MAX_ID:
        raise ValidationError({"court_id": "No such court."})
    filters = selectors.HearingFilters(
        court_id=court_id, status=status, mode=mode, starts_from=starts_from, starts_to=starts_to
    )
    return [_hearing_out(h) for h in selectors.hearing_list(user, filters)[:1000]]


@router.get(
    "/justice/hearings/to-reschedule",
    response={200: list[HearingOut], **ERRORS},
    operation_id="justice_hearings_to_reschedule",
)
@paginate(CappedPagination)
def hearings_to_reschedule(request: HttpRequest) -> list[dict[str, object]]:
    """Postponed hearings still without a new date, once the suspension that postponed them has ended."""
    return [_hearing_out(h) for h in selectors.to_reschedule(api_user(request))[:1000]]


@router.get("/justice/hearings/{hearing_id}", response={200: HearingOut, **ERRORS}, operation_id="justice_hearings_get")
def hearings_get(request: HttpRequest, hearing_id: int) -> dict[str, object]:
    return _hearing_out(selectors.hearing_get_for_user(api_user(request), hearing_id))


@router.post(
    "/justice/hearings/{hearing_id}/hold", response={200: HearingOut, **ERRORS}, operation_id="justice_hearings_hold"
)
def hearings_hold(request: HttpRequest, hearing_id: int) -> dict[str, object]:
    user, hearing = _managed_hearing(request, hearing_id)
    return _hearing_out(services.hearing_hold(actor=user, hearing=hearing))


@router.post(
    "/justice/hearings/{hearing_id}/postpone",
    response={200: HearingOut, **ERRORS},
    operation_id="justice_hearings_postpone",
)
def hearings_postpone(request: HttpRequest, hearing_id: int, payload: PostponeIn) -> dict[str, object]:
    user, hearing = _managed_hearing(request, hearing_id)
    postponed = services.hearing_postpone(
        actor=user,
        hearing=hearing,
        reason=payload.reason,
        new_starts_at=payload.new_starts_at,
    )
    return _hearing_out(postponed)


@router.post(
    "/justice/hearings/{hearing_id}/reschedule",
    response={201: HearingOut, **ERRORS},
    operation_id="justice_hearings_reschedule",
)
def hearings_reschedule(request: HttpRequest, hearing_id: int, payload: RescheduleIn) -> Status:
    """Give a postponed hearing its new date; the answer is the new hearing, which follows it."""
    user, hearing = _managed_hearing(request, hearing_id)
    court = _court(payload.court_id) if payload.court_id is not None else None
    following = services.hearing_reschedule(
        actor=user,
        hearing=hearing,
        new_starts_at=payload.new_starts_at,
        mode=payload.mode,
        court=court,
    )
    return Status(201, _hearing_out(following))


@router.post(
    "/justice/hearings/{hearing_id}/cancel",
    response={200: HearingOut, **ERRORS},
    operation_id="justice_hearings_cancel",
)
def hearings_cancel(request: HttpRequest, hearing_id: int) -> dict[str, object]:
    user, hearing = _managed_hearing(request, hearing_id)
    return _hearing_out(services.hearing_cancel(actor=user, hearing=hearing))


@router.post(
    "/justice/hearings/{hearing_id}/mode", response={200: HearingOut, **ERRORS}, operation_id="justice_hearings_mode"
)
def hearings_mode(request: HttpRequest, hearing_id: int, payload: ModeIn) -> dict[str, object]:
    user, hearing = _managed_hearing(request, hearing_id)
    return _hearing_out(services.hearing_mode_change(actor=user, hearing=hearing, mode=payload.mode))


@router.get("/justice/backlog", response={200: list[BacklogOut], **ERRORS}, operation_id="justice_backlog")
def backlog(request: HttpRequest, country: str = "", region: str = "") -> list[selectors.BacklogRow]:
    """Figures by court and overall (last row): pending hearings, postponed share, median delay, remote share.
    No personal data."""
    api_user(request, JusticeAction.BACKLOG)
    return selectors.backlog(country=country[:2], region=region[:100])
