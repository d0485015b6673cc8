"""Synthetic cases with realistic distributions, for the demo, the analyses and the benchmarks.

Proportions follow UNODC's Global Reports on Trafficking in Persons (sex and age of detected victims, forms of
exploitation by sex), with citizenships of a Southern European destination country. A crisis period (a pandemic
from March 2020 to June 2021 by default) changes what is generated the way the UNODC study found: fewer victims
detected while lockdowns last, more recruitment online and locally, more exploitation in private homes, more
domestic trafficking, victims abandoned or confined by traffickers, livelihoods lost, people stranded by closed
borders. The analyses (insights) must find these effects again.

Generation writes in batches with bulk inserts (one transaction per batch, resumable by running again) and one
audit event per run; every value that identifies a person is encrypted like any other.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone

from lantern.cases import codes
from lantern.cases.models import Case, Consent, Decision, Person, Stage, TimelineEntry
from lantern.cases.services import REFERENCE_ALPHABET, _console_user, name_index
from lantern.cases.validation import age_on, cross_border
from lantern.core.crypto import blind_index
from lantern.core.models import Organisation, OrganisationType

T = TypeVar("T")

CRISIS_START = date(2020, 3, 15)
CRISIS_END = date(2021, 6, 30)

# (weight, sex, minor): UNODC GLOTIP 2022, detected victims by sex and age
SEX_AGE = [(0.39, "Feminine", False), (0.19, "Feminine", True), (0.27, "Masculine", False), (0.15, "Masculine", True)]
# Forms of exploitation by sex (shares of detected victims)
EXPLOITATION_BY_SEX = {
    "Feminine": [
        (["SexualExploitation"], 0.64),
        (["ForcedLabour"], 0.21),
        (["SexualExploitation", "ForcedLabour"], 0.06),
        (["ForcedCriminality"], 0.04),
        (["ForcedMarriage"], 0.03),
        (["ForcedBegging"], 0.01),
        (["Other"], 0.01),
    ],
    "Masculine": [
        (["SexualExploitation"], 0.10),
        (["ForcedLabour"], 0.62),
        (["SexualExploitation", "ForcedLabour"], 0.08),
        (["ForcedCriminality"], 0.15),
        (["ForcedBegging"], 0.03),
        (["OrganRemoval"], 0.01),
        (["Other"], 0.01),
    ],
}
CITIZENSHIP = [
    ("GR", 0.22),
    ("RO", 0.12),
    ("BG", 0.08),
    ("AL", 0.08),
    ("NG", 0.07),
    ("UA", 0.06),
    ("PK", 0.05),
    ("MD", 0.04),
    ("SY", 0.04),
    ("AF", 0.04),
    ("BD", 0.04),
    ("GE", 0.03),
    ("EG", 0.03),
    ("IN", 0.03),
    ("PH", 0.03),
    ("CN", 0.02),
]
LANGUAGE = {
    "GR": "el",
    "RO": "ro",
    "BG": "bg",
    "AL": "sq",
    "NG": "en",
    "UA": "uk",
    "PK": "ur",
    "MD": "ro",
    "SY": "ar",
    "AF": "ps",
    "BD": "bn",
    "GE": "ka",
    "EG": "ar",
    "IN": "hi",
    "PH": "tl",
    "CN": "zh",
}
FIRST_NAMES = {
    "Feminine": [
        "Maria",
        "Elena",
        "Ioana",
        "Ana",
        "Olena",
        "Fatima",
        "Blessing",
        "Aisha",
        "Daria",
        "Nadia",
        "Mira",
        "Sara",
        "Iryna",
        "Joy",
        "Lina",
        "Amira",
        "Vesna",
        "Rosa",
        "Gloria",
        "Mei",
    ],
    "Masculine": [
        "Ion",
        "Georgi",
        "Andrii",
        "Ahmed",
        "Mohammed",
        "Ali",
        "Emeka",
        "Arben",
        "Dmitri",
        "Karim",
        "Rahul",
        "Jose",
        "Nikos",
        "Omar",
        "Samuel",
        "Petru",
        "Bilal",
        "Tariq",
        "Li",
        "Giorgi",
    ],
}
FAMILY_NAMES = [
    "Popescu",
    "Ionescu",
    "Petrova",
    "Kovalenko",
    "Hassan",
    "Khan",
    "Okafor",
    "Hoxha",
    "Shevchenko",
    "Rahman",
    "Ivanov",
    "Nikolaidis",
    "Dimitrova",
    "Ahmadi",
    "Cruz",
    "Wang",
    "Gashi",
    "Balan",
    "Ali",
    "Haddad",
]
REGIONS = ["Attica", "Central Macedonia", "Crete", "Peloponnese", "Thessaly", "Western Greece", "Epirus"]
LABOUR_INDUSTRIES = [("A", 0.38), ("F", 0.12), ("I", 0.15), ("T", 0.18), ("C", 0.08), ("G", 0.05), ("S", 0.04)]
PLATFORMS = [
    ("Facebook", 0.35),
    ("Instagram", 0.2),
    ("WhatsApp", 0.15),
    ("Telegram", 0.1),
    ("TikTok", 0.1),
    ("Viber", 0.05),
    ("Other", 0.05),
]
CONTROL = list(codes.METHODS_OF_CONTROL)[:-1]
NEEDS = list(codes.SERVICE_TYPES)


@dataclass(frozen=True)
class Period:
    start: date
    end: date


def _pick(rng: random.Random, weighted: Sequence[tuple[T, float]]) -> T:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted], k=1)[0]


def in_crisis(day: date) -> bool:
    return CRISIS_START <= day <= CRISIS_END


def _identification_dates(rng: random.Random, count: int, period: Period) -> list[date]:
    """Fewer detections during the crisis (trafficking went underground; police were reassigned)."""
    days = (period.end - period.start).days
    dates: list[date] = []
    while len(dates) < count:
        day = period.start + timedelta(days=rng.randrange(days + 1))
        if in_crisis(day) and rng.random() < 0.35:
            continue  # about a third of the detections never happen
        dates.append(day)
    dates.sort()
    return dates


def _synthetic_person(
    rng: random.Random, identified_on: date, today: date
) -> tuple[dict[str, object], dict[str, object]]:
    weights = [w for w, *_ in SEX_AGE]
    _, sex, minor = SEX_AGE[rng.choices(range(len(SEX_AGE)), weights=weights, k=1)[0]]
    age = rng.randint(6, 17) if minor else min(70, 18 + int(rng.expovariate(1 / 11)))
    birth = identified_on - timedelta(days=365 * age + rng.randrange(365))
    citizenship = str(_pick(rng, CITIZENSHIP))
    crisis = in_crisis(identified_on)
    forms = list(_pick(rng, EXPLOITATION_BY_SEX[sex]))
    online = rng.random() < (0.40 if crisis else 0.16)
    local = rng.random() < (0.55 if crisis else 0.30)
    recruitment_country = "GR" if local or citizenship == "GR" else citizenship
    methods = (
        ["ThroughOnlineSocialNetworks"]
        if online
        else [
            str(
                _pick(
                    rng,
                    [
                        ("ThroughFriendsOrSocialEvents", 0.35),
                        ("ThroughFamilyOrFamilyEvents", 0.2),
                        ("AtWork", 0.2),
                        ("ThroughANewspaperAdvert", 0.05),
                        ("AtAPlaceOfBusiness", 0.1),
                        ("Other", 0.1),
                    ],
                )
            )
        ]
    )
    private_home = ("SexualExploitation" in forms and rng.random() < (0.55 if crisis else 0.20)) or (
        "ForcedLabour" in forms and sex == "Feminine" and rng.random() < 0.3
    )
    circumstances: list[str] = []
    if crisis:
        if online:
            circumstances.append("recruited_online_in_crisis")
        if local:
            circumstances.append("recruited_locally_in_crisis")
        for flag, chance in (
            ("abandoned_by_trafficker", 0.12),
            ("confined_with_trafficker", 0.18),
            ("lost_livelihood", 0.45),
            ("stranded_by_border_closure", 0.15 if citizenship != "GR" else 0),
        ):
            if rng.random() < chance:
                circumstances.append(flag)
    if private_home:
        circumstances.append("exploited_in_private_home")
    risk_groups = []
    if citizenship != "GR":
        risk_groups.append("migrant")
    if minor and rng.random() < 0.3:
        risk_groups.append("unaccompanied_child" if citizenship != "GR" else "child_without_education")
    if rng.random() < 0.25:
        risk_groups.append("poor_economic_opportunities")
    if sex == "Feminine" and "ForcedLabour" in forms and rng.random() < 0.4:
        risk_groups.append("female_domestic_worker")
    disability = [rng.choice(list(codes.DISABILITY_DOMAINS))] if rng.random() < 0.07 else []
    first = rng.choice(FIRST_NAMES[sex])
    family = rng.choice(FAMILY_NAMES)
    person = {
        "first_name": first,
        "second_name": family,
        "birth_date": birth,
        "gender": sex,
        "primary_language": LANGUAGE[citizenship],
        "interpreter_needed": citizenship not in ("GR", "CY"),
        "citizenship": [citizenship],
        "contact_route": str(_pick(rng, [("caseworker_only", 0.4), ("phone", 0.3), ("messaging", 0.2), ("sms", 0.1)])),
        "phone": f"+30 69{rng.randrange(10**8):08d}" if rng.random() < 0.5 else "",
    }
    context: dict[str, object] = {
        "forms_of_exploitation": forms,
        "forced_labour_industry": str(_pick(rng, LABOUR_INDUSTRIES)) if "ForcedLabour" in forms else "",
        "sex_exploitation_types": (["PrivateSexualServices"] if private_home else ["Prostitution"])
        if "SexualExploitation" in forms
        else [],
        "recruitment_methods": methods,
        "recruitment_platforms": [str(_pick(rng, PLATFORMS))] if online else [],
        "methods_of_control": rng.sample(CONTROL, k=rng.randint(1, 3)),
        "relationship_to_trafficker": str(_pick(rng, [("Acquainted", 0.5), ("Unaquainted", 0.35), ("Familial", 0.15)])),
        "recruitment_country": recruitment_country,
        "recruitment_region": rng.choice(REGIONS) if recruitment_country == "GR" else "",
        "exploitation_country": "GR",
        "exploitation_region": rng.choice(REGIONS),
        "crisis_circumstances": circumstances,
        "at_risk_groups": risk_groups,
        "disability_domains": disability,
        # About one person in four was not asked (drawn from the name, not the generator: the seeds keep their cases).
        "at_risk_asked": bool(risk_groups) or len(first) % 4 != 0,
        "disability_asked": bool(disability) or len(family) % 4 != 0,
        "migration_status": "citizen"
        if citizenship == "GR"
        else str(_pick(rng, [("irregular", 0.45), ("regular", 0.25), ("asylum_seeker", 0.2), ("refugee", 0.1)])),
        "age_when_trafficked": max(0, age - rng.randint(0, 2)),
    }
    return person, context


def _stage(rng: random.Random, identified_on: date, today: date) -> dict[str, object]:
    """Where a case of this age would be in the NRM."""
    days = (today - identified_on).days
    if days < 5:
        return {"stage": Stage.IDENTIFIED}
    referred = identified_on + timedelta(days=rng.randint(0, 3))
    due = referred + timedelta(days=7)
    if days < 12:
        return {"stage": Stage.REFERRED, "referred_on": referred, "reasonable_grounds_due": due, "next_deadline": due}
    if rng.random() < 0.1:
        return {"stage": Stage.REASONABLE_GROUNDS, "referred_on": referred, "reasonable_grounds_due": due}
    recovery_ends = due + timedelta(days=30)
    if days < 45:
        return {
            "stage": Stage.RECOVERY,
            "referred_on": referred,
            "reasonable_grounds_due": due,
            "recovery_ends": recovery_ends,
            "next_deadline": recovery_ends,
        }
    fields: dict[str, object] = {
        "referred_on": referred,
        "reasonable_grounds_due": due,
        "recovery_ends": recovery_ends,
        "trafficking_status": codes.TraffickingStatus.ACTUAL,
        "status_decided_by": codes.DecisionMaker.NON_POLICE_GOVERNMENT,  # the competent authority decides
    }
    if days > 540 and rng.random() < 0.8:
        closed = identified_on + timedelta(days=rng.randint(200, min(days, 900)))
        return {
            **fields,
            "stage": Stage.CLOSED,
            "status": codes.CaseStatus.CLOSED,
            "closure_reason": "Reintegrated",
            "closed_at": datetime(closed.year, closed.month, closed.day, 12, tzinfo=UTC),
        }
    return {**fields, "stage": Stage.RETURN if rng.random() < 0.1 else Stage.SUPPORT}


def generate_cases(
    *,
    count: int,
    seed: int,
    organisations: list[Organisation],
    period: Period | None = None,
    batch_size: int = 2000,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Create `count` synthetic cases spread over `organisations`; returns how many were written (through
    cases.services.cases_generate, which audits it)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    if not organisations:
        raise ValueError("no organisation to put the cases in")
    today = timezone.localdate()
    period = period or Period(date(today.year - 7, 1, 1), today)
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    dates = _identification_dates(rng, count, period)
    accounts = {org.pk: _console_user(org) for org in organisations}
    # The competent authority's decisions are drawn from a stream of their own, so that every other value stays
    # what the same seed gave before they existed.
    nrm_rng = random.Random(seed + 1)  # noqa: S311 - synthetic data, not secrets
    authorities = {org.country: org for org in Organisation.objects.filter(type=OrganisationType.COMPETENT_AUTHORITY)}
    deciders = {country: _console_user(org) for country, org in authorities.items()}
    written = 0
    for start in range(0, count, batch_size):
        chunk = dates[start : start + batch_size]
        with transaction.atomic():
            persons, cases, plans = [], [], []
            for identified_on in chunk:
                person_fields, context = _synthetic_person(rng, identified_on, today)
                organisation = organisations[rng.randrange(len(organisations))]
                person = Person(**person_fields)
                person.identity_index = blind_index(
                    f"{person_fields['first_name']} {person_fields['second_name']}",
                    person_fields["birth_date"].isoformat(),  # type: ignore[attr-defined]
                    purpose="person",
                )
                person.name_index = name_index(f"{person_fields['first_name']} {person_fields['second_name']}")
                age = age_on(person_fields["birth_date"], identified_on)  # type: ignore[arg-type]
                created = datetime(identified_on.year, identified_on.month, identified_on.day, 10, tzinfo=UTC)
                reference = (
                    "LT-"
                    + "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(4))
                    + "-"
                    + "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(4))
                )
                case = Case(
                    reference=reference,
                    organisation=organisation,
                    identified_on=identified_on,
                    identified_by=organisation,
                    created_at=created,
                    stage_changed_at=created,
                    age_at_identification=age,
                    age_band=codes.age_band(age),
                    is_minor=age is not None and age < 18,
                    minority_basis="birth_date" if age is not None else "",
                    recruited_online=bool(context["recruitment_platforms"]),
                    is_cross_border=cross_border(
                        recruitment=str(context["recruitment_country"]),
                        exploitation="GR",
                        citizenship=person_fields["citizenship"],  # type: ignore[arg-type]
                    ),
                    needs=rng.sample(NEEDS, k=rng.randint(1, 4)),
                    **context,
                    **_stage(rng, identified_on, today),
                )
                case.has_unmet_needs = case.stage not in (Stage.CLOSED,) and rng.random() < 0.3
                if case.referred_on is not None:
                    case.referred_to = authorities.get(organisation.country)
                persons.append(person)
                cases.append(case)
                plans.append(rng.random() < 0.85)
            Person.objects.bulk_create(persons, batch_size=batch_size)
            for person, case in zip(persons, cases, strict=True):
                case.person = person
            _insert_with_unique_references(cases, rng)
            consents = []
            timeline = []
            for case, statistics in zip(cases, plans, strict=True):
                account = accounts[case.organisation_id]
                consents.append(
                    Consent(
                        case=case,
                        purpose=Consent.Purpose.CASE_MANAGEMENT,
                        given_on=case.identified_on,
                        recorded_by=account,
                    )
                )
                if statistics:
                    consents.append(
                        Consent(
                            case=case,
                            purpose=Consent.Purpose.STATISTICS,
                            given_on=case.identified_on,
                            recorded_by=account,
                        )
                    )
                timeline.append(
                    TimelineEntry(case=case, at=case.created_at, kind="register", detail={"generated": True})
                )
            Consent.objects.bulk_create(consents, batch_size=batch_size)
            TimelineEntry.objects.bulk_create(timeline, batch_size=batch_size)
            _decide(cases, deciders, nrm_rng, today, batch_size)
        written += len(chunk)
        if progress is not None:
            progress(written, count)
    return written


SYNTHETIC_REASONS = "Synthetic decision (generated data)."


def _decide(
    cases: list[Case],
    deciders: dict[str, Any],
    rng: random.Random,
    today: date,
    batch_size: int,
) -> None:
    """The decisions the stage of each referred case implies, by the competent authority of its country (none
    without one): reasonable grounds some days after the referral (longer while the crisis lasts, as the second
    source document found NRMs slowed), conclusive grounds after the recovery period."""
    decisions = []
    for case in cases:
        authority = case.referred_to
        if authority is None or case.referred_on is None:
            continue
        if case.stage in (Stage.IDENTIFIED, Stage.REFERRED):
            continue
        slow = in_crisis(case.referred_on)
        rg_on = min(today, case.referred_on + timedelta(days=rng.randint(2, 9) + (rng.randint(0, 14) if slow else 0)))
        negative = case.stage == Stage.REASONABLE_GROUNDS
        decisions.append(_decision(case, authority, deciders, Decision.Kind.REASONABLE_GROUNDS, negative, rg_on))
        if case.trafficking_status == codes.TraffickingStatus.ACTUAL and case.recovery_ends is not None:
            cg_on = min(today, max(rg_on, case.recovery_ends) + timedelta(days=rng.randint(0, 40)))
            decisions.append(_decision(case, authority, deciders, Decision.Kind.CONCLUSIVE_GROUNDS, False, cg_on))
    Decision.objects.bulk_create(decisions, batch_size=batch_size)


def _decision(
    case: Case, authority: Organisation, deciders: dict[str, Any], kind: str, negative: bool, on: date
) -> Decision:
    return Decision(
        case=case,
        kind=kind,
        outcome=Decision.Outcome.NEGATIVE if negative else Decision.Outcome.POSITIVE,
        decided_on=on,
        decided_by=deciders[authority.country],
        decided_by_organisation=authority,
        reasons=SYNTHETIC_REASONS,
        recorded_at=datetime(on.year, on.month, on.day, 12, tzinfo=UTC),
    )


def _insert_with_unique_references(cases: list[Case], rng: random.Random) -> None:
    """References are drawn at random; the rare one already taken is drawn again before the insert."""
    wanted = {case.reference for case in cases}
    taken = set(Case.objects.filter(reference__in=wanted).values_list("reference", flat=True))
    seen: set[str] = set()
    for case in cases:
        while case.reference in taken or case.reference in seen:
            case.reference = (
                "LT-"
                + "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(4))
                + "-"
                + "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(4))
            )
        seen.add(case.reference)
    Case.objects.bulk_create(cases, batch_size=len(cases))
