"""Demo preparedness: two assessments of Greece a year apart, the first before the demo crisis (submitted), the
second after it was declared (a draft, with what improved and what fell back), a plan of action with one action
overdue, and the roles matrix of the demo organisations in each phase, so that 'your role now' shows during the
demo crisis."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from lantern.core.models import Organisation, User
from lantern.preparedness import services
from lantern.preparedness.models import Assessment

NGO = "Safe Passage NGO"
SHELTER = "Thessaloniki Women's Shelter"
HOTLINE = "National Helpline"
POLICE = "Attica Police Anti-Trafficking Unit"
PROSECUTION = "Public Prosecutor's Office of Athens"
LEAD = "National Anti-Trafficking Coordination Office"

# item id -> (level a year ago, level now, owner): most rose, two fell back (staff left; a donor ended funding).
LEVELS = {
    "COO-1": (3, 4, LEAD),
    "COO-2": (1, 3, LEAD),
    "COO-3": (2, 3, LEAD),
    "COO-4": (2, 4, LEAD),
    "COO-5": (2, 3, NGO),
    "DAT-1": (2, 3, LEAD),
    "DAT-2": (1, 4, LEAD),
    "DAT-3": (1, 2, LEAD),
    "DAT-4": (1, 1, LEAD),
    "INF-1": (2, 4, HOTLINE),
    "INF-2": (3, 4, HOTLINE),
    "INF-3": (1, 3, PROSECUTION),
    "INF-4": (3, 2, NGO),
    "PRO-1": (1, 3, SHELTER),
    "PRO-2": (2, 3, SHELTER),
    "PRO-3": (2, 2, NGO),
    "HEA-1": (2, 2, LEAD),
    "HEA-2": (1, 2, LEAD),
    "HEA-3": (2, 3, NGO),
    "JUS-1": (1, 3, PROSECUTION),
    "JUS-2": (1, 2, PROSECUTION),
    "JUS-3": (2, 2, POLICE),
    "ONL-1": (1, 1, POLICE),
    "ONL-2": (1, 2, NGO),
    "TRA-1": (2, 3, NGO),
    "TRA-2": (2, 1, NGO),
    "BUD-1": (1, 2, LEAD),
    "BUD-2": (2, 3, LEAD),
    "LEG-1": (4, 4, LEAD),
    "LEG-2": (2, 3, LEAD),
    "TEC-1": (1, 2, SHELTER),
    "TEC-2": (2, 4, NGO),
    "RSK-1": (1, 2, LEAD),
    "RSK-2": (2, 2, LEAD),
    "RSK-3": (1, 2, LEAD),
}

ROLES = {
    LEAD: (
        "Keep the national plan and this roles matrix current; run the self-assessment every year.",
        "Declare the crisis in Lantern, convene the cross-sectoral group online within 48 hours, publish the "
        "message that victims may leave home to seek help.",
        "Review the response with every partner within 60 days and update the plan.",
        "SOP 1: the lead ministry convenes; each organisation names a contact reachable 24/7.",
    ),
    NGO: (
        "Train volunteers to spot trafficking and refer safely; keep phones and data bundles in stock.",
        "Offer the minimum service package to every open case within its deadline, remotely where needed.",
        "Call back every survivor whose services were interrupted.",
        "SOP 3: casework continues by phone and video; in-person visits only for emergencies, with protection.",
    ),
    SHELTER: (
        "Keep a quarantine wing ready and a plan to receive new referrals.",
        "Admit new residents through the quarantine wing; continue activities online.",
        "Reopen shared spaces and report blocked repatriations.",
        "SOP 4: quarantine protocol for new admissions, in the days the crisis sets.",
    ),
    HOTLINE: (
        "Publish the hotline in every language the portal offers.",
        "Answer 24/7, remotely if needed; route call-backs to the caseworkers on duty.",
        "Report call volumes by week to the coordinator.",
        "",
    ),
    POLICE: (
        "Keep the specialised unit staffed and trained on online recruitment.",
        "Keep identifying victims despite restrictions; mobile teams with protective equipment.",
        "",
        "",
    ),
    PROSECUTION: (
        "Agree which hearings can be remote and test the equipment.",
        "Move hearings of trafficking cases to remote or hybrid; tell survivors of every postponement.",
        "Reschedule postponed hearings first.",
        "",
    ),
}


def load() -> None:
    if Assessment.objects.exists():
        return
    coordinator = User.objects.filter(username="coordinator").first()
    orgs = {o.name: o for o in Organisation.objects.filter(name__in=[NGO, SHELTER, HOTLINE, POLICE, PROSECUTION, LEAD])}
    if coordinator is None or len(orgs) < 6:
        return
    for name, (before, declared, lifted, sop) in ROLES.items():
        for phase, duty in (("before", before), ("declared", declared), ("lifted", lifted)):
            if duty:
                services.role_set(
                    actor=coordinator,
                    organisation=orgs[name],
                    phase=phase,
                    duty=duty,
                    sop=sop if phase == "declared" else "",
                )
    today = timezone.localdate()
    partners = [orgs[NGO], orgs[SHELTER], orgs[HOTLINE]]
    earlier = services.assessment_open(
        actor=coordinator,
        title="Greece: national plan review",
        country="GR",
        assessed_on=today - timedelta(days=380),
        contributors=partners,
    )
    later = services.assessment_open(
        actor=coordinator,
        title="Greece: national plan review, a year on",
        country="GR",
        assessed_on=today - timedelta(days=15),
        contributors=partners,
    )
    for assessment, index in ((earlier, 0), (later, 1)):
        answers = {a.item_id: a for a in assessment.answers.all()}
        for item_id, levels in LEVELS.items():
            answer = answers.get(item_id)
            if answer is not None:
                services.item_update(actor=coordinator, answer=answer, level=levels[index], owner=orgs[levels[2]])
    services.item_update(
        actor=coordinator,
        answer=later.answers.get(item_id="INF-4"),
        comment="Two of the three mediators left; the contract was not renewed.",
    )
    services.item_update(
        actor=coordinator,
        answer=later.answers.get(item_id="DAT-1"),
        lantern_decision="overridden",
        level=3,
        override_reason="New cases are split by disability, but most other indicators only by sex and age.",
    )
    services.assessment_submit(actor=coordinator, assessment=earlier)
    for item_id, title, owner, days in (
        ("ONL-1", "Sign a cooperation protocol with platforms, card companies and banks", POLICE, 120),
        ("BUD-1", "Set aside a crisis budget line for protection and e-justice", LEAD, 90),
        ("PRO-1", "Quarantine wing plan in every shelter", SHELTER, -5),
        ("TRA-2", "Stress management sessions for frontline staff", NGO, 45),
    ):
        services.action_create(
            actor=coordinator,
            assessment=later,
            item_id=item_id,
            title=title,
            owner=orgs[owner],
            due_on=today + timedelta(days=days),
        )
    for name in (NGO, SHELTER):
        role = services.role_set(
            actor=coordinator, organisation=orgs[name], phase="declared", duty=ROLES[name][1], sop=ROLES[name][3]
        )
        supervisor = orgs[name].memberships.filter(role__in=["supervisor", "org_admin"]).select_related("user").first()
        if supervisor is not None:
            services.role_acknowledge(actor=supervisor.user, role=role)
