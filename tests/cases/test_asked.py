"""Disability and the at-risk groups: "none" (asked, nothing recorded) is not "not asked" (issue #20)."""

from __future__ import annotations

import json

from django.test import Client

from lantern.cases import codes
from lantern.cases import services as cases
from lantern.cases.validation import ContextData, PersonData
from tests.conftest import World


def test_nothing_recorded_is_not_asked_unless_the_person_was_asked(world: World) -> None:
    def register(**context: object) -> tuple[bool, bool]:
        case = cases.case_register(
            actor=world.caseworker,
            organisation=world.ngo_a,
            person=PersonData(first_name="Ana"),
            context=ContextData(**context),  # type: ignore[arg-type]
        )
        case.refresh_from_db()
        return case.disability_asked, case.at_risk_asked

    assert register() == (False, False)  # not asked
    assert register(disability_asked=True, at_risk_asked=True) == (True, True)  # asked: none
    # A domain or a group recorded was asked about, whatever the flag says.
    assert register(disability_domains=["seeing"], at_risk_groups=["women_and_children"]) == (True, True)


def test_women_and_children_is_the_fourteenth_at_risk_group() -> None:
    assert len(codes.AT_RISK_GROUPS) == 14
    assert str(codes.AT_RISK_GROUPS["women_and_children"]) == "Women and children"


def test_the_api_and_the_case_page_tell_none_from_not_asked(
    world: World, api_client: dict[str, Client], staff: dict[str, Client]
) -> None:
    body = {"person": {"first_name": "Ana"}, "context": {"at_risk_asked": True},
            "consent_to_case_management": True}  # fmt: skip
    response = api_client["caseworker"].post("/api/v1/cases", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["context"]["at_risk_asked"], created["context"]["disability_asked"]) == (True, False)
    page = staff["caseworker"].get(f"/cases/{created['reference']}/").content.decode()
    assert "<dd>None</dd>" in page  # at-risk groups: asked, none
    assert "<dd>Not asked</dd>" in page  # disability
    arabic = staff["caseworker"].get(f"/cases/{created['reference']}/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "لم يُسأل" in arabic
