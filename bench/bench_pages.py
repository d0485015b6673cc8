"""SQL queries and processor time per render of the pages over the load target (issue #18), in one process.

The soak's p95 was over 300 ms on opening a case, writing a note (the case page after it), the provider's inbox,
accepting a referral (the referral's page after it) and the coordinator's dashboard. Wall-clock figures on a
shared machine say little; this counts, for each page rendered through Django's test client, the SQL queries of
one render and the processor time (`time.process_time()`) of N renders, on a database seeded like the soak's
(bench/load/run.py's `populate`: 10,000 cases in 5 NGOs, 900 pending referrals in 3 legal clinics) and the
indicators refreshed.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME      # a database of its own: seeded once, kept
    .venv/bin/python bench/bench_pages.py --save before.json          # figures, kept to compare against
    .venv/bin/python bench/bench_pages.py --compare before.json       # figures and the ratio after/before

The database named is used as it is (seeded on the first run when it holds no case), so repeated runs compare
the same data; the writes measured (notes, acceptances) add rows to it, which a page of 50 notes does not feel.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "load"))


def setup() -> None:
    os.environ.setdefault("LANTERN_MODE", "test")
    os.environ.setdefault("LANTERN_HOME", str(HERE / ".pages-home"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantern.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from lantern.cases.models import Case

    call_command("migrate", verbosity=0)
    if not Case.objects.exists():
        import run  # bench/load/run.py

        print("seeding like the soak (10,000 cases, 900 pending referrals) …", flush=True)
        run.populate(staff_max=6)  # five caseworkers: one sends for each NGO
        from lantern.insights.services import indicators_refresh

        indicators_refresh(full=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--renders", type=int, default=50)
    parser.add_argument("--save", metavar="FILE")
    parser.add_argument("--compare", metavar="FILE")
    parser.add_argument("--only", help="comma-separated names of the pages to measure")
    options = parser.parse_args()
    setup()

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from lantern.cases.models import Case
    from lantern.core.models import Membership, TotpDevice, User
    from lantern.referrals.models import Referral

    def client_for(username: str) -> Client:
        client = Client(HTTP_HOST="localhost")
        user = User.objects.get(username=username)
        client.force_login(user)
        # Past the second factor, as the soak's users are (the session names the confirmed authenticator).
        session = client.session
        session["otp_device_id"] = TotpDevice.objects.get(user=user).persistent_id
        session.save()
        return client

    caseworker = client_for("caseworker-0")
    # The provider whose clinic has the most referrals still pending (each run accepts some of them).
    providers = Membership.objects.filter(user__username__startswith="service_provider-")
    answering = max(
        providers,
        key=lambda m: Referral.objects.filter(recipient_id=m.organisation_id, status="pending").count(),
    )
    provider = client_for(answering.user.username)
    supervisor = client_for("supervisor-0")
    coordinator = client_for("national_coordinator-0")
    ngo = Membership.objects.get(user__username="caseworker-0").organisation_id
    clinic = answering.organisation_id
    cases = list(Case.objects.filter(organisation_id=ngo).exclude(stage="closed").order_by("pk")[:50])
    pending = iter(
        Referral.objects.filter(recipient_id=clinic, status="pending")
        .order_by("pk")
        .values_list("public_id", flat=True)
    )
    case_of = iter(cases * 1000)

    def get(client: Client, url: str) -> Any:
        def render() -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return render

    def write_note() -> None:
        reference = next(case_of).reference
        response = caseworker.post(f"/cases/{reference}/notes/", {"text": "Called; next on Thursday."}, follow=True)
        assert response.status_code == 200, response.status_code
        assert response.redirect_chain, "not redirected to the page"

    def accept() -> None:
        referral = next(pending)
        response = provider.post(f"/referrals/{referral}/accept/", follow=True)
        assert response.status_code == 200, response.status_code
        assert response.redirect_chain, "not redirected to the page"

    one = cases[0].reference
    a_pending = Referral.objects.filter(recipient_id=clinic, status="pending").order_by("-pk").first()
    assert a_pending is not None
    pages: dict[str, Any] = {
        "cases: open": get(caseworker, f"/cases/{one}/"),
        "cases: write note (and the page)": write_note,
        "cases: list": get(caseworker, "/cases/"),
        "referrals: inbox": get(provider, "/referrals/"),
        "referrals: inbox pending": get(provider, "/referrals/?status=pending"),
        "referrals: open": get(provider, f"/referrals/{a_pending.public_id}/"),
        "referrals: accept (and the page)": accept,
        "supervisor: home": get(supervisor, "/"),
        "coordinator: dashboard": get(coordinator, "/insights/"),
    }
    if options.only:
        wanted = options.only.split(",")
        pages = {name: run for name, run in pages.items() if any(w in name for w in wanted)}
    before = json.loads(Path(options.compare).read_text()) if options.compare else {}
    figures: dict[str, dict[str, float]] = {}
    print(f"{'page':36} {'queries':>8} {'CPU ms':>8}   (after/before)", flush=True)
    for name, render in pages.items():
        render()  # warm: templates compiled, caches filled as a running server has them
        with CaptureQueriesContext(connection) as queries:
            render()
        count = len(queries)  # now: the next request resets the log the count reads
        started = time.process_time()
        for _ in range(options.renders):
            render()
        cpu_ms = (time.process_time() - started) * 1000 / options.renders
        figures[name] = {"queries": count, "cpu_ms": round(cpu_ms, 1)}
        line = f"{name:36} {count:>8} {cpu_ms:>8.1f}"
        if name in before:
            was = before[name]
            line += f"   queries {was['queries']} → {count}, CPU after/before {cpu_ms / was['cpu_ms']:.2f}"
        print(line, flush=True)
    if options.save:
        Path(options.save).write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
