"""Every core HTCDS field, and Lantern's child columns, survive an import and an export unchanged; the CTDC
export maps every code of the code lists to the right CTDC column, or to none on purpose."""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Mapping
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lantern.cases import codes, htcds
from lantern.cases import services as cases
from lantern.cases.htcds import COLUMNS, CORE_COLUMNS, CTDC_COLUMNS, EXPORT_ONLY, MISSING, ctdc_row
from lantern.cases.models import AgeAssessment, BestInterests, Case, Guardian, Person
from lantern.cases.validation import CODE_LISTS
from lantern.core.exports import cell_read
from lantern.core.models import AuditEvent
from tests.conftest import World


def _codes(field: str) -> list[str]:
    """The codes of a coded context field, from its code table (a code added to a table is covered at once)."""
    return [str(code) for code in CODE_LISTS[field] if code]


def _pick(values: list[str], i: int) -> str:
    return values[i % len(values)]


def _generated_rows(world: World) -> list[dict[str, str]]:
    """As many rows as the longest code list, each with every column filled (a closure reason only where the
    case is closed: HTCDS has one only for closed cases), so that every code of every list goes through once."""
    lists = {name: _codes(name) for name in CODE_LISTS}
    count = max(len(values) for values in lists.values())
    statuses = list(codes.CaseStatus.values)
    rows = []
    for i in range(count):
        closed = _pick(statuses, i) in (codes.CaseStatus.CLOSED, codes.CaseStatus.CLOSED_REFERRED)
        row = {
            "prs_Salutation": _pick(["Ms", "Mr", "Mx"], i),
            "prs_FirstName": f"Ioana{i}",
            "prs_MiddleName": "Maria",
            "prs_SecondName": "Dumitrescu",
            "prs_Birthdate": f"2012-0{1 + i % 9}-15",  # a child: the guardian and the determination are hers
            "prs_Gender": _pick(list(codes.Gender.values), i),
            "prs_PrimaryLanguage": "ro",
            "prs_SecondaryLanguage": "en;fr",
            "prs_Citizenship": "RO;MD",
            "prs_IdentityNumber": f"RO-{i:06d}",
            "prs_Title": "Student",
            "prs_Email": f"ioana{i}@example.org",
            "prs_HomePhone": "+40 21 555 0100",
            "prs_MobilePhone": "+40 721 555 010",
            "prs_MailingCity": "Iasi",
            "prs_MailingCountry": "RO",
            "prs_MailingState": "Iasi County",
            "prs_MailingStreet": "Strada Lapusneanu 12, ap. 4",
            "prs_MailingPostalCode": "700057",
            "vic_TraffickingStatus": _pick(lists["trafficking_status"], i),
            "vic_TraffickingStatusDecisionMakingOrg": _pick(lists["status_decided_by"], i),
            "vic_RelationshipToTrafficker": _pick(lists["relationship_to_trafficker"], i),
            "vic_AgeWhenTrafficked": "12",
            "vic_RecruitmentWebsitesAndApps": _pick(lists["recruitment_platforms"], i),
            "vic_MethodOfRecruitment": _pick(lists["recruitment_methods"], i),
            "vic_LocationOfRecruitment": "Pascani",
            "vic_MethodsOfControl": _pick(lists["methods_of_control"], i),
            "vic_TypeOfExploitation": _pick(lists["forms_of_exploitation"], i),
            "vic_ForcedLabourIndustry": codes.ISIC_VALUE_NAMES[_pick(lists["forced_labour_industry"], i)],
            "vic_TypeOfSexExploitation": _pick(lists["sex_exploitation_types"], i),
            "vic_LocationOfExploitation": "Piraeus",
            "vic_Vulnerabilities": _pick(lists["vulnerabilities"], i),
            "vic_DetailsOfVulnerabilities": "Left school at twelve; her mother is ill.",
            "cas_Status": _pick(statuses, i),
            "cas_ReasonForCaseClosure": "Went home to her mother with the guardian's agreement" if closed else "",
            "cas_CaseOwner": world.caseworker.username,
            "cas_ReferringOrganisation": "Iasi child protection directorate",
            "cas_IncomingReferralDate": "2025-06-02",
            "cas_ReferringPrimaryCaseWorker": "Elena Popa",
            "cas_ReasonForIncomingReferral": _pick(list(codes.ReferralReason.values), i),
            "cas_IncomingReferralDetails": "Referred after the police raid in Piraeus.",
            "cas_ReferredOrganisation": "Hope Shelter Athens",
            "cas_ReferredPrimaryCaseWorker": "Nikos Pappas",
            "cas_ReasonForOutgoingReferral": _pick(list(codes.ReferralReason.values), i + 1),
            "cas_OutgoingReferralDate": "2025-07-10",
            "cas_OutgoingReferralDetails": "Needs a shelter for children.",
            "con_Consent": _pick(["true", "false"], i),
            "lt_IdentifiedOn": "2025-06-01",
            "lt_RecruitmentCountry": "RO",
            "lt_ExploitationCountry": "GR",
            "lt_CrisisCircumstances": _pick(lists["crisis_circumstances"], i),
            "lt_AtRiskGroups": _pick(lists["at_risk_groups"], i),
            "lt_DisabilityDomains": _pick(lists["disability_domains"], i),
            "lt_DisabilityAsked": "true",  # asked: a domain recorded, or none ("none" is not "not asked")
            "lt_AtRiskAsked": "true",
            "lt_MigrationStatus": _pick(lists["migration_status"], i),
            "lt_PresumedChild": _pick(["true", "false"], i),
            "lt_Separation": _pick(lists["separation"], i),
            "lt_AgeAssessedOn": "2025-06-03",
            "lt_AgeAssessmentMethod": _pick(list(codes.AgeMethod.values), i),
            "lt_AgeAssessmentResult": codes.AgeResult.UNDER_18,
            "lt_AgeAssessmentAgeLower": "13",
            "lt_AgeAssessmentAgeUpper": "15",
            "lt_AgeAssessedBy": world.police_unit.name,
            "lt_AgeAssessorRole": _pick(list(codes.AssessorRole.values), i),
            "lt_GuardianName": "Anna Georgiou",
            "lt_GuardianContact": "+30 210 555 0199",
            "lt_GuardianAppointedBy": "Juvenile Prosecutor of Piraeus",
            "lt_GuardianAppointedOn": "2025-06-04",
            "lt_BestInterestsDeterminedOn": "2025-07-01",
            "lt_BestInterestsSolution": _pick(list(codes.DurableSolution.values), i),
            "lt_BestInterestsDeterminedBy": world.ngo_a.name,
            "lt_BestInterestsReasons": "Her mother can care for her again; the guardian and she agree.",
        }
        rows.append(row)
    return rows


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _import(path: Path, world: World) -> None:
    call_command("import", "htcds", str(path), "--org", world.ngo_a.name, stdout=io.StringIO(), stderr=io.StringIO())


