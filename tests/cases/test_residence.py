"""Foreign victims: residence permits with their renewals, the alert before a permit runs out (once per permit and
threshold, from the country's profile, earlier and saying what to do while a crisis closes the renewal offices),
detention or a removal order alerting the caseworker and supervisors at once, shown on the case until resolved."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from lantern.cases import closure, residence
from lantern.cases import services as cases
from lantern.cases.models import Case, CountryProfile, PermitAlert, PermitStatus, RemovalRisk, ResidencePermit
from lantern.core.models import Alert
from lantern.crisis import services as crisis
from tests.conftest import World

TODAY = date(2026, 3, 2)  # the clock of the `case` fixture


def _granted(world: World, case: Case, *, until: date, kind: str = "victim") -> ResidencePermit:
    return residence.permit_record(
        actor=world.caseworker,
        case=case,
        kind=kind,
        status=PermitStatus.GRANTED,
        applied_on=date(2026, 2, 17),
        granted_on=date(2026, 2, 20),
        valid_until=until,
    )


@pytest.fixture
def assigned(world: World, case: Case) -> Case:
    return cases.case_assign(actor=world.supervisor, case=case, assignee=world.caseworker)


# --- Permits -----------------------------------------------------------------------------------------------


def test_a_permit_granted_keeps_its_dates_and_a_renewal_names_the_permit_it_renews(world: World, case: Case) -> None:
    first = _granted(world, case, until=date(2026, 4, 1))
    assert (first.valid_from, first.valid_until) == (date(2026, 2, 20), date(2026, 4, 1))
    renewal = residence.permit_record(
        actor=world.caseworker, case=case, kind="victim", status="applied", applied_on=TODAY, renews=first
    )
    first.refresh_from_db()
    assert first.status == PermitStatus.RENEWAL_PENDING
    residence.permit_decide(
        actor=world.caseworker, permit=renewal, status="granted", granted_on=TODAY, valid_until=date(2026, 9, 1)
    )
    first.refresh_from_db()
    assert first.status == PermitStatus.EXPIRED
    assert renewal.status == PermitStatus.GRANTED
    assert case.timeline.filter(kind="permit_record").count() == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "tourist"}, "kind"),
        ({"status": "expired"}, "status"),
        ({"granted_on": None}, "granted_on"),
        ({"valid_until": None}, "valid_until"),
        ({"valid_until": date(2026, 2, 1)}, "valid_until"),
        ({"granted_on": date(2026, 2, 10)}, "granted_on"),
        ({"applied_on": date(2026, 12, 1), "granted_on": None, "valid_until": None, "status": "applied"}, "applied_on"),
    ],
)
def test_a_wrong_permit_is_refused_and_nothing_is_written(
    world: World, case: Case, changes: dict[str, object], field: str
) -> None:
    values: dict[str, object] = {
        "kind": "victim",
        "status": "granted",
        "applied_on": date(2026, 2, 17),
        "granted_on": date(2026, 2, 20),
        "valid_until": date(2026, 8, 1),
    } | changes
    with pytest.raises(ValidationError) as refused:
        residence.permit_record(actor=world.caseworker, case=case, **values)  # type: ignore[arg-type]
    assert field in refused.value.message_dict
    assert not ResidencePermit.objects.exists()


def test_a_permit_renewed_twice_and_a_wrong_transition_are_refused(world: World, case: Case) -> None:
    first = _granted(world, case, until=date(2026, 4, 1))
    residence.permit_record(
        actor=world.caseworker, case=case, kind="victim", status="applied", applied_on=TODAY, renews=first
    )
    with pytest.raises(ValidationError, match="renewed"):
        residence.permit_record(
            actor=world.caseworker, case=case, kind="victim", status="applied", applied_on=TODAY, renews=first
        )
    with pytest.raises(ValidationError):
        residence.permit_decide(actor=world.caseworker, permit=first, status="granted", granted_on=TODAY)


@pytest.mark.parametrize("persona", ["outsider", "provider", "prosecutor", "analyst", "authority_member"])
def test_only_those_who_hold_the_case_record_a_permit(world: World, case: Case, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        residence.permit_record(
            actor=world.users[persona], case=case, kind="victim", status="applied", applied_on=TODAY
        )


# --- The alert before a permit runs out --------------------------------------------------------------------


def _alerts(world: World, *personas: str) -> list[str]:
    return [a.text for a in Alert.objects.filter(recipient__in=[world.users[p] for p in personas]).order_by("pk")]


def test_the_alert_goes_once_to_the_caseworker_and_the_supervisors_at_the_profile_s_threshold(
    world: World, assigned: Case
) -> None:
    CountryProfile.objects.create(country="GR", weekend=[6, 7], permit_expiry_alert_days=10)
    permit = _granted(world, assigned, until=TODAY + timedelta(days=12))
    assert residence.permits_alert_expiry(today=TODAY) == 0  # 12 days left, the profile says 10
    assert residence.permits_alert_expiry(today=TODAY + timedelta(days=2)) == 1
    assert residence.permits_alert_expiry(today=TODAY + timedelta(days=3)) == 0  # once per threshold
    texts = _alerts(world, "caseworker", "supervisor")
    assert len(texts) == 2
    assert assigned.reference in texts[0]
    assert "2026-03-14" in texts[0]
    assert "Maria" not in "".join(texts)
    assert "Popescu" not in "".join(texts)
    assert not _alerts(world, "outsider", "org_admin", "provider")
    assert PermitAlert.objects.get().permit == permit
    assert assigned.timeline.filter(kind="permit_expiry_alert").count() == 1


def test_the_default_threshold_is_thirty_days(world: World, assigned: Case) -> None:
    _granted(world, assigned, until=TODAY + timedelta(days=31))
    assert residence.permits_alert_expiry(today=TODAY) == 0
    assert residence.permits_alert_expiry(today=TODAY + timedelta(days=1)) == 1


def test_a_crisis_closing_the_renewal_offices_alerts_twice_as_early_and_says_what_to_do(
    world: World, assigned: Case
) -> None:
    _granted(world, assigned, until=TODAY + timedelta(days=50))
    assert residence.permits_alert_expiry(today=TODAY) == 0
    event = crisis.crisis_declare(actor=None, name="Pandemic", kind="pandemic", country="GR", starts_on=TODAY)
    crisis.measure_add(actor=None, crisis=event, kind="permit_offices_closed", starts_on=TODAY)
    assert residence.permits_alert_expiry(today=TODAY) == 1
    assert residence.permits_alert_expiry(today=TODAY) == 0
    (text,) = _alerts(world, "caseworker")
    assert "closed" in text
    assert "in writing or online" in text
    assert PermitAlert.objects.get().offices_closed


def test_an_expired_refused_or_renewed_permit_is_not_alerted(world: World, assigned: Case) -> None:
    first = _granted(world, assigned, until=TODAY + timedelta(days=5))
    residence.permit_record(
        actor=world.caseworker, case=assigned, kind="victim", status="applied", applied_on=TODAY, renews=first
    )
    assert residence.permits_alert_expiry(today=TODAY) == 0


# --- Detention and removal ---------------------------------------------------------------------------------


def test_a_removal_order_alerts_the_caseworker_and_the_supervisors_at_once_without_the_name(
    world: World, assigned: Case
) -> None:
    risk = residence.removal_record(
        actor=world.caseworker,
        case=assigned,
        kind="deportation",
        ordered_on=TODAY,
        authority="Aliens Police, Attica",
        scheduled_on=TODAY + timedelta(days=4),
    )
    texts = _alerts(world, "caseworker", "supervisor")
    assert len(texts) == 2
    assert "2026-03-06" in texts[0]
    assert assigned.reference in texts[0]
    assert "Maria" not in texts[0]
    residence.removal_resolve(actor=world.supervisor, risk=risk, resolution="suspended", resolved_on=TODAY)
    with pytest.raises(ValidationError):
        residence.removal_resolve(actor=world.supervisor, risk=risk, resolution="withdrawn", resolved_on=TODAY)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "exile"}, "kind"),
        ({"authority": "  "}, "authority"),
        ({"kind": "deportation", "scheduled_on": None}, "scheduled_on"),
        ({"ordered_on": date(2027, 1, 1)}, "ordered_on"),
        ({"scheduled_on": date(2026, 1, 1)}, "scheduled_on"),
    ],
)
def test_a_wrong_removal_is_refused_and_nobody_is_alerted(
    world: World, assigned: Case, changes: dict[str, object], field: str
) -> None:
    values: dict[str, object] = {
        "kind": "removal_order",
        "ordered_on": TODAY,
        "authority": "Aliens Police",
        "scheduled_on": None,
    } | changes
    with pytest.raises(ValidationError) as refused:
        residence.removal_record(actor=world.caseworker, case=assigned, **values)  # type: ignore[arg-type]
    assert field in refused.value.message_dict
    assert not RemovalRisk.objects.exists()
    assert not Alert.objects.exists()


def test_the_case_page_shows_an_open_removal_in_red_at_the_top_until_resolved(
    world: World, assigned: Case, staff: dict[str, Client]
) -> None:
    page = staff["caseworker"]
    response = page.post(
        f"/cases/{assigned.reference}/removal/",
        {"kind": "detention", "ordered_on": "2026-03-01", "authority": "Aliens Police"},
    )
    assert response.status_code == 302
    html = page.get(f"/cases/{assigned.reference}/").content.decode()
    assert 'id="removal-warning"' in html
    assert "Immigration detention" in html
    risk = RemovalRisk.objects.get()
    response = page.post(
        f"/cases/{assigned.reference}/removal/{risk.pk}/resolve/",
        {"resolution": "released", "resolved_on": "2026-03-02"},
    )
    assert response.status_code == 302
    assert 'id="removal-warning"' not in page.get(f"/cases/{assigned.reference}/").content.decode()


def test_a_wrong_permit_on_the_page_keeps_what_was_typed(world: World, case: Case, staff: dict[str, Client]) -> None:
    response = staff["caseworker"].post(
        f"/cases/{case.reference}/permits/",
        {"kind": "victim", "status": "granted", "applied_on": "2026-02-17", "granted_on": "2026-02-20"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Give the day the permit runs out." in html
    assert 'value="2026-02-20"' in html
    assert staff["outsider"].post(f"/cases/{case.reference}/permits/", {}).status_code == 404


def test_the_removal_alert_carries_no_free_text(world: World, assigned: Case) -> None:
    """The authority field is free text (it could hold an official's or the person's name): the alert, and the
    e-mail made from it, say the kind, the dates and the case reference only."""
    residence.removal_record(
        actor=world.caseworker,
        case=assigned,
        kind="removal_order",
        ordered_on=TODAY,
        authority="Officer Nikos Papadakis, Aliens Police",
    )
    texts = _alerts(world, "caseworker", "supervisor")
    assert len(texts) == 2
    for text in texts:
        assert text.startswith(f"Urgent, case {assigned.reference}: removal order, dated 2026-03-02.")
        assert "Papadakis" not in text
        assert "Aliens Police" not in text


def test_a_removal_of_a_closed_case_is_not_resolved(world: World, assigned: Case, staff: dict[str, Client]) -> None:
    risk = residence.removal_record(
        actor=world.caseworker, case=assigned, kind="detention", ordered_on=TODAY, authority="Aliens Police"
    )
    # An open detention holds closure; the supervisor closes all the same, with her reason.
    closure.case_close(
        actor=world.supervisor, case=assigned, code="integrated", override_reason="She moved abroad; the order stays."
    )
    with pytest.raises(ValidationError, match="The case is closed"):
        residence.removal_resolve(actor=world.supervisor, risk=risk, resolution="released", resolved_on=TODAY)
    response = staff["caseworker"].post(
        f"/cases/{assigned.reference}/removal/{risk.pk}/resolve/",
        {"resolution": "released", "resolved_on": "2026-03-02"},
    )
    assert response.status_code in (409, 422)
    risk.refresh_from_db()
    assert (risk.resolution, risk.resolved_on) == ("", None)


def test_the_removal_authority_is_isolated_from_the_page_s_direction(
    world: World, assigned: Case, staff: dict[str, Client]
) -> None:
    residence.removal_record(
        actor=world.caseworker, case=assigned, kind="detention", ordered_on=TODAY, authority="شرطة الأجانب"
    )
    html = staff["caseworker"].get(f"/cases/{assigned.reference}/").content.decode()
    assert '<bdi dir="auto">شرطة الأجانب</bdi>' in html


def test_a_removal_carried_out_alerts_urgently_and_the_earlier_alerts_link_to_a_section_that_stays(
    world: World, assigned: Case, staff: dict[str, Client]
) -> None:
    # Given a removal order, alerted to the caseworker and the supervisor, linking to the red warning
    risk = residence.removal_record(
        actor=world.caseworker,
        case=assigned,
        kind="removal_order",
        ordered_on=date(2026, 2, 20),
        authority="Aliens Police, Attica",
    )
    earlier = list(Alert.objects.filter(recipient__in=[world.caseworker, world.supervisor]))
    assert {a.url.rsplit("#", 1)[1] for a in earlier} == {"removal-warning"}
    # When the removal is carried out
    residence.removal_resolve(actor=world.caseworker, risk=risk, resolution="carried_out", resolved_on=TODAY)
    # Then both are alerted at once, urgently, with the dates and never the person
    new = Alert.objects.filter(recipient__in=[world.caseworker, world.supervisor]).exclude(
        pk__in=[a.pk for a in earlier]
    )
    assert len(new) == 2
    for alert in new:
        assert alert.urgent
        assert assigned.reference in alert.text
        assert "2026-03-02" in alert.text
        assert "2026-02-20" in alert.text
        assert "Maria" not in alert.text
        assert alert.url.endswith(f"#removal-{risk.pk}")
    # and the earlier alerts now send their reader to the residence section, which the page still has
    for alert in Alert.objects.filter(pk__in=[a.pk for a in earlier]):
        assert alert.url.endswith("#residence-heading")
    html = staff["caseworker"].get(f"/cases/{assigned.reference}/").content.decode()
    assert 'id="residence-heading"' in html
    assert f'id="removal-{risk.pk}"' in html
    assert 'id="removal-warning"' not in html


def test_a_removal_suspended_alerts_nobody_and_an_order_still_open_keeps_the_warning_link(
    world: World, assigned: Case
) -> None:
    first = residence.removal_record(
        actor=world.caseworker, case=assigned, kind="removal_order", ordered_on=TODAY, authority="Aliens Police"
    )
    residence.removal_record(
        actor=world.caseworker, case=assigned, kind="detention", ordered_on=TODAY, authority="Aliens Police"
    )
    count = Alert.objects.count()
    residence.removal_resolve(actor=world.caseworker, risk=first, resolution="suspended", resolved_on=TODAY)
    assert Alert.objects.count() == count
    assert all(a.url.endswith("#removal-warning") for a in Alert.objects.all())
