"""Justice seen from the case: the case page lists the case's proceedings with their next hearing and a link to
each, for those the justice app lets see them; a defendant may be linked to a perpetrator recorded on the case,
shown on both sides, and the link never shows a perpetrator's name to whoever may not read the case."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from lantern.cases import journey
from lantern.cases import services as cases
from lantern.cases.models import Case, Perpetrator, TimelineEntry
from lantern.cases.validation import PersonData
from lantern.core.models import AuditEvent
from lantern.justice import selectors, services
from lantern.justice.models import Defendant
from tests.conftest import World
from tests.justice.helpers import Justice

pytestmark = pytest.mark.django_db


def test_the_case_page_lists_the_proceedings_with_their_next_hearing(
    staff: dict[str, Client], world: World, case: Case, justice: Justice
) -> None:
    url = f"/cases/{case.reference}/"
    for persona in ("caseworker", "supervisor"):
        page = staff[persona].get(url).content.decode()
        assert 'id="case-proceedings-heading">Proceedings</h2>' in page, persona
        assert f'href="/justice/proceeding/{justice.proceeding.pk}/"' in page, persona
        assert f'href="/justice/hearing/{justice.hearing.pk}/"' in page, persona  # the soonest, in Athens
        assert "Athens First Instance" in page
        assert f'href="/justice/hearing/{justice.other.pk}/"' not in page  # the later one is not the next
    proceedings = selectors.proceedings_on_case_page(world.caseworker, case)
    assert [row.proceeding.pk for row in proceedings] == [justice.proceeding.pk]


def test_the_next_hearing_is_the_soonest_still_scheduled(world: World, case: Case, justice: Justice) -> None:
    services.hearing_cancel(actor=world.prosecutor, hearing=justice.hearing)
    (proceeding,) = selectors.proceedings_on_case_page(world.caseworker, case)
    assert proceeding.next_hearing == justice.other


def test_the_case_page_says_when_there_is_no_proceeding(staff: dict[str, Client], world: World, case: Case) -> None:
    page = staff["caseworker"].get(f"/cases/{case.reference}/").content.decode()
    assert "No proceeding recorded." in page


def test_those_the_justice_app_does_not_let_see_a_proceeding_see_none_on_the_case_page(
    world: World, case: Case, justice: Justice
) -> None:
    assert selectors.proceedings_on_case_page(world.outsider, case) == []
    assert selectors.proceedings_on_case_page(world.provider, case) == []
    assert selectors.proceedings_on_case_page(world.authority_member, case) == []
    assert len(selectors.proceedings_on_case_page(world.prosecutor, case)) == 1


def test_the_case_page_takes_a_few_queries_however_many_proceedings(
    staff: dict[str, Client], world: World, case: Case, justice: Justice, django_assert_max_num_queries: object
) -> None:
    for kind in ("investigation", "civil_claim"):
        services.proceeding_open(
            actor=world.prosecutor, case=case, organisation=world.prosecution, kind=kind, survivor_role="witness"
        )
    assert len(selectors.proceedings_on_case_page(world.caseworker, case)) == 3
    with django_assert_max_num_queries(3):  # type: ignore[operator]
        selectors.proceedings_on_case_page(world.caseworker, case)


# --- Defendants and perpetrators --------------------------------------------------------------------------------


@pytest.fixture
def perpetrators(world: World, case: Case) -> list[Perpetrator]:
    first = journey.perpetrator_add(
        actor=world.caseworker, case=case, name="Ion Vasilescu", gender="Masculine", roles=["RecruiterOrIntermediary"]
    )
    second = journey.perpetrator_add(actor=world.caseworker, case=case, gender="Feminine", roles=["Exploiter"])
    return [first, second]


def test_a_defendant_is_linked_to_a_perpetrator_of_the_same_case_once(
    world: World, case: Case, justice: Justice, perpetrators: list[Perpetrator]
) -> None:
    first, second = perpetrators
    other_case = cases.case_register(
        actor=world.caseworker, organisation=world.ngo_a, person=PersonData(first_name="Ana"),
        consent_to_case_management=True,
    )  # fmt: skip
    defendant = services.defendant_add(actor=world.prosecutor, proceeding=justice.proceeding)
    other = services.defendant_add(actor=world.prosecutor, proceeding=justice.proceeding)
    with pytest.raises(PermissionDenied):
        services.defendant_link(actor=world.caseworker, defendant=defendant, perpetrator=first)
    stranger = journey.perpetrator_add(actor=world.caseworker, case=other_case, roles=["Exploiter"])
    with pytest.raises(ValidationError) as refused:
        services.defendant_link(actor=world.prosecutor, defendant=defendant, perpetrator=stranger)
    assert "perpetrator" in refused.value.message_dict
    services.defendant_link(actor=world.prosecutor, defendant=defendant, perpetrator=first)
    with pytest.raises(ValidationError) as refused:
        services.defendant_link(actor=world.prosecutor, defendant=other, perpetrator=first)
    assert "already another defendant" in refused.value.message_dict["perpetrator"][0]
    services.defendant_link(actor=justice.clerk, defendant=other, perpetrator=second)
    assert dict(Defendant.objects.values_list("number", "perpetrator__position")) == {1: 1, 2: 2}
    entry = TimelineEntry.objects.filter(case=case, kind="defendant_link").first()
    assert entry is not None
    assert entry.detail == {"proceeding": justice.proceeding.pk, "defendant": 1, "perpetrator": 1}
    audit = AuditEvent.objects.filter(action="proceeding.defendant_link").first()
    assert audit is not None
    assert "Vasilescu" not in json.dumps(audit.detail)
    # Unlinked again: not known.
    services.defendant_link(actor=world.prosecutor, defendant=defendant, perpetrator=None)
    defendant.refresh_from_db()
    assert defendant.perpetrator_id is None


def test_the_link_shows_on_both_sides_and_the_name_only_to_who_reads_the_case(
    staff: dict[str, Client], world: World, case: Case, justice: Justice, perpetrators: list[Perpetrator]
) -> None:
    first, _second = perpetrators
    defendant = services.defendant_add(actor=world.prosecutor, proceeding=justice.proceeding)
    proceeding_url = f"/justice/proceeding/{justice.proceeding.pk}/"
    # The prosecutor links on the proceeding's page, choosing among numbers and roles: no name.
    page = staff["prosecutor"].get(proceeding_url).content.decode()
    assert "Perpetrator 1 (Recruiter or intermediary)" in page
    assert "Vasilescu" not in page
    response = staff["prosecutor"].post(
        f"/justice/defendant/{defendant.pk}/perpetrator/",
        {f"link-{defendant.pk}-perpetrator": str(first.pk)},
    )
    assert response.status_code == 302
    page = staff["prosecutor"].get(proceeding_url).content.decode()
    assert "Perpetrator 1 (Recruiter or intermediary)" in page
    assert "Vasilescu" not in page
    # The caseworker of the case reads the name on the proceeding's page (the read is audited)...
    before = AuditEvent.objects.filter(action="personal_data.read").count()
    page = staff["caseworker"].get(proceeding_url).content.decode()
    assert "Perpetrator 1: Ion Vasilescu (Recruiter or intermediary)" in page
    assert AuditEvent.objects.filter(action="personal_data.read").count() == before + 1
    assert 'action="/justice/defendant/' not in page  # and changes nothing there
    # ...and on the case page, the perpetrator says which defendant he is, with a link to the proceeding.
    page = staff["caseworker"].get(f"/cases/{case.reference}/").content.decode()
    assert f'<a href="{proceeding_url}" class="perpetrator-link">Defendant 1 in Trial of 2026-03-02</a>' in page


def test_a_wrong_link_is_refused_in_words_on_the_page(
    staff: dict[str, Client], world: World, case: Case, justice: Justice, perpetrators: list[Perpetrator]
) -> None:
    defendant = services.defendant_add(actor=world.prosecutor, proceeding=justice.proceeding)
    response = staff["prosecutor"].post(
        f"/justice/defendant/{defendant.pk}/perpetrator/", {f"link-{defendant.pk}-perpetrator": "999999"}
    )
    assert response.status_code == 422
    defendant.refresh_from_db()
    assert defendant.perpetrator_id is None
    # Someone outside the proceeding cannot link at all.
    assert staff["outsider"].post(
        f"/justice/defendant/{defendant.pk}/perpetrator/", {f"link-{defendant.pk}-perpetrator": ""}
    ).status_code in (403, 404)
