"""Suspending an organisation stops every referral to it and closes it on the portal: only its administrators and
supervisors may do it (ProviderAction.SUSPEND), only they see the button, and it takes a confirmation that works
without JavaScript. A caseworker keeps the everyday statuses (open, reduced, remote only)."""

from __future__ import annotations

from django.test import Client

from lantern.core.models import AuditEvent
from lantern.providers.models import Offering, ProviderState
from tests.conftest import World


def _status(world: World) -> str:
    state = ProviderState.objects.filter(organisation=world.ngo_a).first()
    return state.status if state else "open"


def test_a_caseworker_cannot_suspend_her_organisation(
    staff: dict[str, Client], world: World, offers: dict[str, Offering]
) -> None:
    page = staff["caseworker"].get("/services/").content.decode()
    assert "Safe Passage NGO: operating status" in page
    assert 'value="remote_only"' in page  # the everyday statuses stay hers
    assert 'value="suspended"' not in page
    url = f"/services/{world.ngo_a.pk}/status/"
    assert staff["caseworker"].post(url, {"status": "suspended"}).status_code == 403
    assert staff["caseworker"].post(url, {"status": "suspended", "confirmed": "yes"}).status_code == 403
    assert _status(world) == "open"
    assert staff["caseworker"].post(url, {"status": "reduced", "staff_absence_percent": "25"}).status_code == 302
    assert _status(world) == "reduced"


def test_nor_through_the_api(api_client: dict[str, Client], world: World) -> None:
    url = f"/api/v1/organisations/{world.ngo_a.pk}/status"
    refused = api_client["caseworker"].post(url, {"status": "suspended"}, content_type="application/json")
    assert refused.status_code == 403
    assert _status(world) == "open"
    allowed = api_client["supervisor"].post(url, {"status": "suspended"}, content_type="application/json")
    assert allowed.status_code == 200


def test_a_supervisor_suspends_after_confirming(staff: dict[str, Client], world: World) -> None:
    page = staff["supervisor"].get("/services/").content.decode()
    assert 'value="suspended"' in page
    url = f"/services/{world.ngo_a.pk}/status/"
    asked = staff["supervisor"].post(url, {"status": "suspended", "staff_absence_percent": "50", "reason": "Flood"})
    assert asked.status_code == 200
    confirm = asked.content.decode()
    assert "Suspend Safe Passage NGO?" in confirm
    assert 'name="confirmed" value="yes"' in confirm
    assert 'name="staff_absence_percent" value="50"' in confirm
    assert _status(world) == "open"  # nothing written before the confirmation
    assert not AuditEvent.objects.filter(action="provider.status").exists()
    done = staff["supervisor"].post(
        url, {"status": "suspended", "staff_absence_percent": "50", "reason": "Flood", "confirmed": "yes"}
    )
    assert done.status_code == 302
    assert _status(world) == "suspended"


def test_a_suspension_is_lifted_only_by_those_who_may_suspend(staff: dict[str, Client], world: World) -> None:
    url = f"/services/{world.ngo_a.pk}/status/"
    staff["org_admin"].post(url, {"status": "suspended", "confirmed": "yes"})
    assert _status(world) == "suspended"
    page = staff["caseworker"].get("/services/").content.decode()
    assert f'action="{url}"' not in page
    assert "only an administrator or a supervisor" in page
    assert staff["caseworker"].post(url, {"status": "open"}).status_code == 403
    assert _status(world) == "suspended"
    assert staff["supervisor"].post(url, {"status": "open"}).status_code == 302
    assert _status(world) == "open"


def test_another_organisation_cannot_suspend_it(staff: dict[str, Client], world: World) -> None:
    url = f"/services/{world.ngo_a.pk}/status/"
    assert staff["outsider_admin"].post(url, {"status": "suspended", "confirmed": "yes"}).status_code == 403
    assert _status(world) == "open"
