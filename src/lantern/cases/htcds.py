"""HTCDS 2.0 import and export, and the de-identified CTDC export.

Column names are HTCDS field names (`prs_FirstName`, `vic_TypeOfExploitation`, ...); multi-selects are separated
by `;`. Every core field of HTCDS 2.0 is imported and exported (CORE_COLUMNS). What HTCDS has no field for, Lantern
adds with an `lt_` prefix (identification date, countries of recruitment and exploitation, crisis circumstances,
at-risk groups, disability domains, migration status, and a child's presumption of minority, separation, age
assessment, guardian and best-interests determination). The journey (hte_) and the perpetrators (per_) are
repeated groups: numbered columns, `hte_Country_1`, `hte_Country_2`, ... (EVENT_COLUMNS, PERPETRATOR_COLUMNS). The
assistance plan (spl_), residence permits and removal orders, charges and non-punishment requests are columns of
cases.htcds_records, numbered the same way.

Import validates every row before it writes anything; one bad row and nothing is imported, and the report names
each bad row, field, value and reason.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from django.utils import timezone

from lantern.cases import codes, htcds_records, minority
from lantern.cases.models import (
    AgeAssessment,
    AnonymousNotification,
    BestInterests,
    Case,
    Consent,
    Guardian,
    JourneyEvent,
    Perpetrator,
)
from lantern.cases.permissions import CaseAction
from lantern.cases.validation import (
    JOURNEY_LIMIT,
    ContextData,
    PersonData,
    age_on,
    clean_context,
    clean_event,
    clean_perpetrator,
    clean_person,
)
from lantern.core.exports import cell_read, csv_writer
from lantern.core.models import Organisation, User
from lantern.core.permissions import can

# HTCDS column -> (section, Lantern field, kind), in the standard's order, then Lantern's additions. Sections:
# person and context (PersonData, ContextData), case (the case itself), referral (the cas_ referral details as
# another system recorded them), child (the latest age assessment, the current guardian, the latest best-interests
# determination) and consent.
COLUMNS: dict[str, tuple[str, str, str]] = {
    "prs_Salutation": ("person", "salutation", "text"),
    "prs_FirstName": ("person", "first_name", "text"),
    "prs_MiddleName": ("person", "middle_name", "text"),
    "prs_SecondName": ("person", "second_name", "text"),
    "prs_Birthdate": ("person", "birth_date", "date"),
    "prs_Gender": ("person", "gender", "text"),
    "prs_PrimaryLanguage": ("person", "primary_language", "text"),
    "prs_SecondaryLanguage": ("person", "other_languages", "list"),
    "prs_Citizenship": ("person", "citizenship", "list"),
    "prs_IdentityNumber": ("person", "identity_number", "text"),
    "prs_Title": ("person", "title", "text"),
    "prs_Email": ("person", "email", "text"),
    "prs_HomePhone": ("person", "home_phone", "text"),
    "prs_MobilePhone": ("person", "phone", "text"),
    "prs_MailingCity": ("person", "mailing_city", "text"),
    "prs_MailingCountry": ("person", "mailing_country", "text"),
    "prs_MailingState": ("person", "mailing_state", "text"),
    "prs_MailingStreet": ("person", "address", "text"),
    "prs_MailingPostalCode": ("person", "mailing_postal_code", "text"),
    "vic_TraffickingStatus": ("context", "trafficking_status", "text"),
    "vic_TraffickingStatusDecisionMakingOrg": ("context", "status_decided_by", "text"),
    "vic_RelationshipToTrafficker": ("context", "relationship_to_trafficker", "text"),
    "vic_AgeWhenTrafficked": ("context", "age_when_trafficked", "int"),
    "vic_RecruitmentWebsitesAndApps": ("context", "recruitment_platforms", "list"),
    "vic_MethodOfRecruitment": ("context", "recruitment_methods", "list"),
    "vic_LocationOfRecruitment": ("context", "recruitment_region", "text"),
    "vic_MethodsOfControl": ("context", "methods_of_control", "list"),
    "vic_TypeOfExploitation": ("context", "forms_of_exploitation", "list"),
    "vic_ForcedLabourIndustry": ("context", "forced_labour_industry", "industry"),
    "vic_TypeOfSexExploitation": ("context", "sex_exploitation_types", "list"),
    "vic_LocationOfExploitation": ("context", "exploitation_region", "text"),
    "vic_Vulnerabilities": ("context", "vulnerabilities", "list"),
    "vic_DetailsOfVulnerabilities": ("context", "vulnerability_details", "text"),
    "cas_Status": ("case", "status", "text"),
    "cas_ReasonForCaseClosure": ("case", "closure_reason", "text"),
    "cas_CaseOwner": ("case", "owner", "text"),
    "cas_ReferringOrganisation": ("referral", "incoming_referral_organisation", "text"),
    "cas_IncomingReferralDate": ("referral", "incoming_referral_on", "date"),
    "cas_ReferringPrimaryCaseWorker": ("referral", "incoming_referral_caseworker", "text"),
    "cas_ReasonForIncomingReferral": ("referral", "incoming_referral_reason", "text"),
    "cas_IncomingReferralDetails": ("referral", "incoming_referral_details", "text"),
    "cas_ReferredOrganisation": ("referral", "outgoing_referral_organisation", "text"),
    "cas_ReferredPrimaryCaseWorker": ("referral", "outgoing_referral_caseworker", "text"),
    "cas_ReasonForOutgoingReferral": ("referral", "outgoing_referral_reason", "text"),
    "cas_OutgoingReferralDate": ("referral", "outgoing_referral_on", "date"),
    "cas_OutgoingReferralDetails": ("referral", "outgoing_referral_details", "text"),
    "con_Consent": ("consent", "case_management", "bool"),
    "lt_IdentifiedOn": ("case", "identified_on", "date"),
    "lt_RecruitmentCountry": ("context", "recruitment_country", "text"),
    "lt_ExploitationCountry": ("context", "exploitation_country", "text"),
    "lt_CrisisCircumstances": ("context", "crisis_circumstances", "list"),
    "lt_AtRiskGroups": ("context", "at_risk_groups", "list"),
    "lt_DisabilityDomains": ("context", "disability_domains", "list"),
    "lt_DisabilityAsked": ("context", "disability_asked", "bool"),
    "lt_AtRiskAsked": ("context", "at_risk_asked", "bool"),
    "lt_MigrationStatus": ("context", "migration_status", "text"),
    "lt_PresumedChild": ("context", "may_be_child", "bool"),
    "lt_Separation": ("context", "separation", "text"),
    "lt_AgeAssessedOn": ("child", "assessed_on", "date"),
    "lt_AgeAssessmentMethod": ("child", "method", "text"),
    "lt_AgeAssessmentResult": ("child", "result_band", "text"),
    "lt_AgeAssessmentAgeLower": ("child", "age_lower", "int"),
    "lt_AgeAssessmentAgeUpper": ("child", "age_upper", "int"),
    "lt_AgeAssessedBy": ("child", "assessed_by", "text"),
    "lt_AgeAssessorRole": ("child", "assessor_role", "text"),
    "lt_GuardianName": ("child", "guardian_name", "text"),
    "lt_GuardianContact": ("child", "guardian_contact", "text"),
    "lt_GuardianAppointedBy": ("child", "guardian_appointed_by", "text"),
    "lt_GuardianAppointedOn": ("child", "guardian_appointed_on", "date"),
    "lt_BestInterestsDeterminedOn": ("child", "determined_on", "date"),
    "lt_BestInterestsSolution": ("child", "solution", "text"),
    "lt_BestInterestsDeterminedBy": ("child", "determined_by", "text"),
    "lt_BestInterestsReasons": ("child", "determination_reasons", "text"),
}
# The core fields of HTCDS 2.0 (`shared/standards/htcds-2.0-fields.csv`, "Core"): every one is imported and
# exported. A test compares this list with the standard's.
CORE_COLUMNS = [
    "prs_Salutation", "prs_FirstName", "prs_SecondName", "prs_Birthdate", "prs_Gender", "prs_Citizenship",
    "prs_Title", "prs_Email", "prs_HomePhone", "prs_MobilePhone", "prs_MailingCity", "prs_MailingCountry",
    "prs_MailingState", "prs_MailingStreet", "prs_MailingPostalCode", "vic_TraffickingStatus",
    "vic_TraffickingStatusDecisionMakingOrg", "vic_MethodOfRecruitment", "vic_LocationOfRecruitment",
    "vic_MethodsOfControl", "vic_TypeOfExploitation", "vic_ForcedLabourIndustry", "vic_TypeOfSexExploitation",
    "vic_LocationOfExploitation", "vic_Vulnerabilities", "vic_DetailsOfVulnerabilities", "cas_Status",
    "cas_ReasonForCaseClosure", "cas_CaseOwner", "cas_ReferringOrganisation", "cas_IncomingReferralDate",
    "cas_ReferringPrimaryCaseWorker", "cas_ReasonForIncomingReferral", "cas_IncomingReferralDetails",
    "cas_ReferredOrganisation", "cas_ReferredPrimaryCaseWorker", "cas_ReasonForOutgoingReferral",
    "cas_OutgoingReferralDate", "cas_OutgoingReferralDetails", "con_Consent",
]  # fmt: skip
# Repeated groups: the steps of the journey (HTCDS "Historic Trafficking Events", hte_) and the perpetrators (a
# Person of HTCDS with its per_ context). HTCDS keeps them in tables of their own, linked to the case; a flat file
# numbers them instead: `hte_Country_1`, `hte_Country_2`, ... for the first and second step, `per_RoleInProcess_1`
# for the first perpetrator. What HTCDS has no field for carries `lt_` after the group's prefix; a perpetrator's
# own Person fields carry `prs_` after `per_`. Column -> (field of cases.journey, kind).
EVENT_COLUMNS: dict[str, tuple[str, str]] = {
    "hte_Type": ("kind", "text"),
    "hte_Country": ("country", "text"),
    "hte_State": ("region", "text"),
    "hte_City": ("city", "text"),
    "hte_Street": ("street", "text"),
    "hte_PostalCode": ("postal_code", "text"),
    "hte_Latitude": ("latitude", "text"),
    "hte_Longitude": ("longitude", "text"),
    "hte_Date": ("date_from", "date"),
    "hte_Description": ("description", "text"),
    "hte_lt_DateTo": ("date_to", "date"),
    "hte_lt_Transport": ("transport", "text"),
    "hte_lt_BorderCrossing": ("border_crossing", "text"),
}
PERPETRATOR_COLUMNS: dict[str, tuple[str, str]] = {
    "per_RoleInProcess": ("roles", "list"),
    "per_RoleDetails": ("role_details", "text"),
    "per_prs_FirstName": ("name", "text"),  # the name or alias, whole, when one is kept
    "per_prs_Gender": ("gender", "text"),
    "per_prs_Citizenship": ("citizenship", "list"),
    "per_lt_AgeRange": ("age_band", "text"),
    "per_lt_Relationship": ("relationship", "text"),
}
GROUP_COLUMN = re.compile(r"^((?:hte|per|spl|lt)_\w+?)_(\d+)$")
# Columns Lantern's exports wrote before they had HTCDS's own: still read.
ALIASES = {"lt_RecruitmentRegion": "vic_LocationOfRecruitment", "lt_ExploitationRegion": "vic_LocationOfExploitation"}
EXPORT_ONLY = ["lt_Reference", "lt_Stage"]
# An import is checked whole before anything is written, so it is held in memory: these bound what it may hold.
# A bigger register is imported in parts (each part all or nothing).
MAX_IMPORT_BYTES = 100 * 1024 * 1024
MAX_IMPORT_ROWS = 100_000
MAX_LINE_CHARS = 1024 * 1024


MAX_CELL_CHARS = 32_767  # a spreadsheet cell: what Excel itself holds at most
MAX_SHOWN_CHARS = 40  # of a value that a row error echoes (never of a personal one)
MAX_REASON_CHARS = 120
# The columns whose values a report never quotes: the person's, and free text that may name people.
PERSONAL_COLUMNS = frozenset(column for column, (section, _, _) in COLUMNS.items() if section == "person") | {
    "vic_DetailsOfVulnerabilities", "cas_ReasonForCaseClosure", "cas_ReferringPrimaryCaseWorker",
    "cas_IncomingReferralDetails", "cas_ReferredPrimaryCaseWorker", "cas_OutgoingReferralDetails",
    "lt_GuardianName", "lt_GuardianContact", "lt_BestInterestsReasons", "lt_AgeAssessmentAgeLower",
    "lt_AgeAssessmentAgeUpper", "hte_Street", "hte_PostalCode", "hte_Latitude", "hte_Longitude", "hte_Description",
    "per_RoleDetails", "per_prs_FirstName", *htcds_records.PERSONAL_COLUMNS,
}  # fmt: skip
# The reasons of validation that quote a personal value, said without it.
PERSONAL_REASONS = {
    "gender": "not a gender code of HTCDS",
    "primary_language": "not ISO 639 language codes",
    "other_languages": "not ISO 639 language codes",
    "citizenship": "not ISO 3166 country codes",
    "mailing_country": "not an ISO 3166 country code",
}
FREE_TEXT_LIMIT = 10_000  # a closure reason, a referral's details, a determination's reasons: as long as a note
NAME_LIMIT = 200  # an organisation's, a case worker's or a guardian's name or contact


def _group_number(column: str, number: str, row: int, errors: list[RowError]) -> int | None:
    """The number of a numbered column, or None (reported) when it is written with a leading zero: `_1` and `_01`
    would be the same record, and one of them would be dropped in silence."""
    if len(number) > 1 and number.startswith("0"):
        errors.append(RowError(row, column, "", "A number is written without leading zeros (_1, not _01).", False))
        return None
    return int(number)


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _group_base(column: str) -> str:
    """`hte_Country_2` -> `hte_Country`; any other column as it is."""
    match = GROUP_COLUMN.match(column)
    return match.group(1) if match else column


@dataclass(frozen=True)
class RowError:
    """What is wrong in one cell. The report never quotes a personal field's value (prs_*: the column and the
    problem only), and at most MAX_SHOWN_CHARS of any other value."""

    row: int  # as a spreadsheet numbers it: the header is row 1
    field: str
    value: str
    reason: str
    quoted: bool = True  # False: the problem is the column itself, and its value is nobody's business

    def __str__(self) -> str:
        reason = _shortened(self.reason, MAX_REASON_CHARS)
        if not self.quoted or self.field in PERSONAL_COLUMNS or _group_base(self.field) in PERSONAL_COLUMNS:
            return f"row {self.row}: {self.field}: {reason}"
        return f"row {self.row}: {self.field} = {_shortened(self.value, MAX_SHOWN_CHARS)!r}: {reason}"


@dataclass
class ParsedRow:
    row: int
    person: PersonData
    context: ContextData
    identified_on: date | None
    consent: bool = False  # con_Consent: recorded only when the file says the person agreed
    status: str = codes.CaseStatus.ACTIVE
    closure_reason: str = ""
    owner: str = ""  # cas_CaseOwner: the username of a member of the importing organisation who holds cases
    referral: dict[str, Any] = field(default_factory=dict)  # the cas_ referral details, by Case field
    child: dict[str, Any] = field(default_factory=dict)  # the child columns (see CHILD_GROUPS), by their names
    events: list[dict[str, Any]] = field(default_factory=list)  # the steps of the journey, in order
    perpetrators: list[dict[str, Any]] = field(default_factory=list)
    # The assistance plan, permits and removal orders, charges and requests (cases.htcds_records).
    records: htcds_records.Records = field(default_factory=htcds_records.Records)
    # Set by resolve(): the owner and the organisations named by the child columns.
    owner_user: User | None = None
    organisations: dict[str, Organisation] = field(default_factory=dict)


def read_rows(path: Path) -> tuple[list[str], Iterator[list[str]]]:
    """The header and the rows of a CSV (UTF-8, with or without BOM) or XLSX file, as text. A file larger than
    MAX_IMPORT_BYTES, a line longer than MAX_LINE_CHARS, a value longer than the csv module takes, text that is not
    UTF-8: ValueError, saying where."""
    size = path.stat().st_size
    if size > MAX_IMPORT_BYTES:
        raise ValueError(
            f"the file is {size / 1024 / 1024:.0f} MB; at most {MAX_IMPORT_BYTES // 1024 // 1024} MB are imported "
            "at once: split it into parts"
        )
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        values = _bounded_cells(sheet.iter_rows(values_only=True))
        header = [name.strip() for name in next(values, [])]
        return header, values
    if path.suffix.lower() != ".csv":
        raise ValueError("the file must end in .csv or .xlsx")
    handle = path.open("rb")
    rows = _csv_rows(_bounded_lines(handle))
    header = [name.strip() for name in next(rows, [])]
    return header, rows


def _bounded_cells(rows: Iterable[tuple[object, ...]]) -> Iterator[list[str]]:
    """A sheet's rows as text, refusing a cell longer than MAX_CELL_CHARS (no spreadsheet program writes one)."""
    for number, row in enumerate(rows, start=1):
        cells = ["" if cell is None else cell_read(_cell_text(cell)) for cell in row]
        for index, text in enumerate(cells):
            if len(text) > MAX_CELL_CHARS:
                raise ValueError(
                    f"row {number}, column {index + 1}: a cell of more than {MAX_CELL_CHARS} characters: "
                    "is this an HTCDS file?"
                )
        yield cells


