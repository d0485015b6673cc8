"""The justice API: courts, proceedings and their protective measures, hearings (schedule, hold, postpone,
reschedule, cancel, change of mode), the hearings to reschedule after a court suspension, and the backlog."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from lantern.cases import selectors as case_selectors
from lantern.core.api import ERRORS, api_user
from lantern.core.models import User
from lantern.core.pagination import CappedPagination, Pagination
from lantern.core.permissions import can
from lantern.core.selectors import organisation_get
from lantern.justice import selectors, services
from lantern.justice.models import Compensation, Court, Hearing, Proceeding
from lantern.justice.permissions import JusticeAction, may_manage_hearing, may_manage_proceeding
from lantern.justice.schemas import (
    MAX_ID,
    AwardIn,
    BacklogOut,
    CompensationIn,
    CompensationOut,
    CourtIn,
    CourtOut,
    FundStatusIn,
    HearingIn,
    HearingOut,
    MeasureDecisionIn,
    ModeIn,
    OutcomeIn,
    PaymentIn,
    PostponeIn,
    ProceedingIn,
    ProceedingOut,
    ProtectiveMeasureIn,
    RepresentativeIn,
    RescheduleIn,
)

router = Router(tags=["justice"])


def _court(court_id: int | None, field: str = "court_id") -> Court:
    court = selectors.court_get(court_id) if court_id else None
    if court is None:
        raise ValidationError({field: "No such court."})
    return court


def _managed_hearing(request: HttpRequest, hearing_id: int) -> tuple[User, Hearing]:
    user = api_user(request)
    hearing = selectors.hearing_get_for_user(user, hearing_id)
    if not may_manage_hearing(user, hearing):
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
        registry = organisation_get(payload.registry_id)
        if registry is None:
            raise ValidationError({"registry_id": "No such organisation."})
    data = payload.dict(exclude={"registry_id"})
    return Status(201, services.court_create(actor=user, registry=registry, **data))


@router.get(
    "/justice/proceedings", response={200: list[ProceedingOut], **ERRORS}, operation_id="justice_proceedings_list"
)
@paginate(Pagination)
def proceedings_list(request: HttpRequest, case_reference: str = "") -> QuerySet[Proceeding]:
    return selectors.proceeding_list(api_user(request), case_reference=case_reference.strip().upper()[:16])


@router.post("/justice/proceedings", response={201: ProceedingOut, **ERRORS}, operation_id="justice_proceedings_open")
def proceedings_open(request: HttpRequest, payload: ProceedingIn) -> Status:
    """Open a proceeding the survivor of a case is part of. The caller's organisation is in charge; the case is
    named by its reference (the caller does not see the case itself)."""
    user = api_user(request, JusticeAction.MANAGE)
    organisation = organisation_get(payload.organisation_id)
    if organisation is None or not can(user, JusticeAction.MANAGE, organisation):
        raise ValidationError({"organisation_id": "Name your own organisation."})
    case = case_selectors.case_by_reference(payload.case_reference)
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
    return Status(201, proceeding)


@router.get(
    "/justice/proceedings/{proceeding_id}",
    response={200: ProceedingOut, **ERRORS},
    operation_id="justice_proceedings_get",
)
def proceedings_get(request: HttpRequest, proceeding_id: int) -> Proceeding:
    user = api_user(request)
    return selectors.proceeding_redress(selectors.proceeding_get_for_user(user, proceeding_id))


def _managed_proceeding(request: HttpRequest, proceeding_id: int) -> tuple[User, Proceeding]:
    user = api_user(request)
    proceeding = selectors.proceeding_get_for_user(user, proceeding_id)
    if not may_manage_proceeding(user, proceeding):
        raise PermissionDenied("not allowed")
    return user, proceeding


def _managed_compensation(request: HttpRequest, compensation_id: int) -> tuple[User, Compensation]:
    user = api_user(request)
    compensation = selectors.compensation_get_for_user(user, compensation_id)
    if not may_manage_proceeding(user, compensation.proceeding):
        raise PermissionDenied("not allowed")
    return user, compensation


@router.post(
    "/justice/proceedings/{proceeding_id}/protective-measures",
    response={201: ProceedingOut, **ERRORS},
    operation_id="justice_protective_measures_add",
)
def protective_measures_add(request: HttpRequest, proceeding_id: int, payload: ProtectiveMeasureIn) -> Status:
    """A protective measure requested (status requested), or already granted or refused, with its dates."""
    user, proceeding = _managed_proceeding(request, proceeding_id)
    services.protective_measure_add(actor=user, proceeding=proceeding, **payload.dict())
    return Status(201, selectors.proceeding_redress(proceeding))


@router.post(
    "/justice/protective-measures/{protective_measure_id}/decision",
    response={200: ProceedingOut, **ERRORS},
    operation_id="justice_protective_measures_decide",
)
def protective_measures_decide(
    request: HttpRequest, protective_measure_id: int, payload: MeasureDecisionIn
) -> Proceeding:
    """The court grants or refuses a measure that was requested."""
    user = api_user(request)
    measure = selectors.protective_measure_get_for_user(user, protective_measure_id)
    if not may_manage_proceeding(user, measure.proceeding):
        raise PermissionDenied("not allowed")
    services.protective_measure_decide(actor=user, measure=measure, **payload.dict())
    return selectors.proceeding_redress(measure.proceeding)


@router.post(
    "/justice/proceedings/{proceeding_id}/defendants",
    response={201: ProceedingOut, **ERRORS},
    operation_id="justice_defendants_add",
)
def defendants_add(request: HttpRequest, proceeding_id: int) -> Status:
    """One more defendant, numbered in order (no name: Lantern holds none)."""
    user, proceeding = _managed_proceeding(request, proceeding_id)
    services.defendant_add(actor=user, proceeding=proceeding)
    return Status(201, selectors.proceeding_redress(proceeding))


@router.post(
    "/justice/defendants/{defendant_id}/outcome",
    response={200: ProceedingOut, **ERRORS},
    operation_id="justice_defendants_outcome",
)
def defendants_outcome(request: HttpRequest, defendant_id: int, payload: OutcomeIn) -> Proceeding:
    """What the proceeding decided for one defendant; the proceeding closes (`closed_on`) with the last outcome."""
    user = api_user(request)
    defendant = selectors.defendant_get_for_user(user, defendant_id)
    if not may_manage_proceeding(user, defendant.proceeding):
        raise PermissionDenied("not allowed")
    services.defendant_outcome(actor=user, defendant=defendant, **payload.dict())
    return selectors.proceeding_redress(defendant.proceeding)


@router.put(
    "/justice/proceedings/{proceeding_id}/legal-representative",
    response={200: ProceedingOut, **ERRORS},
    operation_id="justice_legal_representative_set",
)
def legal_representative_set(request: HttpRequest, proceeding_id: int, payload: RepresentativeIn) -> Proceeding:
    """The survivor's legal representative: an organisation of the directory, a named lawyer, or both."""
    user, proceeding = _managed_proceeding(request, proceeding_id)
    organisation = None
    if payload.organisation_id is not None:
        organisation = organisation_get(payload.organisation_id)
        if organisation is None:
            raise ValidationError({"organisation_id": "No such organisation."})
    services.legal_representative_set(
        actor=user, proceeding=proceeding, organisation=organisation, lawyer=payload.lawyer
    )
    return selectors.proceeding_redress(proceeding)


