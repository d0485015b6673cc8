"""The realistic mix, run by Locust inside bench/load/.venv-locust (bench/load/run.py starts it); never imported
by Lantern. Every member of staff logs in as a real user does: the login form, then the current code of her
authenticator (RFC 6238, computed here from the secret run.py stored for her account). Pages are what people
use; the one write without a page of its own (changing a case's details) goes through the API with the
session and its CSRF token, as the staff UI's scripts do.

Environment: LOAD_ACCOUNTS (the JSON file run.py wrote), LOAD_STAFF, LOAD_PORTAL (how many of each)."""

from __future__ import annotations

import hmac
import itertools
import json
import os
import random
import re
import struct
import time
from hashlib import sha1
from typing import Any

from locust import HttpUser, between, task

ACCOUNTS: dict[str, Any] = json.loads(open(os.environ["LOAD_ACCOUNTS"]).read())  # noqa: SIM115
STAFF = int(os.environ.get("LOAD_STAFF", "50"))
PORTAL = int(os.environ.get("LOAD_PORTAL", "20"))
MIX: dict[str, float] = ACCOUNTS["mix"]
CASE_LINK = re.compile(r'href="/cases/(LT-[0-9A-Z]{4}-[0-9A-Z]{4})/"')
REFERRAL_LINK = re.compile(r'href="/referrals/([0-9a-f]{32})/"')
PORTAL_LANGUAGES = ["en", "ar", "uk", "ro", "el", "fr", "es", "ru"]


def totp(secret_hex: str, at: float | None = None) -> str:
    counter = int((at if at is not None else time.time()) // 30)
    digest = hmac.new(bytes.fromhex(secret_hex), struct.pack(">Q", counter), sha1).digest()
    offset = digest[-1] & 0x0F
    number = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{number:06d}"


def counts() -> dict[str, int]:
    """How many virtual users of each role: the mix applied to LOAD_STAFF, the rest to caseworkers."""
    shares = {role: int(STAFF * share) for role, share in MIX.items()}
    shares["caseworker"] += STAFF - sum(shares.values())
    return shares


COUNTS = counts()
_NEXT: dict[str, itertools.count[int]] = {role: itertools.count() for role in MIX}


class Staff(HttpUser):
    abstract = True
    role = ""
    wait_time = between(2, 6)

    def on_start(self) -> None:
        # A new connection per request, as the reverse proxy in front of gunicorn opens them in production.
        self.client.headers["Connection"] = "close"
        account = ACCOUNTS["accounts"][self.role][next(_NEXT[self.role])]
        self.client.get("/login/", name="login: form")
        self.client.post(
            "/login/",
            {"username": account["username"], "password": ACCOUNTS["password"], "csrfmiddlewaretoken": self.csrf()},
            name="login: password",
        )
        # The code of the current 30-second step; a code is accepted once per account, and each virtual user has
        # an account of her own.
        with self.client.post(
            "/login/verify/",
            {"token": totp(account["totp"]), "csrfmiddlewaretoken": self.csrf()},
            name="login: code",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or "/login/" in response.url:
                response.failure(f"not logged in: {response.status_code} at {response.url}")

    def csrf(self) -> str:
        return str(self.client.cookies.get("csrftoken", ""))

    def page(self, url: str, name: str) -> str:
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200 or "/login/" in (response.url or ""):
                response.failure(f"{response.status_code} {response.error or ''} at {response.url}")
            return str(response.text or "")


class Caseworker(Staff):
    role = "caseworker"
    fixed_count = COUNTS["caseworker"]
    references: list[str]

    def on_start(self) -> None:
        super().on_start()
        self.references = CASE_LINK.findall(self.page("/cases/", "cases: list"))

    @task(4)
    def list_cases(self) -> None:
        page = random.choice(["/cases/", "/cases/?page=2", "/cases/?soon_due=on", "/cases/?stage=identified"])
        found = CASE_LINK.findall(self.page(page, "cases: list"))
        if found:
            self.references = found

    @task(5)
    def open_case(self) -> None:
        if self.references:
            self.page(f"/cases/{random.choice(self.references)}/", "cases: open")

    @task(2)
    def write_note(self) -> None:
        if self.references:
            reference = random.choice(self.references)
            with self.client.post(
                f"/cases/{reference}/notes/",
                {"text": "Called; next appointment on Thursday.", "csrfmiddlewaretoken": self.csrf()},
                name="cases: write note",
                catch_response=True,
            ) as response:
                if response.status_code != 200 or f"/cases/{reference}/" not in response.url:
                    response.failure(f"{response.status_code} at {response.url}")

    @task(1)
    def update_case(self) -> None:
        if self.references:
            region = random.choice(["Attica", "Central Macedonia", "Crete", "Peloponnese"])
            self.client.patch(
                f"/api/v1/cases/{random.choice(self.references)}",
                json={"context": {"exploitation_country": "GR", "exploitation_region": region}},
                headers={"X-CSRFToken": self.csrf()},
                name="cases: update (API)",
            )


class Provider(Staff):
    role = "service_provider"
    fixed_count = COUNTS["service_provider"]

    @task(3)
    def inbox(self) -> None:
        self.page("/referrals/", "referrals: inbox")

    @task(1)
    def accept(self) -> None:
        # As a provider does: the pending referrals, one of them opened, then accepted from its own page.
        pending = REFERRAL_LINK.findall(self.page("/referrals/?status=pending", "referrals: inbox"))
        if pending:
            chosen = random.choice(pending)
            self.page(f"/referrals/{chosen}/", "referrals: open")
            self.client.post(
                f"/referrals/{chosen}/accept/",
                {"csrfmiddlewaretoken": self.csrf()},
                name="referrals: accept",
            )


class Supervisor(Staff):
    role = "supervisor"
    fixed_count = COUNTS["supervisor"]

    @task(2)
    def home(self) -> None:
        self.page("/", "supervisor: home")

    @task(3)
    def board(self) -> None:
        board = random.choice(["/cases/?overdue=on", "/cases/?unmet_needs=on", "/cases/?soon_due=on"])
        self.page(board, "supervisor: board")

    @task(1)
    def package(self) -> None:
        self.page("/referrals/minimum-package/", "supervisor: minimum package")


class Coordinator(Staff):
    role = "national_coordinator"
    fixed_count = COUNTS["national_coordinator"]
    wait_time = between(5, 15)

    @task(3)
    def dashboard(self) -> None:
        self.page("/insights/", "coordinator: dashboard")

    @task(1)
    def indicators(self) -> None:
        self.page("/insights/indicators/", "coordinator: indicators")


class PortalVisitor(HttpUser):
    fixed_count = PORTAL
    wait_time = between(3, 10)

    def on_start(self) -> None:
        self.client.headers["Connection"] = "close"
        self.language = random.choice(PORTAL_LANGUAGES)

    @task(3)
    def home(self) -> None:
        self.client.get(f"/help/{self.language}/", name="portal: home")

    @task(2)
    def services(self) -> None:
        self.client.get(f"/help/{self.language}/services/", name="portal: find help")

    @task(1)
    def safety(self) -> None:
        self.client.get(f"/help/{self.language}/safety/", name="portal: browsing safely")