def _bounded_lines(handle: BinaryIO) -> Iterator[str]:
    """The file's lines as text, refusing one longer than MAX_LINE_CHARS before it is read whole into memory, and
    naming the line that is not UTF-8 (each line is decoded by itself, so the number is the line's own)."""
    number = 0
    limit = MAX_LINE_CHARS  # bytes (the message's "KB"): no HTCDS line comes near it, in any script
    while True:
        number += 1
        raw = handle.readline(limit + 1)
        if not raw:
            return
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        if len(raw) > limit:
            raise ValueError(f"line {number} is longer than {MAX_LINE_CHARS // 1024} KB: is this an HTCDS file?")
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError(f"line {number} is not UTF-8 text") from None
        if len(line) > MAX_LINE_CHARS:
            raise ValueError(f"line {number} is longer than {MAX_LINE_CHARS // 1024} KB: is this an HTCDS file?")
        yield line


def _csv_rows(lines: Iterator[str]) -> Iterator[list[str]]:
    reader = csv.reader(lines)
    try:
        for cells in reader:
            yield [cell_read(cell) for cell in cells]
    except csv.Error as exc:
        raise ValueError(f"line {reader.line_num} is not readable CSV ({exc})") from None


def _cell_text(cell: object) -> str:
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


TRUE, FALSE = ("true", "1", "yes"), ("", "false", "0", "no")


