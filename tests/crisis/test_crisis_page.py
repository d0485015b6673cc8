"""The coordinator's crisis page with two crises in force: one "Add a measure" form per crisis with its own ids,
a typo in one shows its error on that crisis alone and nothing typed in the other, and "End this crisis" stands
apart and asks for confirmation (without JavaScript)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client

from lantern.crisis import services as crisis
from lantern.crisis.models import CrisisEvent, Measure
from tests.conftest import World


@pytest.fixture
def two_crises(world: World) -> tuple[CrisisEvent, CrisisEvent]:
    floods = crisis.crisis_declare(
        actor=None, name="Floods", kind="disaster", country="GR", regions=["Thessaly"], starts_on=date(2026, 1, 1)
    )
    epidemic = crisis.crisis_declare(
        actor=None, name="Epidemic", kind="pandemic", country="GR", starts_on=date(2026, 1, 10)
    )
    return floods, epidemic


def _section(html: str, crisis_id: int) -> str:
    start = html.index(f'<section class="crisis" id="crisis-{crisis_id}"')
    return html[start : html.index("</section>", start)]


def test_each_crisis_has_its_own_form_and_ids(staff: dict[str, Client], two_crises: tuple) -> None:
    floods, epidemic = two_crises
    html = staff["coordinator"].get("/crisis/").content.decode()
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert f'id="id_crisis-{floods.pk}-kind"' in _section(html, floods.pk)
    assert f'id="id_crisis-{epidemic.pk}-kind"' in _section(html, epidemic.pk)
    assert f'for="id_crisis-{epidemic.pk}-starts_on"' in _section(html, epidemic.pk)


def test_a_typo_in_one_crisis_stays_on_that_crisis(staff: dict[str, Client], two_crises: tuple) -> None:
    floods, epidemic = two_crises
    response = staff["coordinator"].post(
        f"/crisis/{floods.pk}/measures/",
        {
            f"crisis-{floods.pk}-kind": "curfew",
            f"crisis-{floods.pk}-regions": "Crete",
            f"crisis-{floods.pk}-starts_on": "2026-01-05",
            f"crisis-{floods.pk}-note": "From 9 pm <script>",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    typed, other = _section(html, floods.pk), _section(html, epidemic.pk)
    assert "Not in the crisis area: Crete." in typed
    assert "<details open>" in typed
    assert 'value="From 9 pm &lt;script&gt;"' in typed
    assert "Not in the crisis area" not in other
    assert "From 9 pm" not in other
    assert 'value="Crete"' not in other
    assert "<details open>" not in other
    assert not Measure.objects.exists()


def test_a_measure_goes_to_the_crisis_whose_form_was_used(staff: dict[str, Client], two_crises: tuple) -> None:
    _floods, epidemic = two_crises
    response = staff["coordinator"].post(
        f"/crisis/{epidemic.pk}/measures/",
        {f"crisis-{epidemic.pk}-kind": "lockdown", f"crisis-{epidemic.pk}-starts_on": "2026-01-12"},
    )
    assert response.status_code == 302
    assert Measure.objects.get().crisis == epidemic


def test_ending_a_crisis_asks_first(staff: dict[str, Client], two_crises: tuple) -> None:
    floods, epidemic = two_crises
    html = staff["coordinator"].get("/crisis/").content.decode()
    section = _section(html, floods.pk)
    add_form = section.index(f'action="/crisis/{floods.pk}/measures/"')
    end_form = section.index(f'action="/crisis/{floods.pk}/end/"')
    assert section.index('class="danger-zone"') > add_form  # apart from "Add", after the measure form
    assert section.index("</form>", add_form) < end_form
    asked = staff["coordinator"].post(f"/crisis/{floods.pk}/end/")
    assert asked.status_code == 200
    assert "End the crisis Floods?" in asked.content.decode()
    floods.refresh_from_db()
    assert floods.ends_on is None
    back = re.search(r'<a class="button" href="([^"]+)">', asked.content.decode())
    assert back is not None
    assert back.group(1) == "/crisis/"
    done = staff["coordinator"].post(f"/crisis/{floods.pk}/end/", {"confirmed": "yes"})
    assert done.status_code == 302
    floods.refresh_from_db()
    assert floods.ends_on is not None
    epidemic.refresh_from_db()
    assert epidemic.ends_on is None


def test_only_the_coordinator_sees_and_ends(staff: dict[str, Client], two_crises: tuple) -> None:
    floods, _epidemic = two_crises
    html = staff["caseworker"].get("/crisis/").content.decode()
    assert "End this crisis" not in html
    assert "/measures/" not in html
    assert staff["caseworker"].post(f"/crisis/{floods.pk}/end/").status_code == 403
    assert staff["caseworker"].post(f"/crisis/{floods.pk}/end/", {"confirmed": "yes"}).status_code == 403
    floods.refresh_from_db()
    assert floods.ends_on is None
