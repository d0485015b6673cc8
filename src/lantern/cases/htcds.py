"""HTCDS 2.0 import and export, and the de-identified CTDC export.

Column names are HTCDS field names (`prs_FirstName`, `vic_TypeOfExploitation`, ...); multi-selects are separated
by `;`. What HTCDS has no field for, Lantern adds with an `lt_` prefix (identification date, countries of
recruitment and exploitation, crisis circumstances, at-risk groups, disability domains, migration status).

Import validates every row before it writes anything; one bad row and nothing is imported, and the report names
each bad row, field, value and reason.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from django.utils import timezone

from lantern.cases import codes
from lantern.cases.models import AnonymousNotification, Case, Consent
from lantern.cases.validation import ContextData, PersonData, clean_context, clean_person
from lantern.core.exports import csv_writer
from lantern.core.models import Organisation

# HTCDS column -> (section, Lantern field, kind)
COLUMNS: dict[str, tuple[str, str, str]] = {
    "prs_FirstName": ("person", "first_name", "text"),
    "prs_MiddleName": ("person", "middle_name", "text"),
    "prs_SecondName": ("person", "second_name", "text"),
    "prs_Birthdate": ("person", "birth_date", "date"),
    "prs_Gender": ("person", "gender", "text"),
    "prs_PrimaryLanguage": ("person", "primary_language", "text"),
    "prs_SecondaryLanguage": ("person", "other_languages", "list"),
    "prs_Citizenship": ("person", "citizenship", "list"),
    "prs_IdentityNumber": ("person", "identity_number", "text"),
    "prs_Email": ("person", "email", "text"),
    "prs_MobilePhone": ("person", "phone", "text"),
    "prs_MailingStreet": ("person", "address", "text"),
    "vic_TraffickingStatus": ("context", "trafficking_status", "text"),
    "vic_TraffickingStatusDecisionMakingOrg": ("context", "status_decided_by", "text"),
    "vic_RelationshipToTrafficker": ("context", "relationship_to_trafficker", "text"),
    "vic_AgeWhenTrafficked": ("context", "age_when_trafficked", "int"),
    "vic_MethodOfRecruitment": ("context", "recruitment_methods", "list"),
    "vic_RecruitmentWebsitesAndApps": ("context", "recruitment_platforms", "list"),
    "vic_MethodsOfControl": ("context", "methods_of_control", "list"),
    "vic_TypeOfExploitation": ("context", "forms_of_exploitation", "list"),
    "vic_ForcedLabourIndustry": ("context", "forced_labour_industry", "text"),
    "vic_TypeOfSexExploitation": ("context", "sex_exploitation_types", "list"),
    "vic_Vulnerabilities": ("context", "vulnerabilities", "list"),
    "lt_IdentifiedOn": ("case", "identified_on", "date"),
    "lt_RecruitmentCountry": ("context", "recruitment_country", "text"),
    "lt_RecruitmentRegion": ("context", "recruitment_region", "text"),
    "lt_ExploitationCountry": ("context", "exploitation_country", "text"),
    "lt_ExploitationRegion": ("context", "exploitation_region", "text"),
    "lt_CrisisCircumstances": ("context", "crisis_circumstances", "list"),
    "lt_AtRiskGroups": ("context", "at_risk_groups", "list"),
    "lt_DisabilityDomains": ("context", "disability_domains", "list"),
    "lt_MigrationStatus": ("context", "migration_status", "text"),
}
EXPORT_ONLY = ["lt_Reference", "lt_Stage", "cas_Status"]
# An import is checked whole before anything is written, so it is held in memory: these bound what it may hold.
# A bigger register is imported in parts (each part all or nothing).
MAX_IMPORT_BYTES = 100 * 1024 * 1024
MAX_IMPORT_ROWS = 100_000
MAX_LINE_CHARS = 1024 * 1024


MAX_CELL_CHARS = 32_767  # a spreadsheet cell: what Excel itself holds at most
MAX_SHOWN_CHARS = 40  # of a value that a row error echoes (never of a personal one)
MAX_REASON_CHARS = 120
PERSONAL_COLUMNS = frozenset(column for column, (section, _, _) in COLUMNS.items() if section == "person")
# The reasons of validation that quote a personal value, said without it.
PERSONAL_REASONS = {
    "gender": "not a gender code of HTCDS",
    "primary_language": "not ISO 639 language codes",
    "other_languages": "not ISO 639 language codes",
    "citizenship": "not ISO 3166 country codes",
}


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


@dataclass(frozen=True)
class RowError:
    """What is wrong in one cell. The report never quotes a personal field's value (prs_*: the column and the
    problem only), and at most MAX_SHOWN_CHARS of any other value."""

    row: int  # as a spreadsheet numbers it: the header is row 1
    field: str
    value: str
    reason: str

    def __str__(self) -> str:
        reason = _shortened(self.reason, MAX_REASON_CHARS)
        if self.field in PERSONAL_COLUMNS:
            return f"row {self.row}: {self.field}: {reason}"
        return f"row {self.row}: {self.field} = {_shortened(self.value, MAX_SHOWN_CHARS)!r}: {reason}"


@dataclass
class ParsedRow:
    row: int
    person: PersonData
    context: ContextData
    identified_on: date | None
    consent: bool = False  # con_Consent: recorded only when the file says the person agreed


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
        cells = ["" if cell is None else _cell_text(cell) for cell in row]
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
        yield from reader
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


def _parse_value(kind: str, raw: str) -> Any:
    raw = raw.strip()
    if kind == "date":
        return date.fromisoformat(raw) if raw else None
    if kind == "int":
        return int(raw) if raw else None
    if kind == "list":
        return [part.strip() for part in raw.split(";") if part.strip()]
    return raw


def _industry(value: str) -> str:
    return value.split("_", 1)[0] if value else ""  # "A_AgricultureForestryAndFishing" -> "A"


def parse_row(number: int, header: list[str], cells: list[str]) -> tuple[ParsedRow | None, list[RowError]]:
    errors: list[RowError] = []
    person: dict[str, Any] = {}
    context: dict[str, Any] = {}
    identified_on = None
    raw_by_field: dict[str, tuple[str, str]] = {}
    consent = False
    for column, raw in zip(header, cells, strict=False):
        if column == "con_Consent":
            flag = raw.strip().lower()
            if flag not in ("", "true", "false", "1", "0", "yes", "no"):
                errors.append(RowError(number, column, raw, "not true or false"))
            consent = flag in ("true", "1", "yes")
            continue
        if column not in COLUMNS:
            continue
        section, name, kind = COLUMNS[column]
        raw_by_field[name] = (column, raw)
        try:
            value = _parse_value(kind, raw)
        except ValueError:
            reason = "not a date (YYYY-MM-DD)" if kind == "date" else "not a whole number"
            errors.append(RowError(number, column, raw, reason))
            continue
        if name == "forced_labour_industry":
            value = _industry(value)
        if section == "person":
            person[name] = value
        elif section == "context":
            context[name] = value
        else:
            identified_on = value
    if "gender" in person and not person["gender"]:
        person["gender"] = codes.Gender.UNKNOWN
    person_data, person_errors = clean_person(PersonData(**person), today=timezone.localdate())
    context_data, context_errors = clean_context(ContextData(**context))
    for name, reason in person_errors.items():
        column, raw = raw_by_field.get(name, (name, ""))
        errors.append(RowError(number, column, raw, PERSONAL_REASONS.get(name, reason)))
    for name, reason in context_errors.items():
        column, raw = raw_by_field.get(name, (name, ""))
        errors.append(RowError(number, column, raw, reason))
    if identified_on and identified_on > timezone.localdate():
        errors.append(RowError(number, "lt_IdentifiedOn", identified_on.isoformat(), "in the future"))
    if identified_on and person_data.birth_date and identified_on < person_data.birth_date:
        errors.append(RowError(number, "lt_IdentifiedOn", identified_on.isoformat(), "before the birth date"))
    if errors:
        return None, errors
    return ParsedRow(number, person_data, context_data, identified_on, consent), []


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
    unknown = [c for c in header if c and c not in COLUMNS and c not in EXPORT_ONLY and c != "con_Consent"]
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


def export_htcds(organisation: Organisation, out: TextIO) -> int:
    """Every case of one organisation with its personal data (decrypted), for moving it to another system (through
    cases.services.case_export_htcds, which audits it)."""
    writer = csv_writer(out)
    columns = list(COLUMNS) + EXPORT_ONLY
    writer.writerow(columns)
    count = 0
    cases = Case.objects.filter(organisation=organisation).select_related("person").order_by("pk")
    for case in cases.iterator(chunk_size=2000):
        row: list[object] = []
        for column in COLUMNS:
            section, name, kind = COLUMNS[column]
            source = case.person if section == "person" else case
            value = getattr(source, name)
            if kind == "list":
                row.append(_join(value or []))
            elif kind == "date":
                row.append(value.isoformat() if value else "")
            elif isinstance(value, int | float):
                row.append(value)  # numbers stay numbers in a spreadsheet
            else:
                row.append("" if value is None else str(value))
        row += [case.reference, case.stage, case.status]
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
CTDC_CONTROL = {
    "meansOfControlDebtBondage": "DebtBondage",
    "meansOfControlTakesEarnings": "TakesEarnings",
    "meansOfControlRestrictsFinancialAccess": "RestrictsFinancialAccess",
    "meansOfControlThreats": "PhysicalThreats",
    "meansOfControlPsychologicalAbuse": "PsychologicalAbuse",
    "meansOfControlPhysicalAbuse": "PhysicalAbuse",
    "meansOfControlSexualAbuse": "SexualAbuse",
    "meansOfControlFalsePromises": "FalsePromises",
    "meansOfControlPsychoactiveSubstances": "PsychoactiveSubstance",
    "meansOfControlRestrictsMovement": "Other",
    "meansOfControlRestrictsMedicalCare": "RestrictsMedicalCare",
    "meansOfControlExcessiveWorkingHours": "ExcessiveWorkingHours",
    "meansOfControlThreatOfLawEnforcement": "ThreatsLawEnforcement",
    "meansOfControlWithholdsNecessities": "WithholdsNecessities",
    "meansOfControlWithholdsDocuments": "WithholdsDocuments",
}
CTDC_LABOUR = {"typeOfLabourAgriculture": "A", "typeOfLabourConstruction": "F", "typeOfLabourDomesticWork": "T",
               "typeOfLabourHospitality": "I", "typeOfLabourManufacturing": "C", "typeOfLabourMiningOrDrilling": "B",
               "typeOfLabourTransportation": "H", "typeOfLabourFishing": None}  # fmt: skip
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
    row += [flag(code in control, bool(control)) for code in CTDC_CONTROL.values()]
    labour_known = "ForcedLabour" in forms and bool(case.forced_labour_industry)
    row += [flag(case.forced_labour_industry == section, labour_known) for section in CTDC_LABOUR.values()]
    sex_types = set(case.sex_exploitation_types)
    row += [flag(code in sex_types, bool(sex_types)) for code in CTDC_SEX.values()]
    row += [flag(case.relationship_to_trafficker == code, bool(case.relationship_to_trafficker))
            for code in CTDC_RELATION.values()]  # fmt: skip
    row.append(MISSING if case.is_cross_border is None else int(case.is_cross_border))
    row.append(int(case.recruited_online))
    return row


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
        .only(*CTDC_FIELDS)
        .order_by("identified_on", "pk")
    )


CTDC_FIELDS = ["identified_on", "age_at_identification", "is_minor", "exploitation_country", "forms_of_exploitation",
               "methods_of_control", "forced_labour_industry", "sex_exploitation_types", "relationship_to_trafficker",
               "is_cross_border", "recruited_online", "person__gender", "person__citizenship"]  # fmt: skip