def _parse_value(kind: str, raw: str) -> Any:
    raw = raw.strip()
    if kind == "date":
        return date.fromisoformat(raw) if raw else None
    if kind == "int":
        return int(raw) if raw else None
    if kind == "list":
        return [part.strip() for part in raw.split(";") if part.strip()]
    if kind == "bool":
        if raw.lower() not in TRUE + FALSE:
            raise ValueError(raw)
        return raw.lower() in TRUE
    if kind == "industry":
        return raw.split("_", 1)[0] if raw else ""  # "A_AgricultureForestryAndFishing" -> "A"
    if kind == "decimal":
        try:
            amount = Decimal(raw) if raw else None
        except InvalidOperation:
            raise ValueError(raw) from None
        if amount is not None and not amount.is_finite():  # "NaN", "Infinity": no amount
            raise ValueError(raw)
        return amount
    return raw


def _parse_error(kind: str) -> str:
    return {"date": "not a date (YYYY-MM-DD)", "int": "not a whole number", "bool": "not true or false",
            "decimal": "not a number"}[kind]  # fmt: skip


# The child columns come in groups: one filled column of a group needs the group's required ones.
CHILD_GROUPS = {
    "lt_AgeAssessedOn": (
        "assessed_on",
        "method",
        "assessed_by",
        "assessor_role",
        "result_band",
        "age_lower",
        "age_upper",
    ),
    "lt_GuardianName": ("guardian_name", "guardian_appointed_by", "guardian_appointed_on", "guardian_contact"),
    "lt_BestInterestsDeterminedOn": ("determined_on", "solution", "determined_by", "determination_reasons"),
}
CHILD_REQUIRED = {
    "assessed_on", "method", "assessed_by", "assessor_role", "guardian_name", "guardian_appointed_by",
    "guardian_appointed_on", "determined_on", "solution", "determined_by", "determination_reasons",
}  # fmt: skip
COLUMN_OF = {name: column for column, (_, name, _) in COLUMNS.items()}


