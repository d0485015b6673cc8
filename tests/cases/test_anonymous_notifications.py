"""An adult who declines to enter the NRM, notified anonymously (the UK's duty to notify): the statistics only,
never linkable to a person, counted in the insights with the cases and exported in CTDC."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import models
from django.test import Client

from lantern.cases import htcds
from lantern.cases.identification import selectors, services
from lantern.cases.identification.services import NotificationData
from lantern.cases.models import AnonymousNotification, Case
from lantern.core.models import AuditEvent, Organisation
from lantern.insights import refresh as refreshing
from lantern.insights.models import IndicatorValue
from tests.conftest import World

DECLINED = NotificationData(
    identified_on=date(2026, 2, 20),
    gender="Masculine",
    age_band="30-38",
    citizenship="PK",
    forms_of_exploitation=["ForcedLabour"],
    exploitation_region="Attica",
)


def _notify(world: World, persona: str = "police", data: NotificationData = DECLINED) -> AnonymousNotification:
    user = world.users[persona]
    organisation = user.memberships.get().organisation
    return services.notification_record(
        actor=user, organisation=organisation, data=data, regions=selectors.notification_regions(organisation)
    )


def test_a_notification_holds_the_statistics_and_nothing_that_leads_to_a_person(world: World, clock: object) -> None:
    notification = _notify(world)
    assert (notification.organisation, notification.exploitation_country) == (world.police_unit, "GR")
    fields = {f.name for f in AnonymousNotification._meta.concrete_fields}
    statistics = {"identified_on", "gender", "age_band", "citizenship", "forms_of_exploitation"}
    assert fields == statistics | {"id", "organisation", "exploitation_country", "exploitation_region", "recorded_on"}
    related = {str(f.related_model) for f in AnonymousNotification._meta.concrete_fields
               if isinstance(f, models.ForeignKey)}  # fmt: skip
    assert related == {str(Organisation)}  # no case, no person, no member of staff
    event = AuditEvent.objects.get(action="notification.anonymous")
    assert (event.actor_id, event.organisation_id, event.detail) == (
        world.police.pk,
        world.police_unit.pk,
        {"day": notification.recorded_on.isoformat()},
    )
    assert event.object_id == ""  # nothing that leads to the row, or orders it


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"age_band": "9-17"}, "age_band"),  # a child is referred, not notified
        ({"exploitation_region": "Maria's flat, 12 Odos Street"}, "exploitation_region"),  # no free text
        ({"identified_on": date(2026, 3, 3)}, "identified_on"),
        ({"citizenship": "XX"}, "citizenship"),
        ({"forms_of_exploitation": ['=HYPERLINK("x")']}, "forms_of_exploitation"),
    ],
)
def test_a_wrong_field_is_named_and_nothing_is_written(
    world: World, clock: object, change: dict[str, object], field: str
) -> None:
    data = NotificationData(**{**DECLINED.__dict__, **change})
    with pytest.raises(ValidationError) as raised:
        _notify(world, data=data)
    assert field in raised.value.message_dict
    assert not AnonymousNotification.objects.exists()
    assert not AuditEvent.objects.filter(action="notification.anonymous").exists()


@pytest.mark.parametrize("persona", ["provider", "analyst", "coordinator", "prosecutor", "auditor"])
def test_only_those_who_identify_people_notify(world: World, clock: object, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        services.notification_record(actor=world.users[persona], organisation=world.police_unit, data=DECLINED,
                                     regions=["Attica"])  # fmt: skip


def test_the_api_notifies_and_lists_only_the_organisations_own(
    world: World, clock: object, api_client: dict[str, Client]
) -> None:
    body = json.dumps({"identified_on": "2026-02-20", "gender": "Feminine", "age_band": "21-23", "citizenship": "NG",
                       "forms_of_exploitation": ["SexualExploitation"], "exploitation_region": "Attica"})  # fmt: skip
    created = api_client["police"].post("/api/v1/notifications/anonymous", body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["citizenship"] == "NG"
    assert api_client["police"].get("/api/v1/notifications/anonymous").json()["count"] == 1
    assert api_client["outsider"].get("/api/v1/notifications/anonymous").json()["count"] == 0
    assert api_client["analyst"].get("/api/v1/notifications/anonymous").status_code == 403
    assert (
        api_client["provider"]
        .post("/api/v1/notifications/anonymous", body, content_type="application/json")
        .status_code
        == 403
    )
    child = json.dumps({"age_band": "9-17"})
    refused = api_client["police"].post("/api/v1/notifications/anonymous", child, content_type="application/json")
    assert refused.status_code == 422
    assert "age_band" in refused.content.decode()
    assert AnonymousNotification.objects.count() == 1


def test_the_page_keeps_what_was_typed_and_lists_words_not_codes(
    world: World, clock: object, staff: dict[str, Client]
) -> None:
    client = staff["police"]
    assert client.get("/cases/anonymous-notifications/").status_code == 200
    form = {"identified_on": "2026-03-05", "gender": "Masculine", "age_band": "30-38", "citizenship": "PK",
            "forms_of_exploitation": ["ForcedLabour"], "exploitation_region": "Attica"}  # fmt: skip
    wrong = client.post("/cases/anonymous-notifications/", form)
    html = wrong.content.decode()
    assert wrong.status_code == 422
    assert "The date is in the future." in html
    assert 'value="2026-03-05"' in html
    assert '<option value="PK" selected>' in html
    assert not AnonymousNotification.objects.exists()
    done = client.post("/cases/anonymous-notifications/", {**form, "identified_on": "2026-02-20"})
    assert done.status_code == 302
    page = client.get("/cases/anonymous-notifications/").content.decode()
    assert "Pakistan" in page
    assert "Forced labour" in page
    assert staff["provider"].get("/cases/anonymous-notifications/").status_code == 403
    assert staff["analyst"].get("/cases/anonymous-notifications/").status_code == 403


def test_notifications_are_counted_with_the_cases_in_the_insights(world: World, case: Case) -> None:
    refreshing.refresh()
    _notify(world)
    refreshing.refresh()  # the incremental refresh finds the new notification's month
    cells = IndicatorValue.objects.filter(indicator="new_cases", grain="cell", period=date(2026, 2, 1))
    mine = cells.get(organisation=world.police_unit)
    assert (mine.numerator, mine.sex, mine.age_band, mine.form, mine.border) == (
        1,
        "Masculine",
        "30-38",
        "ForcedLabour",
        "cross_border",
    )
    maria = cells.get(organisation=world.ngo_a)  # the registered case of the same month, beside it
    assert (maria.numerator, maria.sex, maria.age_band, maria.form) == (1, "Feminine", "21-23", "ForcedLabour")


def test_notifications_are_in_the_ctdc_export_of_their_organisation(
    world: World, clock: object, api_client: dict[str, Client], tmp_path: Path
) -> None:
    _notify(world, "caseworker")
    _notify(world, "outsider")
    response = api_client["supervisor"].get("/api/v1/exports/ctdc")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1  # Safe Passage's own, not the other NGO's
    row = rows[0]
    wanted = {"gender": "Male", "ageBroad": "30--38", "majorityStatus": "Adult", "citizenship": "PK",
              "isForcedLabour": "1", "isAbroad": "1", "meansOfControlDebtBondage": "-99"}  # fmt: skip
    assert {name: row[name] for name in wanted} == wanted
    assert list(rows[0]) == htcds.CTDC_COLUMNS
    call_command("export", "ctdc", "--out", str(tmp_path / "ctdc.csv"), stderr=io.StringIO())
    with (tmp_path / "ctdc.csv").open(encoding="utf-8") as handle:
        assert len(list(csv.reader(handle))) == 3  # the header and both notifications
