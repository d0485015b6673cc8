"""The records of a case that an HTCDS file carries besides the person and the case, for import and export
(`cases.htcds` reads and writes the cells; this module says which columns, checks them, writes them and reads them
back):

- the individual assistance plan, HTCDS "Support Plan" (spl_): the plan's objectives and agreement once a case
  (`spl_Objectives`, `spl_lt_NextReviewOn`, `spl_lt_AgreedOn`, `spl_lt_AgreedHow`), its actions as numbered groups
  (`spl_Type_1`, `spl_PlannedEndDate_1`, `spl_ActualEndDate_1`, `spl_lt_Service_1`, ...) and its reviews
  (`spl_lt_ReviewedOn_1`, ...). HTCDS has one record a plan of one type; Lantern has one plan a case whose actions
  each have a service, so an action is a record: its `spl_Type` is the type of its service (SUPPORT_TYPE), and
  `spl_lt_Service` keeps the service itself. `spl_ActionPlan` (a text) has no place in Lantern, whose actions are
  the services: the import reads past it and says so.
- residence permits and removal orders (`lt_Permit*_n`, `lt_Removal*_n`), charges and fines against the person and
  the requests not to punish her (`lt_Charge*_n`, `lt_NonPunishment*_n`): HTCDS has no field for them, so they carry
  Lantern's `lt_` prefix. A renewal names the number of the permit it renews, a request the number of its charge.

Like the rest of the HTCDS export, these columns hold personal free text (the objectives, why an action stopped,
what a review changed, the grounds of a request, the authorities): the file is the personal export, audited, and an
import report never quotes them (PERSONAL_COLUMNS)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from lantern.cases import codes
from lantern.cases.models import (
    AgreementWay,
    AssistancePlan,
    Case,
    Charge,
    ChargeKind,
    NonPunishmentRequest,
    OffenceKind,
    PermitKind,
    PermitStatus,
    PlanAction,
    PlanReview,
    RemovalKind,
    RemovalResolution,
    RemovalRisk,
    RequestOutcome,
    ResidencePermit,
)
from lantern.core import codes as iso
from lantern.core.models import Organisation, User

TEXT_LIMIT = 10_000  # the objectives, a review, why an action stopped, a request's grounds: as long as a note
NAME_LIMIT = 200  # an authority's name
RECORD_LIMIT = 50  # numbered groups of one kind a case: as many as the journey's steps

# Column -> (field, kind), kinds as cases.htcds reads them. The plan: once a case.
PLAN_COLUMNS: dict[str, tuple[str, str]] = {
    "spl_Objectives": ("objectives", "text"),
    "spl_lt_NextReviewOn": ("next_review_on", "date"),
    "spl_lt_AgreedOn": ("agreed_on", "date"),
    "spl_lt_AgreedHow": ("agreed_how", "text"),
}
# The numbered groups: the base column (before `_<number>`) -> (field, kind).
ACTION_COLUMNS: dict[str, tuple[str, str]] = {
    "spl_Type": ("support_type", "text"),
    "spl_PlannedEndDate": ("planned_end", "date"),
    "spl_ActualEndDate": ("actual_end", "date"),
    "spl_lt_Service": ("service_type", "text"),
    "spl_lt_Status": ("status", "text"),
    "spl_lt_StopReason": ("stop_reason", "text"),
}
REVIEW_COLUMNS: dict[str, tuple[str, str]] = {
    "spl_lt_ReviewedOn": ("reviewed_on", "date"),
    "spl_lt_ReviewChanges": ("changes", "text"),
    "spl_lt_ReviewWithPerson": ("with_person", "bool"),
}
PERMIT_COLUMNS: dict[str, tuple[str, str]] = {
    "lt_PermitKind": ("kind", "text"),
    "lt_PermitStatus": ("status", "text"),
    "lt_PermitAppliedOn": ("applied_on", "date"),
    "lt_PermitGrantedOn": ("granted_on", "date"),
    "lt_PermitValidFrom": ("valid_from", "date"),
    "lt_PermitValidUntil": ("valid_until", "date"),
    "lt_PermitRenews": ("renews", "int"),  # the number of the permit this one renews
}
REMOVAL_COLUMNS: dict[str, tuple[str, str]] = {
    "lt_RemovalKind": ("kind", "text"),
    "lt_RemovalOrderedOn": ("ordered_on", "date"),
    "lt_RemovalAuthority": ("authority", "text"),
    "lt_RemovalScheduledOn": ("scheduled_on", "date"),
    "lt_RemovalResolution": ("resolution", "text"),
    "lt_RemovalResolvedOn": ("resolved_on", "date"),
}
CHARGE_COLUMNS: dict[str, tuple[str, str]] = {
    "lt_ChargeKind": ("kind", "text"),
    "lt_ChargeOffence": ("offence", "text"),
    "lt_ChargedOn": ("charged_on", "date"),
    "lt_ChargeAuthority": ("authority", "text"),
    "lt_ChargeAmount": ("amount", "decimal"),
    "lt_ChargeCurrency": ("currency", "text"),
}
REQUEST_COLUMNS: dict[str, tuple[str, str]] = {
    "lt_NonPunishmentCharge": ("charge", "int"),  # the number of the charge the request is about
    "lt_NonPunishmentRequestedOn": ("requested_on", "date"),
    "lt_NonPunishmentAddressedTo": ("addressed_to", "text"),
    "lt_NonPunishmentGrounds": ("grounds", "text"),
    "lt_NonPunishmentOutcome": ("outcome", "text"),
    "lt_NonPunishmentDecidedOn": ("decided_on", "date"),
}
GROUPS: dict[str, dict[str, tuple[str, str]]] = {
    "action": ACTION_COLUMNS,
    "review": REVIEW_COLUMNS,
    "permit": PERMIT_COLUMNS,
    "removal": REMOVAL_COLUMNS,
    "charge": CHARGE_COLUMNS,
    "request": REQUEST_COLUMNS,
}
GROUP_OF = {column: key for key, table in GROUPS.items() for column in table}
PERSONAL_COLUMNS = frozenset({
    "spl_Objectives", "spl_lt_StopReason", "spl_lt_ReviewChanges", "lt_RemovalAuthority", "lt_ChargeAuthority",
    "lt_NonPunishmentAddressedTo", "lt_NonPunishmentGrounds",
})  # fmt: skip

# HTCDS spl_Type (its picklist) of each service of Lantern's list (codes.SERVICE_TYPES). The three rehabilitation
# and training types name no service of the list: a record of one of them is imported with its spl_lt_Service.
SUPPORT_TYPES = ("Education", "Financial", "Health", "LabourExploitationRehabilitation", "Legal", "Livelihood",
                 "RightsBasedTraining", "SexualExploitationRehabilitation", "SocialCare")  # fmt: skip
SUPPORT_TYPE: dict[str, str] = {
    "safe_accommodation": "SocialCare",
    "medical": "Health",
    "psychological": "Health",
    "interpretation": "SocialCare",
    "cultural_mediation": "SocialCare",
    "legal_counselling": "Legal",
    "legal_aid": "Legal",
    "education": "Education",
    "vocational_training": "Livelihood",
    "financial_assistance": "Financial",
    "livelihood": "Livelihood",
    "social_care": "SocialCare",
    "repatriation": "SocialCare",
    "family_tracing": "SocialCare",
    "covid_test_vaccination": "Health",
    "protective_equipment": "Health",
    "quarantine_accommodation": "SocialCare",
    "emergency_cash": "Financial",
    "food_package": "SocialCare",
    "device_and_internet": "SocialCare",
    "remote_psychosocial": "Health",
}
# A record from another system with a type and no spl_lt_Service becomes the action of this service.
TYPE_SERVICE = {"Education": "education", "Financial": "financial_assistance", "Health": "medical",
                "Legal": "legal_aid", "Livelihood": "livelihood", "SocialCare": "social_care"}  # fmt: skip


@dataclass
class Records:
    """What a row holds of the plan and of the numbered groups, checked, in the order of their numbers. A
    reference to another record (a renewal's permit, a request's charge) is its index in its list."""

    plan: dict[str, Any] = field(default_factory=dict)
    groups: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {key: [] for key in GROUPS})

    def __bool__(self) -> bool:
        return bool(self.plan) or any(self.groups.values())


def _column(key: str, name: str, number: int) -> str:
    base = next(column for column, (field_name, _) in GROUPS[key].items() if field_name == name)
    return f"{base}_{number}"


def clean_records(
    plan: dict[str, Any], numbered: dict[str, dict[int, dict[str, Any]]], *, today: date
) -> tuple[Records, list[tuple[str, str]]]:
    """Check a row's plan and numbered groups as the case page checks them (what a page leaves to a later step, a
    permit expired or an action done, a file may say at once). Returns the records and the problems, each as
    (column, reason)."""
    problems: list[tuple[str, str]] = []
    records = Records()
    position: dict[str, dict[int, int]] = {}
    for key in GROUPS:
        numbers = sorted(numbered.get(key, {}))
        position[key] = {number: index for index, number in enumerate(numbers)}
        records.groups[key] = [dict(numbered[key][number]) for number in numbers]
    numbers_of = {key: sorted(numbered.get(key, {})) for key in GROUPS}

    def problem(key: str, index: int, name: str, reason: str) -> None:
        problems.append((_column(key, name, numbers_of[key][index]), reason))

    def not_future(key: str, index: int, name: str) -> None:
        value = records.groups[key][index].get(name)
        if value is not None and value > today:
            problem(key, index, name, "in the future")

    def text(key: str, index: int, name: str, limit: int, *, required: bool) -> None:
        value = records.groups[key][index].get(name, "")
        if required and not value:
            problem(key, index, name, "required")
        elif len(value) > limit:
            problem(key, index, name, f"longer than {limit} characters")

    # The plan and its actions and reviews.
    actions, reviews = records.groups["action"], records.groups["review"]
    if plan or actions or reviews:
        records.plan = dict(plan)
        objectives = plan.get("objectives", "")
        if not objectives:
            problems.append(("spl_Objectives", "required with a plan's action, review or agreement"))
        elif len(objectives) > TEXT_LIMIT:
            problems.append(("spl_Objectives", f"longer than {TEXT_LIMIT} characters"))
        how, agreed_on = plan.get("agreed_how", ""), plan.get("agreed_on")
        if how and how not in AgreementWay.values:
            problems.append(("spl_lt_AgreedHow", "not signed, oral or interpreter"))
        if bool(how) != (agreed_on is not None):
            problems.append(("spl_lt_AgreedOn" if how else "spl_lt_AgreedHow", "the day and the way go together"))
        if agreed_on is not None and agreed_on > today:
            problems.append(("spl_lt_AgreedOn", "in the future"))
        if agreed_on is not None and not actions:
            problems.append(("spl_lt_AgreedOn", "a plan without any action cannot be agreed"))
    for index, action in enumerate(actions):
        service, kind = action.get("service_type", ""), action.pop("support_type", "")
        if service and service not in codes.SERVICE_TYPES:
            problem("action", index, "service_type", "not a service of Lantern's list")
        elif service and kind and SUPPORT_TYPE[service] != kind:
            problem("action", index, "support_type", f"disagrees with the service ({SUPPORT_TYPE[service]})")
        elif not service and kind not in SUPPORT_TYPES:
            problem("action", index, "support_type", "not a support plan type of HTCDS")
        elif not service and kind not in TYPE_SERVICE:
            problem("action", index, "service_type", "required for this type: no service of Lantern's list has it")
        elif not service:
            action["service_type"] = TYPE_SERVICE[kind]
        status = action.setdefault("status", PlanAction.Status.PLANNED)
        ended = status in (PlanAction.Status.DONE, PlanAction.Status.STOPPED)
        if status not in PlanAction.Status.values:
            problem("action", index, "status", "not planned, in_progress, done or stopped")
        elif ended and action.get("actual_end") is None:
            problem("action", index, "actual_end", "required for an action done or stopped")
        elif not ended and action.get("actual_end") is not None:
            problem("action", index, "actual_end", "only for an action done or stopped")
        not_future("action", index, "actual_end")
        text("action", index, "stop_reason", TEXT_LIMIT, required=status == PlanAction.Status.STOPPED)
        if action.get("stop_reason") and status != PlanAction.Status.STOPPED:
            problem("action", index, "stop_reason", "only for an action stopped")
    for index, review in enumerate(reviews):
        if review.get("reviewed_on") is None:
            problem("review", index, "reviewed_on", "required")
        not_future("review", index, "reviewed_on")
        text("review", index, "changes", TEXT_LIMIT, required=True)

    # Residence permits and removal orders.
    permits = records.groups["permit"]
    renewed: set[int] = set()
    for index, permit in enumerate(permits):
        status = permit.get("status") or PermitStatus.APPLIED
        permit["status"] = status
        if permit.get("kind", "") not in PermitKind.values:
            problem("permit", index, "kind", "not reflection, victim or other")
        if status not in PermitStatus.values:
            problem("permit", index, "status", "not a status of a permit")
        applied, granted = permit.get("applied_on"), permit.get("granted_on")
        valid_from, valid_until = permit.get("valid_from"), permit.get("valid_until")
        if applied is None:
            problem("permit", index, "applied_on", "required")
        for name in ("applied_on", "granted_on"):
            not_future("permit", index, name)
        if status == PermitStatus.GRANTED and granted is None:
            problem("permit", index, "granted_on", "required for a permit granted")
        if status == PermitStatus.GRANTED and valid_until is None:
            problem("permit", index, "valid_until", "required for a permit granted")
        if status == PermitStatus.APPLIED and (granted or valid_from or valid_until):
            problem("permit", index, "granted_on", "a permit applied for has no dates of validity yet")
        if applied and granted and granted < applied:
            problem("permit", index, "granted_on", "before the day it was applied for")
        if valid_from and valid_until and valid_until < valid_from:
            problem("permit", index, "valid_until", "before lt_PermitValidFrom")
        renews = permit.pop("renews", None)
        if renews is not None:
            earlier = position["permit"].get(renews)
            if earlier is None or earlier >= index or earlier in renewed:
                problem("permit", index, "renews", "not the number of an earlier permit of the row, renewed once")
            else:
                renewed.add(earlier)
                permit["renews_index"] = earlier
    for index, removal in enumerate(records.groups["removal"]):
        kind = removal.get("kind", "")
        ordered, scheduled = removal.get("ordered_on"), removal.get("scheduled_on")
        resolution, resolved = removal.get("resolution", ""), removal.get("resolved_on")
        if kind not in RemovalKind.values:
            problem("removal", index, "kind", "not detention, removal_order or deportation")
        if ordered is None:
            problem("removal", index, "ordered_on", "required")
        for name in ("ordered_on", "resolved_on"):
            not_future("removal", index, name)
        text("removal", index, "authority", NAME_LIMIT, required=True)
        if kind == RemovalKind.DEPORTATION and scheduled is None:
            problem("removal", index, "scheduled_on", "required for a deportation")
        if ordered and scheduled and scheduled < ordered:
            problem("removal", index, "scheduled_on", "before the order")
        if resolution and resolution not in RemovalResolution.values:
            problem("removal", index, "resolution", "not released, suspended or withdrawn")
        if bool(resolution) != (resolved is not None):
            name = "resolved_on" if resolution else "resolution"
            problem("removal", index, name, "the resolution and its day go together")
        if ordered and resolved and resolved < ordered:
            problem("removal", index, "resolved_on", "before the order")

    # Charges and fines, and the requests not to punish her.
    charges = records.groups["charge"]
    for index, charge in enumerate(charges):
        kind = charge.get("kind", "")
        if kind not in ChargeKind.values:
            problem("charge", index, "kind", "not charge or fine")
        if charge.get("offence", "") not in OffenceKind.values:
            problem("charge", index, "offence", "not an offence of the list")
        if charge.get("charged_on") is None:
            problem("charge", index, "charged_on", "required")
        not_future("charge", index, "charged_on")
        text("charge", index, "authority", NAME_LIMIT, required=True)
        amount: Decimal | None = charge.get("amount")
        charge["currency"] = currency = charge.get("currency", "").upper()
        if kind == ChargeKind.FINE:
            if amount is None or amount < 0 or amount >= Decimal("1e10"):
                problem("charge", index, "amount", "required for a fine, from 0 to 9999999999.99")
            elif amount != amount.quantize(Decimal("0.01")):
                problem("charge", index, "amount", "at most two decimals")
            if currency not in iso.currency_codes():
                problem("charge", index, "currency", "not an ISO 4217 currency code")
        elif amount is not None or currency:
            problem("charge", index, "amount", "only a fine has an amount")
    pending: set[int] = set()
    for index, request in enumerate(records.groups["request"]):
        number = request.pop("charge", None)
        charge_index = position["charge"].get(number) if number is not None else None
        if charge_index is None:
            problem("request", index, "charge", "not the number of a charge of the row")
        else:
            request["charge_index"] = charge_index
        requested, decided = request.get("requested_on"), request.get("decided_on")
        outcome = request.setdefault("outcome", RequestOutcome.PENDING)
        if requested is None:
            problem("request", index, "requested_on", "required")
        for name in ("requested_on", "decided_on"):
            not_future("request", index, name)
        charged = charges[charge_index].get("charged_on") if charge_index is not None else None
        if requested and charged and requested < charged:
            problem("request", index, "requested_on", "before the charge")
        text("request", index, "addressed_to", NAME_LIMIT, required=True)
        text("request", index, "grounds", TEXT_LIMIT, required=True)
        if outcome not in RequestOutcome.values:
            problem("request", index, "outcome", "not pending, granted or refused")
        elif (outcome == RequestOutcome.PENDING) != (decided is None):
            problem("request", index, "decided_on", "a day for a request granted or refused, and only then")
        if requested and decided and decided < requested:
            problem("request", index, "decided_on", "before the request")
        if outcome == RequestOutcome.PENDING and charge_index is not None:
            if charge_index in pending:
                problem("request", index, "outcome", "another request is pending for this charge")
            pending.add(charge_index)
    return records, problems


def records_create(*, case: Case, records: Records, recorded_by: User) -> dict[str, int]:
    """Write what an imported row holds (checked whole by clean_records before anything was written). Returns how
    many of each were written, for the timeline."""
    counts = {key: len(items) for key, items in records.groups.items() if items}
    if records.plan:
        plan = AssistancePlan.objects.create(
            case=case,
            objectives=records.plan["objectives"],
            next_review_on=records.plan.get("next_review_on"),
            agreed_on=records.plan.get("agreed_on"),
            agreed_how=records.plan.get("agreed_how", ""),
            created_by=recorded_by,
        )
        counts["plan"] = 1
        PlanAction.objects.bulk_create(PlanAction(plan=plan, **values) for values in records.groups["action"])
        PlanReview.objects.bulk_create(
            PlanReview(plan=plan, reviewed_by=recorded_by, **values) for values in records.groups["review"]
        )
    permits: list[ResidencePermit] = []
    for values in records.groups["permit"]:
        values = dict(values)
        renews = values.pop("renews_index", None)
        permit = ResidencePermit.objects.create(
            case=case, renews=permits[renews] if renews is not None else None, recorded_by=recorded_by, **values
        )
        permits.append(permit)
    RemovalRisk.objects.bulk_create(
        RemovalRisk(case=case, recorded_by=recorded_by, **values) for values in records.groups["removal"]
    )
    charges = [
        Charge.objects.create(case=case, recorded_by=recorded_by, **values) for values in records.groups["charge"]
    ]
    for values in records.groups["request"]:
        values = dict(values)
        charge = charges[values.pop("charge_index")]
        NonPunishmentRequest.objects.create(charge=charge, recorded_by=recorded_by, **values)
    return counts


# --- Export -------------------------------------------------------------------------------------------------------


@dataclass
class CaseRecords:
    """The records of one case as the export writes them: the plan's values, and each group's rows as values by
    field (references as numbers)."""

    plan: dict[str, Any] = field(default_factory=dict)
    groups: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {key: [] for key in GROUPS})


def records_of(organisation: Organisation) -> dict[int, CaseRecords]:
    """The records of every case of the organisation that has any, by case id (one query a kind of record,
    whatever the number of cases), in the order they were recorded: a renewal after the permit it renews, as an
    import writes them."""
    by_case: dict[int, CaseRecords] = {}

    def of(case_id: int) -> CaseRecords:
        return by_case.setdefault(case_id, CaseRecords())

    in_organisation = {"case__organisation": organisation}
    for plan in AssistancePlan.objects.filter(**in_organisation):
        of(plan.case_id).plan = {name: getattr(plan, name) for name, _ in PLAN_COLUMNS.values()}
    actions = PlanAction.objects.filter(plan__case__organisation=organisation).select_related("plan")
    for action in actions.order_by("plan__case_id", "pk"):
        values = {name: getattr(action, name) for name, _ in ACTION_COLUMNS.values() if name != "support_type"}
        values["support_type"] = SUPPORT_TYPE.get(action.service_type, "")
        of(action.plan.case_id).groups["action"].append(values)
    reviews = PlanReview.objects.filter(plan__case__organisation=organisation).select_related("plan")
    for review in reviews.order_by("plan__case_id", "pk"):
        of(review.plan.case_id).groups["review"].append(
            {name: getattr(review, name) for name, _ in REVIEW_COLUMNS.values()}
        )
    number: dict[int, int] = {}  # a permit's or a charge's number in its case's group
    for permit in ResidencePermit.objects.filter(**in_organisation).order_by("case_id", "pk"):
        group = of(permit.case_id).groups["permit"]
        values = {name: getattr(permit, name) for name, _ in PERMIT_COLUMNS.values() if name != "renews"}
        values["renews"] = number.get(permit.renews_id) if permit.renews_id else None
        group.append(values)
        number[permit.pk] = len(group)
    for removal in RemovalRisk.objects.filter(**in_organisation).order_by("case_id", "pk"):
        of(removal.case_id).groups["removal"].append(
            {name: getattr(removal, name) for name, _ in REMOVAL_COLUMNS.values()}
        )
    charge_number: dict[int, int] = {}
    for charge in Charge.objects.filter(**in_organisation).order_by("case_id", "pk"):
        group = of(charge.case_id).groups["charge"]
        group.append({name: getattr(charge, name) for name, _ in CHARGE_COLUMNS.values()})
        charge_number[charge.pk] = len(group)
    requests = NonPunishmentRequest.objects.filter(charge__case__organisation=organisation).select_related("charge")
    for request in requests.order_by("charge__case_id", "pk"):
        values = {name: getattr(request, name) for name, _ in REQUEST_COLUMNS.values() if name != "charge"}
        values["charge"] = charge_number[request.charge_id]
        of(request.charge.case_id).groups["request"].append(values)
    return by_case
