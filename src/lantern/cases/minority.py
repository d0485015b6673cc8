"""Who is treated as a child, and the rules that follow from it (Council of Europe Convention on Action against
Trafficking in Human Beings, Art. 10(3): when the age is uncertain and there are reasons to believe the victim
is a child, the victim is presumed a child until the age is verified; Art. 16(7): no child is returned if, after
an assessment of the risk and security, the return is not in the child's best interests).

Read by the case services (the derived fields of a case), the shelters (rooms and returns) and the pages. No
writes here: those are in cases.services and cases.children."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from lantern.cases.codes import NEEDS_GUARDIAN, AgeResult, ConsentGiver, DurableSolution, MinorityBasis, Separation

if TYPE_CHECKING:
    from lantern.cases.models import Case, CountryProfile


ADULT_AGE = 18  # the Convention's child: a person under eighteen years of age (Art. 4(d))


def decide(
    *, exact_age: int | None, assessed_band: str, may_be_child: bool, separation: str
) -> tuple[bool | None, str]:
    """(is_minor, why). An exact birth date decides; without one, the latest age assessment; without one, a
    person who may be a child (flagged so, or a child with or without the adults who care for them) is presumed
    one. Nothing known and nothing suggesting a child: unknown (None)."""
    if exact_age is not None:
        return exact_age < ADULT_AGE, MinorityBasis.BIRTH_DATE
    if assessed_band:
        return assessed_band == AgeResult.UNDER_18, MinorityBasis.ASSESSMENT
    if may_be_child or separation != Separation.NOT_STATED:
        return True, MinorityBasis.PRESUMED
    return None, MinorityBasis.UNKNOWN


def band_of_range(age_lower: int) -> str:
    """The benefit of the doubt: an assessment that found "15 to 19" found a child. The lower end decides (UNHCR,
    Separated Children in Europe Programme; EU Directive 2011/36, Art. 13(2))."""
    return AgeResult.UNDER_18 if age_lower < ADULT_AGE else AgeResult.ADULT


def needs_guardian(case: Case) -> bool:
    return bool(case.is_minor) and case.separation in NEEDS_GUARDIAN


def guardian_due(case: Case, profile: CountryProfile) -> date | None:
    """The day by which an unaccompanied or separated child has a guardian (the country's profile says how many
    days after identification); None for everyone else."""
    if not needs_guardian(case):
        return None
    return case.identified_on + timedelta(days=profile.guardian_within_days)


def guardian_overdue(case: Case, *, today: date) -> bool:
    return (
        case.guardian_due is not None
        and case.guardian_due < today
        and not case.guardians.filter(ended_at__isnull=True).exists()
    )


def reasonable_grounds_days(case: Case, profile: CountryProfile) -> int:
    """A child's reasonable-grounds decision is due sooner, when the country's profile sets a shorter deadline."""
    if case.is_minor:
        return min(profile.child_reasonable_grounds_working_days, profile.reasonable_grounds_working_days)
    return profile.reasonable_grounds_working_days


def consent_giver_refusal(case: Case, given_by: str, profile: CountryProfile) -> str:
    """Why a consent cannot be given by `given_by` for this person; empty when it can."""
    if given_by not in ConsentGiver.values:
        return _("Unknown value %(value)s.") % {"value": repr(given_by)}
    if not case.is_minor:
        if given_by in (ConsentGiver.GUARDIAN, ConsentGiver.PARENT):
            return _("An adult's consent is given by the person (or their legal representative).")
        return ""
    if given_by == ConsentGiver.PERSON and profile.child_consent_needs_guardian:
        return _(
            "In this country a child's own consent is not enough: the guardian, a parent or a legal representative "
            "gives it (record the child's views beside it)."
        )
    if given_by == ConsentGiver.PARENT and case.separation in (Separation.UNACCOMPANIED, Separation.SEPARATED):
        # No parent is with this child, and the person who says she is one may be the one who brought her.
        return _(
            "This child is unaccompanied or separated from their parents: consent is given by the guardian or a legal "
            "representative, not by someone presenting as a parent."
        )
    if given_by == ConsentGiver.GUARDIAN and not case.guardians.filter(ended_at__isnull=True).exists():
        return _("No guardian is appointed for this child yet: appoint one first.")
    return ""


def durable_solution_refusal(case: Case, solution: str) -> str:
    """Why a return, relocation or local integration of a child cannot be planned; empty when it can. A child
    needs a best-interests determination that chose this solution (the latest one decides)."""
    if not case.is_minor:
        return ""
    latest = case.best_interests.filter(kind="determination").order_by("-decided_on", "-recorded_at", "-pk").first()
    if latest is None:
        return _(
            "This is a child: no return, relocation or local integration is planned before a best-interests "
            "determination (BID) has chosen it."
        )
    if latest.solution != solution:
        return _("The best-interests determination of %(day)s chose %(solution)s, not this.") % {
            "day": latest.decided_on.isoformat(),
            "solution": str(DurableSolution(latest.solution).label).lower(),
        }
    return ""


def alert_text(case: Case) -> str:
    """What child protection services are told, in the reader's language: the reference and who to call."""
    separation = Separation(case.separation).label if case.separation else ""
    text = _("A child is in the national referral mechanism: case %(reference)s, registered by %(organisation)s.") % {
        "reference": case.reference,
        "organisation": case.organisation.name,
    }
    if separation:
        text += " " + str(separation) + "."
    if case.guardian_due is not None:
        text += " " + _("A guardian is due by %(day)s.") % {"day": case.guardian_due.isoformat()}
    return text