def _too_long(value: str, limit: int) -> str:
    return f"longer than {limit} characters" if len(value) > limit else ""


def _check_row(row: ParsedRow, today: date, errors: list[RowError], raw: dict[str, str]) -> None:
    """The checks of the case, referral and child columns (the person and context go through validation)."""

    def error(name: str, reason: str) -> None:
        column = COLUMN_OF[name]
        errors.append(RowError(row.row, column, raw.get(column, ""), reason))

    if row.status not in codes.CaseStatus.values:
        error("status", "not a case status of HTCDS")
    closed = row.status in (codes.CaseStatus.CLOSED, codes.CaseStatus.CLOSED_REFERRED)
    if row.closure_reason and not closed:
        error("closure_reason", "a reason for closure, but the case is not closed")
    if _too_long(row.closure_reason, FREE_TEXT_LIMIT):
        error("closure_reason", _too_long(row.closure_reason, FREE_TEXT_LIMIT))
    for name, value in row.referral.items():
        if value is None:
            continue
        if isinstance(value, date):
            if value > today:
                error(name, "in the future")
        elif name.endswith("_reason"):
            if value and value not in codes.ReferralReason.values:
                error(name, "not a reason for referral of HTCDS")
        elif _too_long(value, FREE_TEXT_LIMIT if name.endswith("_details") else NAME_LIMIT):
            error(name, _too_long(value, FREE_TEXT_LIMIT if name.endswith("_details") else NAME_LIMIT))
    child = row.child
    for first, members in CHILD_GROUPS.items():
        if not any(child.get(name) not in (None, "") for name in members):
            continue
        missing = [name for name in members if name in CHILD_REQUIRED and child.get(name) in (None, "")]
        for name in missing:
            error(name, f"required with {first}")
        for name in members:
            value = child.get(name)
            if isinstance(value, date) and value > today:
                error(name, "in the future")
            elif isinstance(value, str):
                limit = FREE_TEXT_LIMIT if name == "determination_reasons" else NAME_LIMIT
                if _too_long(value, limit):
                    error(name, _too_long(value, limit))
    if child.get("method") and child["method"] not in codes.AgeMethod.values:
        error("method", "not a method of age assessment")
    if child.get("assessor_role") and child["assessor_role"] not in codes.AssessorRole.values:
        error("assessor_role", "not a role of an assessor")
    # The assessed age is a range; its lower end decides (the benefit of the doubt), as on the case page.
    age, upper, band = child.get("age_lower"), child.get("age_upper"), child.get("result_band") or ""
    if upper is not None and age is None:
        error("age_lower", "required with lt_AgeAssessmentAgeUpper")
    elif upper is None and age is not None:
        child["age_upper"] = upper = age  # one age found: a range of one
    if age is not None and not 0 <= age <= 120:
        error("age_lower", "not between 0 and 120")
    elif upper is not None and not 0 <= upper <= 120:
        error("age_upper", "not between 0 and 120")
    elif age is not None and upper is not None and age > upper:
        error("age_upper", "below lt_AgeAssessmentAgeLower")
    elif age is not None:
        found = codes.AgeResult.UNDER_18 if age < minority.ADULT_AGE else codes.AgeResult.ADULT
        if band and band != found:
            error("result_band", "disagrees with lt_AgeAssessmentAgeLower")
        child["result_band"] = band = found
    if band and band not in codes.AgeResult.values:
        error("result_band", "not under_18 or adult")
    if child.get("assessed_on") and not band:
        error("result_band", "required with lt_AgeAssessedOn (or lt_AgeAssessmentAgeLower)")
    if child.get("solution") and child["solution"] not in codes.DurableSolution.values:
        error("solution", "not return, relocation or local_integration")
    if child.get("guardian_name") or child.get("determined_on"):
        identified = row.identified_on or today
        is_child, _ = minority.decide(
            exact_age=age_on(row.person.birth_date, identified),
            assessed_band=band if band in codes.AgeResult.values else "",
            may_be_child=row.context.may_be_child or "unaccompanied_child" in row.context.at_risk_groups,
            separation=row.context.separation,
        )
        if not is_child:
            name = "guardian_name" if child.get("guardian_name") else "determined_on"
            error(name, "recorded only for a child (or a person presumed one)")


def _grouped(column: str) -> bool:
    base = _group_base(column)
    return base != column and (base in EVENT_COLUMNS or base in PERPETRATOR_COLUMNS or base in htcds_records.GROUP_OF)


def _group_number_error() -> str:
    return f"Steps and perpetrators are numbered from 1 to {JOURNEY_LIMIT}."


