"""The assistance plan (HTCDS spl_), residence permits and removal orders, charges and non-punishment requests
(Lantern's lt_ columns) go out in the HTCDS export as numbered groups and come back in whole: import, export,
equal; a wrong value is named by its column and imports nothing; a personal value is never quoted."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lantern.cases import codes, htcds, htcds_records, non_punishment, plans, residence
from lantern.cases import services as cases
from lantern.cases.htcds_records import SUPPORT_TYPE, SUPPORT_TYPES
from lantern.cases.models import (
    AgreementWay,
    Case,
    Charge,
    NonPunishmentRequest,
    OffenceKind,
    PermitKind,
    PermitStatus,
    PlanAction,
    RemovalKind,
    RemovalResolution,
    RemovalRisk,
    ResidencePermit,
)
from lantern.core.exports import cell_read
from tests.cases.test_htcds_round_trip import _errors, _generated_rows, _import, _pick, _write
from tests.conftest import World

OBJECTIVES = "Find safe work near her mother; finish school."
STOPPED = "She moved to her aunt's town."


def _record_cells(i: int) -> dict[str, str]:
    """A plan with two actions and a review, two permits (the second renews the first), two removal orders, a fine
    and a charge each with a request: every column filled where it may be, the codes in turn."""
    services, statuses = list(codes.SERVICE_TYPES), list(PlanAction.Status.values)
    cells: dict[str, str] = {
        "spl_Objectives": OBJECTIVES,
        "spl_lt_NextReviewOn": "2026-04-15",
        "spl_lt_AgreedOn": "2026-02-20",
        "spl_lt_AgreedHow": _pick(list(AgreementWay.values), i),
        "spl_lt_ReviewedOn_1": "2026-02-25",
        "spl_lt_ReviewChanges_1": "Added evening classes at her request.",
        "spl_lt_ReviewWithPerson_1": _pick(["true", "false"], i),
    }
    for n in (1, 2):
        k = 2 * i + n
        service, status = _pick(services, k), _pick(statuses, k)
        ended = status in ("done", "stopped")
        cells |= {
            f"spl_Type_{n}": SUPPORT_TYPE[service],
            f"spl_PlannedEndDate_{n}": "2026-06-30",
            f"spl_ActualEndDate_{n}": "2026-02-27" if ended else "",
            f"spl_lt_Service_{n}": service,
            f"spl_lt_Status_{n}": status,
            f"spl_lt_StopReason_{n}": STOPPED if status == "stopped" else "",
            f"lt_RemovalKind_{n}": _pick(list(RemovalKind.values), k),
            f"lt_RemovalOrderedOn_{n}": "2025-08-01",
            f"lt_RemovalAuthority_{n}": "Piraeus Aliens Police",
            f"lt_RemovalScheduledOn_{n}": "2025-09-20",
            f"lt_RemovalResolution_{n}": _pick(list(RemovalResolution.values), k) if n == 1 else "",
            f"lt_RemovalResolvedOn_{n}": "2025-09-01" if n == 1 else "",
        }
    cells |= {
        "lt_PermitKind_1": _pick(list(PermitKind.values), i),
        "lt_PermitStatus_1": PermitStatus.RENEWAL_PENDING,
        "lt_PermitAppliedOn_1": "2025-06-10",
        "lt_PermitGrantedOn_1": "2025-07-01",
        "lt_PermitValidFrom_1": "2025-07-01",
        "lt_PermitValidUntil_1": "2026-03-31",
        "lt_PermitRenews_1": "",
        "lt_PermitKind_2": _pick(list(PermitKind.values), i),
        "lt_PermitStatus_2": _pick(["applied", "granted", "refused"], i),
        "lt_PermitAppliedOn_2": "2026-02-01",
        "lt_PermitGrantedOn_2": "" if _pick(["applied", "granted", "refused"], i) == "applied" else "2026-02-26",
        "lt_PermitValidFrom_2": "2026-04-01" if _pick(["applied", "granted", "refused"], i) == "granted" else "",
        "lt_PermitValidUntil_2": "2027-03-31" if _pick(["applied", "granted", "refused"], i) == "granted" else "",
        "lt_PermitRenews_2": "1",
        "lt_ChargeKind_1": "fine",
        "lt_ChargeOffence_1": _pick(list(OffenceKind.values), i),
        "lt_ChargedOn_1": "2025-07-20",
        "lt_ChargeAuthority_1": "Municipal police of Piraeus",
        "lt_ChargeAmount_1": "150.00",
        "lt_ChargeCurrency_1": "EUR",
        "lt_ChargeKind_2": "charge",
        "lt_ChargeOffence_2": "immigration",
        "lt_ChargedOn_2": "2025-08-02",
        "lt_ChargeAuthority_2": "Prosecutor of Piraeus",
        "lt_ChargeAmount_2": "",
        "lt_ChargeCurrency_2": "",
        "lt_NonPunishmentCharge_1": "1",
        "lt_NonPunishmentRequestedOn_1": "2025-08-10",
        "lt_NonPunishmentAddressedTo_1": "Magistrate of Piraeus",
        "lt_NonPunishmentGrounds_1": "She was locked in the flat and sent out at night by the exploiter.",
        "lt_NonPunishmentOutcome_1": _pick(["granted", "refused"], i),
        "lt_NonPunishmentDecidedOn_1": "2025-09-15",
        "lt_NonPunishmentCharge_2": "2",
        "lt_NonPunishmentRequestedOn_2": "2025-08-12",
        "lt_NonPunishmentAddressedTo_2": "Prosecutor of Piraeus",
        "lt_NonPunishmentGrounds_2": "Her passport was kept by the exploiter.",
        "lt_NonPunishmentOutcome_2": "pending",
        "lt_NonPunishmentDecidedOn_2": "",
    }
    return cells


def test_every_service_has_its_htcds_support_plan_type() -> None:
    assert set(SUPPORT_TYPE) == set(codes.SERVICE_TYPES)
    assert set(SUPPORT_TYPE.values()) <= set(SUPPORT_TYPES)
    assert len(SUPPORT_TYPES) == 9  # spl_Type's picklist in HTCDS 2.0
    assert {c for c in [*htcds_records.PLAN_COLUMNS, *htcds_records.ACTION_COLUMNS] if "_lt_" not in c} == {
        "spl_Objectives", "spl_Type", "spl_PlannedEndDate", "spl_ActualEndDate"
    }  # fmt: skip  # the spl_ fields of HTCDS 2.0 but spl_ActionPlan, which Lantern's actions replace


def test_the_plan_permits_removals_charges_and_requests_survive_an_import_and_an_export(
    world: World, tmp_path: Path, clock: object
) -> None:
    rows = [row | _record_cells(i) for i, row in enumerate(_generated_rows(world))]
    _import(_write(tmp_path / "cases.csv", rows), world)
    first = Case.objects.order_by("pk").first()
    assert first is not None
    assert first.plan.objectives == OBJECTIVES
    assert first.plan.actions.count() == 2
    assert first.plan.reviews.get().changes.startswith("Added evening classes")
    renewal = ResidencePermit.objects.filter(case=first).order_by("pk").last()
    assert renewal is not None
    assert renewal.renews is not None
    assert renewal.renews.status == PermitStatus.RENEWAL_PENDING
    assert Charge.objects.get(case=first, kind="fine").amount == Decimal("150.00")
    assert NonPunishmentRequest.objects.filter(charge__case=first, outcome="pending").count() == 1
    assert RemovalRisk.objects.filter(case=first).count() == 2
    kinds = set(first.timeline.values_list("kind", flat=True))
    assert {"plan_write", "plan_action", "plan_review", "permit_record", "charge_record"} <= kinds

    out = io.StringIO()
    cases.case_export_htcds(actor=None, organisation=world.ngo_a, out=out)
    exported = list(csv.DictReader(io.StringIO(out.getvalue())))
    columns = list(_record_cells(0))
    assert set(columns) <= set(exported[0])
    for sent, received in zip(rows, exported, strict=True):
        assert {column: cell_read(received[column]) for column in columns} == {c: sent[c] for c in columns}

    # and what was exported imports whole again, and exports the same
    again = tmp_path / "again.csv"
    again.write_text(out.getvalue(), encoding="utf-8")
    _import(again, world)
    assert ResidencePermit.objects.filter(renews__isnull=False).count() == 2 * len(rows)


def test_a_case_recorded_on_its_pages_exports_and_imports_equal(world: World, case: Case, tmp_path: Path) -> None:
    plans.plan_write(actor=world.caseworker, case=case, objectives=OBJECTIVES, next_review_on=date(2026, 4, 1))
    action = plans.plan_action_add(actor=world.caseworker, case=case, service_type="legal_aid")
    plans.plan_action_add(actor=world.caseworker, case=case, service_type="psychological", planned_end=date(2026, 5, 1))
    plans.plan_action_update(
        actor=world.caseworker, action=action, status="stopped", actual_end=date(2026, 2, 28), stop_reason=STOPPED
    )
    plans.mediator_assign(
        actor=world.caseworker, case=case, kind="interpreter", staff=world.supervisor, from_on=date(2026, 2, 27)
    )  # an agreement through an interpreter needs one assigned that day
    plans.plan_agree(actor=world.caseworker, case=case, how="interpreter", agreed_on=date(2026, 2, 27))
    plans.plan_review(actor=world.caseworker, case=case, changes="Nothing changed.", reviewed_on=date(2026, 3, 1))
    permit = residence.permit_record(
        actor=world.caseworker, case=case, kind="reflection", status="granted", applied_on=date(2026, 2, 17),
        granted_on=date(2026, 2, 18), valid_from=date(2026, 2, 18), valid_until=date(2026, 3, 20),
    )  # fmt: skip
    residence.permit_record(
        actor=world.caseworker, case=case, kind="victim", status="applied", applied_on=date(2026, 3, 1), renews=permit
    )
    residence.removal_record(
        actor=world.caseworker, case=case, kind="deportation", ordered_on=date(2026, 2, 20), authority="Aliens Police",
        scheduled_on=date(2026, 3, 10),
    )  # fmt: skip
    charge = non_punishment.charge_record(
        actor=world.caseworker, case=case, kind="fine", offence="lockdown", charged_on=date(2026, 2, 1),
        authority="Municipal police", amount=Decimal("80.5"), currency="eur",
    )  # fmt: skip
    non_punishment.request_record(
        actor=world.caseworker, charge=charge, requested_on=date(2026, 2, 20), addressed_to="Magistrate",
        grounds="Sent out at night by the exploiter.",
    )  # fmt: skip

    first = io.StringIO()
    cases.case_export_htcds(actor=None, organisation=world.ngo_a, out=first)
    exported = next(csv.DictReader(io.StringIO(first.getvalue())))
    assert exported["spl_Type_1"] == "Legal"
    assert exported["spl_lt_StopReason_1"] == STOPPED
    assert exported["lt_PermitRenews_2"] == "1"
    assert exported["lt_ChargeAmount_1"] == "80.50"
    assert exported["lt_NonPunishmentCharge_1"] == "1"

    path = tmp_path / "moved.csv"
    path.write_text(first.getvalue(), encoding="utf-8")
    Case.objects.filter(pk=case.pk).update(organisation=world.ngo_b)  # the file moves to the other organisation
    _import(path, world)
    second = io.StringIO()
    cases.case_export_htcds(actor=None, organisation=world.ngo_a, out=second)
    again = next(csv.DictReader(io.StringIO(second.getvalue())))
    records = [c for c in exported if c.startswith(("spl_", "lt_Permit", "lt_Removal", "lt_Charge", "lt_NonPun"))]
    assert records
    assert {c: again[c] for c in records} == {c: exported[c] for c in records}

    # an erasure empties what they say of her; the codes and dates stay for the statistics
    moved = Case.objects.get(organisation=world.ngo_a)
    cases.case_erase(actor=world.supervisor, case=moved, request_reference="ER-9")
    erased = io.StringIO()
    cases.case_export_htcds(actor=None, organisation=world.ngo_a, out=erased)
    after = next(csv.DictReader(io.StringIO(erased.getvalue())))
    for column in htcds_records.PERSONAL_COLUMNS:
        assert not any(after[c] for c in after if htcds._group_base(c) == column), column
    assert (after["spl_lt_Service_1"], after["lt_ChargeAmount_1"]) == ("legal_aid", "80.50")


def test_a_wrong_record_is_named_by_its_column_and_nothing_is_imported(world: World, tmp_path: Path) -> None:
    row = _generated_rows(world)[0] | _record_cells(0)
    row |= {
        "spl_lt_Service_1": "massage",
        "spl_Type_2": "Legal",  # disagrees with the service of the second action
        "spl_lt_StopReason_1": "Secretreason" * 1000,
        "lt_PermitRenews_2": "7",
        "lt_PermitAppliedOn_1": "2031-01-01",
        "lt_RemovalKind_1": "exile",
        "lt_ChargeAmount_1": "a lot",
        "lt_ChargeCurrency_1": "XXX",
        "lt_NonPunishmentCharge_2": "9",
        "lt_NonPunishmentGrounds_1": "",
        "lt_RemovalAuthority_2": "Secretauthority" * 20,
        "lt_PermitKind_0": "victim",
    }
    report = _errors(_write(tmp_path / "cases.csv", [row]), world)
    for expected in (
        "row 2: spl_lt_Service_1 = 'massage': not a service of Lantern's list",
        "row 2: spl_Type_2 = 'Legal': disagrees with the service",
        "row 2: spl_lt_StopReason_1: ",
        "row 2: lt_PermitRenews_2 = '7': not the number of an earlier permit",
        "row 2: lt_PermitAppliedOn_1 = '2031-01-01': in the future",
        "row 2: lt_RemovalKind_1 = 'exile'",
        "row 2: lt_ChargeAmount_1 = 'a lot': not a number",
        "row 2: lt_NonPunishmentCharge_2 = '9': not the number of a charge of the row",
        "row 2: lt_NonPunishmentGrounds_1: required",
        "row 2: lt_RemovalAuthority_2: longer than 200 characters",
        "row 2: lt_PermitKind_0 = 'victim': Records are numbered from 1 to 50.",
    ):
        assert expected in report, expected
    assert "lt_ChargeAmount_1 = '': " not in report  # unreadable, said once
    assert "Secret" not in report
    assert not Case.objects.exists()
    row |= {"lt_ChargeAmount_1": "NaN"}
    assert "row 2: lt_ChargeAmount_1 = 'NaN': not a number" in _errors(_write(tmp_path / "nan.csv", [row]), world)


def test_a_plan_from_another_system_takes_the_service_of_its_type_and_says_what_it_reads_past(
    world: World, tmp_path: Path, clock: object
) -> None:
    path = tmp_path / "other.csv"
    path.write_text(
        "prs_FirstName,spl_Objectives,spl_Type_1,spl_ActionPlan_1,spl_PlannedEndDate_1\n"
        "Ioana,Rebuild her life,Health,See a doctor weekly,2026-05-01\n",
        encoding="utf-8",
    )
    report, _rows = htcds.read_htcds(path)
    assert not report.errors
    assert report.ignored_columns == ["spl_ActionPlan_1"]
    _import(path, world)
    action = PlanAction.objects.get()
    assert (action.service_type, action.planned_end) == ("medical", date(2026, 5, 1))
    rehab = tmp_path / "rehab.csv"
    rehab.write_text("prs_FirstName,spl_Objectives,spl_Type_1\nIoana,Recover,RightsBasedTraining\n", encoding="utf-8")
    assert "spl_lt_Service_1 = '': required for this type" in _errors(rehab, world)


def test_a_number_written_with_a_leading_zero_is_refused_by_its_column_and_nothing_is_imported(
    world: World, tmp_path: Path
) -> None:
    # `_1` and `_01` would be the same record: one of the two would be dropped in silence.
    row = _generated_rows(world)[0] | _record_cells(0)
    row |= {
        "spl_lt_ReviewedOn_001": "2026-02-26",
        "lt_ChargeAuthority_01": "Secretauthority",
        "per_lt_Relationship_01": codes.PerpetratorRelationship.values[0],
        "hte_Country_02": "MD",
    }
    path = _write(tmp_path / "cases.csv", [row])
    report = _errors(path, world)
    for column in ("spl_lt_ReviewedOn_001", "lt_ChargeAuthority_01", "per_lt_Relationship_01", "hte_Country_02"):
        assert f"row 2: {column}: A number is written without leading zeros" in report, column
    assert "Secret" not in report
    assert "2026-02-26" not in report
    quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
    with pytest.raises(CommandError):
        call_command("import", "htcds", str(path), "--org", world.ngo_a.name, **quiet)
    assert not Case.objects.exists()
