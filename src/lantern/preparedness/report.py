"""What the assessment page, the gap report (page and PDF), the API and the console command show: one context,
built in one place, so the PDF is drawn from exactly what the page shows."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import get_language, get_language_bidi

from lantern.preparedness import charts, evidence, selectors
from lantern.preparedness.models import Assessment


def assessment_context(assessment: Assessment) -> dict[str, Any]:
    answers = list(selectors.answers_of(assessment))
    pillar_scores = selectors.scores(assessment, answers)
    return {
        "assessment": assessment,
        "checklist": selectors.checklist_of(assessment.checklist),
        "scores": pillar_scores,
        "overall": selectors.overall(pillar_scores),
        "radar": charts.radar(("current", pillar_scores)),
        "lantern_text": {
            a.pk: evidence.describe(a.lantern_figures["source"], a.lantern_figures)
            for a in answers
            if a.lantern_figures
        },
    }


def report_context(assessment: Assessment) -> dict[str, Any]:
    return assessment_context(assessment) | {
        "ranked": selectors.priorities(assessment),
        "actions": list(assessment.actions.select_related("owner").order_by("due_on", "pk")),
        "language": get_language(),
        "bidi": get_language_bidi(),
        "generated_on": timezone.localdate(),
    }
