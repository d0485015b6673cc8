"""The case API: register, read, change, list (paginated, by reference), NRM transitions, consent, notes,
assessments, timeline. Every read of personal data is audited; everything is scoped by the permission module."""

import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Path, Query, Router, Status
from ninja.pagination import paginate

from lantern.cases import children, closure, journey, non_punishment, plans, residence, returns, selectors, services
from lantern.cases.identification.api import router as identification_router
from lantern.cases.identification.selectors import notifications_in_scope
from lantern.cases.models import Case
from lantern.cases.permissions import CaseAction
from lantern.cases.schemas import (
    REFERENCE_PATTERN,
    AgeAssessmentIn,
    AgeAssessmentOut,
    AssessmentIn,
    AssessmentOut,
    AssignIn,
    BestInterestsIn,
    BestInterestsOut,
    CaseIn,
    CaseListItem,
    CaseOut,
    CasePatch,
    CaseQuery,
    ChargeIn,
    ChargeOut,
    ChildOut,
    ChildViewsIn,
    ChildViewsOut,
    CloseIn,
    ConsentIn,
    ConsentOut,
    DecisionIn,
    DecisionOut,
    DeclineIn,
    DeclineOut,
    DuplicatesOut,
    EraseIn,
    FollowUpIn,
    GuardianIn,
    GuardianOut,
    JourneyEventIn,
    JourneyEventOut,
    JourneyOut,
    NonPunishmentDecisionIn,
    NonPunishmentRequestIn,
    NonPunishmentRequestOut,
    NoteIn,
    NoteOut,
    NrmStatusOut,
    PermitDecisionIn,
    PermitIn,
    PermitOut,
    PerpetratorIn,
    PerpetratorOut,
    PlanActionIn,
    PlanActionOut,
    PlanAgreeIn,
    PlanIn,
    PlanRecordOut,
    PlanReviewIn,
    PlanReviewOut,
    ReferIn,
    RemovalIn,
    RemovalOut,
    RemovalResolveIn,
    ReopenIn,
    ResidenceOut,
    ReturnPlanIn,
    ReturnPlanOut,
    RiskIn,
    RiskOut,
    SafetyPlanIn,
    ServeIn,
    TimelineOut,
    TransferIn,
)
from lantern.cases.validation import CONTEXT_FIELDS, PERSON_FIELDS, PERSONAL_FIELDS, ContextData, PersonData
from lantern.core import selectors as core_selectors
from lantern.core.api import ERRORS, api_user
from lantern.core.models import Organisation, User
from lantern.core.pagination import CappedPagination
from lantern.core.permissions import can, organisation_scope, require

router = Router(tags=["cases"])
router.add_router("", identification_router)  # indicator checklists and anonymous notifications

Reference = Path(..., pattern=REFERENCE_PATTERN, description="the case's pseudonymous reference, e.g. LT-7Q4K-9MZD")


def _detail(user: User, case: Case) -> dict[str, object]:
    """The case with its personal data; the read goes to the audit trail."""
    services.personal_data_read(actor=user, case=case, fields=sorted(PERSONAL_FIELDS))
    person = {name: getattr(case.person, name) for name in PERSON_FIELDS}
    context = {name: getattr(case, name) for name in CONTEXT_FIELDS}
    return {
        **{name: getattr(case, name) for name in CaseOut.model_fields if hasattr(case, name)},
        "assigned_to": case.assigned_to.username if case.assigned_to else None,
        "person": person,
        "context": context,
        "possible_duplicate": selectors.possible_duplicate_exists(case),
    }


@router.get("/cases", response={200: list[CaseListItem], **ERRORS}, operation_id="cases_list")
@paginate(CappedPagination)
def cases_list(request: HttpRequest, filters: CaseQuery = Query(...)) -> object:  # noqa: B008
    return selectors.case_list(api_user(request), selectors.CaseFilters(**filters.dict()))


