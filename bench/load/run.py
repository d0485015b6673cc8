"""Load and soak of `lantern serve` on PostgreSQL with production settings (bench/load/README.md).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/load/run.py --staff 50 --portal 20 --minutes 10     # the soak
    .venv/bin/python bench/load/run.py --ramp 50,100,150,200 --minutes 1.5     # where it breaks

It makes a database of its own (dropped at the end), migrates it, creates organisations, staff accounts with a
confirmed authenticator each, synthetic cases and pending referrals through Lantern's services, starts
`lantern serve` (gunicorn) and one `lantern worker` in production mode, runs Locust (in its own virtualenv,
bench/load/.venv-locust, made here on the first run from bench/load/requirements.txt) headless, samples the RSS
of the gunicorn processes and the load average every 5 seconds, and prints the figures as JSON lines (and
writes them under bench/load/results/).
"""

from __future__ import annotations

import argparse
import base64
import csv
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
VENV = HERE / ".venv-locust"
RESULTS = HERE / "results"
PASSWORD = "load test passphrase 2026 lantern"  # noqa: S105 (accounts of a throwaway database)
NGOS = 5
CLINICS = 3
CASES_PER_NGO = 2000
REFERRALS_PER_CLINIC = 300
# The staff mix (the load client reads it from the accounts file): of 50, 28 caseworkers, 12 providers answering
# referrals, 8 supervisors and 2 coordinators.
MIX = {"caseworker": 0.56, "service_provider": 0.24, "supervisor": 0.16, "national_coordinator": 0.04}


def locust_python() -> Path:
    python = VENV / "bin" / "python"
    if not python.exists():
        print("making bench/load/.venv-locust (Locust, from bench/load/requirements.txt)", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)  # noqa: S603
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-r", str(HERE / "requirements.txt")], check=True)  # noqa: S603
    return python


def production_env(home: Path, database_url: str) -> dict[str, str]:
    """Production mode with its own keys; cookies without the Secure flag because the client speaks plain HTTP to
    gunicorn on the loopback (in production TLS ends at the proxy in front; the server does the same work)."""

    def key() -> str:
        return base64.b64encode(secrets.token_bytes(32)).decode()

    env = {k: v for k, v in os.environ.items() if not k.startswith(("LANTERN_", "DATABASE_URL"))}
    env.update(
        {
            "LANTERN_MODE": "production",
            "LANTERN_HOME": str(home),
            "DATABASE_URL": database_url,
            "LANTERN_SECRET_KEY": secrets.token_urlsafe(50),
            "LANTERN_DATA_KEYS": f"load1:{key()}",
            "LANTERN_INDEX_KEY": key(),
            "LANTERN_AUDIT_KEYS": f"load1:{key()}",
            "LANTERN_REQUIRE_2FA": "true",
            "LANTERN_SECURE_COOKIES": "false",
            "LANTERN_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LANTERN_LOG_LEVEL": "WARNING",
            # Every virtual user logs in from 127.0.0.1: the lockout counts failures per username and client,
            # and the load makes none; the call-back limit per client would stop the portal visitors.
            "LANTERN_PORTAL_CALLBACKS_PER_HOUR": "100000",
            "LANTERN_PORTAL_CALLBACKS_ALL_PER_HOUR": "100000",
            "PYTHONPATH": str(ROOT / "src"),
        }
    )
    return env


