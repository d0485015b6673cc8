"""The clerk's calendar (a week or a month of one court, in the court's time zone, with its days off), the warning
for a hearing on a weekend day or public holiday, the postponement refusal in the court's time, the list of
hearings to reschedule and the list's filters."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client

from lantern.cases.models import Case, CountryProfile
from lantern.core.models import OrganisationType, User
from lantern.core.roles import Role
from lantern.core.services import organisation_create, user_create
from lantern.crisis import services as crisis
from lantern.justice import selectors, services
from lantern.justice.models import Hearing, HearingStatus
from tests.conftest import World
from tests.justice.helpers import Justice, at

pytestmark = pytest.mark.django_db


def _clerk_client(justice: Justice, settings: object) -> Client:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]
    client = Client()
    client.force_login(justice.clerk)
    return client


# --- The calendar -------------------------------------------------------------------------------------------------


def test_the_week_shows_each_hearing_on_its_day_in_the_courts_time(
    justice: Justice, case: Case, settings: object
) -> None:
    # Given a hearing at 22:30 UTC on Tuesday, which is already Wednesday 00:30 in Athens
    late = services.hearing_schedule(
        actor=None,
        proceeding=justice.proceeding,
        court=justice.athens,
        starts_at=at(2026, 3, 10, 22).replace(minute=30),
    )
    clerk = _clerk_client(justice, settings)

    # When the clerk opens the week of 9 March of her court
    page = clerk.get("/justice/calendar/", {"court": str(justice.athens.pk), "view": "week", "day": "2026-03-09"})

    # Then both hearings are there, the late one on Wednesday at 00:30, the case named by its reference only
    assert page.status_code == 200
    body = page.content.decode()
    cells = re.findall(r'<td class="[^"]*">(.*?)</td>', body, flags=re.S)
    assert len(cells) == 7
    assert f"/justice/hearing/{justice.hearing.pk}/" in cells[0]  # Monday, noon in Athens
    assert ">12:00<" in cells[0]
    assert f"/justice/hearing/{late.pk}/" in cells[2]
    assert ">00:30<" in cells[2]
    assert case.reference in body
    assert "Maria" not in body
    assert "Popescu" not in body
    assert "Europe/Athens" in body
    # the weekend is marked in words, not only in colour
    assert "Weekend" in cells[5]
    assert "Weekend" in cells[6]


def test_the_month_marks_the_public_holiday_and_leaves_out_other_courts(
    justice: Justice, case: Case, settings: object
) -> None:
    page = _clerk_client(justice, settings).get(
        "/justice/calendar/", {"court": str(justice.athens.pk), "view": "month", "day": "2026-03-15"}
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert "Independence Day" in body  # 25 March, the holiday the test world has
    assert f"/justice/hearing/{justice.hearing.pk}/" in body
    assert f"/justice/hearing/{justice.other.pk}/" not in body  # in Piraeus, another court
    # whole weeks, Monday 23 February to Sunday 5 April
    assert 'datetime="2026-02-23"' in body
    assert 'datetime="2026-04-05"' in body
    assert 'rel="prev"' in body
    assert "day=2026-02-01" in body
    assert "day=2026-04-01" in body


def test_a_court_the_user_does_not_see_is_not_found(
    staff: dict[str, Client], justice: Justice, case: Case, world: World
) -> None:
    # The outsider (a caseworker of another NGO) sees no court's hearings; a foreign id is no way in.
    refused = staff["outsider"].get("/justice/calendar/", {"court": justice.athens.pk})
    assert refused.status_code == 404
    empty = staff["outsider"].get("/justice/calendar/")
    assert empty.status_code == 200
    assert case.reference not in empty.content.decode()
    assert staff["coordinator"].get("/justice/calendar/").status_code == 403


def test_the_calendar_is_right_to_left_in_arabic(justice: Justice, case: Case, settings: object) -> None:
    clerk = _clerk_client(justice, settings)
    page = clerk.get(
        "/justice/calendar/",
        {"court": str(justice.athens.pk), "day": "2026-03-09"},
        headers={"Accept-Language": "ar"},
    )
    body = page.content.decode()
    assert 'dir="rtl"' in body
    assert "الاثنين" in body  # Monday, in Arabic


# --- The day-off warning --------------------------------------------------------------------------------------------


def test_a_hearing_on_a_public_holiday_is_kept_only_once_the_warning_is_seen(
    staff: dict[str, Client], justice: Justice, case: Case
) -> None:
    form = {"court": justice.athens.pk, "starts_at": "2026-03-25T10:00", "mode": "in_person"}
    url = f"/justice/proceeding/{justice.proceeding.pk}/hearings/"
    count = Hearing.objects.count()

    warned = staff["prosecutor"].post(url, form)

    assert warned.status_code == 422
    body = warned.content.decode()
    assert "Wednesday 2026-03-25 is a public holiday in the court&#x27;s country: Independence Day." in body
    assert 'name="on_day_off"' in body
    assert 'value="2026-03-25T10:00"' in body  # what was typed stays
    assert Hearing.objects.count() == count

    kept = staff["prosecutor"].post(url, {**form, "on_day_off": "on"})
    assert kept.status_code == 302
    assert Hearing.objects.count() == count + 1
    hearing_page = staff["prosecutor"].get(kept["Location"]).content.decode()
    assert "Independence Day" in hearing_page  # the hearing's own page says so too


def test_a_weekend_follows_the_country_profile(staff: dict[str, Client], justice: Justice, case: Case) -> None:
    # Greece rests on Saturday and Sunday by default; a country whose weekend is Friday and Saturday is told so.
    url = f"/justice/proceeding/{justice.proceeding.pk}/hearings/"
    saturday = staff["prosecutor"].post(
        url, {"court": justice.athens.pk, "starts_at": "2026-03-14T10:00", "mode": "remote"}
    )
    assert saturday.status_code == 422
    assert "is a weekend day in the court&#x27;s country" in saturday.content.decode()

    CountryProfile.objects.create(country="GR", weekend=[5, 6])
    sunday = staff["prosecutor"].post(
        url, {"court": justice.athens.pk, "starts_at": "2026-03-15T10:00", "mode": "remote"}
    )
    assert sunday.status_code == 302
    assert selectors.court_day_off(justice.athens, at(2026, 3, 13, 10)) is not None  # Friday now


def test_the_holiday_is_reckoned_in_the_courts_time_zone(justice: Justice, case: Case) -> None:
    # 22:30 UTC on 24 March is already 25 March (the holiday) in Athens
    assert selectors.court_day_off(justice.athens, at(2026, 3, 24, 22).replace(minute=30)) is not None
    assert selectors.court_day_off(justice.athens, at(2026, 3, 24, 20)) is None


def test_postponing_to_a_holiday_warns_too(staff: dict[str, Client], justice: Justice, case: Case) -> None:
    url = f"/justice/hearing/{justice.hearing.pk}/postpone/"
    warned = staff["prosecutor"].post(url, {"reason": "illness", "new_starts_at": "2026-03-25T10:00"})
    assert warned.status_code == 422
    justice.hearing.refresh_from_db()
    assert justice.hearing.status == HearingStatus.SCHEDULED
    done = staff["prosecutor"].post(url, {"reason": "illness", "new_starts_at": "2026-03-25T10:00", "on_day_off": "on"})
    assert done.status_code == 302


# --- The postponement refusal, the list to reschedule, the filters --------------------------------------------------


def test_a_new_date_too_early_is_refused_in_the_courts_time(
    staff: dict[str, Client], justice: Justice, case: Case
) -> None:
    # The hearing is at 12:00 in Athens (10:00 UTC): the refusal names 12:00 and the zone, not 10:00 UTC.
    page = staff["prosecutor"].post(
        f"/justice/hearing/{justice.hearing.pk}/postpone/", {"reason": "illness", "new_starts_at": "2026-03-09T11:00"}
    )
    assert page.status_code == 422
    body = page.content.decode()
    assert "The date and time must be later than 2026-03-09 12:00 (Europe/Athens)." in body
    assert "UTC." not in body


def test_to_reschedule_lists_what_its_description_says(
    world: World, staff: dict[str, Client], justice: Justice, case: Case
) -> None:
    # Given a hearing postponed for an illness, and one postponed by a court suspension still in force (its end is
    # known but not reached)
    services.hearing_postpone(actor=None, hearing=justice.hearing, reason="illness")
    event = crisis.crisis_declare(
        actor=None, name="Flood", kind="disaster", country="GR", regions=["Attica"], starts_on=date(2026, 3, 2)
    )
    suspension = crisis.measure_add(
        actor=None, crisis=event, kind="court_suspension", starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 31)
    )
    Hearing.objects.filter(pk=justice.other.pk).update(
        status=HearingStatus.POSTPONED,
        postponement_reason="court_suspension",
        postponed_at=at(2026, 3, 2),
        postponed_by_measure=suspension,
    )
    listed = set(selectors.to_reschedule(world.prosecutor).values_list("pk", flat=True))
    # Then the first is listed, the second only once the suspension is over
    assert listed == {justice.hearing.pk}
    later = selectors.to_reschedule(world.prosecutor, today=date(2026, 4, 1)).values_list("pk", flat=True)
    assert set(later) == {justice.hearing.pk, justice.other.pk}
    page = staff["prosecutor"].get("/justice/to-reschedule/").content.decode()
    assert "postponed for a reason of their own" in page


def test_the_court_filter_reads_all_courts_and_the_days_share_one_table(
    staff: dict[str, Client], justice: Justice, case: Case
) -> None:
    body = staff["prosecutor"].get("/justice/").content.decode()
    assert '<option value="" selected>All courts</option>' in body
    assert body.count('<table class="hearings-table">') == 1  # columns line up from one day to the next
    assert body.count('class="day-row"') == 2


def test_a_clerk_sees_her_courts_calendar_even_before_any_hearing(world: World, settings: object) -> None:
    registry = organisation_create(
        actor=None,
        name="Patras Registry",
        type=OrganisationType.COURT,
        country="GR",
        region="Western Greece",
        languages=["el"],
    )
    clerk: User = user_create(actor=None, username="patras", organisation=registry, role=Role.JUSTICE, password=None)
    court = services.court_create(
        actor=None, name="Patras First Instance", country="GR", region="Western Greece", time_zone="Europe/Athens",
        registry=registry,
    )  # fmt: skip
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]
    client = Client()
    client.force_login(clerk)
    page = client.get("/justice/calendar/")
    assert page.status_code == 200
    assert "Patras First Instance" in page.content.decode()
    assert court in selectors.courts_of(clerk)


def test_hostile_calendar_addresses_get_this_week_or_not_found(justice: Justice, case: Case, settings: object) -> None:
    clerk = _clerk_client(justice, settings)
    court = str(justice.athens.pk)
    for query in (
        {"court": court, "view": "<script>alert(1)</script>", "day": "2026-03-09"},
        {"court": court, "day": "9999-12-31"},
        {"court": court, "day": "0001-01-01", "view": "month"},
        {"court": court, "day": '=HYPERLINK("x")'},
    ):
        page = clerk.get("/justice/calendar/", query)
        assert page.status_code == 200, query
        assert "<script>alert(1)</script>" not in page.content.decode()
    assert clerk.get("/justice/calendar/", {"court": "abc"}).status_code == 404
    assert clerk.get("/justice/calendar/", {"court": "99999"}).status_code == 404
    assert clerk.post("/justice/calendar/", {"court": court}).status_code == 405