@router.post("/cases", response={201: CaseOut, **ERRORS}, operation_id="cases_create")
def cases_create(request: HttpRequest, payload: CaseIn) -> Status:
    user = api_user(request)
    organisation = _own_organisation(user)
    case = services.case_register(
        actor=user,
        organisation=organisation,
        person=PersonData(**payload.person.dict()),
        context=ContextData(**payload.context.dict()),
        identified_on=payload.identified_on,
        consent_to_case_management=payload.consent_to_case_management,
    )
    return Status(201, _detail(user, case))


def _own_organisation(user: User) -> Organisation:
    """Cases are registered in the organisation where the user may register them (the first one, if several)."""
    organisation = core_selectors.acting_organisation(user, CaseAction.CREATE)
    if organisation is None:
        raise PermissionDenied("you may not register cases")
    return organisation


@router.get("/cases/duplicates", response={200: DuplicatesOut, **ERRORS}, operation_id="cases_duplicates")
def cases_duplicates(request: HttpRequest) -> dict[str, int]:
    """The national coordinator's count of people that more than one organisation registered (same normalised
    name and birth date). No names, no cases, no organisations: the count is what the linkage work starts from."""
    return {"likely_duplicates_across_organisations": selectors.duplicates_across_organisations(api_user(request))}


@router.get("/cases/nrm", response={200: list[NrmStatusOut], **ERRORS}, operation_id="cases_nrm_status")
@paginate(CappedPagination)
def cases_nrm_status(request: HttpRequest) -> object:
    """Where each case referred to the competent authority stands (stage, deadlines), without personal data: for
    the national coordinator, and for the authority's members (their cases)."""
    return selectors.nrm_status(api_user(request))


@router.get("/cases/{reference}", response={200: CaseOut, **ERRORS}, operation_id="cases_get")
def cases_get(request: HttpRequest, reference: str = Reference) -> object:
    user = api_user(request)
    return _detail(user, selectors.case_get_for_user(user, reference))


@router.patch("/cases/{reference}", response={200: CaseOut, **ERRORS}, operation_id="cases_update")
def cases_update(request: HttpRequest, payload: CasePatch, reference: str = Reference) -> object:
    user = api_user(request)
    case = selectors.case_get_for_user(user, reference, CaseAction.UPDATE)
    services.case_update(
        actor=user,
        case=case,
        person=payload.person.dict(exclude_unset=True) if payload.person else None,
        context=payload.context.dict(exclude_unset=True) if payload.context else None,
    )
    return _detail(user, case)


@router.post("/cases/{reference}/refer", response={200: CaseListItem, **ERRORS}, operation_id="cases_refer")
def cases_refer(request: HttpRequest, payload: ReferIn, reference: str = Reference) -> object:
    user = api_user(request)
    case = selectors.case_get_for_user(user, reference, CaseAction.UPDATE)
    return services.case_refer_to_authority(
        actor=user,
        case=case,
        referred_on=payload.referred_on,
        consent_given=payload.consent_given,
        consent_given_by=payload.consent_given_by,
        legal_basis=payload.legal_basis,
    )


@router.get("/cases/{reference}/decisions", response={200: list[DecisionOut], **ERRORS}, operation_id="decisions_list")
def decisions_list(request: HttpRequest, reference: str = Reference) -> object:
    """The competent authority's decisions on the case, with their reasons (a read of personal data: audited)."""
    user = api_user(request)
    case = selectors.case_get_for_user(user, reference)
    services.personal_data_read(actor=user, case=case, fields=["decision_reasons"])
    return list(selectors.case_decisions(case))


@router.post("/cases/{reference}/decisions", response={201: DecisionOut, **ERRORS}, operation_id="cases_decide")
def cases_decide(request: HttpRequest, payload: DecisionIn, reference: str = Reference) -> Status:
    user = api_user(request)
    case = selectors.case_get_for_user(user, reference)
    if not can(user, CaseAction.DECIDE, case):  # she sees the case but is not its competent authority
        raise PermissionDenied("only the competent authority the case was referred to decides on it")
    reconsiders = None
    if payload.reconsiders is not None:
        reconsiders = selectors.decision_of(case, payload.reconsiders)
        if reconsiders is None:
            raise ValidationError({"reconsiders": "No such decision on this case."})
    decision = services.case_decide(
        actor=user,
        case=case,
        kind=payload.kind,
        outcome=payload.outcome,
        reasons=payload.reasons,
        decided_on=payload.decided_on,
        served_on=payload.served_on,
        served_language=payload.served_language,
        reconsiders=reconsiders,
        reconsideration_grounds=payload.reconsideration_grounds,
    )
    return Status(201, decision)


