"""Record linkage: Lantern's encoder and matcher against clkhash + anonlink, on FEBRL4 and a harder copy of it.

The anchors (clkhash, anonlink, recordlinkage with the FEBRL data sets) run from a virtualenv of their own that this
benchmark makes under bench/.venv-anchors (git-ignored); they are never Lantern dependencies. That venv writes
FEBRL4 (without the social security number) and the harder copy (typos in a third of the names, a tenth swapped,
a fifth without address) as CSV, and prints the anchors' figures; Lantern then encodes and links the same CSVs in
this process, with hardening on and the threshold chosen without the truth.

    .venv/bin/python bench/bench_linkage.py               # FEBRL4 and the harder copy
    .venv/bin/python bench/bench_linkage.py --million     # also 1,000,000 x 1,000,000 generated records (heavy)
    .venv/bin/python bench/bench_linkage.py --scale 100000,300000 --only-scale   # generated populations only
    .venv/bin/python bench/bench_linkage.py --anchor-dice 0.8   # the anchors at Dice 0.8 only (0.7 takes minutes)
    .venv/bin/python bench/bench_linkage.py --workers 2          # Lantern's encoding and blocking in 2 processes
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lantern.linkage.matching import PairLinks, Source

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv-anchors"
ADDRESS = ["street_number", "address_1", "address_2", "suburb", "postcode", "state"]
ENCODE_RUNS = 3  # Lantern's FEBRL encoding is timed best of three (a run takes a fraction of a second)


def anchors_venv() -> Path:
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)  # noqa: S603
        packages = ["clkhash", "anonlink", "recordlinkage"]
        subprocess.run([str(python), "-m", "pip", "install", "-q", *packages], check=True)  # noqa: S603
    return python


def f1(found: set[tuple[int, int]], truth: set[tuple[int, int]]) -> tuple[float, float, float]:
    tp = len(found & truth)
    p, r = tp / max(len(found), 1), tp / max(len(truth), 1)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def lantern_febrl(folder: Path, other: str) -> dict[str, float]:

    from lantern.linkage import encoding, matching
    from lantern.linkage.normalise import parse_date

    def load(name: str) -> list[encoding.Person]:
        people = []
        with (folder / name).open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                try:
                    born = parse_date(row["prs_Birthdate"])
                except ValueError:  # FEBRL's corrupted dates: encoded without a date
                    born = None
                extra = {k: row[k] for k in ADDRESS}
                people.append(encoding.Person(row["record_id"], row["prs_FirstName"], row["prs_SecondName"], born,
                                              extra=extra))  # fmt: skip
        return people

    a, b = load("febrl4_a.csv"), load(other)
    encode_s, encode_cpu = float("inf"), float("inf")
    for _ in range(ENCODE_RUNS):  # best of three, each with a new encoder (its caches empty, as in a real run)
        started, cpu = time.perf_counter(), time.process_time()
        encoder = encoding.Encoder(encoding.Keys.from_secret(b"bench-secret-" * 3))
        ia, xa = encoder.encode(a)
        ib, xb = encoder.encode(b)
        encode_s = min(encode_s, time.perf_counter() - started)
        encode_cpu = min(encode_cpu, time.process_time() - cpu)
    started, cpu = time.perf_counter(), time.process_time()
    source_a, source_b = matching.Source("a", ia, xa), matching.Source("b", ib, xb)
    links, estimate = matching.link_two(source_a, source_b)
    match_s, match_cpu = time.perf_counter() - started, time.process_time() - cpu
    where = {rid.split("-")[1]: i for i, rid in enumerate(ia)}
    truth = {(where[rid.split("-")[1]], j) for j, rid in enumerate(ib) if rid.split("-")[1] in where}
    p, r, f = f1(set(zip(links.a.tolist(), links.b.tolist(), strict=True)), truth)
    lost = blocking_loss(source_a, source_b, sorted(truth))
    return {"encode_s": round(encode_s, 2), "encode_cpu_s": round(encode_cpu, 2), "match_s": round(match_s, 2),
            "match_cpu_s": round(match_cpu, 2), "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
            "threshold": round(estimate.threshold.value, 4), "blocking_recall_lost": round(lost, 4),
            "distinct": estimate.distinct, "low": estimate.low, "high": estimate.high,
            "true_distinct": len(a) + len(b) - len(truth)}  # fmt: skip


def blocking_loss(a: Source, b: Source, truth: list[tuple[int, int]], found: PairLinks | None = None) -> float:
    """The share of the reachable true pairs (weight at least the threshold) that blocking never proposed."""
    import numpy as np

    from lantern.linkage import matching

    found = found or matching.score_pairs(a, b)
    ta, tb = np.array([x for x, _ in truth], dtype=np.int64), np.array([y for _, y in truth], dtype=np.int64)
    pa, pb = matching.prepare(a.bits), matching.prepare(b.bits)
    weight = found.model.weight(matching.levels(matching.segment_dice(pa, pb, ta, tb)))
    reachable = {pair for pair, w in zip(truth, weight.tolist(), strict=True) if w >= found.threshold}
    proposed = set(zip(found.ia.tolist(), found.ib.tolist(), strict=True))
    return len(reachable - proposed) / max(len(reachable), 1)


def cpu_time() -> float:
    """Processor time of this process and of the worker processes it has waited for."""
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def million(n: int, workers: int) -> dict[str, float]:
    import resource

    from lantern.linkage import encoding, matching
    from lantern.linkage.synthetic import population

    def say(what: str, since: float, cpu: float) -> None:
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        rss_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
        print(f"  {n:,} x {n:,}: {what} in {time.perf_counter() - since:.1f} s "
              f"({cpu_time() - cpu:.1f} s of processor), peak memory {rss} MB "
              f"(a worker: {rss_children} MB), load average {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip

    started, cpu = time.perf_counter(), cpu_time()
    (a, b), truth = population(sizes=[n, n], overlap=0.5, error_rate=0.1, seed=2026)
    generate_s = time.perf_counter() - started
    say("generated", started, cpu)
    started, cpu = time.perf_counter(), cpu_time()
    encoder = encoding.Encoder(encoding.Keys.from_secret(b"bench-secret-" * 3))
    ia, xa = encoder.encode(a, workers=workers)
    ib, xb = encoder.encode(b, workers=workers)
    encode_s, encode_cpu = time.perf_counter() - started, cpu_time() - cpu
    say("encoded", started, cpu)
    del a, b
    started, cpu = time.perf_counter(), cpu_time()
    source_a, source_b = matching.Source("a", ia, xa), matching.Source("b", ib, xb)
    found = matching.score_pairs(source_a, source_b, workers=workers)
    links, estimate = matching.link_scored(found, len(ia) + len(ib))
    match_s, match_cpu = time.perf_counter() - started, cpu_time() - cpu
    say("linked", started, cpu)
    first = {truth.person_of[rid]: i for i, rid in enumerate(ia)}
    pairs = sorted({(first[truth.person_of[rid]], j) for j, rid in enumerate(ib) if truth.person_of[rid] in first})
    p, r, f = f1(set(zip(links.a.tolist(), links.b.tolist(), strict=True)), set(pairs))
    lost = blocking_loss(source_a, source_b, pairs, found)
    return {"generate_s": round(generate_s, 1), "encode_s": round(encode_s, 1), "encode_cpu_s": round(encode_cpu, 1),
            "match_s": round(match_s, 1), "match_cpu_s": round(match_cpu, 1), "workers": workers,
            "ideal_wall_s": round((encode_cpu + match_cpu) / max(workers, 1), 1), "precision": round(p, 4),
            "recall": round(r, 4), "f1": round(f, 4), "blocking_recall_lost": round(lost, 4),
            "distinct": estimate.distinct, "low": estimate.low, "high": estimate.high,
            "true_distinct": 2 * n - len(pairs), "threshold": round(estimate.threshold.value, 4),
            "peak_memory_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
            "worker_peak_memory_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024,
            "load_average": round(os.getloadavg()[0], 1)}  # fmt: skip


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantern.settings")
    os.environ.setdefault("LANTERN_MODE", "test")
    os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")
    import django

    django.setup()
    sizes = [int(x) for x in sys.argv[sys.argv.index("--scale") + 1].split(",")] if "--scale" in sys.argv else []
    if "--million" in sys.argv:
        sizes.append(1_000_000)
    workers = int(sys.argv[sys.argv.index("--workers") + 1]) if "--workers" in sys.argv else 1
    if "--only-scale" in sys.argv:
        for n in sizes:
            print(f"{n:,} x {n:,}:", json.dumps(million(n, workers)), flush=True)
        return
    folder = Path(tempfile.mkdtemp(prefix="lantern-linkage-"))
    python = anchors_venv()
    started = time.perf_counter()
    dice = sys.argv[sys.argv.index("--anchor-dice") + 1] if "--anchor-dice" in sys.argv else "0.7,0.8"
    out = subprocess.run([str(python), str(HERE / "_linkage_anchors.py"), str(folder), dice], check=True,  # noqa: S603
                         capture_output=True, text=True)  # fmt: skip
    anchors = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"anchors (clkhash {anchors['versions']['clkhash']}, anonlink {anchors['versions']['anonlink']}) "
          f"in {time.perf_counter() - started:.0f} s")  # fmt: skip
    for name, csv_name in (("febrl4", "febrl4_b.csv"), ("harder", "febrl4_b_harder.csv")):
        ours = lantern_febrl(folder, csv_name)
        theirs = anchors[name]
        print(f"{name}: Lantern {json.dumps(ours)}")
        print(f"{name}: clkhash+anonlink {json.dumps(theirs)}")
        for t in dice.split(","):
            total = theirs["encode_s"] + theirs[f"at_{t}"]["match_s"]
            print(
                f"  encode+match ratio Lantern / anchor at Dice {t}: {(ours['encode_s'] + ours['match_s']) / total:.2f}"
            )
    for n in sizes:
        print(f"{n:,} x {n:,}:", json.dumps(million(n, workers)), flush=True)


if __name__ == "__main__":
    main()
