"""Demo shelters: one full, one with free beds offered for Attica (a women's room among its family and children's
rooms), and residents stranded because a border
closure blocks their return."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from lantern.cases import returns
from lantern.cases.models import Case, Stage
from lantern.core import services as core
from lantern.core.models import Organisation
from lantern.crisis import services as crisis
from lantern.crisis.selectors import active_crises
from lantern.providers.services import offering_save
from lantern.shelters import services
from lantern.shelters.models import Room, Stay


def load() -> None:
    if Room.objects.exists():
        return
    women = Organisation.objects.filter(name="Thessaloniki Women's Shelter").first()
    if women is None:
        return
    family = Organisation.objects.filter(name="Athens Family Shelter").first() or core.organisation_create(
        actor=None, name="Athens Family Shelter", type="Shelter", country="GR", region="Attica", languages=["el", "en"]
    )
    services.room_add(actor=None, shelter=women, name="Q1", wing="quarantine", restriction="women", beds=2)
    services.room_add(actor=None, shelter=women, name="Rose", wing="regular", restriction="women", beds=4)
    services.room_add(actor=None, shelter=women, name="Lily", wing="regular", restriction="women", beds=2)
    services.room_add(actor=None, shelter=family, name="Q", wing="quarantine", restriction="mixed", beds=2)
    services.room_add(actor=None, shelter=family, name="Family 1", wing="regular", restriction="families", beds=4)
    services.room_add(
        actor=None, shelter=family, name="Children", wing="regular", restriction="children", beds=4, accessible=True
    )
    services.room_add(actor=None, shelter=family, name="Q children", wing="quarantine", restriction="children", beds=2)
    # A family shelter with a women's room: adults are placed only in rooms for adults, so without it no adult
    # referred for safe accommodation in Attica would find a bed.
    services.room_add(actor=None, shelter=family, name="Women", wing="regular", restriction="women", beds=4)
    today = timezone.localdate()
    open_cases = Case.objects.exclude(stage=Stage.CLOSED).select_related("person").order_by("-identified_on")
    women_cases = list(open_cases.filter(person__gender="Feminine", is_minor=False)[:40])
    stays: list[Stay] = []
    for case in women_cases:
        if len(stays) == 6:  # all six regular beds of the women's shelter
            break
        try:
            stay = services.admit(actor=None, case=case, shelter=women)
            if stay.quarantine_until:
                services.move_to_regular(actor=None, stay=stay)
            stays.append(stay)
        except Exception:  # noqa: S112 - a demo case that does not fit the room is skipped
            continue
    busy = Stay.objects.filter(discharged_at=None).values("case_id")
    children = list(open_cases.filter(is_minor=True).exclude(pk__in=busy)[:10])
    # The demo's unaccompanied girl: in the children's room, her return planned after the best-interests determination.
    determined = open_cases.filter(is_minor=True, separation="unaccompanied", best_interests__kind="determination")
    girl = determined.exclude(pk__in=busy).first()
    if girl is not None:
        stay = services.admit(actor=None, case=girl, shelter=family)
        if stay.quarantine_until:
            services.move_to_regular(actor=None, stay=stay)
        services.repatriation_plan(
            actor=None,
            stay=stay,
            country="UA",
            planned_on=today + timedelta(days=10),
            risk_level="low",
            receiving_name="Children's service of the city where her aunt lives",
        )
    for case in [c for c in children if c.pk != getattr(girl, "pk", None)][:2]:
        stay = services.admit(actor=None, case=case, shelter=family)  # most of the family shelter stays free
        if stay.quarantine_until:
            services.move_to_regular(actor=None, stay=stay)
    # Its beds are what routing offers for safe accommodation in Attica (the offer's weekly places are not read).
    offering_save(
        actor=None,
        organisation=family,
        service_type="safe_accommodation",
        regions=["Attica"],
        languages=["el", "en"],
        delivery_modes=["in_person"],
        weekly_capacity=10,
    )
    # Three women who asked to go home (inside their recovery period, so at their own request), stranded by the
    # border closure below.
    for stay, country in zip(stays[:3], ["UA", "NG", "MD"], strict=False):
        services.repatriation_plan(
            actor=None,
            stay=stay,
            country=country,
            planned_on=today - timedelta(days=12),
            risk_level="medium",
            risk_reasons="The recruiter knows her home town; the receiving organisation meets her at the airport.",
            receiving_name="IOM mission in the country of return",
            own_request=True,
            own_request_text="I want to go home to my children as soon as I can travel.",
        )
    current = active_crises().first()
    if current is not None:
        crisis.measure_add(
            actor=None,
            crisis=current,
            kind="border_closure",
            starts_on=today - timedelta(days=15),
            note="Flights and land crossings suspended",
        )
        returns.returns_refresh()