@router.post(
    "/cases/{reference}/decisions/{decision_id}/serve",
    response={200: DecisionOut, **ERRORS},
    operation_id="decisions_serve",
)
def decisions_serve(request: HttpRequest, decision_id: int, payload: ServeIn, reference: str = Reference) -> object:
    """The day a decision already recorded was served on the person, and the language (the competent authority)."""
    user = api_user(request)
    case = selectors.case_get_for_user(user, reference)
    if not can(user, CaseAction.DECIDE, case):
        raise PermissionDenied("only the competent authority the case was referred to serves its decisions")
    decision = selectors.decision_of(case, decision_id)
    if decision is None:
        raise Http404("no such decision")
    return services.decision_serve(
        actor=user, decision=decision, served_on=payload.served_on, served_language=payload.served_language
    )


@router.post("/cases/{reference}/close", response={200: CaseListItem, **ERRORS}, operation_id="cases_close")
def cases_close(request: HttpRequest, payload: CloseIn, reference: str = Reference) -> object:
    """Close with a coded reason; refused (422, the words saying what is open) while a referral, a stay, a
    proceeding, a recovery period or a return is open, unless a supervisor gives `override_reason`."""
    user = api_user(request)
    case = selectors.case_get_for_user(user, reference, CaseAction.CLOSE)
    return closure.case_close(actor=user, case=case, **payload.dict())


@router.post("/cases/{reference}/follow-up", response={200: CaseListItem, **ERRORS}, operation_id="cases_follow_up")
def cases_follow_up(request: HttpRequest, payload: FollowUpIn, reference: str = Reference) -> object:
    user = api_user(request)
    case = selectors.case_get_for_user(user, reference, CaseAction.CLOSE)
    return closure.follow_up_record(actor=user, case=case, **payload.dict())


@router.post("/cases/{reference}/reopen", response={200: CaseListItem, **ERRORS}, operation_id="cases_reopen")
def cases_reopen(request: HttpRequest, payload: ReopenIn, reference: str = Reference) -> object:
    user = api_user(request)
    case = selectors.case_get_for_user(user, reference, CaseAction.REOPEN)
    return closure.case_reopen(actor=user, case=case, **payload.dict())


@router.post("/cases/{reference}/returns", response={201: ReturnPlanOut, **ERRORS}, operation_id="cases_return_plan")
def cases_return_plan(request: HttpRequest, payload: ReturnPlanIn, reference: str = Reference) -> Status:
    """Plan a voluntary return (a removal is never planned in Lantern): blocked while the destination's border is
    closed."""
    user = api_user(request)
    case = selectors.case_get_for_user(user, reference, CaseAction.PLAN_RETURN)
    data = payload.dict()
    receiving_id = data.pop("receiving_organisation_id")
    receiving = core_selectors.organisation_get(receiving_id) if receiving_id else None
    if receiving_id and receiving is None:
        raise ValidationError({"receiving_organisation_id": "No such organisation."})
    return Status(201, returns.return_plan(actor=user, case=case, receiving_organisation=receiving, **data))


@router.post("/cases/{reference}/assign", response={200: CaseListItem, **ERRORS}, operation_id="cases_assign")
def cases_assign(request: HttpRequest, payload: AssignIn, reference: str = Reference) -> object:
    user = api_user(request)
    case = selectors.case_get_for_user(user, reference, CaseAction.ASSIGN)
    assignee = None
    if payload.username:
        assignee = core_selectors.active_user_by_username(payload.username)
        if assignee is None:
            raise ValidationError({"username": "No active user with this username."})
    return services.case_assign(actor=user, case=case, assignee=assignee)


