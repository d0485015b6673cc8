"""Irreversible one-click actions ask first, on a page that works without JavaScript (core/views.py
`confirm_page`): withdrawing a consent, cancelling a hearing, ending a crisis measure, revoking an API token. The
first POST writes nothing; the second, with `confirmed`, acts. Those who may not act are refused either way."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from lantern.cases.models import Case, Consent
from lantern.core import services as core
from lantern.core.models import ApiToken
from lantern.crisis import services as crisis
from lantern.justice.models import Hearing, HearingStatus
from tests.conftest import World
from tests.justice.helpers import Justice, justice_setup

pytestmark = pytest.mark.django_db


def _asks(response: object, title: str) -> str:
    assert response.status_code == 200  # type: ignore[attr-defined]
    html = response.content.decode()  # type: ignore[attr-defined]
    assert title in html
    assert '<input type="hidden" name="confirmed" value="yes">' in html
    return html


def test_withdrawing_a_consent(staff: dict[str, Client], consented_case: Case, world: World) -> None:
    consent = consented_case.consents.get(purpose="referral")
    url = f"/cases/{consented_case.reference}/consents/{consent.pk}/withdraw/"
    page = staff["caseworker"].get(f"/cases/{consented_case.reference}/").content.decode()
    assert f'action="{url}"' in page
    html = _asks(staff["caseworker"].post(url), "Withdraw this consent?")
    assert f'href="/cases/{consented_case.reference}/"' in html  # "No, go back"
    assert Consent.objects.get(pk=consent.pk).withdrawn_at is None
    assert staff["outsider"].post(url, {"confirmed": "yes"}).status_code == 404
    assert Consent.objects.get(pk=consent.pk).withdrawn_at is None
    assert staff["caseworker"].post(url, {"confirmed": "yes"}).status_code == 302
    assert Consent.objects.get(pk=consent.pk).withdrawn_at is not None


@pytest.fixture
def justice(world: World, case: Case) -> Justice:
    return justice_setup(world, case)


def test_cancelling_a_hearing(staff: dict[str, Client], justice: Justice) -> None:
    url = f"/justice/hearing/{justice.hearing.pk}/cancel/"
    _asks(staff["prosecutor"].post(url), "Cancel this hearing?")
    assert Hearing.objects.get(pk=justice.hearing.pk).status == HearingStatus.SCHEDULED
    assert staff["caseworker"].post(url, {"confirmed": "yes"}).status_code in (403, 404)
    assert Hearing.objects.get(pk=justice.hearing.pk).status == HearingStatus.SCHEDULED
    assert staff["prosecutor"].post(url, {"confirmed": "yes"}).status_code == 302
    assert Hearing.objects.get(pk=justice.hearing.pk).status == HearingStatus.CANCELLED


def test_ending_a_measure(staff: dict[str, Client], world: World) -> None:
    floods = crisis.crisis_declare(
        actor=None, name="Floods", kind="disaster", country="GR", regions=["Thessaly"], starts_on=date(2026, 1, 1)
    )
    curfew = crisis.measure_add(actor=None, crisis=floods, kind="curfew", starts_on=date(2026, 1, 2))
    url = f"/crisis/measures/{curfew.pk}/end/"
    _asks(staff["coordinator"].post(url), "End the measure")
    curfew.refresh_from_db()
    assert curfew.ends_on is None
    assert staff["caseworker"].post(url, {"confirmed": "yes"}).status_code == 403
    assert staff["coordinator"].post(url, {"confirmed": "yes"}).status_code == 302
    curfew.refresh_from_db()
    assert curfew.ends_on is not None


def test_revoking_a_token(staff: dict[str, Client], world: World) -> None:
    token, _raw = core.token_create(actor=None, user=world.caseworker, name="phone app")
    form = {"do": "token_revoke", "token": str(token.pk)}
    html = _asks(staff["caseworker"].post("/account/", form), "Revoke the token phone app?")
    assert 'name="do" value="token_revoke"' in html
    assert 'href="/account/"' in html
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    assert staff["outsider"].post("/account/", {**form, "confirmed": "yes"}).status_code == 404
    assert staff["caseworker"].post("/account/", {**form, "confirmed": "yes"}).status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