def test_the_generated_file_fills_every_column_the_import_reads(world: World) -> None:
    rows = _generated_rows(world)
    assert list(rows[0]) == list(COLUMNS)
    for column in COLUMNS:
        assert any(row[column] for row in rows), column
    assert set(CORE_COLUMNS) <= set(COLUMNS)
    assert len(CORE_COLUMNS) == 40  # the "Core" fields of HTCDS 2.0 (shared/standards/htcds-2.0-fields.csv)


def test_every_core_field_and_every_child_column_survives_an_import_and_an_export(
    world: World, tmp_path: Path, clock: object
) -> None:
    rows = _generated_rows(world)
    _import(_write(tmp_path / "cases.csv", rows), world)
    assert Case.objects.filter(organisation=world.ngo_a).count() == len(rows)
    out = io.StringIO()
    assert cases.case_export_htcds(actor=None, organisation=world.ngo_a, out=out) == len(rows)
    exported = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(exported[0]) == [*COLUMNS, *EXPORT_ONLY]
    for sent, received in zip(rows, exported, strict=True):
        # read as a spreadsheet shows it: "+40 ..." is written "'+40 ..." so that it is not run as a formula
        assert {column: cell_read(received[column]) for column in COLUMNS} == sent
    assert exported[0]["prs_MobilePhone"] == "'+40 721 555 010"
    assert exported[0]["vic_ForcedLabourIndustry"] == "A_AgricultureForestryAndFishing"  # the value name, not "A"

    # and what Lantern exports, it imports whole (with the export-only columns, which the import reads past)
    again = tmp_path / "again.csv"
    again.write_text(out.getvalue(), encoding="utf-8")
    _import(again, world)
    assert Case.objects.filter(organisation=world.ngo_a).count() == 2 * len(rows)
    assert AuditEvent.objects.filter(action="case.export", detail__personal_data=True).exists()