@router.post("/cases/{reference}/transfer", response={200: CaseListItem, **ERRORS}, operation_id="cases_transfer")
def cases_transfer(request: HttpRequest, payload: TransferIn, reference: str = Reference) -> object:
    """Hand the case over to another organisation that holds cases, with the person's consent to a referral to it."""
    user = api_user(request)
    case = selectors.case_get_for_user(user, reference, CaseAction.TRANSFER)
    target = next((o for o, _ok in selectors.transfer_targets(case) if o.pk == payload.organisation_id), None)
    if target is None:
        raise ValidationError({"organisation_id": "No organisation that holds cases has this id."})
    return services.case_transfer(actor=user, case=case, to=target)


@router.get("/cases/{reference}/consents", response={200: list[ConsentOut], **ERRORS}, operation_id="consents_list")
def consents_list(request: HttpRequest, reference: str = Reference) -> object:
    case = selectors.case_get_for_user(api_user(request), reference)
    return list(case.consents.all())


@router.post("/cases/{reference}/consents", response={201: ConsentOut, **ERRORS}, operation_id="consents_give")
def consents_give(request: HttpRequest, payload: ConsentIn, reference: str = Reference) -> Status:
    user = api_user(request)
    case = selectors.case_get_for_user(user, reference, CaseAction.UPDATE)
    recipient = None
    if payload.recipient_id is not None:
        recipient = core_selectors.organisation_get(payload.recipient_id)
        if recipient is None:
            raise ValidationError({"recipient_id": "No such organisation."})
    consent = services.consent_give(
        actor=user,
        case=case,
        purpose=payload.purpose,
        recipient=recipient,
        channel=payload.channel,
        given_on=payload.given_on,
        given_by=payload.given_by,
    )
    return Status(201, consent)


@router.post(
    "/cases/{reference}/consents/{consent_id}/withdraw",
    response={200: ConsentOut, **ERRORS},
    operation_id="consents_withdraw",
)
def consents_withdraw(request: HttpRequest, consent_id: int, reference: str = Reference) -> object:
    user = api_user(request)
    case = selectors.case_get_for_user(user, reference, CaseAction.UPDATE)
    consent = selectors.consent_of(case, consent_id)
    if consent is None:
        raise Http404("no such consent")
    return services.consent_withdraw(actor=user, consent=consent)


@router.get("/cases/{reference}/notes", response={200: list[NoteOut], **ERRORS}, operation_id="notes_list")
def notes_list(request: HttpRequest, reference: str = Reference) -> object:
    user = api_user(request)
    case = selectors.case_get_for_user(user, reference)
    services.personal_data_read(actor=user, case=case, fields=["notes"])
    return list(case.notes.select_related("author"))


@router.post("/cases/{reference}/notes", response={201: NoteOut, **ERRORS}, operation_id="notes_add")
def notes_add(request: HttpRequest, payload: NoteIn, reference: str = Reference) -> Status:
    user = api_user(request)
    case = selectors.case_get_for_user(user, reference, CaseAction.UPDATE)
    return Status(201, services.note_add(actor=user, case=case, text=payload.text))


@router.post(
    "/cases/{reference}/assessments", response={201: AssessmentOut, **ERRORS}, operation_id="assessments_record"
)
def assessments_record(request: HttpRequest, payload: AssessmentIn, reference: str = Reference) -> Status:
    user = api_user(request)
    case = selectors.case_get_for_user(user, reference, CaseAction.UPDATE)
    assessment = services.assessment_record(
        actor=user,
        case=case,
        kind=payload.kind,
        needs=payload.needs,
        risk_level=payload.risk_level,
        notes=payload.notes,
    )
    return Status(201, assessment)


@router.post("/cases/{reference}/erase", response={200: CaseListItem, **ERRORS}, operation_id="cases_erase")
def cases_erase(request: HttpRequest, payload: EraseIn, reference: str = Reference) -> object:
    """The right to erasure: what identifies the person goes, the statistical fields stay."""
    user = api_user(request)
    case = selectors.case_get_for_user(user, reference, CaseAction.ERASE)
    return services.case_erase(actor=user, case=case, request_reference=payload.request_reference)


