"""Demo survivors who can be told: the demo caseworker's live cases get safe contacts, consents and languages, and a
hearing in the Athens court, so that suspending the courts of Attica from the crisis page (as the coordinator)
sends each of them a message in their own language through the file channel (LANTERN_HOME/notifications), and
gives the caseworker a call to make for the one who did not consent to text messages.

- Ioana (Romanian): text messages, consented.
- Olena (Ukrainian): a messaging app, consented.
- Samira (Arabic): e-mail, consented: her message says the date and the court.
- Arben (Albanian, reads Italian): text messages, consented; there is no Albanian message, he gets the Italian one.
- Blessing (English): chose text messages but did not consent to them: no message, a call for the caseworker.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from lantern.cases import services as cases
from lantern.cases.models import Case
from lantern.core.models import User
from lantern.justice import selectors as justice_selectors
from lantern.justice import services as justice
from lantern.justice.models import Court, Hearing, Proceeding

SURVIVORS: dict[str, tuple[dict[str, Any], str | None]] = {
    # first name -> person changes, the contact consent (or None)
    "Ioana": ({"contact_route": "sms", "phone": "+40 721 000 111"}, "sms"),
    "Olena": ({"contact_route": "messaging", "messaging": "Signal +380 67 000 2222"}, "messaging"),
    "Samira": ({"contact_route": "email", "email": "samira.demo@example.org"}, "email"),
    "Arben": ({"contact_route": "sms", "phone": "+355 69 000 3333", "other_languages": ["it"]}, "sms"),
    "Blessing": ({"contact_route": "sms", "phone": "+234 80 000 4444"}, None),
}
COURT = "Athens Court of First Instance"


def load() -> None:
    caseworker = User.objects.filter(username="caseworker").first()
    prosecutor = User.objects.filter(username="prosecutor").first()
    court = Court.objects.filter(name=COURT).first()
    if caseworker is None or prosecutor is None or court is None:
        return
    live = {c.person.first_name: c for c in Case.objects.filter(assigned_to=caseworker).select_related("person")}
    prosecution = prosecutor.memberships.first()
    if prosecution is None:
        return
    today = timezone.localdate()
    for index, (name, (changes, consent)) in enumerate(SURVIVORS.items()):
        case = live.get(name)
        if case is None or case.consents.filter(purpose="contact").exists():
            continue  # not there, or loaded already
        cases.case_update(actor=caseworker, case=case, person=changes)
        if consent:
            cases.consent_give(actor=caseworker, case=case, purpose="contact", channel=consent)
        if Hearing.objects.filter(proceeding__case=case, court__region=court.region, status="scheduled").exists():
            continue
        if not justice.case_referred_to(case, prosecution.organisation):
            cases.consent_give(actor=caseworker, case=case, purpose="referral", recipient=prosecution.organisation)
        proceeding = Proceeding.objects.filter(case=case).first() or justice.proceeding_open(
            actor=prosecutor,
            case=case,
            organisation=prosecution.organisation,
            kind="trial",
            survivor_role="injured_party",
        )
        day = justice_selectors.court_sitting_day(court, today + timedelta(days=10 + 3 * index))
        local = datetime.combine(day, time(10, 0))
        justice.hearing_schedule(
            actor=prosecutor,
            proceeding=proceeding,
            court=court,
            starts_at=justice.local_to_utc(court, local),
            mode="remote" if name == "Olena" else "in_person",
        )
