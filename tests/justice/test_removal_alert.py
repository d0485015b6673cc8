"""A removal carried out (cases.residence) alerts the prosecutors of the case's open proceedings, urgently, with the
case reference and the day only: the injured party may now be heard only remotely."""

from __future__ import annotations

from datetime import date

from lantern.cases import residence
from lantern.cases.models import Case
from lantern.core.models import Alert
from tests.conftest import World
from tests.justice.helpers import Justice


def test_a_removal_carried_out_alerts_the_prosecutor_of_an_open_proceeding(
    world: World, case: Case, justice: Justice
) -> None:
    # Given a removal order on a case with an open trial
    risk = residence.removal_record(
        actor=world.caseworker, case=case, kind="removal_order", ordered_on=date(2026, 2, 25), authority="Police"
    )
    assert not Alert.objects.filter(recipient__in=[world.prosecutor, justice.clerk]).exists()
    # When it is carried out
    residence.removal_resolve(actor=world.caseworker, risk=risk, resolution="carried_out", resolved_on=date(2026, 3, 1))
    # Then the prosecutor is alerted urgently, with the reference and the day, never the person; the clerk is not
    alert = Alert.objects.get(recipient=world.prosecutor)
    assert alert.urgent
    assert case.reference in alert.text
    assert "2026-03-01" in alert.text
    assert "remote hearing" in alert.text
    assert "Maria" not in alert.text
    assert alert.url == f"/justice/case/{case.reference}/"
    assert not Alert.objects.filter(recipient=justice.clerk).exists()


def test_a_removal_carried_out_alerts_no_prosecutor_once_the_proceedings_are_closed(
    world: World, case: Case, justice: Justice
) -> None:
    justice.proceeding.closed_on = justice.proceeding.opened_on
    justice.proceeding.save(update_fields=["closed_on"])
    risk = residence.removal_record(
        actor=world.caseworker, case=case, kind="removal_order", ordered_on=date(2026, 2, 25), authority="Police"
    )
    residence.removal_resolve(actor=world.caseworker, risk=risk, resolution="carried_out", resolved_on=date(2026, 3, 2))
    assert not Alert.objects.filter(recipient=world.prosecutor).exists()