@router.get("/cases/{reference}/timeline", response={200: list[TimelineOut], **ERRORS}, operation_id="cases_timeline")
def cases_timeline(request: HttpRequest, reference: str = Reference) -> object:
    case = selectors.case_get_for_user(api_user(request), reference)
    return list(selectors.case_timeline(case))


# --- Children ----------------------------------------------------------------------------------------------


def _organisation(organisation_id: int, field: str) -> Organisation:
    organisation = core_selectors.organisation_get(organisation_id)
    if organisation is None:
        raise ValidationError({field: "No such organisation."})
    return organisation


@router.get("/cases/{reference}/child", response={200: ChildOut, **ERRORS}, operation_id="cases_child")
def cases_child(request: HttpRequest, reference: str = Reference) -> object:
    """The child's protection record: presumption of minority, age assessments, guardian, the child's views and
    the best-interests steps (the read of the guardian's name and the child's words is audited)."""
    user = api_user(request)
    case = selectors.case_get_for_user(user, reference)
    services.personal_data_read(actor=user, case=case, fields=selectors.CHILD_RECORD_FIELDS)
    return selectors.child_record(case)


@router.get("/cases/{reference}/journey", response={200: JourneyOut, **ERRORS}, operation_id="cases_journey")
def cases_journey(request: HttpRequest, reference: str = Reference) -> object:
    """The steps of the person's journey, in order, and the perpetrators (the read of their places, names and
    stories is audited)."""
    user = api_user(request)
    case = selectors.case_get_for_user(user, reference)
    services.personal_data_read(actor=user, case=case, fields=selectors.JOURNEY_FIELDS)
    return {"steps": list(selectors.case_journey(case)), "perpetrators": list(selectors.case_perpetrators(case))}


@router.post("/cases/{reference}/journey", response={201: JourneyEventOut, **ERRORS}, operation_id="cases_journey_add")
def cases_journey_add(request: HttpRequest, payload: JourneyEventIn, reference: str = Reference) -> Status:
    user = api_user(request)
    case = selectors.case_get_for_user(user, reference, CaseAction.UPDATE)
    return Status(201, journey.journey_event_add(actor=user, case=case, **payload.dict()))


@router.post(
    "/cases/{reference}/perpetrators", response={201: PerpetratorOut, **ERRORS}, operation_id="cases_perpetrator_add"
)
def cases_perpetrator_add(request: HttpRequest, payload: PerpetratorIn, reference: str = Reference) -> Status:
    user = api_user(request)
    case = selectors.case_get_for_user(user, reference, CaseAction.UPDATE)
    return Status(201, journey.perpetrator_add(actor=user, case=case, **payload.dict()))


@router.post(
    "/cases/{reference}/age-assessments", response={201: AgeAssessmentOut, **ERRORS}, operation_id="cases_age_assess"
)
def cases_age_assess(request: HttpRequest, payload: AgeAssessmentIn, reference: str = Reference) -> Status:
    user = api_user(request)
    case = selectors.case_get_for_user(user, reference, CaseAction.UPDATE)
    assessment = children.age_assessment_record(
        actor=user,
        case=case,
        method=payload.method,
        assessed_on=payload.assessed_on,
        age_lower=payload.age_lower,
        age_upper=payload.age_upper,
        result_band=payload.result_band,
        assessed_by_organisation=_organisation(payload.assessed_by_organisation_id, "assessed_by_organisation_id"),
        assessor_role=payload.assessor_role,
    )
    return Status(201, assessment)


@router.post("/cases/{reference}/guardians", response={201: GuardianOut, **ERRORS}, operation_id="cases_guardian")
def cases_guardian(request: HttpRequest, payload: GuardianIn, reference: str = Reference) -> Status:
    user = api_user(request)
    case = selectors.case_get_for_user(user, reference, CaseAction.UPDATE)
    return Status(201, children.guardian_appoint(actor=user, case=case, **payload.dict()))


