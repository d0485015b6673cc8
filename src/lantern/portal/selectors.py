"""Every read of the portal. The public pages read the provider directory and crisis mode only through their
selectors, and only what providers marked public; staff reads are scoped to the user who asks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet
from django.http import Http404

from lantern.core.models import Organisation, OrganisationType, User
from lantern.core.permissions import organisation_scope
from lantern.crisis.models import MOVEMENT_MEASURES, Measure
from lantern.crisis.selectors import active_crises, active_measures
from lantern.portal import languages
from lantern.portal.models import CrisisMessage, Intake, IntakeStatus, MessageText
from lantern.portal.permissions import PortalAction
from lantern.providers.selectors import PublicOffer, public_offers, public_regions

# --- Crisis messages ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShownMessage:
    key: str
    title: str
    body: str
    language: str  # the language the text is in
    fallback: bool  # not written in the visitor's language: shown in English, and the page says so
    outdated: bool  # translated from an older version of the English text


MOVEMENT = "movement"  # CrisisMessage.shown_while: any measure that restricts movement


def message_applies(shown_while: str, measure_kinds: set[str]) -> bool:
    """Whether a message is shown under the measures in force: a curfew message only while a curfew is."""
    if not shown_while:
        return True
    if shown_while == MOVEMENT:
        return bool(measure_kinds & MOVEMENT_MEASURES)
    return shown_while in measure_kinds


def shown_messages(language: str, measure_kinds: set[str] | None = None) -> list[ShownMessage]:
    """The active messages in the visitor's language, those tied to a measure only while it is in force (None:
    every active message, for the staff's previews)."""
    shown = []
    for message in CrisisMessage.objects.filter(active=True).prefetch_related("texts"):
        if measure_kinds is not None and not message_applies(message.shown_while, measure_kinds):
            continue
        texts = {t.language: t for t in message.texts.all()}
        text = texts.get(language)
        fallback = text is None
        if text is None:
            text = texts.get(languages.SOURCE)
        if text is None:
            continue
        shown.append(
            ShownMessage(
                key=message.key,
                title=text.title,
                body=text.body,
                language=text.language,
                fallback=fallback,
                outdated=not fallback and language != languages.SOURCE and text.source_revision < message.revision,
            )
        )
    return shown


@dataclass
class CrisisBanner:
    messages: list[ShownMessage]
    measures: list[Measure]


def crisis_banner(language: str, *, on: date | None = None) -> CrisisBanner | None:
    """What the portal shows at the top of every page while a crisis is active; None when none is."""
    if not active_crises(on=on).exists():
        return None
    measures = active_measures(on=on)
    return CrisisBanner(messages=shown_messages(language, {m.kind for m in measures}), measures=measures)


@dataclass
class StatusCell:
    language: str
    state: str  # current, outdated or missing
    source_revision: int | None = None


@dataclass
class StatusRow:
    message: CrisisMessage
    source_title: str
    cells: list[StatusCell] = field(default_factory=list)


def translation_status() -> list[StatusRow]:
    """For every message and every portal language: written from the current English text, lagging behind it
    (the English was edited after the translation), or missing (the portal falls back to English)."""
    rows = []
    for message in CrisisMessage.objects.filter(active=True).prefetch_related("texts"):
        texts = {t.language: t for t in message.texts.all()}
        source = texts.get(languages.SOURCE)
        row = StatusRow(message=message, source_title=source.title if source else message.key)
        for code in languages.codes():
            text = texts.get(code)
            if text is None:
                row.cells.append(StatusCell(code, "missing"))
            elif text.source_revision < message.revision:
                row.cells.append(StatusCell(code, "outdated", text.source_revision))
            else:
                row.cells.append(StatusCell(code, "current", text.source_revision))
        rows.append(row)
    return rows


def message_get(message_id: int) -> CrisisMessage | None:
    return CrisisMessage.objects.filter(pk=message_id).first()


def message_texts(message: CrisisMessage) -> dict[str, MessageText]:
    """A crisis message's texts, by language."""
    return {t.language: t for t in MessageText.objects.filter(message=message)}


def gaps_by_language(rows: list[StatusRow]) -> list[tuple[str, list[tuple[StatusRow, StatusCell]]]]:
    """Which language lags which text, language by language (only the languages with a gap)."""
    gaps = []
    for code in languages.codes():
        lagging = [(r, c) for r in rows for c in r.cells if c.language == code and c.state != "current"]
        if lagging:
            gaps.append((code, lagging))
    return gaps


# --- The directory, as the public sees it -------------------------------------------------------------------


def hotlines() -> list[PublicOffer]:
    """The public contacts of hotlines: what organisations of type Hotline listed on the portal with a contact."""
    return [
        row
        for row in public_offers()
        if row.offering.organisation.type == OrganisationType.HOTLINE and row.shown.get("public_contact")
    ]


def find_help(*, region: str = "", service_type: str = "", language: str = "") -> list[PublicOffer]:
    return public_offers(region=region, service_type=service_type, language=language)


def regions() -> list[str]:
    return public_regions()


@dataclass(frozen=True)
class Recipient:
    pk: int
    name: str  # as the coordinator approved it on the hotline's entry


def callback_recipients() -> list[Recipient]:
    """The hotlines a visitor may ask for a call-back: organisations of type Hotline with an approved public
    entry, under the name approved with it."""
    seen: dict[int, Recipient] = {}
    for row in public_offers():
        organisation = row.offering.organisation
        if organisation.type == OrganisationType.HOTLINE:
            seen.setdefault(organisation.pk, Recipient(organisation.pk, row.shown.get("name", organisation.name)))
    return sorted(seen.values(), key=lambda o: o.name)


def callback_organisation(organisation_id: int) -> Organisation | None:
    """The organisation behind a recipient of the call-back form (the service checks it is still listed)."""
    return Organisation.objects.filter(pk=organisation_id, type=OrganisationType.HOTLINE).first()


# --- Call-back requests, for the hotline's staff ------------------------------------------------------------


def intakes_visible_to(user: User) -> QuerySet[Intake]:
    scope = organisation_scope(user, PortalAction.INTAKES)
    if scope.empty:
        return Intake.objects.none()
    return Intake.objects.filter(scope.q()).select_related("organisation", "handled_by")


def intake_get_for_user(user: User, intake_id: int) -> Intake:
    intake = intakes_visible_to(user).filter(pk=intake_id).first()
    if intake is None:
        raise Http404
    return intake


def answers_call_backs(user: User) -> bool:
    """Whether the user works at a hotline where they may read call-back requests (the menu shows them then)."""
    scope = organisation_scope(user, PortalAction.INTAKES)
    if scope.empty:
        return False
    return Organisation.objects.filter(pk__in=scope.organisation_ids, type=OrganisationType.HOTLINE).exists()


NAV_COUNT_CAP = 100


def new_intakes_count(user: User) -> int:
    """For the navigation badge on every page a hotline worker opens: counted up to 100 ("99+"), on the inbox index,
    without the joins of the inbox list."""
    new = intakes_visible_to(user).filter(status=IntakeStatus.NEW).select_related(None)
    return int(new.values("pk")[:NAV_COUNT_CAP].count())