@router.post(
    "/justice/proceedings/{proceeding_id}/compensations",
    response={201: CompensationOut, **ERRORS},
    operation_id="justice_compensations_claim",
)
def compensations_claim(request: HttpRequest, proceeding_id: int, payload: CompensationIn) -> Status:
    """A compensation claim against the offender or to the state fund. Amounts are decimal strings or numbers."""
    user, proceeding = _managed_proceeding(request, proceeding_id)
    return Status(201, services.compensation_claim(actor=user, proceeding=proceeding, **payload.dict()))


@router.post(
    "/justice/compensations/{compensation_id}/award",
    response={200: CompensationOut, **ERRORS},
    operation_id="justice_compensations_award",
)
def compensations_award(request: HttpRequest, compensation_id: int, payload: AwardIn) -> Compensation:
    user, compensation = _managed_compensation(request, compensation_id)
    return services.compensation_award(actor=user, compensation=compensation, **payload.dict())


@router.post(
    "/justice/compensations/{compensation_id}/payments",
    response={200: CompensationOut, **ERRORS},
    operation_id="justice_compensations_pay",
)
def compensations_pay(request: HttpRequest, compensation_id: int, payload: PaymentIn) -> Compensation:
    """A payment received on the award; never more than what is still owed."""
    user, compensation = _managed_compensation(request, compensation_id)
    return services.compensation_pay(actor=user, compensation=compensation, **payload.dict())


