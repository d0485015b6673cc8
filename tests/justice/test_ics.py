"""Calendar feeds: RFC 5545 as calendar applications read it (parsed back here), references only and never a
name, a secret address stored hashed, audited, revocable, and following its owner's permissions."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from lantern.cases.models import Case
from lantern.core.models import AuditEvent, Membership
from lantern.justice import ics, services
from lantern.justice.models import CalendarFeed, Hearing
from lantern.justice.selectors import feed_hearings
from tests.conftest import World
from tests.justice.helpers import Justice, at

pytestmark = pytest.mark.django_db

CONTENT_LINE = re.compile(r"^(?P<name>[A-Z][A-Z0-9-]*)(?P<params>(;[A-Z0-9-]+=[^:;]*)*):(?P<value>.*)$")


def parse(text: str) -> list[dict[str, list[str]]]:
    """A strict reader of what a feed holds: CRLF only, lines of at most 75 octets, unfolded; BEGIN and END nested
    properly; every event's properties by name (values unescaped)."""
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")  # no bare line feed
    raw = text.split("\r\n")[:-1]
    for line in raw:
        assert len(line.encode("utf-8")) <= ics.LINE_OCTETS, line
    unfolded: list[str] = []
    for line in raw:
        if line.startswith(" "):
            unfolded[-1] += line[1:]
        else:
            unfolded.append(line)
    stack: list[str] = []
    events: list[dict[str, list[str]]] = []
    for line in unfolded:
        match = CONTENT_LINE.match(line)
        assert match, line
        name, value = match["name"], match["value"]
        if name == "BEGIN":
            stack.append(value)
            if value == "VEVENT":
                events.append({})
        elif name == "END":
            assert stack.pop() == value
        elif stack and stack[-1] == "VEVENT":
            events[-1].setdefault(name, []).append(unescape(value))
    assert stack == []
    assert unfolded[0] == "BEGIN:VCALENDAR"
    assert "VERSION:2.0" in unfolded
    assert unfolded[-1] == "END:VCALENDAR"
    return events


def unescape(value: str) -> str:
    assert not re.search(r"(?<!\\)(\\\\)*[;,]", value.replace("\\;", "").replace("\\,", "")), value
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


# --- The format ----------------------------------------------------------------------------------------------------


def test_text_is_escaped_and_long_lines_are_folded_between_characters() -> None:
    hostile = 'Court; of "Appeal", \\ Room 3\nsecond line =HYPERLINK("x") ' + "Ευρώπη" * 30
    event = ics.Event(
        uid="hearing-1@example.org",
        stamp=at(2026, 3, 2),
        starts_at=datetime(2026, 3, 9, 10, 0, tzinfo=UTC),
        summary="LT-7Q4K-9MZD · Trial",
        location=hostile,
        description="Mode: Remote.\nStatus: Scheduled.",
        cancelled=False,
    )
    text = ics.calendar(name="Hearings, Athens; First Instance", time_zone="Europe/Athens", events=[event])
    [parsed] = parse(text)
    assert parsed["LOCATION"] == [hostile]
    assert parsed["DTSTART"] == ["20260309T100000Z"]
    assert parsed["DURATION"] == ["PT1H"]
    assert parsed["DESCRIPTION"] == ["Mode: Remote.\nStatus: Scheduled."]
    assert "X-WR-CALNAME:Hearings\\, Athens\\; First Instance\r\n" in text
    # folded lines never split a Greek letter (two octets each)
    text.encode("utf-8").decode("utf-8")


def test_control_characters_are_dropped() -> None:
    assert ics.escape_text("a\x00b\x1bc\td") == "abc\td"


# --- The feed of a court ------------------------------------------------------------------------------------------


def test_a_clerks_court_feed_has_references_and_no_personal_data(justice: Justice, case: Case) -> None:
    # Given the clerk subscribes to her court's calendar
    feed, token = services.calendar_feed_create(actor=justice.clerk, court=justice.athens)

    # Then only the hash of the secret is stored, and the creation is audited without it
    assert feed.token_hash == services.feed_token_hash(token)
    assert token not in feed.token_hash
    event = AuditEvent.objects.get(action="justice.calendar_feed_create")
    assert token not in str(event.detail)
    assert event.object_id == str(feed.pk)

    # When a calendar application fetches the address, without any session
    response = Client().get(f"/justice/calendar/feed/{token}.ics")

    # Then it gets the court's hearings, named by reference, with no name, birth date or contact
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode()
    events = parse(text)
    assert [e["UID"][0].split("@")[0] for e in events] == [f"hearing-{justice.hearing.pk}"]  # Athens only
    assert case.reference in events[0]["SUMMARY"][0]
    assert "Trial" in events[0]["SUMMARY"][0]
    assert events[0]["LOCATION"] == ["Athens First Instance"]
    assert events[0]["DTSTART"] == ["20260309T100000Z"]
    for secret in ("Maria", "Popescu", "1990", "+40"):
        assert secret not in text
    assert "set-cookie" not in {h.lower() for h in response.headers}


