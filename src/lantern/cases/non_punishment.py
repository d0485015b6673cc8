"""Non-punishment (Council of Europe Convention, Art. 26): the charges and fines against a victim for offences she
was compelled to commit (a lockdown breach among them), the request that she not be punished, and its outcome.
Read by the caseworker and supervisors holding the case, the competent authority the case was referred to, and
the prosecutor of a proceeding of the case (the justice app registers that check in READERS); nobody else.
Same form as cases.services (keyword-only, one transaction, the audit event and the timeline entry with it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from lantern.cases.children import NAME_LIMIT, TEXT_LIMIT, _text
from lantern.cases.models import Case, Charge, ChargeKind, NonPunishmentRequest, OffenceKind, RequestOutcome, Stage
from lantern.cases.permissions import CaseAction
from lantern.cases.services import _event, personal_data_read
from lantern.core import codes as iso
from lantern.core.models import User
from lantern.core.permissions import can, require

# Other readers of a case's charges: (user, case) -> whether she may read them. The justice app adds "the
# prosecution in charge of a proceeding of this case" in its AppConfig.ready (cases cannot import justice).
READERS: list[Callable[[User, Case], bool]] = []


def may_view(user: User, case: Case) -> bool:
    return can(user, CaseAction.NON_PUNISHMENT_VIEW, case) or any(reader(user, case) for reader in READERS)


def may_record(user: User, case: Case) -> bool:
    return can(user, CaseAction.NON_PUNISHMENT_RECORD, case)


@dataclass(frozen=True)
class ChargeRow:
    charge: Charge
    requests: list[NonPunishmentRequest]

    @property
    def granted(self) -> bool:
        return bool(self.requests) and self.requests[-1].outcome == RequestOutcome.GRANTED

    @property
    def outcome(self) -> str:
        """In words: dropped or waived once a request is granted, refused, pending, or no request yet."""
        latest = self.requests[-1] if self.requests else None
        if latest is None:
            return _("No request yet")
        if latest.outcome == RequestOutcome.GRANTED:
            return _("Fine waived") if self.charge.kind == ChargeKind.FINE else _("Charge dropped")
        return str(latest.get_outcome_display())


def charges_for(user: User, case: Case) -> list[ChargeRow]:
    """The charges with their requests, for a reader allowed to see them (the read of the grounds is audited)."""
    if not may_view(user, case):
        raise PermissionDenied("not allowed: non-punishment")
    charges = list(case.charges.prefetch_related("requests"))
    if any(c.requests.all() for c in charges):
        personal_data_read(actor=user, case=case, fields=["non_punishment_grounds"])
    return [ChargeRow(charge=c, requests=list(c.requests.all())) for c in charges]


def _not_future(day: date, field: str, errors: dict[str, str]) -> None:
    if day > timezone.localdate():
        errors[field] = _("The date is in the future.")


def charge_record(
    *,
    actor: User,
    case: Case,
    kind: str,
    offence: str,
    charged_on: date,
    authority: str,
    amount: Decimal | None = None,
    currency: str = "",
) -> Charge:
    """A charge, or a fine with its amount and currency, against the person."""
    require(actor, CaseAction.NON_PUNISHMENT_RECORD, case)
    if case.stage == Stage.CLOSED or case.anonymised_at is not None:
        raise ValidationError({"case": _("The case is closed.")})
    errors: dict[str, str] = {}
    if kind not in ChargeKind.values:
        errors["kind"] = _("Unknown value %(value)s.") % {"value": repr(kind)}
    if offence not in OffenceKind.values:
        errors["offence"] = _("Unknown value %(value)s.") % {"value": repr(offence)}
    authority = _text(" ".join(authority.split()), "authority", errors, limit=NAME_LIMIT)
    _not_future(charged_on, "charged_on", errors)
    currency = currency.strip().upper()
    if kind == ChargeKind.FINE:
        if amount is None or amount < 0 or amount >= Decimal("1e10"):
            errors["amount"] = _("Give the amount of the fine.")
        elif amount != amount.quantize(Decimal("0.01")):
            errors["amount"] = _("At most two decimals.")
        if currency not in iso.currency_codes():
            errors["currency"] = _("A currency code (ISO 4217), for example EUR.")
    elif amount is not None or currency:
        errors["amount"] = _("Only a fine has an amount.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        charge = Charge.objects.create(
            case=case,
            kind=kind,
            offence=offence,
            charged_on=charged_on,
            authority=authority,
            amount=amount if kind == ChargeKind.FINE else None,
            currency=currency if kind == ChargeKind.FINE else "",
            recorded_by=actor,
        )
        _event(case, "charge_record", actor, kind=kind, offence=offence)
    return charge


def request_record(
    *, actor: User, charge: Charge, requested_on: date, addressed_to: str, grounds: str
) -> NonPunishmentRequest:
    """The request that the person not be punished, to the prosecutor, the court or the authority that fined her;
    its grounds say what was done to her (encrypted)."""
    case = charge.case
    require(actor, CaseAction.NON_PUNISHMENT_RECORD, case)
    errors: dict[str, str] = {}
    addressed_to = _text(" ".join(addressed_to.split()), "addressed_to", errors, limit=NAME_LIMIT)
    grounds = _text(grounds, "grounds", errors, limit=TEXT_LIMIT)
    _not_future(requested_on, "requested_on", errors)
    if requested_on < charge.charged_on:
        errors["requested_on"] = _("The request comes before the charge.")
    if charge.requests.filter(outcome=RequestOutcome.PENDING).exists():
        errors["requested_on"] = _("A request is already pending for this charge.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Two requests at once: the second waits for the first's charge lock, then finds it pending.
        Charge.objects.select_for_update().filter(pk=charge.pk).values_list("pk", flat=True).get()
        if charge.requests.filter(outcome=RequestOutcome.PENDING).exists():
            raise ValidationError({"requested_on": _("A request is already pending for this charge.")})
        request = NonPunishmentRequest.objects.create(
            charge=charge, requested_on=requested_on, addressed_to=addressed_to, grounds=grounds, recorded_by=actor
        )
        _event(case, "non_punishment_request", actor, offence=charge.offence)
    return request


def request_decide(
    *, actor: User, request: NonPunishmentRequest, outcome: str, decided_on: date
) -> NonPunishmentRequest:
    """Granted (the charge dropped, the fine waived) or refused."""
    case = request.charge.case
    require(actor, CaseAction.NON_PUNISHMENT_RECORD, case)
    errors: dict[str, str] = {}
    if request.outcome != RequestOutcome.PENDING:
        errors["outcome"] = _("This request is already decided.")
    elif outcome not in (RequestOutcome.GRANTED, RequestOutcome.REFUSED):
        errors["outcome"] = _("A request is granted or refused.")
    _not_future(decided_on, "decided_on", errors)
    if decided_on < request.requested_on:
        errors["decided_on"] = _("The decision comes before the request.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Two outcomes at once: the second waits for the first, then finds the request decided.
        current = (
            NonPunishmentRequest.objects.select_for_update().filter(pk=request.pk).values_list("outcome", flat=True)
        )
        if current.get() != RequestOutcome.PENDING:
            raise ValidationError({"outcome": _("This request is already decided.")})
        request.outcome, request.decided_on = outcome, decided_on
        request.save(update_fields=["outcome", "decided_on"])
        _event(case, "non_punishment_decide", actor, offence=request.charge.offence, outcome=outcome)
    return request


def charge_of(case: Case, charge_id: int) -> Charge:
    charge = case.charges.filter(pk=charge_id).first()
    if charge is None:
        raise Http404("no such charge")
    return charge


def request_of(case: Case, request_id: int) -> NonPunishmentRequest:
    request = NonPunishmentRequest.objects.filter(charge__case=case, pk=request_id).select_related("charge").first()
    if request is None:
        raise Http404("no such request")
    return request


def case_for_reader(user: User, reference: str) -> Case:
    """A case whose charges this user may read (a prosecutor of its proceeding too, who cannot open the case
    itself); 404 otherwise, so that references of others do not leak."""
    case = Case.objects.select_related("organisation").filter(reference=reference.strip().upper()).first()
    if case is None or not may_view(user, case):
        raise Http404("no such case")
    return case