@router.post(
    "/justice/compensations/{compensation_id}/fund-status",
    response={200: CompensationOut, **ERRORS},
    operation_id="justice_compensations_fund_status",
)
def compensations_fund_status(request: HttpRequest, compensation_id: int, payload: FundStatusIn) -> Compensation:
    user, compensation = _managed_compensation(request, compensation_id)
    return services.fund_claim_status(actor=user, compensation=compensation, status=payload.status)


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
    return Status(201, hearing)


@router.get("/justice/hearings", response={200: list[HearingOut], **ERRORS}, operation_id="justice_hearings_list")
@paginate(CappedPagination)
def hearings_list(
    request: HttpRequest,
    court_id: int | None = None,
    status: str = "",
    mode: str = "",
    starts_from: date | None = None,
    starts_to: date | None = None,
) -> QuerySet[Hearing]:
    """The hearings the caller may see: a prosecution's, a court registry's, or those of the caller's cases."""
    user = api_user(request)
    if court_id is not None and not 1 <= court_id <= MAX_ID:
        raise ValidationError({"court_id": "No such court."})
    filters = selectors.HearingFilters(
        court_id=court_id, status=status, mode=mode, starts_from=starts_from, starts_to=starts_to
    )
    return selectors.hearing_list(user, filters)


@router.get(
    "/justice/hearings/to-reschedule",
    response={200: list[HearingOut], **ERRORS},
    operation_id="justice_hearings_to_reschedule",
)
@paginate(CappedPagination)
def hearings_to_reschedule(request: HttpRequest) -> QuerySet[Hearing]:
    """Postponed hearings still without a new date, once the suspension that postponed them has ended."""
    return selectors.to_reschedule(api_user(request))


@router.get("/justice/hearings/{hearing_id}", response={200: HearingOut, **ERRORS}, operation_id="justice_hearings_get")
def hearings_get(request: HttpRequest, hearing_id: int) -> Hearing:
    return selectors.hearing_get_for_user(api_user(request), hearing_id)


@router.post(
    "/justice/hearings/{hearing_id}/hold", response={200: HearingOut, **ERRORS}, operation_id="justice_hearings_hold"
)
def hearings_hold(request: HttpRequest, hearing_id: int) -> Hearing:
    user, hearing = _managed_hearing(request, hearing_id)
    return services.hearing_hold(actor=user, hearing=hearing)


@router.post(
    "/justice/hearings/{hearing_id}/postpone",
    response={200: HearingOut, **ERRORS},
    operation_id="justice_hearings_postpone",
)
def hearings_postpone(request: HttpRequest, hearing_id: int, payload: PostponeIn) -> Hearing:
    user, hearing = _managed_hearing(request, hearing_id)
    postponed = services.hearing_postpone(
        actor=user,
        hearing=hearing,
        reason=payload.reason,
        new_starts_at=payload.new_starts_at,
    )
    return postponed


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
    return Status(201, following)


@router.post(
    "/justice/hearings/{hearing_id}/cancel",
    response={200: HearingOut, **ERRORS},
    operation_id="justice_hearings_cancel",
)
def hearings_cancel(request: HttpRequest, hearing_id: int) -> Hearing:
    user, hearing = _managed_hearing(request, hearing_id)
    return services.hearing_cancel(actor=user, hearing=hearing)


@router.post(
    "/justice/hearings/{hearing_id}/mode", response={200: HearingOut, **ERRORS}, operation_id="justice_hearings_mode"
)
def hearings_mode(request: HttpRequest, hearing_id: int, payload: ModeIn) -> Hearing:
    user, hearing = _managed_hearing(request, hearing_id)
    return services.hearing_mode_change(actor=user, hearing=hearing, mode=payload.mode)


@router.get("/justice/backlog", response={200: list[BacklogOut], **ERRORS}, operation_id="justice_backlog")
def backlog(request: HttpRequest, country: str = "", region: str = "") -> list[selectors.BacklogRow]:
    """Figures by court and overall (last row): pending hearings, postponed share, median delay, remote share.
    No personal data."""
    api_user(request, JusticeAction.BACKLOG)
    return selectors.backlog(country=country[:2], region=region[:100])