def scratch_database(admin_url: str) -> tuple[str, Any]:
    import psycopg

    name = f"lantern_load_{os.getpid()}"
    admin = admin_url.replace("postgres://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return admin_url.rsplit("/", 1)[0] + "/" + name, drop


def populate(staff_max: int) -> dict[str, Any]:
    """Organisations, accounts (each with a confirmed authenticator), cases and pending referrals, through the
    services; returns what the load client needs (usernames, TOTP secrets)."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from lantern.cases import services as cases
    from lantern.cases.generate import generate_cases
    from lantern.cases.models import Case
    from lantern.core import services as core
    from lantern.core.models import TotpDevice, User
    from lantern.providers.services import offering_save
    from lantern.referrals import services as referrals

    call_command("migrate", verbosity=0)
    ngos = [
        core.organisation_create(actor=None, name=f"Load NGO {n}", type="NGO", country="GR", region="Attica")
        for n in range(NGOS)
    ]
    clinics = [
        core.organisation_create(
            actor=None, name=f"Load Clinic {n}", type="LegalService", country="GR", region="Attica"
        )
        for n in range(CLINICS)
    ]
    ministry = core.organisation_create(
        actor=None, name="Load Coordination Office", type="Ministry", country="GR", is_lead_agency=True
    )
    started = time.monotonic()
    generate_cases(count=CASES_PER_NGO * NGOS, seed=18, organisations=ngos)
    print(f"  {CASES_PER_NGO * NGOS} cases in {time.monotonic() - started:.0f} s", flush=True)
    accounts: dict[str, list[dict[str, str]]] = {role: [] for role in MIX}
    for role, share in MIX.items():
        for n in range(int(staff_max * share) + 2):  # one account per virtual user: a TOTP code works once
            if role == "service_provider":
                organisation = clinics[n % CLINICS]
            elif role == "national_coordinator":
                organisation = ministry
            else:
                organisation = ngos[n % NGOS]
            user = core.user_create(
                actor=None, username=f"{role}-{n}", organisation=organisation, role=role, password=None
            )
            device = TotpDevice.objects.create(user=user, name="phone", confirmed=True)
            accounts[role].append({"username": user.username, "totp": device.secret})
    User.objects.filter(username__contains="-").update(password=make_password(PASSWORD))  # one Argon2 hash
    senders = {ngo.pk: User.objects.get(username=f"caseworker-{i}") for i, ngo in enumerate(ngos)}
    started = time.monotonic()
    for c, clinic in enumerate(clinics):
        offering_save(
            actor=None,
            organisation=clinic,
            service_type="legal_counselling",
            regions=["Attica"],
            delivery_modes=["in_person"],
            weekly_capacity=100_000,
        )
        open_cases = Case.objects.filter(organisation__in=ngos).exclude(stage="closed").order_by("pk")
        sample = list(open_cases[c * REFERRALS_PER_CLINIC : (c + 1) * REFERRALS_PER_CLINIC])
        for case in sample:
            sender = senders[case.organisation_id]
            cases.consent_give(actor=sender, case=case, purpose="referral", recipient=clinic)
            referrals.referral_create(actor=sender, case=case, recipient=clinic, service_type="legal_counselling")
    print(f"  {REFERRALS_PER_CLINIC * CLINICS} pending referrals in {time.monotonic() - started:.0f} s", flush=True)
    return {"password": PASSWORD, "mix": MIX, "accounts": accounts}


def gunicorn_rss(master_pid: int) -> dict[str, int]:
    """Resident memory (KiB) of the gunicorn master and its workers, read from /proc."""

    def rss(pid: int) -> int:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    pids = [master_pid]
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    try:
        return {str(pid): rss(pid) for pid in pids}
    except (FileNotFoundError, ProcessLookupError):
        return {}


def cpu_seconds(pids: list[str]) -> float:
    """User and system CPU time the processes have used, from /proc/PID/stat."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / os.sysconf("SC_CLK_TCK")


def sample_memory(master_pid: int, out: list[dict[str, Any]], stop: threading.Event, started: float) -> None:
    while not stop.is_set():
        per_process = gunicorn_rss(master_pid)
        gunicorn_pids = list(per_process)
        out.append(
            {
                "t": round(time.monotonic() - started, 1),
                "rss_kib": sum(per_process.values()),
                "workers_kib": sum(v for p, v in per_process.items() if p != gunicorn_pids[0]) if per_process else 0,
                "cpu_s": cpu_seconds(gunicorn_pids),
                "load1": os.getloadavg()[0],
            }
        )
        stop.wait(5)


def run_step(args: argparse.Namespace, env: dict[str, str], port: int, master: int, staff: int, portal: int,
             accounts_file: Path, tag: str) -> dict[str, Any]:  # fmt: skip
    RESULTS.mkdir(exist_ok=True)
    prefix = RESULTS / tag
    memory: list[dict[str, Any]] = []
    stop = threading.Event()
    started = time.monotonic()
    sampler = threading.Thread(target=sample_memory, args=(master, memory, stop, started), daemon=True)
    sampler.start()
    seconds = int(args.minutes * 60)
    locust_env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("LANTERN_", "DATABASE_URL"))},
        "LOAD_ACCOUNTS": str(accounts_file),
        "LOAD_STAFF": str(staff),
        "LOAD_PORTAL": str(portal),
    }
    spawn_rate = max(1.0, (staff + portal) / 30)  # everyone logged in within about 30 seconds
    argv = [
        str(locust_python()), "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless",
        "--host", f"http://127.0.0.1:{port}", "-u", str(staff + portal), "-r", f"{spawn_rate:.1f}",
        "-t", f"{seconds}s", "--csv", str(prefix), "--only-summary", "--stop-timeout", "10",
        "--loglevel", "WARNING",
    ]  # fmt: skip
    subprocess.run(argv, env=locust_env, check=False)  # noqa: S603
    stop.set()
    sampler.join()
    return summarise(prefix, memory, staff, portal, seconds)