def test_an_import_writes_the_childs_records_the_owner_the_status_and_the_consent(
    world: World, tmp_path: Path, clock: object
) -> None:
    rows = _generated_rows(world)[:4]  # Active, FollowUp, Closed, ClosedReferred
    _import(_write(tmp_path / "cases.csv", rows), world)
    imported = list(Case.objects.order_by("pk"))
    assert [case.status for case in imported] == list(codes.CaseStatus.values)
    assert [case.stage for case in imported][2:] == ["closed", "closed"]
    assert all(case.closed_at is not None for case in imported[2:])
    assert {case.assigned_to for case in imported} == {world.caseworker}
    assert [case.consents.count() for case in imported] == [1, 0, 1, 0]
    first = imported[0]
    assert first.is_minor is True
    assessment = AgeAssessment.objects.get(case=first)
    assert (assessment.age_lower, assessment.age_upper) == (13, 15)
    assert Guardian.objects.get(case=first).appointed_by == "Juvenile Prosecutor of Piraeus"
    assert BestInterests.objects.get(case=first).kind == BestInterests.Kind.DETERMINATION
    kinds = set(first.timeline.values_list("kind", flat=True))
    assert {"register", "age_assessment", "guardian_appoint", "best_interests", "assign"} <= kinds
    assert first.referred_to is None  # an imported referral history gives no organisation the case


def test_an_erasure_clears_what_the_import_brought(world: World, tmp_path: Path, clock: object) -> None:
    _import(_write(tmp_path / "cases.csv", _generated_rows(world)[:1]), world)
    case = Case.objects.get()
    cases.case_erase(actor=world.supervisor, case=case, request_reference="Request 2026/15")
    person = Person.objects.get(pk=case.person_id)
    for name in ("salutation", "title", "home_phone", "mailing_city", "mailing_state", "mailing_postal_code",
                 "mailing_country", "address"):  # fmt: skip
        assert getattr(person, name) == "", name
    case.refresh_from_db()
    for name in cases.ANONYMISED_CASE_TEXT:
        assert getattr(case, name) == "", name
    assert case.incoming_referral_organisation == "Iasi child protection directorate"  # an organisation's name


def test_a_case_registered_here_exports_its_referral_to_the_authority_and_who_identified_her(
    world: World, case: Case, clock: object
) -> None:
    case.identified_by = world.police_unit
    case.save()
    cases.case_refer_to_authority(actor=world.caseworker, case=case, consent_given=True)
    out = io.StringIO()
    cases.case_export_htcds(actor=None, organisation=world.ngo_a, out=out)
    row = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["cas_ReferredOrganisation"] == world.competent_authority.name
    assert row["cas_OutgoingReferralDate"] == date(2026, 3, 2).isoformat()
    assert row["cas_ReasonForOutgoingReferral"] == "Other"
    assert row["cas_ReferringOrganisation"] == world.police_unit.name
    assert row["cas_CaseOwner"] == world.caseworker.username
    assert row["con_Consent"] in ("true", "false")
    assert row["prs_HomePhone"] == ""  # what Lantern holds nothing for is exported empty


def _errors(path: Path, world: World) -> str:
    stderr = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import", "htcds", str(path), "--org", world.ngo_a.name, "--dry-run", stderr=stderr)
    assert raised.value.returncode == 2
    return stderr.getvalue()