def _parse_groups(number: int, header: list[str], cells: list[str], errors: list[RowError]) -> tuple[list, list]:
    """The steps of the journey and the perpetrators of a row, in the order of their numbers (a number with no
    value in any of its columns is no step), each checked as the case page checks it."""
    found: dict[str, dict[int, dict[str, Any]]] = {"hte": {}, "per": {}}
    raw_of: dict[tuple[str, int, str], tuple[str, str]] = {}
    for column, raw in zip(header, cells, strict=False):
        match = GROUP_COLUMN.match(column)
        if not match or not raw.strip():
            continue
        base = match.group(1)
        table = EVENT_COLUMNS if base.startswith("hte_") else PERPETRATOR_COLUMNS
        if base not in table:
            continue
        index = _group_number(column, match.group(2), number, errors)
        if index is None:
            continue
        if not 1 <= index <= JOURNEY_LIMIT:  # never dropped in silence: a 100th perpetrator is a mistake to report
            errors.append(RowError(number, column, raw, _group_number_error()))
            continue
        name, kind = table[base]
        try:
            value = _parse_value(kind, raw)
        except ValueError:
            errors.append(RowError(number, column, raw, _parse_error(kind)))
            continue
        found[base[:3]].setdefault(index, {})[name] = value
        raw_of[(base[:3], index, name)] = (column, raw)
    today = timezone.localdate()
    results: dict[str, list[dict[str, Any]]] = {"hte": [], "per": []}
    for group in ("hte", "per"):
        for index in sorted(found[group]):
            data = found[group][index]
            if group == "hte":
                values, problems = clean_event(data, today=today)
            else:
                values, problems = clean_perpetrator(data)
            for name, reason in problems.items():
                column, raw = raw_of.get((group, index, name), (f"{group}_{name}_{index}", ""))
                errors.append(RowError(number, column, raw, str(reason)))
            results[group].append(values)
    return results["hte"], results["per"]


def _parse_records(number: int, header: list[str], cells: list[str], errors: list[RowError]) -> htcds_records.Records:
    """The assistance plan and the numbered records of a row (cases.htcds_records), each checked as the case page
    checks it; a number with no value in any of its columns is no record."""
    plan: dict[str, Any] = {}
    numbered: dict[str, dict[int, dict[str, Any]]] = {}
    raw_of: dict[str, str] = {}
    unreadable: set[str] = set()  # reported once, as unreadable, not again as missing
    for column, raw in zip(header, cells, strict=False):
        if not raw.strip():
            continue
        match = GROUP_COLUMN.match(column)
        if column in htcds_records.PLAN_COLUMNS:
            name, kind = htcds_records.PLAN_COLUMNS[column]
            target = plan
        elif match and match.group(1) in htcds_records.GROUP_OF:
            base, index = match.group(1), _group_number(column, match.group(2), number, errors)
            if index is None:
                continue
            if not 1 <= index <= htcds_records.RECORD_LIMIT:
                reason = f"Records are numbered from 1 to {htcds_records.RECORD_LIMIT}."
                errors.append(RowError(number, column, raw, reason))
                continue
            key = htcds_records.GROUP_OF[base]
            name, kind = htcds_records.GROUPS[key][base]
            target = numbered.setdefault(key, {}).setdefault(index, {})
        else:
            continue
        try:
            target[name] = _parse_value(kind, raw)
        except ValueError:
            errors.append(RowError(number, column, raw, _parse_error(kind)))
            unreadable.add(column)
            continue
        raw_of[column] = raw
    records, problems = htcds_records.clean_records(plan, numbered, today=timezone.localdate())
    for column, reason in problems:
        if column not in unreadable:
            errors.append(RowError(number, column, raw_of.get(column, ""), reason))
    return records


def parse_row(number: int, header: list[str], cells: list[str]) -> tuple[ParsedRow | None, list[RowError]]:
    errors: list[RowError] = []
    sections: dict[str, dict[str, Any]] = {"person": {}, "context": {}, "case": {}, "referral": {}, "child": {}}
    raw_by_field: dict[str, tuple[str, str]] = {}
    raw_by_column: dict[str, str] = {}
    consent = False
    for column, raw in zip(header, cells, strict=False):
        column = ALIASES.get(column, column)
        if column not in COLUMNS:
            continue
        section, name, kind = COLUMNS[column]
        raw_by_field[name] = (column, raw)
        raw_by_column[column] = raw
        try:
            value = _parse_value(kind, raw)
        except ValueError:
            errors.append(RowError(number, column, raw, _parse_error(kind)))
            continue
        if section == "consent":
            consent = value
        else:
            sections[section][name] = value
    person = sections["person"]
    if "gender" in person and not person["gender"]:
        person["gender"] = codes.Gender.UNKNOWN
    person_data, person_errors = clean_person(PersonData(**person), today=timezone.localdate())
    context_data, context_errors = clean_context(ContextData(**sections["context"]))
    for name, reason in person_errors.items():
        column, raw = raw_by_field.get(name, (name, ""))
        errors.append(RowError(number, column, raw, PERSONAL_REASONS.get(name, reason)))
    for name, reason in context_errors.items():
        column, raw = raw_by_field.get(name, (name, ""))
        errors.append(RowError(number, column, raw, reason))
    case = sections["case"]
    identified_on = case.get("identified_on")
    if identified_on and identified_on > timezone.localdate():
        errors.append(RowError(number, "lt_IdentifiedOn", identified_on.isoformat(), "in the future"))
    if identified_on and person_data.birth_date and identified_on < person_data.birth_date:
        errors.append(RowError(number, "lt_IdentifiedOn", identified_on.isoformat(), "before the birth date"))
    row = ParsedRow(
        number,
        person_data,
        context_data,
        identified_on,
        consent,
        status=case.get("status") or codes.CaseStatus.ACTIVE,
        closure_reason=case.get("closure_reason", ""),
        owner=case.get("owner", ""),
        referral=sections["referral"],
        child=sections["child"],
    )
    row.events, row.perpetrators = _parse_groups(number, header, cells, errors)
    row.records = _parse_records(number, header, cells, errors)
    _check_row(row, timezone.localdate(), errors, raw_by_column)
    if errors:
        return None, errors
    return row, []