def summarise(prefix: Path, memory: list[dict[str, Any]], staff: int, portal: int, seconds: int) -> dict[str, Any]:
    with Path(f"{prefix}_stats.csv").open() as stats:
        rows = list(csv.DictReader(stats))
    operations = {}
    for row in rows:
        name = row["Name"] if row["Type"] else "Aggregated"
        if not row["Request Count"] or row["Request Count"] == "0":
            continue
        operations[f"{row['Type']} {name}".strip()] = {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "rps": round(float(row["Requests/s"]), 2),
            "p50": float(row["50%"]),
            "p95": float(row["95%"]),
            "p99": float(row["99%"]),
        }
    # Memory after the ramp-up (the first minute) against the end: growth over the soak.
    settled = [m for m in memory if m["t"] >= 60] or memory
    first, last = settled[0]["rss_kib"], settled[-1]["rss_kib"]
    loads = [m["load1"] for m in memory]
    requests = operations.get("Aggregated", {}).get("requests", 0)
    cpu = memory[-1]["cpu_s"] - memory[0]["cpu_s"]
    summary = {
        "staff": staff,
        "portal": portal,
        "seconds": seconds,
        "operations": operations,
        "rss_mib_start": round(first / 1024, 1),
        "rss_mib_end": round(last / 1024, 1),
        "rss_mib_max": round(max(m["rss_kib"] for m in memory) / 1024, 1),
        "rss_growth_pct": round(100 * (last - first) / first, 1) if first else None,
        # CPU the web processes spent per request: with the throughput, how many cores the load needs.
        "web_cpu_ms_per_request": round(1000 * cpu / requests, 1) if requests else None,
        "web_cpu_cores_used": round(cpu / max(memory[-1]["t"] - memory[0]["t"], 1), 2),
        "load1_mean": round(sum(loads) / len(loads), 2),
        "load1_max": round(max(loads), 2),
    }
    Path(f"{prefix}_summary.json").write_text(json.dumps({**summary, "memory": memory}, indent=1))
    return summary


def wait_until_serving(port: int, timeout: float = 120) -> None:
    """Until gunicorn answers, and a first page has loaded Django in each worker (the first request of a worker
    imports everything: that is start-up, not load)."""
    import http.client

    deadline = time.monotonic() + timeout
    answered = 0
    while answered < 8 and time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/help/en/")
            conn.getresponse().read()
            conn.close()
            answered += 1
        except OSError:
            time.sleep(0.5)
    if answered < 8:
        sys.exit(f"lantern serve did not answer on port {port} within {timeout:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--staff", type=int, default=50)
    parser.add_argument("--portal", type=int, default=20)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--ramp", default="", help="staff counts to run one after the other (portal in proportion)")
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--web-threads", type=int, default=4)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("bench/load/run.py needs PostgreSQL: set DATABASE_URL=postgres://...")
    steps = [(int(s), round(int(s) * 20 / 50)) for s in args.ramp.split(",") if s] or [(args.staff, args.portal)]
    locust_python()
    database_url, drop = scratch_database(url)
    home = Path(tempfile.mkdtemp(prefix="lantern-load-"))
    env = production_env(home, database_url)
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "lantern.settings"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    processes: list[subprocess.Popen[bytes]] = []
    try:
        print("populating (migrate, organisations, accounts, cases, referrals)", flush=True)
        accounts = populate(max(s for s, _ in steps))
        from django.db import connections

        connections.close_all()
        accounts_file = home / "accounts.json"
        accounts_file.write_text(json.dumps(accounts))
        port = 18000 + os.getpid() % 1000
        log = (home / "serve.log").open("ab")
        serve = [sys.executable, "-m", "lantern.cli", "serve", "--port", str(port),
                 "--workers", str(args.web_workers), "--threads", str(args.web_threads)]  # fmt: skip
        processes.append(subprocess.Popen(serve, env=env, stdout=subprocess.DEVNULL, stderr=log))  # noqa: S603
        processes.append(
            subprocess.Popen([sys.executable, "-m", "lantern.cli", "worker"], env=env, stdout=log, stderr=log)
        )
        wait_until_serving(port)
        for staff, portal in steps:
            tag = f"{time.strftime('%Y%m%dT%H%M')}-s{staff}-p{portal}-{int(args.minutes * 60)}s"
            summary = run_step(args, env, port, processes[0].pid, staff, portal, accounts_file, tag)
            print(json.dumps(summary), flush=True)
        errors = (home / "serve.log").read_text().count("ERROR")
        print(json.dumps({"server_log_errors": errors}), flush=True)
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        from django.db import connections

        connections.close_all()
        drop()


if __name__ == "__main__":
    main()