@router.post(
    "/cases/{reference}/child-views", response={201: ChildViewsOut, **ERRORS}, operation_id="cases_child_views"
)
def cases_child_views(request: HttpRequest, payload: ChildViewsIn, reference: str = Reference) -> Status:
    user = api_user(request)
    case = selectors.case_get_for_user(user, reference, CaseAction.UPDATE)
    return Status(201, children.child_views_record(actor=user, case=case, **payload.dict()))


@router.post(
    "/cases/{reference}/best-interests",
    response={201: BestInterestsOut, **ERRORS},
    operation_id="cases_best_interests",
)
def cases_best_interests(request: HttpRequest, payload: BestInterestsIn, reference: str = Reference) -> Status:
    """A best-interests assessment, or the determination (BID) of return, relocation or local integration that
    must come before any of them is planned for a child."""
    user = api_user(request)
    case = selectors.case_get_for_user(user, reference, CaseAction.UPDATE)
    organisation = (
        _organisation(payload.organisation_id, "organisation_id") if payload.organisation_id is not None else None
    )
    record = children.best_interests_record(
        actor=user,
        case=case,
        kind=payload.kind,
        solution=payload.solution,
        decided_on=payload.decided_on,
        organisation=organisation,
        body_name=payload.body_name,
        reasons=payload.reasons,
    )
    return Status(201, record)


# --- Residence permits, detention and removal, non-punishment --------------------------------------------------


@router.get("/cases/{reference}/residence", response={200: ResidenceOut, **ERRORS}, operation_id="cases_residence")
def cases_residence(request: HttpRequest, reference: str = Reference) -> object:
    """The person's residence permits, and detention or removal orders (open ones first)."""
    case = selectors.case_get_for_user(api_user(request), reference)
    return {"permits": residence.permits_of(case), "removals": residence.removals_of(case)}


@router.post("/cases/{reference}/permits", response={201: PermitOut, **ERRORS}, operation_id="cases_permit")
def cases_permit(request: HttpRequest, payload: PermitIn, reference: str = Reference) -> Status:
    user = api_user(request)
    case = selectors.case_get_for_user(user, reference, CaseAction.UPDATE)
    data = payload.dict()
    renews_id = data.pop("renews_id")
    renews = residence.permit_of(case, renews_id) if renews_id else None
    return Status(201, residence.permit_record(actor=user, case=case, renews=renews, **data))


@router.post(
    "/cases/{reference}/permits/{permit_id}/decision",
    response={200: PermitOut, **ERRORS},
    operation_id="cases_permit_decide",
)
def cases_permit_decide(
    request: HttpRequest, payload: PermitDecisionIn, permit_id: int, reference: str = Reference
) -> object:
    user = api_user(request)
    case = selectors.case_get_for_user(user, reference, CaseAction.UPDATE)
    return residence.permit_decide(actor=user, permit=residence.permit_of(case, permit_id), **payload.dict())


@router.post("/cases/{reference}/removals", response={201: RemovalOut, **ERRORS}, operation_id="cases_removal")
def cases_removal(request: HttpRequest, payload: RemovalIn, reference: str = Reference) -> Status:
    """Detention or a removal order: the caseworker and the supervisors are alerted at once."""
    user = api_user(request)
    case = selectors.case_get_for_user(user, reference, CaseAction.UPDATE)
    return Status(201, residence.removal_record(actor=user, case=case, **payload.dict()))


@router.post(
    "/cases/{reference}/removals/{risk_id}/resolution",
    response={200: RemovalOut, **ERRORS},
    operation_id="cases_removal_resolve",
)
def cases_removal_resolve(
    request: HttpRequest, payload: RemovalResolveIn, risk_id: int, reference: str = Reference
) -> object:
    user = api_user(request)
    case = selectors.case_get_for_user(user, reference, CaseAction.UPDATE)
    return residence.removal_resolve(actor=user, risk=residence.removal_of(case, risk_id), **payload.dict())