def resolve(rows: list[ParsedRow], organisation: Organisation) -> list[RowError]:
    """Find the case owners (members of `organisation` who hold cases) and the organisations the child columns
    name (by their name in the directory); what is not found is a row error, except the body that determined a
    child's best interests, which may be one outside the directory named in words (a child protection panel)."""
    usernames = {row.owner for row in rows if row.owner}
    users = {user.username: user for user in User.objects.filter(username__in=usernames, is_active=True)}
    holders = {name: user for name, user in users.items() if can(user, CaseAction.TAKE, organisation)}
    names = {row.child.get(key) for row in rows for key in ("assessed_by", "determined_by")} - {None, ""}
    found = {o.name: o for o in Organisation.objects.filter(name__in=names)}
    errors: list[RowError] = []
    for row in rows:
        if row.owner:
            row.owner_user = holders.get(row.owner)
            if row.owner_user is None:
                reason = "not a caseworker or supervisor of the organisation the cases are imported into"
                errors.append(RowError(row.row, "cas_CaseOwner", row.owner, reason))
        for key in ("assessed_by", "determined_by"):
            name = row.child.get(key)
            if name and name not in found and key == "determined_by":
                row.child["determined_by_body"] = name
            elif name and name not in found:
                errors.append(RowError(row.row, COLUMN_OF[key], name, "not an organisation of the directory"))
            elif name:
                row.organisations[key] = found[name]
    return errors


@dataclass
class ImportReport:
    rows: int
    errors: list[RowError]
    ignored_columns: list[str]
    imported: int = 0


