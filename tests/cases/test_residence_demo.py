"""The demo shows a foreign victim's permit about to run out during the demo crisis, which closes the offices that
renew permits (the alert raised, in its crisis wording), and a lockdown-breach fine waived on a non-punishment
request."""

from __future__ import annotations

from pathlib import Path

import pytest

from lantern.cases import demo as cases_demo
from lantern.cases.models import NonPunishmentRequest, PermitAlert
from lantern.core.demo import load_demo
from lantern.core.models import Alert, User
from lantern.referrals import demo as referrals_demo


@pytest.mark.django_db
def test_the_demo_alerts_a_permit_running_out_while_the_offices_are_closed_and_waives_a_fine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cases_demo, "SYNTHETIC_CASES", 20)
    load_demo(tmp_path / "demo-credentials.txt")
    cases_demo.load()
    referrals_demo.load()
    # Alerted when recorded inside the usual window, then again, in the crisis wording, once the offices closed.
    alert = PermitAlert.objects.get(offices_closed=True)
    assert alert.threshold_days == 60
    assert PermitAlert.objects.filter(permit=alert.permit, offices_closed=False).count() <= 1
    caseworker = User.objects.get(username="caseworker")
    texts = Alert.objects.filter(recipient=caseworker, object_id=alert.permit.case.reference).values_list(
        "text", flat=True
    )
    assert any("closed" in text for text in texts)
    request = NonPunishmentRequest.objects.select_related("charge").get()
    assert (request.outcome, request.charge.offence, request.charge.kind) == ("granted", "lockdown", "fine")