@router.get("/cases/{reference}/charges", response={200: list[ChargeOut], **ERRORS}, operation_id="cases_charges")
def cases_charges(request: HttpRequest, reference: str = Reference) -> object:
    """Charges and fines against the person with the requests that she not be punished (the caseworker, the
    competent authority, the prosecutor of a proceeding of the case; the read of the grounds is audited)."""
    user = api_user(request)
    case = non_punishment.case_for_reader(user, reference)
    return [row.charge for row in non_punishment.charges_for(user, case)]


@router.post("/cases/{reference}/charges", response={201: ChargeOut, **ERRORS}, operation_id="cases_charge")
def cases_charge(request: HttpRequest, payload: ChargeIn, reference: str = Reference) -> Status:
    user = api_user(request)
    case = selectors.case_get_for_user(user, reference, CaseAction.NON_PUNISHMENT_RECORD)
    return Status(201, non_punishment.charge_record(actor=user, case=case, **payload.dict()))


@router.post(
    "/cases/{reference}/charges/{charge_id}/requests",
    response={201: NonPunishmentRequestOut, **ERRORS},
    operation_id="cases_non_punishment_request",
)
def cases_non_punishment_request(
    request: HttpRequest, payload: NonPunishmentRequestIn, charge_id: int, reference: str = Reference
) -> Status:
    user = api_user(request)
    case = selectors.case_get_for_user(user, reference, CaseAction.NON_PUNISHMENT_RECORD)
    charge = non_punishment.charge_of(case, charge_id)
    return Status(201, non_punishment.request_record(actor=user, charge=charge, **payload.dict()))


@router.post(
    "/cases/{reference}/non-punishment-requests/{request_id}/decision",
    response={200: NonPunishmentRequestOut, **ERRORS},
    operation_id="cases_non_punishment_decide",
)
def cases_non_punishment_decide(
    request: HttpRequest, payload: NonPunishmentDecisionIn, request_id: int, reference: str = Reference
) -> object:
    user = api_user(request)
    case = selectors.case_get_for_user(user, reference, CaseAction.NON_PUNISHMENT_RECORD)
    np_request = non_punishment.request_of(case, request_id)
    return non_punishment.request_decide(actor=user, request=np_request, **payload.dict())