def test_postponed_and_cancelled_hearings_are_cancelled_events(justice: Justice, case: Case) -> None:
    services.hearing_postpone(actor=None, hearing=justice.hearing, reason="illness", new_starts_at=at(2026, 3, 20, 9))
    _feed, token = services.calendar_feed_create(actor=justice.clerk, court=justice.athens)
    events = parse(Client().get(f"/justice/calendar/feed/{token}.ics").content.decode())
    by_start = {e["DTSTART"][0]: e for e in events}
    assert by_start["20260309T100000Z"]["STATUS"] == ["CANCELLED"]
    assert "New date: 2026-03-20 11:00 (Europe/Athens)." in by_start["20260309T100000Z"]["DESCRIPTION"][0]
    assert by_start["20260320T090000Z"]["STATUS"] == ["CONFIRMED"]


def test_a_prosecutors_feed_covers_her_proceedings_in_every_court(world: World, justice: Justice, case: Case) -> None:
    _feed, token = services.calendar_feed_create(actor=world.prosecutor)
    events = parse(Client().get(f"/justice/calendar/feed/{token}.ics").content.decode())
    assert {e["LOCATION"][0] for e in events} == {"Athens First Instance", "Piraeus First Instance"}


# --- Who may have one, and how it ends ------------------------------------------------------------------------------


def test_nobody_subscribes_to_a_court_of_another_registry(world: World, justice: Justice, case: Case) -> None:
    for persona in ("prosecutor", "caseworker", "outsider", "coordinator"):
        with pytest.raises(PermissionDenied):
            services.calendar_feed_create(actor=world.users[persona], court=justice.athens)
    with pytest.raises(PermissionDenied):
        services.calendar_feed_create(actor=justice.clerk)  # a clerk is no prosecutor
    assert not CalendarFeed.objects.exists()


def test_the_subscription_page_shows_the_address_once(
    staff: dict[str, Client], justice: Justice, case: Case, settings: object
) -> None:
    settings.LANTERN_REQUIRE_2FA = False  # type: ignore[attr-defined]
    clerk = Client()
    clerk.force_login(justice.clerk)
    created = clerk.post("/justice/calendar/feeds/", {"court": justice.athens.pk})
    assert created.status_code == 200
    url = re.search(
        r'value="(http://testserver/justice/calendar/feed/[A-Za-z0-9_-]{43}\.ics)"', created.content.decode()
    )
    assert url is not None
    assert "no-store" in created["Cache-Control"]
    again = clerk.get("/justice/calendar/feeds/").content.decode()
    assert url[1] not in again
    assert "Athens First Instance" in again
    # another court's id, typed into the form, is refused
    assert clerk.post("/justice/calendar/feeds/", {"court": justice.piraeus.pk}).status_code == 422
    # someone without justice rights has no such page
    assert staff["caseworker"].get("/justice/calendar/feeds/").status_code == 403
    # a POST without the CSRF token is refused
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(justice.clerk)
    assert strict.post("/justice/calendar/feeds/", {"court": justice.athens.pk}).status_code == 403


def test_a_revoked_feed_and_a_guessed_one_are_not_found(world: World, justice: Justice, case: Case) -> None:
    feed, token = services.calendar_feed_create(actor=justice.clerk, court=justice.athens)
    with pytest.raises(PermissionDenied):
        services.calendar_feed_revoke(actor=world.prosecutor, feed=feed)
    services.calendar_feed_revoke(actor=justice.clerk, feed=feed)
    assert Client().get(f"/justice/calendar/feed/{token}.ics").status_code == 404
    assert AuditEvent.objects.filter(action="justice.calendar_feed_revoke", object_id=str(feed.pk)).exists()
    assert Client().get("/justice/calendar/feed/" + "A" * 43 + ".ics").status_code == 404
    assert Client().get("/justice/calendar/feed/short.ics").status_code == 404


def test_a_clerk_who_leaves_the_registry_takes_the_feeds_hearings_with_her(justice: Justice, case: Case) -> None:
    _feed, token = services.calendar_feed_create(actor=justice.clerk, court=justice.athens)
    Membership.objects.filter(user=justice.clerk).delete()
    events = parse(Client().get(f"/justice/calendar/feed/{token}.ics").content.decode())
    assert events == []
    justice.clerk.is_active = False
    justice.clerk.save(update_fields=["is_active"])
    assert Client().get(f"/justice/calendar/feed/{token}.ics").status_code == 404


def test_the_feed_reaches_back_ninety_days_only(justice: Justice, case: Case) -> None:
    Hearing.objects.filter(pk=justice.hearing.pk).update(starts_at=at(2026, 3, 2) - timedelta(days=91))
    feed, _token = services.calendar_feed_create(actor=justice.clerk, court=justice.athens)
    assert list(feed_hearings(feed)) == []
