"""What a person and a victim context may hold: one validation used by the pages, the API and the importer."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lantern.cases import codes
from lantern.core import codes as iso
from lantern.core import listing
from lantern.core.pickers import refused_codes

# Characters that show nothing: a text made only of these (and spaces) is blank, whatever its length.
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\ufeff"))


def visible(text: str) -> bool:
    """Whether a text has a character one can see: a zero-width space or a soft hyphen alone is no reason, no
    name and no plan. The one rule of "blank" for every free text of cases."""
    return bool(text.translate(INVISIBLE).strip())


@dataclass
class PersonData:
    first_name: str = ""
    middle_name: str = ""
    second_name: str = ""
    birth_date: date | None = None
    gender: str = codes.Gender.UNKNOWN
    primary_language: str = ""
    other_languages: list[str] = field(default_factory=list)
    interpreter_needed: bool = False
    citizenship: list[str] = field(default_factory=list)
    contact_route: str = "caseworker_only"
    phone: str = ""
    messaging: str = ""
    email: str = ""
    address: str = ""
    mailing_city: str = ""
    mailing_state: str = ""
    mailing_postal_code: str = ""
    mailing_country: str = ""
    home_phone: str = ""
    salutation: str = ""
    title: str = ""
    identity_number: str = ""
    documents_held: bool | None = None
    documents_withheld: bool | None = None


@dataclass
class ContextData:
    trafficking_status: str = codes.TraffickingStatus.POSSIBLE
    status_decided_by: str = ""
    relationship_to_trafficker: str = ""
    age_when_trafficked: int | None = None
    recruitment_methods: list[str] = field(default_factory=list)
    recruitment_platforms: list[str] = field(default_factory=list)
    methods_of_control: list[str] = field(default_factory=list)
    forms_of_exploitation: list[str] = field(default_factory=list)
    forced_labour_industry: str = ""
    sex_exploitation_types: list[str] = field(default_factory=list)
    vulnerabilities: list[str] = field(default_factory=list)
    disability_domains: list[str] = field(default_factory=list)
    disability_asked: bool = False  # asked, even if none is recorded: "none" rather than "not asked"
    migration_status: str = ""
    at_risk_groups: list[str] = field(default_factory=list)
    at_risk_asked: bool = False
    crisis_circumstances: list[str] = field(default_factory=list)
    recruitment_country: str = ""
    recruitment_region: str = ""
    exploitation_country: str = ""
    exploitation_region: str = ""
    vulnerability_details: str = ""
    # Children: a person of uncertain age who may be a child, and whether an adult who cares for them is with them.
    may_be_child: bool = False
    separation: str = ""


PERSON_FIELDS = [f.name for f in fields(PersonData)]
CONTEXT_FIELDS = [f.name for f in fields(ContextData)]
PERSONAL_FIELDS = frozenset(
    {
        "first_name",
        "middle_name",
        "second_name",
        "birth_date",
        "phone",
        "messaging",
        "email",
        "address",
        "mailing_city",
        "mailing_state",
        "mailing_postal_code",
        "mailing_country",
        "home_phone",
        "salutation",
        "title",
        "identity_number",
    }
)

_MULTI: dict[str, Any] = {
    "recruitment_methods": codes.RECRUITMENT_METHODS,
    "recruitment_platforms": codes.PLATFORMS,
    "methods_of_control": codes.METHODS_OF_CONTROL,
    "forms_of_exploitation": codes.EXPLOITATION,
    "sex_exploitation_types": codes.SEX_EXPLOITATION,
    "vulnerabilities": codes.VULNERABILITIES,
    "disability_domains": codes.DISABILITY_DOMAINS,
    "at_risk_groups": codes.AT_RISK_GROUPS,
    "crisis_circumstances": codes.CRISIS_CIRCUMSTANCES,
}
_SINGLE: dict[str, Any] = {
    "trafficking_status": codes.TraffickingStatus.values,
    "status_decided_by": codes.DecisionMaker.values,
    "relationship_to_trafficker": codes.Relationship.values,
    "forced_labour_industry": codes.ISIC_SECTIONS,
    "migration_status": codes.MIGRATION_STATUS,
    "separation": codes.Separation.values,
}
# Every coded field of a person's context and the codes it takes (the HTCDS round trip fills each from here).
CODE_LISTS: dict[str, Any] = {**_MULTI, **_SINGLE}
_TEXT_LIMITS = {
    "first_name": 100, "middle_name": 100, "second_name": 100, "phone": 40, "messaging": 120, "email": 254,
    "address": 500, "identity_number": 60, "recruitment_region": 100, "exploitation_region": 100,
    "mailing_city": 100, "mailing_state": 100, "mailing_postal_code": 20, "home_phone": 40, "salutation": 40,
    "title": 100,
}  # fmt: skip
VULNERABILITY_DETAILS_LIMIT = 10_000  # a note's length


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v.strip() for v in values if v and v.strip()))


def clean_person(data: PersonData, *, today: date) -> tuple[PersonData, dict[str, str]]:
    errors: dict[str, str] = {}
    for name, limit in _TEXT_LIMITS.items():
        if hasattr(data, name):
            value = (
                " ".join(str(getattr(data, name) or "").split())
                if name != "address"
                else str(getattr(data, name) or "").strip()
            )
            setattr(data, name, value)
            if len(value) > limit:
                errors[name] = ngettext("At most %(n)d character.", "At most %(n)d characters.", limit) % {"n": limit}
    if data.birth_date is not None:
        if data.birth_date > today:
            errors["birth_date"] = _("The birth date is in the future.")
        elif data.birth_date.year < 1900:
            errors["birth_date"] = _("The birth date is before 1900.")
    if data.gender not in codes.Gender.values:
        errors["gender"] = _("Unknown value %(value)s.") % {"value": repr(data.gender)}
    # ISO 639-1, 639-2 (T or B) and 639-3 codes are accepted and stored as one code (ron, rum -> ro; bin stays).
    primary = data.primary_language.strip()
    data.primary_language = iso.language_code(primary) or primary.lower()
    data.other_languages = _unique([iso.language_code(code) or code.strip().lower() for code in data.other_languages])
    for name in ("primary_language", "other_languages"):
        value = getattr(data, name)
        wrong = [c for c in ([value] if isinstance(value, str) else value) if c and c not in iso.language_codes()]
        if wrong:
            errors[name] = refused_codes("language", wrong)
    data.citizenship = _unique([code.upper() for code in data.citizenship])
    wrong = [c for c in data.citizenship if c not in iso.country_codes()]
    if wrong:
        errors["citizenship"] = refused_codes("country", wrong)
    data.mailing_country = data.mailing_country.strip().upper()
    if data.mailing_country and data.mailing_country not in iso.country_codes():
        errors["mailing_country"] = refused_codes("country", [data.mailing_country])
    if data.contact_route not in codes.CONTACT_ROUTES:
        errors["contact_route"] = _("Unknown value %(value)s.") % {"value": repr(data.contact_route)}
    if data.email and "@" not in data.email:
        errors["email"] = _("Not an e-mail address.")
    return data, errors


def clean_context(data: ContextData) -> tuple[ContextData, dict[str, str]]:
    errors: dict[str, str] = {}
    for name, allowed in _MULTI.items():
        values = _unique(list(getattr(data, name) or []))
        setattr(data, name, values)
        wrong = [v for v in values if v not in allowed]
        if wrong:
            errors[name] = _("Unknown values: %(value)s.") % {"value": listing.join(wrong)}
    for name, allowed in _SINGLE.items():
        value = (getattr(data, name) or "").strip()
        if name == "forced_labour_industry":
            value = value[:1].upper() if value else ""
        setattr(data, name, value)
        if value and value not in allowed:
            errors[name] = _("Unknown value %(value)s.") % {"value": repr(value)}
    if not data.trafficking_status:
        data.trafficking_status = codes.TraffickingStatus.POSSIBLE
    for name in ("recruitment_country", "exploitation_country"):
        value = (getattr(data, name) or "").strip().upper()
        setattr(data, name, value)
        if value and value not in iso.country_codes():
            errors[name] = refused_codes("country", [value])
    for name in ("recruitment_region", "exploitation_region"):
        setattr(data, name, " ".join((getattr(data, name) or "").split()))
        if len(getattr(data, name)) > 100:
            errors[name] = ngettext("At most %(n)d character.", "At most %(n)d characters.", 100) % {"n": 100}
    data.vulnerability_details = (data.vulnerability_details or "").strip()
    if len(data.vulnerability_details) > VULNERABILITY_DETAILS_LIMIT:
        errors["vulnerability_details"] = ngettext(
            "At most %(n)d character.", "At most %(n)d characters.", VULNERABILITY_DETAILS_LIMIT
        ) % {"n": VULNERABILITY_DETAILS_LIMIT}
    # A domain or a group recorded was asked about; nothing recorded is "none" only when the person was asked.
    data.disability_asked = bool(data.disability_asked) or bool(data.disability_domains)
    data.at_risk_asked = bool(data.at_risk_asked) or bool(data.at_risk_groups)
    if data.age_when_trafficked is not None and not 0 <= data.age_when_trafficked <= 120:
        errors["age_when_trafficked"] = _("Between 0 and 120.")
    return data, errors


def age_on(birth: date | None, day: date) -> int | None:
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def cross_border(*, recruitment: str, exploitation: str, citizenship: list[str]) -> bool | None:
    """Cross-border when recruited in one country and exploited in another, or exploited outside every country
    of citizenship; unknown when neither can be told."""
    if recruitment and exploitation:
        return recruitment != exploitation
    if exploitation and citizenship:
        return exploitation not in citizenship
    return None


def as_dict(data: Any) -> dict[str, Any]:
    return {f.name: getattr(data, f.name) for f in fields(data)}


# --- The journey and the perpetrators (cases.journey, and the hte_/per_ columns of an HTCDS import) ---------------

JOURNEY_TEXT_LIMIT = 10_000  # a description, what is said of a role: as long as a note
JOURNEY_PLACE_LIMIT = 100  # a region, a city, a street, a postal code
JOURNEY_NAME_LIMIT = 200
JOURNEY_LIMIT = 50  # steps of a journey, perpetrators of a case: more is a mistake, not a journey

EVENT_FIELDS = ("kind", "country", "region", "city", "street", "postal_code", "latitude", "longitude", "date_from",
                "date_to", "transport", "border_crossing", "description")  # fmt: skip
PERPETRATOR_FIELDS = ("name", "gender", "age_band", "citizenship", "roles", "role_details", "relationship")


def _journey_text(value: Any, field: str, errors: dict[str, str], limit: int) -> str:
    text = " ".join(str(value or "").split()) if limit <= JOURNEY_NAME_LIMIT else str(value or "").strip()
    if len(text) > limit:
        errors[field] = _("At most %(limit)d characters.") % {"limit": limit}
    return text


def _coordinate(value: Any, field: str, errors: dict[str, str], bound: int) -> str:
    text = str(value or "").strip()
    if not text:
        return ""
    try:
        number = Decimal(text)
    except InvalidOperation:
        errors[field] = _("Not a number of degrees.")
        return text
    if not number.is_finite() or not -bound <= number <= bound:
        errors[field] = _("Between -%(bound)d and %(bound)d degrees.") % {"bound": bound}
    return text


def clean_event(data: dict[str, Any], *, today: date) -> tuple[dict[str, Any], dict[str, str]]:
    """A step of the journey, checked: the values to store and the errors by field (in the reader's language)."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    kind = data.get("kind") or ""
    if kind not in codes.EventType.values:
        errors["kind"] = _("Choose recruitment, transit or exploitation.")
    values["kind"] = kind
    country = str(data.get("country") or "").strip().upper()
    if country and country not in iso.country_codes():
        errors["country"] = _("Not a country.")
    values["country"] = country
    for name in ("region", "city", "street", "postal_code"):
        values[name] = _journey_text(data.get(name), name, errors, JOURNEY_PLACE_LIMIT)
    values["latitude"] = _coordinate(data.get("latitude"), "latitude", errors, 90)
    values["longitude"] = _coordinate(data.get("longitude"), "longitude", errors, 180)
    date_from, date_to = data.get("date_from"), data.get("date_to")
    for name, day in (("date_from", date_from), ("date_to", date_to)):
        if day is not None and day > today:
            errors[name] = _("The date is in the future.")
    if date_to is not None and date_from is None:
        errors["date_from"] = _("Give the first day too.")
    elif date_to is not None and date_from is not None and date_to < date_from:
        errors["date_to"] = _("Before the first day.")
    values["date_from"], values["date_to"] = date_from, date_to
    for name, choices in (("transport", codes.Transport), ("border_crossing", codes.BorderCrossing)):
        value = data.get(name) or ""
        if value and value not in choices.values:
            errors[name] = _("Not one of the choices.")
        values[name] = value
    values["description"] = _journey_text(data.get("description"), "description", errors, JOURNEY_TEXT_LIMIT)
    return values, errors


def clean_perpetrator(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {"name": _journey_text(data.get("name"), "name", errors, JOURNEY_NAME_LIMIT)}
    gender = data.get("gender") or codes.Gender.UNKNOWN
    if gender not in codes.Gender.values:
        errors["gender"] = _("Not one of the choices.")
    values["gender"] = gender
    band = data.get("age_band") or ""
    if band and band not in codes.AGE_BANDS:
        errors["age_band"] = _("Not one of the choices.")
    values["age_band"] = band
    citizenship = [str(code).strip().upper() for code in data.get("citizenship") or [] if str(code).strip()]
    if any(code not in iso.country_codes() for code in citizenship):
        errors["citizenship"] = _("Not a country.")
    values["citizenship"] = list(dict.fromkeys(citizenship))
    roles = [str(code) for code in data.get("roles") or []]
    if any(code not in codes.PERPETRATOR_ROLES for code in roles):
        errors["roles"] = _("Not one of the choices.")
    values["roles"] = list(dict.fromkeys(roles))
    values["role_details"] = _journey_text(data.get("role_details"), "role_details", errors, JOURNEY_TEXT_LIMIT)
    relationship = data.get("relationship") or ""
    if relationship and relationship not in codes.PerpetratorRelationship.values:
        errors["relationship"] = _("Not one of the choices.")
    values["relationship"] = relationship
    return values, errors
