"""Evidence Lantern already holds, read through the other apps' selectors when an assessment is opened: figures
(counts and shares, never personal data) and the level they suggest. The assessor accepts or overrides each.

The suggested level is deliberately modest: Lantern can see that something is configured and used, not that it is
written into the national plan, so it suggests at most 4 (established) and leaves 5 to the assessors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lantern.core.models import Organisation, OrganisationType, User
from lantern.crisis import selectors as crisis_selectors
from lantern.insights.indicators import REGISTRY as INDICATORS
from lantern.insights.selectors import crises_for_analysis
from lantern.justice import selectors as justice_selectors
from lantern.preparedness.models import CrisisRole
from lantern.providers import selectors as provider_selectors
from lantern.providers.models import OperatingStatus
from lantern.publication import selectors as publication_selectors
from lantern.referrals import selectors as referral_selectors
from lantern.shelters import selectors as shelter_selectors
from lantern.shelters.models import Wing

# Thresholds of the suggested levels, with where they come from.
MANY_LANGUAGES = 5  # "hotlines and services in multiple languages": five or more is taken as many
SHARE_ESTABLISHED = 0.5  # half or more of the units concerned (shelters, hearings, providers) do it
SHARE_DEVELOPING = 0.2


@dataclass(frozen=True)
class Found:
    figures: dict[str, Any]
    level: int


def _by_share(share: float) -> int:
    return 4 if share >= SHARE_ESTABLISHED else 3 if share >= SHARE_DEVELOPING else 2 if share > 0 else 1


def lead_agency(actor: User, country: str) -> Found:
    lead = Organisation.objects.filter(country=country, is_lead_agency=True).first()
    return Found({"lead": lead.name if lead else ""}, 4 if lead else 1)


def roles_acknowledged(actor: User, country: str) -> Found:
    roles = CrisisRole.objects.filter(organisation__country=country)
    total, acknowledged = roles.count(), roles.filter(acknowledged_at__isnull=False).count()
    level = 1 if not total else _by_share(acknowledged / total) if acknowledged else 2
    return Found({"roles": total, "acknowledged": acknowledged}, level)


def minimum_package(actor: User, country: str) -> Found:
    package = crisis_selectors.minimum_package()
    last = crisis_selectors.active_crises().first() or _last_crisis()
    missing = None
    if package and last is not None:
        on = last.ends_on or timezone.localdate()
        cases, _due = referral_selectors.cases_missing_package(actor, on=on)
        missing = cases.count()
    figures = {"services": len(package), "crisis": last.name if last else "", "cases_missing": missing}
    level = 1 if not package else 4 if missing == 0 else 3
    return Found(figures, level)


def _last_crisis() -> Any:
    crises = [c for c in crises_for_analysis() if c.ends_on is not None]
    return max(crises, key=lambda c: c.ends_on or date.min, default=None)


def operating_status(actor: User, country: str) -> Found:
    providers: dict[int, str] = {}
    for offering in provider_selectors.directory():
        if offering.organisation.country == country:
            state = getattr(offering.organisation, "provider_state", None)
            providers[offering.organisation_id] = state.status if state is not None else ""
    live = sum(1 for status in providers.values() if status)
    remote = sum(1 for status in providers.values() if status == OperatingStatus.REMOTE_ONLY)
    level = _by_share(live / len(providers)) if providers else 1
    return Found({"providers": len(providers), "live_status": live, "remote_only": remote}, level)


def disaggregated_indicators(actor: User, country: str) -> Found:
    available = [i for i in INDICATORS.values() if i.available]
    by_sex_age = [i for i in available if {"sex", "age_band"} <= set(i.disaggregations)]
    by_disability = [i for i in available if "disability" in i.disaggregations]
    level = (4 if by_disability else 3) if by_sex_age else 2 if available else 1
    figures = {"indicators": len(available), "by_sex_and_age": len(by_sex_age), "by_disability": len(by_disability)}
    return Found(figures, level)


def statistics_published(actor: User, country: str) -> Found:
    releases = publication_selectors.releases_visible_to(actor)
    count = releases.count()
    since = timezone.now() - timedelta(days=365)
    recent = releases.filter(created_at__gte=since).count()
    return Found({"releases": count, "last_year": recent}, 4 if recent else 3 if count else 1)


def portal_languages(actor: User, country: str) -> Found:
    languages = len(settings.PORTAL_LANGUAGES)
    return Found({"languages": languages}, 4 if languages >= MANY_LANGUAGES else 3 if languages > 1 else 2)


def hotlines_public(actor: User, country: str) -> Found:
    hotlines = [
        row
        for row in provider_selectors.public_offers()
        if row.offering.organisation.type == OrganisationType.HOTLINE
        and row.offering.public_contact
        and row.offering.organisation.country == country
    ]
    languages = {code for row in hotlines for code in row.offering.languages}
    level = 1 if not hotlines else 4 if len(languages) >= MANY_LANGUAGES else 3
    return Found({"hotlines": len(hotlines), "languages": len(languages)}, level)


def quarantine_beds(actor: User, country: str) -> Found:
    rows = [r for r in shelter_selectors.board() if r.shelter.country == country]
    with_wing = [r for r in rows if any(wing == Wing.QUARANTINE for wing, _ in r.free)]
    level = _by_share(len(with_wing) / len(rows)) if rows else 1
    return Found({"shelters": len(rows), "with_quarantine": len(with_wing)}, level)


def remote_hearings(actor: User, country: str) -> Found:
    rows = justice_selectors.backlog(country=country)
    total = rows[-1] if rows else None
    if total is None or not total.hearings:
        return Found({"hearings": 0, "remote_share": None, "pending": 0}, 1)
    share = total.remote_share or 0.0
    return Found({"hearings": total.hearings, "remote_share": share, "pending": total.pending}, _by_share(share))


SOURCES: dict[str, Callable[[User, str], Found]] = {
    "lead_agency": lead_agency,
    "roles_acknowledged": roles_acknowledged,
    "minimum_package": minimum_package,
    "operating_status": operating_status,
    "disaggregated_indicators": disaggregated_indicators,
    "statistics_published": statistics_published,
    "portal_languages": portal_languages,
    "hotlines_public": hotlines_public,
    "quarantine_beds": quarantine_beds,
    "remote_hearings": remote_hearings,
}


def describe(source: str, figures: dict[str, Any]) -> str:
    """The figures in a sentence, in the reader's language."""
    f = figures
    if source == "lead_agency":
        return _("Lead agency: %(name)s.") % {"name": f["lead"]} if f.get("lead") else _("No lead agency is named.")
    if source == "roles_acknowledged":
        return _("%(ack)s of %(roles)s crisis roles acknowledged.") % {"ack": f["acknowledged"], "roles": f["roles"]}
    if source == "minimum_package":
        text = ngettext("Minimum package: %(n)s service.", "Minimum package: %(n)s services.", f["services"]) % {
            "n": f["services"]
        }
        if f.get("cases_missing") is not None:
            text += " " + _("Open cases missing a service in %(crisis)s: %(n)s.") % {
                "crisis": f["crisis"],
                "n": f["cases_missing"],
            }
        return text
    if source == "operating_status":
        return ngettext(
            "%(live)s of %(n)s provider keeps a live operating status; %(remote)s works remotely only.",
            "%(live)s of %(n)s providers keep a live operating status; %(remote)s work remotely only.",
            f["providers"],
        ) % {
            "live": f["live_status"],
            "n": f["providers"],
            "remote": f["remote_only"],
        }
    if source == "disaggregated_indicators":
        return ngettext(
            "%(n)s indicator, %(both)s by sex and age; %(disability)s by disability.",
            "%(n)s indicators, %(both)s by sex and age; %(disability)s by disability.",
            f["indicators"],
        ) % {
            "n": f["indicators"],
            "both": f["by_sex_and_age"],
            "disability": f.get("by_disability", 0),
        }
    if source == "statistics_published":
        return _("%(n)s privacy-protected releases, %(recent)s in the last year.") % {
            "n": f["releases"],
            "recent": f["last_year"],
        }
    if source == "portal_languages":
        return ngettext(
            "The public portal is in %(n)s language.", "The public portal is in %(n)s languages.", f["languages"]
        ) % {"n": f["languages"]}
    if source == "hotlines_public":
        return _("%(n)s public hotlines, answering in %(languages)s languages.") % {
            "n": f["hotlines"],
            "languages": f["languages"],
        }
    if source == "quarantine_beds":
        return ngettext(
            "%(q)s of %(n)s shelter has a quarantine wing.",
            "%(q)s of %(n)s shelters have a quarantine wing.",
            f["shelters"],
        ) % {"q": f["with_quarantine"], "n": f["shelters"]}
    if source == "remote_hearings":
        share = f.get("remote_share")
        return ngettext(
            "%(share)s%% of %(n)s hearing remote or hybrid; %(pending)s pending.",
            "%(share)s%% of %(n)s hearings remote or hybrid; %(pending)s pending.",
            f["hearings"],
        ) % {
            "share": round(100 * share) if share is not None else 0,
            "n": f["hearings"],
            "pending": f["pending"],
        }
    return ""


def gather(*, actor: User, country: str, sources: set[str]) -> dict[str, Found]:
    return {source: SOURCES[source](actor, country) for source in sorted(sources) if source in SOURCES}
