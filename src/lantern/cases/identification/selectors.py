"""Every read of identification by first responders, with its permission check."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from lantern.cases.identification import checklists
from lantern.cases.identification.permissions import IdentificationAction
from lantern.cases.models import AnonymousNotification, Case, IndicatorAnswer, IndicatorChecklist, IndicatorResponse
from lantern.core.models import Organisation, User
from lantern.core.permissions import can, organisation_scope


@dataclass(frozen=True)
class SectionSummary:
    code: str
    label: str
    observed: list[str]  # the labels of the indicators observed, in the reader's language
    not_observed: int
    not_known: int


@dataclass(frozen=True)
class ChecklistSummary:
    """What one checklist says, for whoever decides: which indicators were observed, section by section. There is
    no total and no threshold: the indicators are evidence to weigh, not points to add up."""

    checklist: IndicatorChecklist
    title: str
    sections: list[SectionSummary]
    answers: dict[str, str]

    @property
    def observed_any(self) -> bool:
        return any(section.observed for section in self.sections)


def case_indicator_checklists(*, user: User, case: Case) -> list[ChecklistSummary]:
    """The checklists filled in on a case, oldest first, summarised in the reader's language; 404 when the user
    may not read them (a service provider, another organisation), as for the case itself."""
    if not can(user, IdentificationAction.CHECKLIST_VIEW, case):
        raise Http404("no such case")
    records = (
        IndicatorChecklist.objects.filter(case=case)
        .select_related("filled_by", "organisation")
        .prefetch_related(Prefetch("responses", queryset=IndicatorResponse.objects.order_by("pk")))
        .order_by("recorded_at", "pk")
    )
    return [summarise(record) for record in records]


def summarise(record: IndicatorChecklist) -> ChecklistSummary:
    definition = checklists.of_version(record.version) or checklists.current()
    answers = {response.code: response.answer for response in record.responses.all()}
    sections = []
    for section in definition.sections:
        given = [answers.get(indicator.code, IndicatorAnswer.UNKNOWN) for indicator in section.indicators]
        sections.append(
            SectionSummary(
                code=section.code,
                label=section.label(),
                observed=[i.label() for i in section.indicators if answers.get(i.code) == IndicatorAnswer.YES],
                not_observed=given.count(IndicatorAnswer.NO),
                not_known=given.count(IndicatorAnswer.UNKNOWN),
            )
        )
    return ChecklistSummary(checklist=record, title=definition.title(), sections=sections, answers=answers)


def may_record_checklist(user: User, case: Case) -> bool:
    return can(user, IdentificationAction.CHECKLIST_RECORD, case) and case.anonymised_at is None


def notifications_visible_to(user: User) -> QuerySet[AnonymousNotification]:
    """The anonymous notifications of the organisations where the user may notify, newest first."""
    scope = organisation_scope(user, IdentificationAction.NOTIFICATIONS_VIEW)
    return AnonymousNotification.objects.filter(scope.q()).select_related("organisation").order_by("-recorded_on", "pk")


def notification_regions(organisation: Organisation) -> list[str]:
    """The regions a notification may name: those of the organisations of the same country (a list, so that no
    typed text is kept)."""
    regions = (
        Organisation.objects.filter(country=organisation.country)
        .exclude(region="")
        .values_list("region", flat=True)
        .distinct()
        .order_by()
    )
    return sorted(set(regions))


def notifications_in_scope(organisation_ids: frozenset[int] | None) -> QuerySet[AnonymousNotification]:
    """The notifications of these organisations (None: every organisation), for the CTDC export whose caller
    decided the scope."""
    rows = AnonymousNotification.objects.all()
    if organisation_ids is not None:
        rows = rows.filter(organisation_id__in=sorted(organisation_ids))
    return rows.order_by("identified_on", "pk")