def test_the_new_columns_are_checked_and_never_echo_a_personal_value(world: World, tmp_path: Path) -> None:
    rows = _generated_rows(world)[:4]
    rows[0]["prs_MailingCountry"] = "Secretland"
    rows[0]["lt_GuardianName"] = "Secretguardian" * 30
    rows[1]["cas_ReferringPrimaryCaseWorker"] = "Secretworker" * 30
    rows[1]["cas_ReasonForCaseClosure"] = "Secretreason"  # the case is FollowUp, not closed
    rows[2]["prs_Birthdate"] = "1990-01-01"  # an adult: no guardian, no determination
    rows[2]["lt_AgeAssessmentResult"] = ""
    rows[2]["lt_AgeAssessmentAgeLower"] = "35"
    rows[2]["lt_AgeAssessmentAgeUpper"] = "40"
    rows[2]["lt_PresumedChild"] = "false"
    rows[3]["lt_BestInterestsDeterminedBy"] = "Nowhere Panel"
    rows[3]["cas_CaseOwner"] = world.outsider.username
    rows[3]["lt_AgeAssessmentMethod"] = "astrology"
    rows[0]["lt_AgeAssessmentAgeLower"] = "Secretage"  # an age is the person's: never quoted either
    report = _errors(_write(tmp_path / "cases.csv", rows), world)
    assert "row 2: prs_MailingCountry: not an ISO 3166 country code" in report
    assert "row 2: lt_GuardianName: longer than 200 characters" in report
    assert "row 3: cas_ReferringPrimaryCaseWorker: longer than 200 characters" in report
    assert "row 3: cas_ReasonForCaseClosure: a reason for closure, but the case is not closed" in report
    assert "row 4: lt_GuardianName: recorded only for a child (or a person presumed one)" in report
    assert "row 5: lt_AgeAssessmentMethod = 'astrology': not a method of age assessment" in report
    assert "row 2: lt_AgeAssessmentAgeLower: not a whole number" in report
    assert "Secret" not in report
    assert not Case.objects.exists()
    rows = [rows[3]]  # what is left is found against the database
    rows[0]["lt_AgeAssessmentMethod"] = "documents"
    report = _errors(_write(tmp_path / "cases.csv", rows), world)
    assert "Nowhere Panel" not in report  # a body outside the directory, named in words, may determine
    assert f"row 2: cas_CaseOwner = '{world.outsider.username}': not a caseworker or supervisor" in report


def test_files_written_before_the_htcds_location_columns_still_import(world: World, tmp_path: Path) -> None:
    path = tmp_path / "old.csv"
    path.write_text("prs_FirstName,lt_RecruitmentRegion,lt_ExploitationRegion\nIoana,Pascani,Piraeus\n")
    call_command("import", "htcds", str(path), "--org", world.ngo_a.name, stdout=io.StringIO(), stderr=io.StringIO())
    case = Case.objects.get()
    assert (case.recruitment_region, case.exploitation_region) == ("Pascani", "Piraeus")


# --- CTDC ----------------------------------------------------------------------------------------------------

# (the case field, and the CTDC columns with the codes that set each); the codes come from the field's code table
CTDC_MAPPINGS: list[tuple[str, Mapping[str, Collection[str]]]] = [
    ("methods_of_control", htcds.CTDC_CONTROL),
    ("forms_of_exploitation", htcds.CTDC_EXPLOITATION),
    ("forced_labour_industry", htcds.CTDC_LABOUR),
    ("sex_exploitation_types", {column: {code} for column, code in htcds.CTDC_SEX.items()}),
    ("relationship_to_trafficker", {column: {code} for column, code in htcds.CTDC_RELATION.items()}),
]


@pytest.mark.parametrize(("field", "mapping"), CTDC_MAPPINGS, ids=[m[0] for m in CTDC_MAPPINGS])
def test_every_code_maps_to_one_ctdc_column_or_to_none_on_purpose(
    field: str, mapping: Mapping[str, Collection[str]]
) -> None:
    every_code = _codes(field)
    unmapped = htcds.CTDC_UNMAPPED[field]
    for code in every_code:
        columns = [column for column, members in mapping.items() if code in members]
        assert len(columns) + (code in unmapped) == 1, (code, columns)
    assert all(set(members) <= set(every_code) for members in mapping.values()), "a column waits for a lost code"


def _ctdc(**context: object) -> dict[str, object]:
    case = Case(identified_on=date(2025, 6, 1), age_at_identification=30, is_minor=False, **context)
    case.person = Person(gender="Feminine", citizenship=["RO"])
    return dict(zip(CTDC_COLUMNS, ctdc_row(case, ["RO"]), strict=True))


def test_each_control_method_sets_its_own_column_only_and_other_restricts_nobodys_movement() -> None:
    for code in _codes("methods_of_control"):
        row = _ctdc(methods_of_control=[code])
        set_ = {column for column in htcds.CTDC_CONTROL if row[column] == 1}
        expected = {column for column, members in htcds.CTDC_CONTROL.items() if code in members}
        assert set_ == expected, code
        assert row["meansOfControlRestrictsMovement"] == MISSING  # HTCDS has no code for it: never guessed
    assert _ctdc(methods_of_control=["Other"])["meansOfControlOther"] == 1
    assert _ctdc(methods_of_control=[])["meansOfControlOther"] == MISSING


