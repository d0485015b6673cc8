"""Demo providers, crises and referrals: offers in different states (open, reduced by staff absence, remote only,
suspended), the COVID-19 pandemic with its measures as history, a crisis in force today, and referrals of the live
demo cases in every status."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from lantern.cases import residence
from lantern.cases import services as cases
from lantern.cases.models import Case
from lantern.core import services as core
from lantern.core.models import Organisation, User
from lantern.crisis import services as crisis
from lantern.crisis.models import CrisisEvent
from lantern.providers.services import offering_save, status_set
from lantern.referrals import services
from lantern.referrals.models import Referral

OFFERS = [
    # organisation, service, regions, languages, modes, weekly capacity, public contact
    ("Athens Legal Aid Clinic", "legal_counselling", ["Attica"], ["el", "en", "fr"], ["in_person", "remote"], 10, ""),
    ("Athens Legal Aid Clinic", "legal_aid", ["Attica", "Peloponnese"], ["el", "en"], ["in_person"], 4, ""),
    (
        "Thessaloniki Women's Shelter",
        "safe_accommodation",
        ["Central Macedonia", "*"],
        ["el", "en", "ru", "uk"],
        ["in_person"],
        6,
        "",
    ),
    (
        "Thessaloniki Women's Shelter",
        "quarantine_accommodation",
        ["Central Macedonia"],
        ["el", "en"],
        ["in_person"],
        2,
        "",
    ),
    (
        "National Helpline",
        "remote_psychosocial",
        ["*"],
        ["el", "en", "ar", "fr", "ru"],
        ["remote"],
        50,
        "1109 (free, 24 hours)",
    ),
    ("Safe Passage NGO", "interpretation", ["Attica"], ["ro", "ar", "uk", "ru", "en"], ["in_person", "remote"], 20, ""),
    ("Safe Passage NGO", "cultural_mediation", ["Attica"], ["ro", "ar", "sq"], ["in_person", "outreach"], 10, ""),
    ("Safe Passage NGO", "food_package", ["Attica"], ["el", "en"], ["outreach"], 40, ""),
    ("Safe Passage NGO", "emergency_cash", ["Attica"], ["el", "en"], ["in_person"], 15, ""),
    ("Red Cross Health Unit Attica", "medical", ["Attica"], ["el", "en"], ["in_person"], 25, ""),
    (
        "Red Cross Health Unit Attica",
        "covid_test_vaccination",
        ["Attica"],
        ["el", "en"],
        ["in_person", "outreach"],
        60,
        "",
    ),
    ("Red Cross Health Unit Attica", "protective_equipment", ["*"], ["el"], ["outreach"], 100, ""),
    ("Crete Women's Centre", "psychological", ["Crete"], ["el", "en"], ["in_person"], 8, ""),
]


def load() -> None:
    if Referral.objects.exists() or CrisisEvent.objects.exists():
        return
    for name, org_type in (
        ("Red Cross Health Unit Attica", "HealthServiceOrganisation"),
        ("Crete Women's Centre", "NGO"),
    ):
        if not Organisation.objects.filter(name=name).exists():
            core.organisation_create(
                actor=None,
                name=name,
                type=org_type,
                country="GR",
                region="Attica" if "Attica" in name else "Crete",
                languages=["el", "en"],
            )
    orgs = {o.name: o for o in Organisation.objects.all()}
    for name, service, regions, languages, modes, capacity, contact in OFFERS:
        offering_save(
            actor=None,
            organisation=orgs[name],
            service_type=service,
            regions=regions,
            languages=languages,
            delivery_modes=modes,
            weekly_capacity=capacity,
            public_contact=contact,
            is_public=bool(contact),
            interpreter_available=name == "Safe Passage NGO",
        )
    status_set(
        actor=None,
        organisation=orgs["Red Cross Health Unit Attica"],
        status="reduced",
        staff_absence_percent=30,
        reason="Staff off sick",
    )
    status_set(actor=None, organisation=orgs["National Helpline"], status="remote_only", reason="Lockdown")
    status_set(actor=None, organisation=orgs["Crete Women's Centre"], status="suspended", reason="Funding ended")

    covid = crisis.crisis_declare(
        actor=None, name="COVID-19 pandemic", kind="pandemic", country="GR", starts_on=date(2020, 3, 10)
    )
    for kind, start, end in (
        ("court_suspension", date(2020, 3, 13), date(2020, 5, 31)),
        ("border_closure", date(2020, 3, 20), date(2021, 5, 14)),
        ("lockdown", date(2020, 3, 23), date(2020, 5, 4)),
        ("lockdown", date(2020, 11, 7), date(2021, 5, 14)),
        ("curfew", date(2020, 10, 24), date(2021, 7, 1)),
    ):
        crisis.measure_add(actor=None, crisis=covid, kind=kind, starts_on=start, ends_on=end)
    crisis.crisis_end(actor=None, crisis=covid, ends_on=date(2022, 5, 1))

    today = timezone.localdate()
    wave = crisis.crisis_declare(
        actor=None,
        name="Respiratory epidemic (demo)",
        kind="pandemic",
        country="GR",
        starts_on=today - timedelta(days=20),
        quarantine_days=7,
    )
    crisis.measure_add(
        actor=None, crisis=wave, kind="lockdown", regions=["Attica"], starts_on=today - timedelta(days=18)
    )
    crisis.measure_add(
        actor=None, crisis=wave, kind="shelter_intake_freeze", regions=["Crete"], starts_on=today - timedelta(days=10)
    )
    # The offices that renew residence permits are closed: the permits of foreign victims that run out within twice
    # the usual notice are alerted now, saying what to do (lantern.cases.residence).
    crisis.measure_add(actor=None, crisis=wave, kind="permit_offices_closed", starts_on=today - timedelta(days=5))
    residence.permits_alert_expiry()

    caseworker = User.objects.filter(username="caseworker").first()
    if caseworker is None:
        return
    live = list(Case.objects.filter(assigned_to=caseworker).order_by("identified_on"))
    plan = [
        ("legal_counselling", "Athens Legal Aid Clinic", "pending"),
        ("psychological", "Crete Women's Centre", "expired"),
        ("remote_psychosocial", "National Helpline", "accepted"),
        ("medical", "Red Cross Health Unit Attica", "in_progress"),
        ("safe_accommodation", "Thessaloniki Women's Shelter", "completed"),
        ("legal_aid", "Athens Legal Aid Clinic", "declined"),
        ("remote_psychosocial", "National Helpline", "cancelled"),
    ]
    for index, (service, org_name, outcome) in enumerate(plan):
        if outcome is None or not live:
            continue
        case = live[index % len(live)]
        recipient = orgs[org_name]
        if recipient.pk == case.organisation_id:
            continue
        if not case.consents.filter(purpose="referral", recipient=recipient, withdrawn_at__isnull=True).exists():
            cases.consent_give(actor=caseworker, case=case, purpose="referral", recipient=recipient)
        referral = services.referral_create(
            actor=caseworker,
            case=case,
            recipient=recipient,
            service_type=service,
            urgency="urgent" if index % 2 else "routine",
            idempotency_key=f"demo-{index}",
        )
        responder = User.objects.filter(memberships__organisation=recipient, is_active=True).first()
        if responder is None:
            responder = core.user_create(
                actor=None,
                username=f"staff-{recipient.pk}",
                organisation=recipient,
                role="service_provider",
                password=None,
            )
        if outcome in ("accepted", "in_progress", "completed"):
            services.referral_accept(actor=responder, referral=referral)
        if outcome in ("in_progress", "completed"):
            services.referral_start(actor=responder, referral=referral)
        if outcome == "completed":
            services.referral_complete(
                actor=responder, referral=referral, delivery_mode="in_person", outcome="delivered"
            )
        if outcome == "declined":
            services.referral_decline(
                actor=responder, referral=referral, reason_code="no_capacity", reason="No lawyer free this month"
            )
        if outcome == "cancelled":
            services.referral_cancel(actor=caseworker, referral=referral)
        if outcome == "expired":
            # Sent two weeks ago to a centre that has since closed, and never answered.
            sent_at = timezone.now() - timedelta(days=14)
            Referral.objects.filter(pk=referral.pk).update(created_at=sent_at, respond_by=sent_at + timedelta(days=3))
            services.referrals_escalate()
