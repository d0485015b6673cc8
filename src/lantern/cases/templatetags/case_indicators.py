"""`{% case_indicator_checklists case as checklists %}`: the checklists of a case that the page's reader may see,
so that `cases/_indicators.html` can be included on any page that has the case (the case page, the competent
authority's file) without each view passing them."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import Http404

from lantern.cases.identification import selectors
from lantern.cases.models import Case

register = template.Library()


@register.simple_tag(takes_context=True)
def case_indicator_checklists(context: dict[str, Any], case: Case) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return {"visible": False, "summaries": [], "may_record": False}
    try:
        summaries = selectors.case_indicator_checklists(user=user, case=case)
    except Http404:
        return {"visible": False, "summaries": [], "may_record": False}
    may_record = selectors.may_record_checklist(user, case) and case.stage != "closed"
    return {"visible": True, "summaries": summaries, "may_record": may_record}
