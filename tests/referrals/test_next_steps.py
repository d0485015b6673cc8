"""The supervisor's next steps: on the home page, the cases missing part of the minimum package (the most urgent
first, each linked with its assignee and its next action), the referrals waiting for an answer and the calls to
make in the person's language; the number only to those who may read the case. The board costs the same with
many cases as with few."""

from __future__ import annotations

from datetime import date

from django.test import Client

from lantern.cases.models import Case
from lantern.cases.services import case_assign
from lantern.core.models import AuditEvent, OutboxEvent, User
from lantern.crisis import services as crisis
from lantern.notify.models import CaseworkerTask, Delivery
from lantern.referrals import selectors
from tests.conftest import World
from tests.lists import assert_flat, bulk_cases


def _pandemic(world: World) -> None:
    crisis.crisis_declare(
        actor=world.coordinator, name="Pandemic", kind="pandemic", country="GR", starts_on=date(2026, 1, 1)
    )


def test_the_package_list_puts_the_most_urgent_first_with_its_assignee_and_next_action(
    staff: dict[str, Client], case: Case, world: World
) -> None:
    _pandemic(world)
    older = bulk_cases(world.ngo_a, 1, identified_on=date(2026, 1, 5))[0]
    newer = bulk_cases(world.ngo_a, 1, identified_on=date(2026, 1, 20))[0]
    case_assign(actor=world.supervisor, case=newer, assignee=world.caseworker)
    cases, _due = selectors.package_missing_list(world.supervisor)
    ordered = list(cases)
    counts = [c.missing_count for c in ordered]  # type: ignore[attr-defined]
    assert counts == sorted(counts, reverse=True)
    same = [c.reference for c in ordered if c.missing_count == counts[0]]  # type: ignore[attr-defined]
    assert same.index(newer.reference) < same.index(older.reference)  # then the newest

    html = staff["supervisor"].get("/referrals/minimum-package/").content.decode()
    assert f'href="/cases/{newer.reference}/"' in html
    assert "caseworker" in html  # the assignee
    assert "Nobody" in html  # the others have none, in red
    assert f"/referrals/case/{newer.reference}/?service_type=" in html
    assert "Refer for " in html

    home = staff["supervisor"].get("/").content.decode()
    assert "Cases missing the minimum package" in home
    assert f'href="/cases/{newer.reference}/"' in home
    assert "Cases missing the minimum package" not in staff["outsider"].get("/").content.decode()


def test_the_coordinator_sees_the_list_without_links_to_cases_she_may_not_open(
    staff: dict[str, Client], case: Case, world: World
) -> None:
    _pandemic(world)
    html = staff["coordinator"].get("/referrals/minimum-package/").content.decode()
    assert case.reference in html
    assert f'href="/cases/{case.reference}/"' not in html
    assert "Ask the organisation's supervisor" in html


def test_the_board_costs_the_same_with_many_cases(staff: dict[str, Client], case: Case, world: World) -> None:
    _pandemic(world)
    bulk_cases(world.ngo_a, 2, identified_on=date(2026, 1, 5))
    assert_flat(
        lambda: staff["supervisor"].get("/"),
        lambda: bulk_cases(world.ngo_a, 40, identified_on=date(2026, 1, 5)),
        max_queries=32,
    )
    assert_flat(
        lambda: staff["supervisor"].get("/referrals/minimum-package/"),
        lambda: bulk_cases(world.ngo_a, 40, identified_on=date(2026, 1, 10)),
        max_queries=25,
    )


def _call(case: Case, user: User) -> CaseworkerTask:
    event = OutboxEvent.objects.create(kind="hearing.postponed", payload={"case_id": case.pk})
    delivery = Delivery.objects.create(
        event=event,
        kind=event.kind,
        case=case,
        recipient="survivor",
        channel="none",
        status="handed_to_caseworker",
        reason="phone_call",
    )
    return CaseworkerTask.objects.create(recipient=user, case=case, delivery=delivery, kind="call", language="ro")


def test_calls_to_make_show_the_number_to_the_caseworker_only_and_the_language_in_words(
    staff: dict[str, Client], case: Case, world: World
) -> None:
    case.person.phone = "+40 721 000 222"
    case.person.save(update_fields=["phone"])
    _call(case, world.caseworker)
    _call(case, world.org_admin)  # an administrator of the organisation: no access to the case's personal data

    inbox = staff["caseworker"].get("/notifications/inbox/").content.decode()
    assert "+40 721 000 222" in inbox
    assert 'href="tel:+40721000222"' in inbox
    assert "in Romanian" in inbox
    read = AuditEvent.objects.get(action="personal_data.read", actor_id=world.caseworker.pk)
    assert read.detail["cases"] == [case.reference]

    admin = staff["org_admin"].get("/notifications/inbox/").content.decode()
    assert "in Romanian" in admin
    assert "+40 721 000 222" not in admin
    assert not AuditEvent.objects.filter(action="personal_data.read", actor_id=world.org_admin.pk).exists()

    home = staff["caseworker"].get("/").content.decode()
    assert "Calls to make" in home
    assert "in Romanian" in home
    assert "+40 721 000 222" not in home  # the numbers are on the inbox page, where reading them is recorded
    arabic = staff["caseworker"].get("/notifications/inbox/", headers={"Accept-Language": "ar"}).content.decode()
    assert "الرومانية" in arabic


def test_two_messages_that_could_not_reach_the_person_make_one_call(
    staff: dict[str, Client], case: Case, world: World
) -> None:
    """Given a hearing postponed and then moved again, each message handed to the supervisor as a call,
    when she opens her home page and inbox, the person is one call there, and calling once closes both."""
    first = _call(case, world.supervisor)
    second = _call(case, world.supervisor)

    home = staff["supervisor"].get("/").content.decode()
    inbox = staff["supervisor"].get("/notifications/inbox/").content.decode()
    assert home.count(f'href="/cases/{case.reference}/"><code>') == 1
    assert inbox.count(f'href="/cases/{case.reference}/"><code>') == 1

    staff["supervisor"].post(f"/notifications/tasks/{second.pk}/done/")
    first.refresh_from_db()
    assert first.done_at is not None
    assert "No calls to make." in staff["supervisor"].get("/notifications/inbox/").content.decode()