def test_each_industry_sets_its_own_labour_column_only() -> None:
    for section in _codes("forced_labour_industry"):
        row = _ctdc(forms_of_exploitation=["ForcedLabour"], forced_labour_industry=section)
        set_ = {column for column in htcds.CTDC_LABOUR if row[column] == 1}
        expected = {column for column, members in htcds.CTDC_LABOUR.items() if section in members}
        assert set_ == expected, section
    agriculture = _ctdc(forms_of_exploitation=["ForcedLabour"], forced_labour_industry="A")
    assert agriculture["typeOfLabourFishing"] == MISSING  # section A may have been fishing
    construction = _ctdc(forms_of_exploitation=["ForcedLabour"], forced_labour_industry="F")
    assert construction["typeOfLabourFishing"] == 0


def test_each_form_sex_type_and_relation_sets_its_own_column_only() -> None:
    for field, mapping in CTDC_MAPPINGS:
        if field in ("methods_of_control", "forced_labour_industry"):
            continue  # above
        for code in _codes(field):
            value: object = code if field == "relationship_to_trafficker" else [code]
            row = _ctdc(**{field: value})
            set_ = {column for column in mapping if row[column] == 1}
            assert set_ == {column for column, members in mapping.items() if code in members}, (field, code)


# --- The journey (hte_) and the perpetrators (per_): numbered columns, one group of columns a step or a person ---


def _journey_cells(i: int) -> dict[str, str]:
    """Two steps of the journey and two perpetrators, every hte_ and per_ column filled, the codes in turn."""
    kinds, transports = list(codes.EventType.values), list(codes.Transport.values)
    borders, genders = list(codes.BorderCrossing.values), list(codes.Gender.values)
    roles, relations = list(codes.PERPETRATOR_ROLES), list(codes.PerpetratorRelationship.values)
    cells: dict[str, str] = {}
    for n in (1, 2):
        k = 2 * i + n
        cells |= {
            f"hte_Type_{n}": _pick(kinds, k),
            f"hte_Country_{n}": _pick(["RO", "MD", "GR"], k),
            f"hte_State_{n}": "Iasi County",
            f"hte_City_{n}": "Pascani",
            f"hte_Street_{n}": "Strada Garii 3",
            f"hte_PostalCode_{n}": "705200",
            f"hte_Latitude_{n}": "47.2466",
            f"hte_Longitude_{n}": "26.7226",
            f"hte_Date_{n}": f"2025-0{n}-10",
            f"hte_Description_{n}": "Taken by minibus to the border at night.",
            f"hte_lt_DateTo_{n}": f"2025-0{n}-20",
            f"hte_lt_Transport_{n}": _pick(transports, k),
            f"hte_lt_BorderCrossing_{n}": _pick(borders, k),
            f"per_RoleInProcess_{n}": f"{_pick(roles, k)};{_pick(roles, k + 1)}",
            f"per_RoleDetails_{n}": "Drove the minibus and kept the passports.",
            f"per_prs_FirstName_{n}": "Nicu" if n == 1 else "",
            f"per_prs_Gender_{n}": _pick(genders, k),
            f"per_prs_Citizenship_{n}": "RO;MD",
            f"per_lt_AgeRange_{n}": _pick(codes.AGE_BANDS, k),
            f"per_lt_Relationship_{n}": _pick(relations, k),
        }
    return cells


# The hte_ and per_ fields of HTCDS 2.0 ("Historic Trafficking Events", "Person - Perpetrator Context" in
# shared/standards/htcds-2.0-fields.csv, from IOM's "HTCDS Field Standards 2.0").
HTCDS_HTE = {"hte_Longitude", "hte_Latitude", "hte_City", "hte_Country", "hte_State", "hte_Street", "hte_PostalCode",
             "hte_Date", "hte_Type", "hte_Description"}  # fmt: skip
HTCDS_PER = {"per_RoleInProcess", "per_RoleDetails"}


def test_the_journey_columns_cover_every_hte_and_per_field_of_htcds() -> None:
    assert {c for c in htcds.EVENT_COLUMNS if "_lt_" not in c} == HTCDS_HTE
    assert {c for c in htcds.PERPETRATOR_COLUMNS if "_lt_" not in c and "_prs_" not in c} == HTCDS_PER
    assert set(codes.EventType.values) == {"Recruitment", "Transit", "Exploitation"}  # hte_Type's picklist
    assert len(codes.PERPETRATOR_ROLES) == 15  # per_RoleInProcess's picklist