@router.get(
    "/exports/htcds",
    response={200: str, **ERRORS},
    operation_id="exports_htcds",
    openapi_extra={"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}},
)
def exports_htcds(request: HttpRequest) -> HttpResponse:
    """Every case of your organisation in HTCDS 2.0 columns, with personal data (supervisors; audited)."""
    user = api_user(request)
    organisation = core_selectors.acting_organisation(user, CaseAction.EXPORT)
    if organisation is None:
        raise PermissionDenied("you may not export cases")
    out = io.StringIO()
    services.case_export_htcds(actor=user, organisation=organisation, out=out)
    return _csv(out, "htcds.csv")


@router.get(
    "/exports/ctdc",
    response={200: str, **ERRORS},
    operation_id="exports_ctdc",
    openapi_extra={"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}},
)
def exports_ctdc(request: HttpRequest) -> HttpResponse:
    """De-identified microdata with CTDC codes of the cases you may count (consented to statistics; audited)."""
    user = api_user(request)
    # Record-level data, even de-identified, goes only to supervisors for their own organisation: national
    # publication goes through the privacy-safe publication of statistics (k-anonymity, differential privacy).
    scope = organisation_scope(user, CaseAction.EXPORT)
    if scope.empty:
        raise PermissionDenied("you may not export statistics")
    out = io.StringIO()
    notifications = notifications_in_scope(None if scope.everywhere else scope.organisation_ids)
    services.case_export_ctdc(actor=user, cases=selectors.cases_in_scope(scope), out=out, notifications=notifications)
    return _csv(out, "ctdc.csv")


def _csv(out: io.StringIO, filename: str) -> HttpResponse:
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


# --- The assistance plan, declined services, risk and safety plan ------------------------------------------------


@router.get("/cases/{reference}/plan", response={200: PlanRecordOut, **ERRORS}, operation_id="cases_plan")
def cases_plan(request: HttpRequest, reference: str = Reference) -> object:
    """The assistance plan, the services the person declines and the latest risk with its safety plan: for the
    caseworkers and supervisors of the organisation holding the case only (the read is audited)."""
    user = api_user(request)
    case = selectors.case_get_for_user(user, reference)
    record = plans.plan_record(user, case)
    if record is None:
        raise PermissionDenied("only those holding the case read its plan")
    services.personal_data_read(actor=user, case=case, fields=["plan", "safety_plan"])
    plan = record.plan
    return {
        "plan": None
        if plan is None
        else {
            "objectives": plan.objectives,
            "next_review_on": plan.next_review_on,
            "agreed_on": plan.agreed_on,
            "agreed_how": plan.agreed_how,
            "draft": plan.is_draft,
            "actions": record.actions,
            "reviews": record.reviews,
        },
        "declined": record.declined,
        "risk": record.risk,
        "safety_plan_missing": case.safety_plan_missing,
    }


def _holding(request: HttpRequest, reference: str) -> tuple[User, Case]:
    """The case, if the caller may work on its plan: refused (403) before anything is written."""
    user = api_user(request)
    case = selectors.case_get_for_user(user, reference)
    require(user, CaseAction.PLAN, case)
    return user, case


@router.post("/cases/{reference}/plan", response={200: PlanRecordOut, **ERRORS}, operation_id="cases_plan_write")
def cases_plan_write(request: HttpRequest, payload: PlanIn, reference: str = Reference) -> object:
    user, case = _holding(request, reference)
    plans.plan_write(actor=user, case=case, **payload.dict())
    return cases_plan(request, reference)


@router.post(
    "/cases/{reference}/plan/actions", response={201: PlanActionOut, **ERRORS}, operation_id="cases_plan_action"
)
def cases_plan_action(request: HttpRequest, payload: PlanActionIn, reference: str = Reference) -> Status:
    user, case = _holding(request, reference)
    return Status(201, plans.plan_action_add(actor=user, case=case, **payload.dict()))


@router.post(
    "/cases/{reference}/plan/agreement", response={200: PlanRecordOut, **ERRORS}, operation_id="cases_plan_agree"
)
def cases_plan_agree(request: HttpRequest, payload: PlanAgreeIn, reference: str = Reference) -> object:
    user, case = _holding(request, reference)
    plans.plan_agree(actor=user, case=case, how=payload.how, agreed_on=payload.agreed_on)
    return cases_plan(request, reference)


@router.post(
    "/cases/{reference}/plan/reviews", response={201: PlanReviewOut, **ERRORS}, operation_id="cases_plan_review"
)
def cases_plan_review(request: HttpRequest, payload: PlanReviewIn, reference: str = Reference) -> Status:
    user, case = _holding(request, reference)
    return Status(201, plans.plan_review(actor=user, case=case, **payload.dict()))


@router.post("/cases/{reference}/declined", response={201: DeclineOut, **ERRORS}, operation_id="cases_decline")
def cases_decline(request: HttpRequest, payload: DeclineIn, reference: str = Reference) -> Status:
    """The person declines a service: the minimum-package check stops flagging it for her."""
    user, case = _holding(request, reference)
    return Status(201, plans.service_decline(actor=user, case=case, **payload.dict()))


@router.post("/cases/{reference}/risk", response={201: RiskOut, **ERRORS}, operation_id="cases_risk")
def cases_risk(request: HttpRequest, payload: RiskIn, reference: str = Reference) -> Status:
    """A risk assessment with its safety plan; a high one alerts the supervisors and makes referrals emergencies."""
    user, case = _holding(request, reference)
    return Status(201, plans.risk_assess(actor=user, case=case, **payload.dict()))


@router.post("/cases/{reference}/safety-plan", response={200: RiskOut, **ERRORS}, operation_id="cases_safety_plan")
def cases_safety_plan(request: HttpRequest, payload: SafetyPlanIn, reference: str = Reference) -> object:
    """The safety plan of the latest risk assessment, written after the risk was recorded (or changed)."""
    user, case = _holding(request, reference)
    return plans.safety_plan_write(actor=user, case=case, **payload.dict())
