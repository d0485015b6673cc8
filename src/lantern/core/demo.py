"""Demo organisations and one user per persona, created through the real services. Safe to run twice."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from lantern.core import services
from lantern.core.models import Organisation, OrganisationType, User
from lantern.core.roles import Role

COUNTRY = "GR"

ORGANISATIONS = [
    # name, type, region, languages, lead agency
    (
        "National Anti-Trafficking Coordination Office",
        OrganisationType.MINISTRY,
        "Attica",
        ["el", "en"],
        True,
    ),
    ("Safe Passage NGO", OrganisationType.NGO, "Attica", ["el", "en", "ar", "ro"], False),
    ("Attica Police Anti-Trafficking Unit", OrganisationType.LAW_ENFORCEMENT, "Attica", ["el", "en"], False),
    ("Athens Legal Aid Clinic", OrganisationType.LEGAL_SERVICE, "Attica", ["el", "en", "fr"], False),
    ("Public Prosecutor's Office of Athens", OrganisationType.PROSECUTION, "Attica", ["el"], False),
    ("Registry of the Athens and Piraeus Courts", OrganisationType.COURT, "Attica", ["el", "en"], False),
    (
        "Thessaloniki Women's Shelter",
        OrganisationType.SHELTER,
        "Central Macedonia",
        ["el", "en", "ru", "uk"],
        False,
    ),
    (
        "National Helpline",
        OrganisationType.HOTLINE,
        "Attica",
        ["el", "en", "ar", "fr", "ru"],
        False,
    ),
    # The body that decides who is a victim (reasonable and conclusive grounds): not the NGO that assists her.
    (
        "National Identification Panel",
        OrganisationType.COMPETENT_AUTHORITY,
        "Attica",
        ["el", "en", "ro"],
        False,
    ),
]

# username, organisation, role: one person per role DESIGN.md describes (justice twice: a prosecutor and a clerk).
PERSONAS = [
    ("caseworker", "Safe Passage NGO", Role.CASEWORKER),
    ("supervisor", "Safe Passage NGO", Role.SUPERVISOR),
    ("orgadmin", "Safe Passage NGO", Role.ORG_ADMIN),
    ("police", "Attica Police Anti-Trafficking Unit", Role.FIRST_RESPONDER),
    ("provider", "Athens Legal Aid Clinic", Role.SERVICE_PROVIDER),
    ("prosecutor", "Public Prosecutor's Office of Athens", Role.JUSTICE),
    ("clerk", "Registry of the Athens and Piraeus Courts", Role.JUSTICE),
    ("coordinator", "National Anti-Trafficking Coordination Office", Role.NATIONAL_COORDINATOR),
    ("analyst", "National Anti-Trafficking Coordination Office", Role.ANALYST),
    ("auditor", "National Anti-Trafficking Coordination Office", Role.AUDITOR),
    ("sysadmin", "National Anti-Trafficking Coordination Office", Role.SYSADMIN),
    ("authority", "National Identification Panel", Role.AUTHORITY_MEMBER),
]


# The work contact a receiving organisation sees of whoever referred (never a victim's): a name and an address
# of a domain reserved for examples (RFC 2606), so that nothing is ever mailed to anyone.
WORK_CONTACTS = {
    "caseworker": ("Eleni", "Papadaki"),
    "supervisor": ("Nikos", "Georgiou"),
    "police": ("Dimitris", "Alexiou"),
}
# A member of the competent authority signs the decisions that the case page and the decision alerts lead to: she is
# named there by her full name. Without one her username shows, and "National Identification Panel (authority)"
# reads like a word left untranslated.
STAFF_NAMES = {**WORK_CONTACTS, "authority": ("Sofia", "Karali")}


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    organisation: str
    password: str


def _read_credentials(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    pairs = (line.split("\t", 1) for line in path.read_text().splitlines() if "\t" in line)
    return dict(pairs)


def load_demo(credentials_path: Path) -> list[DemoLogin]:
    """Create what is missing; passwords are generated once and kept in `credentials_path` (mode 0600)."""
    passwords = _read_credentials(credentials_path)
    logins = []
    with transaction.atomic():
        by_name = {}
        for name, org_type, region, languages, lead in ORGANISATIONS:
            organisation = Organisation.objects.filter(name=name).first()
            if organisation is None:
                organisation = services.organisation_create(
                    actor=None,
                    name=name,
                    type=org_type,
                    country=COUNTRY,
                    region=region,
                    languages=languages,
                    is_lead_agency=lead,
                )
            by_name[name] = organisation
        for username, org_name, role in PERSONAS:
            # Never the username in it: with a work e-mail of the same name, the similarity check would refuse it.
            password = passwords.get(username) or f"lantern-demo-{secrets.token_hex(6)}"
            user = User.objects.filter(username=username).first()
            if user is None:
                first_name, last_name = STAFF_NAMES.get(username, ("", ""))
                services.user_create(
                    actor=None,
                    username=username,
                    organisation=by_name[org_name],
                    role=role,
                    password=password,
                    email=f"{username}@demo.example" if username in WORK_CONTACTS else "",
                    first_name=first_name,
                    last_name=last_name,
                )
            elif username not in passwords:
                user.set_password(password)
                user.save(update_fields=["password"])
            passwords[username] = password
            logins.append(DemoLogin(username, str(role.label), org_name, password))
    credentials_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = credentials_path.with_suffix(".new")
    tmp.write_text("".join(f"{u}\t{p}\n" for u, p in passwords.items()))
    tmp.chmod(0o600)
    tmp.replace(credentials_path)
    return logins
