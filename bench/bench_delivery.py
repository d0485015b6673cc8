"""From one court suspension covering 10,000 hearings to 10,000 survivor messages delivered through the file
channel, on PostgreSQL, by real `lantern worker` processes.

1. The world of bench_suspension.py (10,000 survivors with a scheduled hearing in Attica, 2,000 in Crete); every
   survivor chose text messages, consented to them, and reads one of the thirteen languages of the templates.
2. Time to postpone: the `measure.added` event dispatched in this process, as a worker runs it (one transaction
   postponing the 10,000 hearings and recording 10,000 `hearing.postponed` events).
3. Time to deliver with 1 worker, then again (same events, deliveries reset) with 2 workers: from the workers'
   start until all 10,000 messages are written (the workers run the outbox consumers, which decide 10,000 survivor
   deliveries and 10,000 in-app messages to caseworkers, then send the survivor messages in claimed batches).
4. The same with 2 workers, one killed with SIGKILL half way: sent, lost and duplicated counts.

The anchor: writing the same 10,000 files directly with the file channel, in this process, in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_delivery.py
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import django_on_scratch_database
from bench_suspension import build_world, suspend

HEARINGS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000  # a smaller run to try it out
OUTSIDE = HEARINGS // 5
LANGUAGES = ["en", "ar", "fr", "es", "ru", "uk", "ro", "bg", "it", "de", "el", "nl", "pt"]
DEADLINE = 900  # seconds a delivery run may take before the benchmark gives up


def prepare_survivors(crisis_id: int) -> None:
    """Every survivor reachable by text message, with consent, in one of the template languages."""
    from django.utils import timezone

    from lantern.cases.models import Case, Consent, Person
    from lantern.core import services as core
    from lantern.core.models import Organisation, User

    # Open cases, each assigned to a caseworker of its NGO (who gets an in-app message per postponed hearing).
    Case.objects.filter(stage="closed").update(stage="support")
    Person.objects.update(anonymised_at=None)
    Case.objects.update(anonymised_at=None)
    for ngo in Organisation.objects.filter(name__startswith="Bench NGO"):
        caseworker = core.user_create(
            actor=None, username=f"bench-caseworker-{ngo.pk}", organisation=ngo, role="caseworker", password=None
        )
        Case.objects.filter(organisation=ngo).update(assigned_to=caseworker)
    ids = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    for index, code in enumerate(LANGUAGES):
        Person.objects.filter(pk__in=ids[index :: len(LANGUAGES)]).update(
            primary_language=code, other_languages=[], contact_route="sms"
        )
    Person.objects.update(phone="+30 690 000 0000")
    recorder = User.objects.get(username="bench-prosecutor")
    Consent.objects.bulk_create(
        [
            Consent(case_id=pk, purpose="contact", channel="sms", given_on=timezone.localdate(), recorded_by=recorder)
            for pk in Case.objects.values_list("pk", flat=True)
        ],
        batch_size=2000,
    )
    # The pandemic of the world makes every case miss the minimum package: reported already today, so that the
    # periodic report (one in-app message per organisation and day) stays out of the runs.
    from lantern.core.models import Organisation
    from lantern.notify.models import PackageNotice

    PackageNotice.objects.bulk_create(
        [
            PackageNotice(organisation=o, crisis_id=crisis_id, on=timezone.localdate(), count=0)
            for o in Organisation.objects.all()
        ]
    )


def worker_env(out: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        {
            "LANTERN_NOTIFY_TRANSPORT": "file",
            "LANTERN_NOTIFY_FILE_DIR": str(out),
            "LANTERN_NOTIFY_LEASE_SECONDS": "10",
            "LANTERN_NOTIFY_RECOVER_SECONDS": "5",
            "LANTERN_OUTBOX_SWEEP_AFTER_SECONDS": "10",
            "LANTERN_LOG_LEVEL": "WARNING",
        }
    )
    return env


def start_workers(count: int, out: Path, log: Path) -> list[subprocess.Popen[bytes]]:
    return [
        subprocess.Popen(
            [sys.executable, "-m", "lantern.cli", "worker", "--interval", "0.2"],
            env=worker_env(out),
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        for _ in range(count)
    ]


def stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()


def sending_worker(processes: list[subprocess.Popen[bytes]]) -> subprocess.Popen[bytes] | None:
    """A worker that holds a claimed batch of messages right now."""
    import socket

    from lantern.notify.models import Delivery

    holders = set(Delivery.objects.filter(status="sending").values_list("claimed_by", flat=True))
    for process in processes:
        if f"{socket.gethostname()[:60]}-{process.pid}" in holders and process.poll() is None:
            return process
    return None


def files(out: Path) -> list[Path]:
    return list(out.glob("delivery-*.json")) if out.exists() else []


def reset_deliveries(out: Path) -> None:
    """Back to the moment after the suspension: events recorded, nothing consumed, nothing sent (not timed)."""
    from django_tasks_db.models import DBTaskResult

    from lantern.core.models import Alert, OutboxConsumption, OutboxEvent
    from lantern.core.outbox import DISPATCH_CHUNK
    from lantern.core.tasks import outbox_dispatch_many
    from lantern.notify.models import CaseworkerTask, Delivery

    CaseworkerTask.objects.all().delete()
    Delivery.objects.all().delete()
    Alert.objects.all().delete()
    OutboxConsumption.objects.filter(event__kind="hearing.postponed").delete()
    OutboxEvent.objects.filter(kind="hearing.postponed").update(dispatched_at=None)
    DBTaskResult.objects.all().delete()
    shutil.rmtree(out, ignore_errors=True)
    ids = list(OutboxEvent.objects.filter(kind="hearing.postponed").order_by("pk").values_list("pk", flat=True))
    for i in range(0, len(ids), DISPATCH_CHUNK):
        outbox_dispatch_many.enqueue(ids[i : i + DISPATCH_CHUNK])


def survivor_sent() -> int:
    from lantern.notify.models import Delivery

    return Delivery.objects.filter(recipient="survivor", status="sent").count()


def deliver(workers: int, out: Path, log: Path, *, kill_at: int | None = None) -> dict[str, Any]:
    from lantern.notify.models import Delivery

    reset_deliveries(out)
    start = time.perf_counter()
    running = start_workers(workers, out, log)
    killed_at = None
    try:
        while survivor_sent() < HEARINGS:
            if time.perf_counter() - start > DEADLINE:
                raise SystemExit(f"not finished after {DEADLINE} s: see {log}")
            if kill_at is not None and killed_at is None and len(files(out)) >= kill_at:
                doomed = sending_worker(running)  # the one holding a batch of messages now
                if doomed is not None:
                    doomed.send_signal(signal.SIGKILL)
                    doomed.wait()
                    killed_at = len(files(out))
            time.sleep(0.02 if kill_at is not None and killed_at is None else 0.25)
        elapsed = time.perf_counter() - start
    finally:
        stop(running)
    written = files(out)
    inside = [json.loads(f.read_text())["delivery"] for f in written]
    ids = set(Delivery.objects.filter(recipient="survivor").values_list("pk", flat=True))
    return {
        "seconds": elapsed,
        "deliveries": len(ids),
        "sent": survivor_sent(),
        "lost": len(ids - set(inside)),
        "duplicated": len(inside) - len(set(inside)),
        "resent": Delivery.objects.filter(recipient="survivor", attempts__gt=1).count(),
        "killed_at": killed_at,
        "in_app": Delivery.objects.filter(channel="in_app").count(),
    }


def anchor(out: Path) -> float:
    """The same 10,000 files written directly by the file channel, one after the other."""
    from lantern.notify import messages
    from lantern.notify.channels import FileTransport, Outgoing

    shutil.rmtree(out, ignore_errors=True)
    transport = FileTransport(out)
    start = time.perf_counter()
    for n in range(HEARINGS):
        code = LANGUAGES[n % len(LANGUAGES)]
        subject, text = messages.render(language=code, kind="hearing.postponed", detail="minimal", facts=None)
        transport.send(
            Outgoing(
                delivery_id=n + 1,
                key=f"anchor-{n}",
                channel="sms",
                to="+30 690 000 0000",
                language=code,
                direction=messages.direction(code),
                subject=subject,
                text=text,
            )
        )
    elapsed = time.perf_counter() - start
    shutil.rmtree(out, ignore_errors=True)
    return elapsed


def main() -> None:
    vendor = django_on_scratch_database()
    if vendor != "postgresql":
        print("this benchmark needs PostgreSQL: set DATABASE_URL=postgres://...")
        return
    from lantern.core import outbox
    from lantern.justice.models import Hearing

    home = Path(os.environ["LANTERN_HOME"])
    out, log = home / "messages", home / "workers.log"
    started = time.perf_counter()
    world = build_world(HEARINGS, outside=OUTSIDE)
    prepare_survivors(world.crisis.pk)
    print(f"{vendor}: {HEARINGS:,} survivors with a hearing in Attica, {OUTSIDE:,} in Crete, built in "
          f"{time.perf_counter() - started:.0f} s")  # fmt: skip

    _, event_id = suspend(world)
    start = time.perf_counter()
    outbox.dispatch(event_id)
    postpone_s = time.perf_counter() - start
    assert Hearing.objects.filter(status="postponed").count() == HEARINGS
    print(f"time to postpone the {HEARINGS:,} hearings (one transaction, {HEARINGS:,} events): {postpone_s:.2f} s")

    anchor_s = anchor(out)
    print(f"anchor, the same {HEARINGS:,} files written directly: {anchor_s:.2f} s ({HEARINGS / anchor_s:,.0f}/s)")
    for workers in (1, 2):
        run = deliver(workers, out, log)
        assert run["sent"] == HEARINGS, run
        assert (run["lost"], run["duplicated"]) == (0, 0), run
        print(
            f"{workers} worker{'s' if workers > 1 else ''}: all {HEARINGS:,} survivor messages delivered in "
            f"{run['seconds']:.1f} s ({HEARINGS / run['seconds']:,.0f}/s; ratio to the anchor "
            f"{run['seconds'] / anchor_s:.1f}); {run['in_app']:,} in-app messages to caseworkers too"
        )
        if workers == 1:
            one = run["seconds"]
        else:
            print(f"  speed-up of 2 workers over 1: {one / run['seconds']:.2f}")
    run = deliver(2, out, log, kill_at=HEARINGS // 2)
    print(
        f"2 workers, one killed with SIGKILL after {run['killed_at']:,} messages: {run['sent']:,} sent, "
        f"{run['lost']} lost, {run['duplicated']} duplicated ({run['resent']} sent again over their own file after "
        f"the dead worker's lease ran out) in {run['seconds']:.1f} s"
    )


if __name__ == "__main__":
    main()
