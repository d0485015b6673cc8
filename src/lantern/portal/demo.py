"""Demo portal: public hotlines and services, crisis messages in several languages (one new message written in
only five, and an English text edited after most of its translations, so the fallback and the translation-status
view have something to show), a hotline worker and two call-back requests in her inbox."""

# ruff: noqa: RUF001 (Greek and French texts on purpose)
from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings

from lantern.core import services as core
from lantern.core.models import Organisation, User
from lantern.portal import services
from lantern.portal.models import CrisisMessage, Intake
from lantern.providers.models import Offering
from lantern.providers.services import offering_save

# organisation, service type -> what its provider publishes on the portal
PUBLIC = {
    ("Red Cross Health Unit Attica", "medical"): ("Health line +30 210 555 0100", "Mon-Sat 8:00-20:00"),
    ("Red Cross Health Unit Attica", "covid_test_vaccination"): ("+30 210 555 0100", "Mon-Fri 9:00-15:00"),
    ("Safe Passage NGO", "food_package"): ("+30 210 555 0142 (SMS or call)", "Tue and Thu"),
    ("Safe Passage NGO", "interpretation"): ("+30 210 555 0142", ""),
    ("Crete Women's Centre", "psychological"): ("+30 2810 555 077", ""),
}

CURFEW = {
    "en": (
        "Pharmacies and clinics stay open during the curfew",
        "Show this page if the police or officials stop you on your way.",
    ),
    "el": (
        "Φαρμακεία και ιατρεία μένουν ανοιχτά κατά την απαγόρευση",
        "Δείξτε αυτή τη σελίδα αν σας σταματήσει η αστυνομία ή άλλη αρχή.",
    ),
    "ar": (
        "تبقى الصيدليات والعيادات مفتوحة أثناء حظر التجول",
        "أظهر هذه الصفحة إذا أوقفتك الشرطة أو أحد الموظفين الرسميين في طريقك.",
    ),
    "fr": (
        "Pharmacies et cliniques restent ouvertes pendant le couvre-feu",
        "Montrez cette page en cas de contrôle par la police ou d’autres représentants des autorités.",
    ),
    "ro": (
        "Farmaciile și clinicile rămân deschise",
        "Arătați această pagină dacă vă oprește poliția sau un alt reprezentant al autorităților pe drum.",
    ),
}

LEAVE_HOME_EN = (
    "Lockdown and curfew rules allow you to leave home to get help, to see a doctor, or to get away from violence "
    "or exploitation. If the police or officials stop you, you can say you are going to get help. You do not have "
    "to say more. You need no permit to call a hotline."
)


def _credentials() -> Path:
    return Path(settings.LANTERN_HOME) / "demo-credentials.txt"


def _hotline_worker(hotline: Organisation) -> None:
    """A member of the hotline's staff, whose password is kept with the other demo logins."""
    if User.objects.filter(username="hotline").exists():
        return
    path = _credentials()
    lines = path.read_text().splitlines() if path.exists() else []
    known = dict(line.split("\t", 1) for line in lines if "\t" in line)
    password = known.get("hotline") or f"demo-hotline-{secrets.token_hex(4)}"
    core.user_create(actor=None, username="hotline", organisation=hotline, role="first_responder", password=password)
    if "hotline" not in known:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a") as handle:
            handle.write(f"hotline\t{password}\n")
        path.chmod(0o600)


def load() -> None:
    hotline = Organisation.objects.filter(name="National Helpline").first()
    if hotline is None or CrisisMessage.objects.filter(key="curfew_pharmacies").exists():
        return
    services.standard_messages_install()
    for (name, service_type), (contact, hours) in PUBLIC.items():
        offering = Offering.objects.filter(organisation__name=name, service_type=service_type).first()
        if offering is not None:
            offering_save(
                actor=None,
                organisation=offering.organisation,
                offering=offering,
                public_contact=contact,
                hours=hours,
                is_public=True,
            )
    hotline_offer = Offering.objects.filter(organisation=hotline).first()
    if hotline_offer is not None:
        offering_save(actor=None, organisation=hotline, offering=hotline_offer, hours="24 hours, every day")

    # A message written in five languages only: every other language shows it in English, and says so.
    title, body = CURFEW["en"]
    message = services.message_create(actor=None, key="curfew_pharmacies", title=title, body=body, shown_while="curfew")
    for language, (title, body) in CURFEW.items():
        if language != "en":
            services.message_text_save(actor=None, message=message, language=language, title=title, body=body)
    # The English of a standard message edited after its translations: only Greek and Arabic were brought up to
    # date (by saving them again); the status view shows every other language lagging.
    leave_home = CrisisMessage.objects.get(key="leave_home")
    texts = {t.language: t for t in leave_home.texts.all()}
    services.message_text_save(
        actor=None, message=leave_home, language="en", title=texts["en"].title, body=LEAVE_HOME_EN
    )
    for language in ("el", "ar"):
        services.message_text_save(
            actor=None, message=leave_home, language=language, title=texts[language].title, body=texts[language].body
        )

    _hotline_worker(hotline)
    if not Intake.objects.exists():
        for language, channel, contact, times in (
            ("ro", "messaging", "WhatsApp +40 721 000 222", "After 22:00, when the others sleep"),
            ("ar", "phone", "+30 694 000 3311", "Weekdays 10-12"),
        ):
            services.callback_request(
                request=services.CallbackRequest(
                    organisation=hotline, language=language, channel=channel, contact=contact, safe_times=times
                ),
                token=services.form_token_new(),
                address="demo",
            )
