"""Every read of the linkage app, scoped by the permission module. The people an organisation encodes are read
through the case registry's selectors."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet

from lantern.cases.selectors import cases_for_linkage
from lantern.core.models import Organisation, User
from lantern.core.permissions import can, require
from lantern.linkage.encoding import Person
from lantern.linkage.models import EncodingSet, LinkageRun
from lantern.linkage.permissions import LinkageAction


def people_to_encode(*, actor: User | None, organisation: Organisation) -> Iterator[Person]:
    """The people of one organisation's cases that consented to statistics, by case reference. `actor` None is
    the console, acting for the organisation."""
    if actor is not None:
        require(actor, LinkageAction.ENCODE, organisation)
    for reference, first, second, born, gender, citizenship in cases_for_linkage(organisation):
        yield Person(
            record_id=reference,
            first_name=first,
            second_name=second,
            birth_date=born,
            gender=gender if gender not in ("", "NonSpecifiedUnknown") else "",
            citizenship=",".join(citizenship or []),
        )


def encoding_sets_visible_to(user: User) -> QuerySet[EncodingSet]:
    if not can(user, LinkageAction.VIEW):
        return EncodingSet.objects.none()
    return EncodingSet.objects.select_related("organisation", "uploaded_by").defer("bits", "record_ids")


def latest_sets() -> list[EncodingSet]:
    """The newest upload of each organisation (what a run links)."""
    newest: dict[int, EncodingSet] = {}
    for item in EncodingSet.objects.select_related("organisation").order_by("organisation_id", "-uploaded_at", "-pk"):
        newest.setdefault(item.organisation_id, item)
    return list(newest.values())


def latest_run(user: User) -> LinkageRun | None:
    if not can(user, LinkageAction.VIEW):
        return None
    return LinkageRun.objects.order_by("-run_at", "-pk").first()
