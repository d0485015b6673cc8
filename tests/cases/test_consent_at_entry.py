"""Consent at entry is explicit: the registration form does not tick it in advance, the API requires it, and the
service records it only when told the person gave it."""

from __future__ import annotations

import json
import re

from django.test import Client

from lantern.cases import services as cases
from lantern.cases.models import Case, Consent
from lantern.cases.validation import PersonData
from tests.cases.test_views import FORM
from tests.conftest import World


def test_the_registration_form_shows_the_consent_unticked(staff: dict[str, Client]) -> None:
    html = staff["police"].get("/cases/new/").content.decode()
    tag = re.search(r'<input[^>]*name="consent_to_case_management"[^>]*>', html)
    assert tag is not None
    assert "checked" not in tag.group(0)
    assert "The person agrees that we keep this case to help them" in html
    assert "Tick only if the person said yes" in html


def test_a_case_registered_without_the_tick_has_no_consent(staff: dict[str, Client], clock: object) -> None:
    form = {k: v for k, v in FORM.items() if k != "consent_to_case_management"}
    assert staff["caseworker"].post("/cases/new/", form).status_code == 302
    assert not Consent.objects.filter(case=Case.objects.get()).exists()


def test_the_api_requires_the_answer_and_records_only_a_yes(world: World, api_client: dict[str, Client]) -> None:
    client = api_client["police"]
    missing = client.post("/api/v1/cases", json.dumps({"person": {}}), content_type="application/json")
    assert missing.status_code == 422
    assert "consent_to_case_management" in missing.content.decode()
    assert not Case.objects.exists()
    no, yes = (
        client.post("/api/v1/cases", json.dumps({"person": {}, "consent_to_case_management": answer}),
                    content_type="application/json")
        for answer in (False, True)
    )  # fmt: skip
    assert (no.status_code, yes.status_code) == (201, 201)
    purposes = {ref: list(Consent.objects.filter(case__reference=ref).values_list("purpose", flat=True))
                for ref in (no.json()["reference"], yes.json()["reference"])}  # fmt: skip
    assert purposes == {no.json()["reference"]: [], yes.json()["reference"]: ["case_management"]}


def test_the_service_never_assumes_consent(world: World, clock: object) -> None:
    case = cases.case_register(actor=world.caseworker, organisation=world.ngo_a, person=PersonData())
    assert not case.consents.exists()