def test_every_hte_and_per_field_survives_an_import_and_an_export(world: World, tmp_path: Path, clock: object) -> None:
    rows = [row | _journey_cells(i) for i, row in enumerate(_generated_rows(world))]
    rows[1] |= {column: "" for column in _journey_cells(0) if column.endswith("_2")}  # one step, one perpetrator
    _import(_write(tmp_path / "cases.csv", rows), world)
    imported = list(Case.objects.order_by("pk"))
    assert [case.journey.count() for case in imported[:3]] == [2, 1, 2]
    assert [case.perpetrators.count() for case in imported[:3]] == [2, 1, 2]
    out = io.StringIO()
    cases.case_export_htcds(actor=None, organisation=world.ngo_a, out=out)
    exported = list(csv.DictReader(io.StringIO(out.getvalue())))
    groups = list(_journey_cells(0))
    assert set(groups) <= set(exported[0])
    for sent, received in zip(rows, exported, strict=True):
        assert {column: cell_read(received[column]) for column in groups} == {c: sent[c] for c in groups}
    # the steps keep their order, and the codes read as words on the page
    first = imported[0].journey.first()
    assert first is not None
    assert first.position == 1
    assert first.street == "Strada Garii 3"


def test_a_wrong_step_or_perpetrator_is_named_by_its_column_and_nothing_is_imported(
    world: World, tmp_path: Path
) -> None:
    rows = [_generated_rows(world)[0] | _journey_cells(0)]
    rows[0] |= {"hte_Type_1": "Holiday", "hte_Country_2": "Atlantis", "hte_lt_DateTo_1": "2024-01-01",
                "per_RoleInProcess_2": "Banker", "per_lt_Relationship_1": "Cousin",
                "per_prs_FirstName_2": "Secretname" * 30, "hte_Latitude_1": "Secret"}  # fmt: skip
    report = _errors(_write(tmp_path / "cases.csv", rows), world)
    assert "row 2: hte_Type_1 = 'Holiday'" in report
    assert "row 2: hte_Country_2 = 'Atlantis'" in report
    assert "row 2: hte_lt_DateTo_1 = '2024-01-01'" in report
    assert "row 2: per_RoleInProcess_2 = 'Banker'" in report
    assert "row 2: per_lt_Relationship_1 = 'Cousin'" in report
    assert "row 2: per_prs_FirstName_2: " in report
    assert "row 2: hte_Latitude_1: " in report
    assert "Secret" not in report
    assert not Case.objects.exists()


def test_a_step_or_perpetrator_numbered_past_the_limit_is_reported_not_dropped(world: World, tmp_path: Path) -> None:
    rows = [_generated_rows(world)[0] | _journey_cells(0)]
    rows[0] |= {"per_RoleInProcess_100": "Exploiter", "hte_Country_0": "RO"}
    report = _errors(_write(tmp_path / "cases.csv", rows), world)
    assert "per_RoleInProcess_100" in report
    assert "numbered from 1 to 50" in report
    assert "hte_Country_0" in report
    assert not Case.objects.exists()


def test_ctdc_takes_the_recruiters_relationship_when_the_case_has_none(world: World, case: Case) -> None:
    from lantern.cases import journey

    case.relationship_to_trafficker = ""
    case.save()
    journey.perpetrator_add(actor=world.caseworker, case=case, roles=["Exploiter"], relationship="Stranger")
    row = dict(zip(CTDC_COLUMNS, ctdc_row(case, ["RO"]), strict=True))
    assert row["recruiterRelationFamily"] == MISSING  # an exploiter is no recruiter: nothing known
    journey.perpetrator_add(
        actor=world.caseworker, case=case, roles=["RecruiterOrIntermediary"], relationship="Partner"
    )
    row = dict(zip(CTDC_COLUMNS, ctdc_row(case, ["RO"]), strict=True))
    assert (row["recruiterRelationFamily"], row["recruiterRelationFriend"], row["recruiterRelationOther"]) == (1, 0, 0)
    case.relationship_to_trafficker = "Unaquainted"  # the case's own answer comes first
    row = dict(zip(CTDC_COLUMNS, ctdc_row(case, ["RO"]), strict=True))
    assert row["recruiterRelationOther"] == 1
    assert row["recruiterRelationFamily"] == 0