def read_htcds(
    path: Path, *, progress: Callable[[str, int], None] | None = None
) -> tuple[ImportReport, list[ParsedRow]]:
    """Read and check every row of an HTCDS file (nothing is written: cases.services.case_import_htcds writes)."""
    header, rows = read_rows(path)
    unknown = [
        c
        for c in header
        if c
        and c not in COLUMNS
        and c not in ALIASES
        and c not in EXPORT_ONLY
        and c not in htcds_records.PLAN_COLUMNS
        and not _grouped(c)
    ]
    if not any(c in COLUMNS for c in header):
        raise ValueError("no HTCDS column in the header (expected prs_FirstName, vic_TypeOfExploitation, ...)")
    parsed: list[ParsedRow] = []
    errors: list[RowError] = []
    count = 0
    for index, cells in enumerate(rows, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        count += 1
        if count > MAX_IMPORT_ROWS:
            raise ValueError(f"more than {MAX_IMPORT_ROWS} rows: import the file in parts")
        row, row_errors = parse_row(index, header, cells)
        errors.extend(row_errors)
        if row is not None:
            parsed.append(row)
        if progress is not None and count % 1000 == 0:
            progress("validated", count)
    return ImportReport(rows=count, errors=errors, ignored_columns=unknown), parsed


def _join(values: Iterable[str]) -> str:
    return ";".join(values)


def _cell(kind: str, value: Any) -> object:
    if kind == "list":
        return _join(value or [])
    if kind == "date":
        return value.isoformat() if value else ""
    if kind == "bool":
        return "true" if value else "false"
    if kind == "industry":
        return codes.ISIC_VALUE_NAMES.get(value, value or "")
    if isinstance(value, int | float):
        return value  # numbers stay numbers in a spreadsheet
    return "" if value is None else str(value)


def _referral(case: Case) -> dict[str, Any]:
    """The cas_ referral details: Lantern's own record first (the referral to the competent authority; the
    organisation that identified the person, when another registered the case), the imported history otherwise."""
    values = {name: getattr(case, name) for section, name, _ in COLUMNS.values() if section == "referral"}
    if case.referred_to_id is not None:
        values.update(
            outgoing_referral_organisation=case.referred_to.name,  # type: ignore[union-attr]
            outgoing_referral_on=case.referred_on,
            outgoing_referral_caseworker="",
            outgoing_referral_reason=codes.ReferralReason.OTHER,
            outgoing_referral_details="",
        )
    if not values["incoming_referral_organisation"] and case.identified_by_id not in (None, case.organisation_id):
        values.update(
            incoming_referral_organisation=case.identified_by.name,  # type: ignore[union-attr]
            incoming_referral_on=timezone.localdate(case.created_at),
        )
    return values


def _children(organisation: Organisation) -> dict[int, dict[str, Any]]:
    """The child columns of every case of the organisation that has any: the latest age assessment, the current
    guardian, the latest best-interests determination (three queries, whatever the number of cases)."""
    by_case: dict[int, dict[str, Any]] = {}
    in_organisation = {"case__organisation": organisation}
    assessments = AgeAssessment.objects.filter(**in_organisation).select_related("assessed_by_organisation")
    for a in assessments.order_by("case_id", "assessed_on", "recorded_at", "pk"):
        by_case.setdefault(a.case_id, {}).update(
            assessed_on=a.assessed_on, method=a.method, result_band=a.result_band, age_lower=a.age_lower,
            age_upper=a.age_upper,
            assessed_by=a.assessed_by_organisation.name, assessor_role=a.assessor_role,
        )  # fmt: skip
    for g in Guardian.objects.filter(ended_at__isnull=True, **in_organisation):
        by_case.setdefault(g.case_id, {}).update(
            guardian_name=g.name, guardian_contact=g.contact, guardian_appointed_by=g.appointed_by,
            guardian_appointed_on=g.appointed_on,
        )  # fmt: skip
    determinations = BestInterests.objects.filter(kind=BestInterests.Kind.DETERMINATION, **in_organisation)
    for d in determinations.select_related("organisation").order_by("case_id", "decided_on", "recorded_at", "pk"):
        by_case.setdefault(d.case_id, {}).update(
            determined_on=d.decided_on, solution=d.solution,
            determined_by=d.organisation.name if d.organisation else d.body_name,
            determination_reasons=d.reasons,
        )  # fmt: skip
    return by_case


def _grouped_rows(queryset: Any) -> dict[int, list[Any]]:
    by_case: dict[int, list[Any]] = {}
    for item in queryset.order_by("case_id", "position", "pk"):
        by_case.setdefault(item.case_id, []).append(item)
    return by_case


def _group_header(table: dict[str, tuple[str, str]], count: int) -> list[str]:
    return [f"{column}_{index}" for index in range(1, count + 1) for column in table]


def _group_cells(table: dict[str, tuple[str, str]], items: list[Any], count: int) -> list[object]:
    cells: list[object] = []
    for index in range(count):
        item = items[index] if index < len(items) else None
        for name, kind in table.values():
            cells.append("" if item is None else _cell(kind, getattr(item, name)))
    return cells


def _record_cells(table: dict[str, tuple[str, str]], items: list[dict[str, Any]], count: int) -> list[object]:
    cells: list[object] = []
    for index in range(count):
        item = items[index] if index < len(items) else None
        for name, kind in table.values():
            cells.append("" if item is None else _cell(kind, item.get(name)))
    return cells


def export_htcds(organisation: Organisation, out: TextIO) -> int:
    """Every case of one organisation with its personal data (decrypted), for moving it to another system (through
    cases.services.case_export_htcds, which audits it). Every column the import reads, so that what one Lantern
    exports another imports whole."""
    writer = csv_writer(out)
    events = _grouped_rows(JourneyEvent.objects.filter(case__organisation=organisation))
    perpetrators = _grouped_rows(Perpetrator.objects.filter(case__organisation=organisation))
    most_events = max((len(rows) for rows in events.values()), default=0)
    most_perpetrators = max((len(rows) for rows in perpetrators.values()), default=0)
    records = htcds_records.records_of(organisation)
    # The plan's columns when a case has a plan; each group as many times as the case that has most of it.
    plans = any(r.plan for r in records.values())
    most = {key: max((len(r.groups[key]) for r in records.values()), default=0) for key in htcds_records.GROUPS}
    plan_columns = htcds_records.PLAN_COLUMNS if plans else {}
    writer.writerow(
        [*COLUMNS, *EXPORT_ONLY, *_group_header(EVENT_COLUMNS, most_events),
         *_group_header(PERPETRATOR_COLUMNS, most_perpetrators), *plan_columns,
         *(column for key, table in htcds_records.GROUPS.items() for column in _group_header(table, most[key]))]
    )  # fmt: skip
    nothing = htcds_records.CaseRecords()
    children = _children(organisation)
    consented = set(
        Consent.objects.filter(
            case__organisation=organisation, purpose=Consent.Purpose.CASE_MANAGEMENT, withdrawn_at__isnull=True
        ).values_list("case_id", flat=True)
    )
    count = 0
    cases = (
        Case.objects.filter(organisation=organisation)
        .select_related("person", "assigned_to", "referred_to", "identified_by")
        .order_by("pk")
    )
    for case in cases.iterator(chunk_size=2000):
        referral = _referral(case)
        child = children.get(case.pk, {})
        row: list[object] = []
        for section, name, kind in COLUMNS.values():
            if section == "person":
                value = getattr(case.person, name)
            elif section == "referral":
                value = referral[name]
            elif section == "child":
                value = child.get(name)
            elif section == "consent":
                value = case.pk in consented
            elif name == "owner":
                value = case.assigned_to.username if case.assigned_to else ""
            else:
                value = getattr(case, name)
            row.append(_cell(kind, value))
        row += [case.reference, case.stage]
        row += _group_cells(EVENT_COLUMNS, events.get(case.pk, []), most_events)
        row += _group_cells(PERPETRATOR_COLUMNS, perpetrators.get(case.pk, []), most_perpetrators)
        held = records.get(case.pk, nothing)
        row += [_cell(kind, held.plan.get(name)) for name, kind in plan_columns.values()]
        for key, table in htcds_records.GROUPS.items():
            row += _record_cells(table, held.groups[key], most[key])
        writer.writerow(row)
        count += 1
    return count


# --- CTDC --------------------------------------------------------------------------------------------------

CTDC_EXPLOITATION = {
    "isForcedLabour": {"ForcedLabour", "ChildLabour", "Servitude"},
    "isSexualExploit": {"SexualExploitation"},
    "isForcedMarriage": {"ForcedMarriage"},
    "isForcedMilitary": {"ForcedMilitaryByNonStateActors"},
    "isOrganRemoval": {"OrganRemoval"},
    "isOtherExploit": {"ForcedBegging", "ForcedCriminality", "ForcedAdoption", "Surrogacy", "Other"},
}
# CTDC column -> the HTCDS codes that set it. A column no code sets is always missing (-99): Lantern never guesses
# it. Every code of the code lists sets exactly one column, or none on purpose (CTDC_UNMAPPED); a test checks both.
CTDC_CONTROL: dict[str, frozenset[str]] = {
    "meansOfControlDebtBondage": frozenset({"DebtBondage"}),
    "meansOfControlTakesEarnings": frozenset({"TakesEarnings"}),
    "meansOfControlRestrictsFinancialAccess": frozenset({"RestrictsFinancialAccess"}),
    "meansOfControlThreats": frozenset({"PhysicalThreats", "ThreatensChildrenFamily"}),  # threats to her or hers
    "meansOfControlPsychologicalAbuse": frozenset({"PsychologicalAbuse"}),
    "meansOfControlPhysicalAbuse": frozenset({"PhysicalAbuse"}),
    "meansOfControlSexualAbuse": frozenset({"SexualAbuse"}),
    "meansOfControlFalsePromises": frozenset({"FalsePromises"}),
    "meansOfControlPsychoactiveSubstances": frozenset({"PsychoactiveSubstance"}),
    "meansOfControlRestrictsMovement": frozenset(),  # HTCDS has no code for it: "Other" says nothing of movement
    "meansOfControlRestrictsMedicalCare": frozenset({"RestrictsMedicalCare"}),
    "meansOfControlExcessiveWorkingHours": frozenset({"ExcessiveWorkingHours"}),
    "meansOfControlThreatOfLawEnforcement": frozenset({"ThreatsLawEnforcement"}),
    "meansOfControlWithholdsNecessities": frozenset({"WithholdsNecessities"}),
    "meansOfControlWithholdsDocuments": frozenset({"WithholdsDocuments"}),
    "meansOfControlOther": frozenset({"Other"}),
}
# ISIC sections (vic_ForcedLabourIndustry). Section A is agriculture, forestry and fishing together: it sets
# typeOfLabourAgriculture, and leaves typeOfLabourFishing missing (it may or may not have been fishing).
CTDC_LABOUR: dict[str, frozenset[str]] = {
    "typeOfLabourAgriculture": frozenset({"A"}),
    "typeOfLabourConstruction": frozenset({"F"}),
    "typeOfLabourDomesticWork": frozenset({"T"}),
    "typeOfLabourHospitality": frozenset({"I"}),
    "typeOfLabourManufacturing": frozenset({"C"}),
    "typeOfLabourMiningOrDrilling": frozenset({"B"}),
    "typeOfLabourTransportation": frozenset({"H"}),
    "typeOfLabourFishing": frozenset(),
    "typeOfLabourOther": frozenset("DEGJKLMNOPQRSU"),
}
CTDC_LABOUR_UNCERTAIN = {"typeOfLabourFishing": frozenset({"A"})}  # missing, not 0, for these sections
# The codes that set no CTDC column, on purpose, and why.
CTDC_UNMAPPED: dict[str, dict[str, str]] = {
    "methods_of_control": {},
    "forms_of_exploitation": {},
    "forced_labour_industry": {},
    "sex_exploitation_types": {},
    "relationship_to_trafficker": {},
}
CTDC_SEX = {"typeOfSexProstitution": "Prostitution", "typeOfSexPornography": "Pornography",
            "typeOfSexRemoteInteractiveServices": "RemoteInteractiveServices",
            "typeOfSexPrivateSexualServices": "PrivateSexualServices"}  # fmt: skip
CTDC_RELATION = {"recruiterRelationFamily": "Familial", "recruiterRelationFriend": "Acquainted",
                 "recruiterRelationOther": "Unaquainted"}  # fmt: skip
CTDC_COLUMNS = ["yearOfRegistration", "gender", "ageBroad", "majorityStatus", "citizenship", "CountryOfExploitation",
                *CTDC_EXPLOITATION, "isSexAndLabour", *CTDC_CONTROL, *CTDC_LABOUR, *CTDC_SEX, *CTDC_RELATION,
                "isAbroad", "recruitedOnline"]  # fmt: skip
MISSING = -99


def ctdc_row(case: Case, citizenship: list[str]) -> list[object]:
    forms = set(case.forms_of_exploitation)
    known_forms = bool(forms)

    def flag(condition: bool, known: bool = True) -> int:
        return (1 if condition else 0) if known else MISSING

    gender = {"Feminine": "Female", "TransgenderFeminine": "Female", "Masculine": "Male",
              "TransgenderMasculine": "Male"}.get(case.person.gender, "Unknown")  # fmt: skip
    row: list[object] = [
        case.identified_on.year,
        gender,
        _ctdc_age(case.age_at_identification),
        "Unknown" if case.is_minor is None else ("Minor" if case.is_minor else "Adult"),
        citizenship[0] if citizenship else "00",
        case.exploitation_country or "00",
    ]
    row += [flag(bool(forms & members), known_forms) for members in CTDC_EXPLOITATION.values()]
    row.append(flag({"SexualExploitation", "ForcedLabour"} <= forms, known_forms))
    control = set(case.methods_of_control)
    row += [flag(bool(control & members), bool(control and members)) for members in CTDC_CONTROL.values()]
    industry = case.forced_labour_industry
    labour_known = "ForcedLabour" in forms and bool(industry)
    row += [
        flag(industry in members, labour_known and industry not in CTDC_LABOUR_UNCERTAIN.get(column, ()))
        for column, members in CTDC_LABOUR.items()
    ]
    sex_types = set(case.sex_exploitation_types)
    row += [flag(code in sex_types, bool(sex_types)) for code in CTDC_SEX.values()]
    relations = _recruiter_relations(case)
    row += [flag(code in relations, bool(relations)) for code in CTDC_RELATION.values()]
    row.append(MISSING if case.is_cross_border is None else int(case.is_cross_border))
    row.append(int(case.recruited_online))
    return row


def _recruiter_relations(case: Case) -> set[str]:
    """CTDC's recruiterRelation*: the case's own vic_RelationshipToTrafficker when it is recorded; otherwise what
    the perpetrators recorded as recruiters were to the person (a partner is family, an employer an acquaintance,
    codes.RELATIONSHIP_TO_HTCDS). Several recruiters may set several columns."""
    if case.relationship_to_trafficker:
        return {case.relationship_to_trafficker}
    if case.pk is None:
        return set()
    return {
        codes.RELATIONSHIP_TO_HTCDS[p.relationship]
        for p in case.perpetrators.all()
        if "RecruiterOrIntermediary" in p.roles and p.relationship in codes.RELATIONSHIP_TO_HTCDS
    }


def _ctdc_age(age: int | None) -> str:
    if age is None:
        return "Unknown"
    for band in ("0--8", "9--17", "18--20", "21--23", "24--26", "27--29", "30--38", "39--47"):
        low, high = (int(x) for x in band.split("--"))
        if low <= age <= high:
            return band
    return "48+"


def ctdc_notification_row(notification: AnonymousNotification) -> list[object]:
    """An anonymous notification (an adult who declined the NRM) in the same columns: what it does not hold is
    missing (-99), never guessed."""
    forms = set(notification.forms_of_exploitation)
    known_forms = bool(forms)

    def flag(condition: bool, known: bool = True) -> int:
        return (1 if condition else 0) if known else MISSING

    gender = {"Feminine": "Female", "TransgenderFeminine": "Female", "Masculine": "Male",
              "TransgenderMasculine": "Male"}.get(notification.gender, "Unknown")  # fmt: skip
    band = notification.age_band
    row: list[object] = [
        notification.identified_on.year,
        gender,
        band.replace("-", "--") if "-" in band else (band or "Unknown"),
        "Adult",
        notification.citizenship or "00",
        notification.exploitation_country or "00",
    ]
    row += [flag(bool(forms & members), known_forms) for members in CTDC_EXPLOITATION.values()]
    row.append(flag({"SexualExploitation", "ForcedLabour"} <= forms, known_forms))
    row += [MISSING] * (len(CTDC_CONTROL) + len(CTDC_LABOUR) + len(CTDC_SEX) + len(CTDC_RELATION))
    both = notification.citizenship and notification.exploitation_country
    row.append(int(notification.citizenship != notification.exploitation_country) if both else MISSING)
    row.append(MISSING)
    return row


def export_ctdc(cases: Iterable[Case], out: TextIO, notifications: Iterable[AnonymousNotification] = ()) -> int:
    """De-identified microdata with CTDC variable names and codes, of cases whose people consented to statistics,
    then of the anonymous notifications. No name, no date of birth, no region, no reference: one row a person."""
    writer = csv_writer(out)
    writer.writerow(CTDC_COLUMNS)
    count = 0
    for case in cases:
        writer.writerow(ctdc_row(case, case.person.citizenship))
        count += 1
    for notification in notifications:
        writer.writerow(ctdc_notification_row(notification))
        count += 1
    return count


def ctdc_cases(queryset: Any) -> Any:
    consented = Consent.objects.filter(purpose=Consent.Purpose.STATISTICS, withdrawn_at__isnull=True)
    return (
        queryset.filter(pk__in=consented.values("case_id"))
        .select_related("person")
        .prefetch_related("perpetrators")
        .only(*CTDC_FIELDS)
        .order_by("identified_on", "pk")
    )


CTDC_FIELDS = ["identified_on", "age_at_identification", "is_minor", "exploitation_country", "forms_of_exploitation",
               "methods_of_control", "forced_labour_industry", "sex_exploitation_types", "relationship_to_trafficker",
               "is_cross_border", "recruited_online", "person__gender", "person__citizenship"]  # fmt: skip
