"""Record linkage: Lantern's encoder and matcher against clkhash + anonlink, on FEBRL4 and a harder copy of it.

The anchors (clkhash, anonlink, recordlinkage with the FEBRL data sets) run from a virtualenv of their own that this
benchmark makes under bench/.venv-anchors (git-ignored); they are never Lantern dependencies. That venv writes
FEBRL4 (without the social security number) and the harder copy (typos in a third of the names, a tenth swapped,
a fifth without address) as CSV, and prints the anchors' figures; Lantern then encodes and links the same CSVs in
this process, with hardening on and the threshold chosen without the truth.

    .venv/bin/python bench/bench_linkage.py               # FEBRL4 and the harder copy
    .venv/bin/python bench/bench_linkage.py --million     # also 1,000,000 x 1,000,000 generated records (heavy)
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

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv-anchors"
ADDRESS = ["street_number", "address_1", "address_2", "suburb", "postcode", "state"]


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
    import numpy as np

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
    started = time.perf_counter()
    encoder = encoding.Encoder(encoding.Keys.from_secret(b"bench-secret-" * 3))
    ia, xa = encoder.encode(a)
    ib, xb = encoder.encode(b)
    encode_s = time.perf_counter() - started
    started = time.perf_counter()
    links, estimate = matching.link_two(matching.Source("a", ia, xa), matching.Source("b", ib, xb))
    match_s = time.perf_counter() - started
    where = {rid.split("-")[1]: i for i, rid in enumerate(ia)}
    truth = {(where[rid.split("-")[1]], j) for j, rid in enumerate(ib) if rid.split("-")[1] in where}
    p, r, f = f1(set(zip(links.a.tolist(), links.b.tolist(), strict=True)), truth)
    # Recall blocking loses: true pairs at or above the threshold that were never candidates.
    ta, tb = np.array([x for x, _ in truth]), np.array([y for _, y in truth])
    true_scores = matching.scores(matching._words(xa), matching._words(xb), ta, tb, xa.shape[1] * 8)
    reachable = {pair for pair, s in zip(truth, true_scores.tolist(), strict=True) if s >= estimate.threshold.value}
    ca, cb, _ = matching.candidates(matching.Source("a", ia, xa), matching.Source("b", ib, xb))
    lost = len(reachable - set(zip(ca.tolist(), cb.tolist(), strict=True))) / max(len(reachable), 1)
    return {"encode_s": round(encode_s, 2), "match_s": round(match_s, 2), "precision": round(p, 4),
            "recall": round(r, 4), "f1": round(f, 4), "threshold": round(estimate.threshold.value, 3),
            "blocking_recall_lost": round(lost, 4), "distinct": estimate.distinct, "low": estimate.low,
            "high": estimate.high, "true_distinct": len(a) + len(b) - len(truth)}  # fmt: skip


def million(n: int) -> dict[str, float]:
    import numpy as np

    from lantern.linkage import encoding, matching
    from lantern.linkage.synthetic import population

    started = time.perf_counter()
    (a, b), truth = population(sizes=[n, n], overlap=0.5, error_rate=0.1, seed=2026)
    generate_s = time.perf_counter() - started
    started = time.perf_counter()
    encoder = encoding.Encoder(encoding.Keys.from_secret(b"bench-secret-" * 3))
    ia, xa = encoder.encode(a)
    ib, xb = encoder.encode(b)
    encode_s = time.perf_counter() - started
    del a, b
    started = time.perf_counter()
    source_a, source_b = matching.Source("a", ia, xa), matching.Source("b", ib, xb)
    links, estimate = matching.link_two(source_a, source_b)
    match_s = time.perf_counter() - started
    first = {}
    for i, rid in enumerate(ia):
        first[truth.person_of[rid]] = i
    pairs = [(first[truth.person_of[rid]], j) for j, rid in enumerate(ib) if truth.person_of[rid] in first]
    true = set(pairs)
    p, r, f = f1(set(zip(links.a.tolist(), links.b.tolist(), strict=True)), true)
    ta, tb = np.array([x for x, _ in pairs]), np.array([y for _, y in pairs])
    true_scores = matching.scores(matching._words(xa), matching._words(xb), ta, tb, xa.shape[1] * 8)
    reachable = true_scores >= estimate.threshold.value
    found = set(zip(links.a.tolist(), links.b.tolist(), strict=True))
    # Blocking loss, bounded from above: reachable true pairs the assignment did not link.
    missed = sum(1 for k, pair in enumerate(pairs) if reachable[k] and pair not in found)
    return {"generate_s": round(generate_s, 1), "encode_s": round(encode_s, 1), "match_s": round(match_s, 1),
            "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
            "reachable_not_linked": round(missed / max(int(reachable.sum()), 1), 4),
            "distinct": estimate.distinct, "low": estimate.low, "high": estimate.high,
            "true_distinct": 2 * n - len(true), "threshold": round(estimate.threshold.value, 3)}  # fmt: skip


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantern.settings")
    os.environ.setdefault("LANTERN_MODE", "test")
    os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")
    import django

    django.setup()
    folder = Path(tempfile.mkdtemp(prefix="lantern-linkage-"))
    python = anchors_venv()
    started = time.perf_counter()
    out = subprocess.run([str(python), str(HERE / "_linkage_anchors.py"), str(folder)], check=True,  # noqa: S603
                         capture_output=True, text=True)  # fmt: skip
    anchors = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"anchors (clkhash {anchors['versions']['clkhash']}, anonlink {anchors['versions']['anonlink']}) "
          f"in {time.perf_counter() - started:.0f} s")  # fmt: skip
    for name, csv_name in (("febrl4", "febrl4_b.csv"), ("harder", "febrl4_b_harder.csv")):
        ours = lantern_febrl(folder, csv_name)
        theirs = anchors[name]
        print(f"{name}: Lantern {json.dumps(ours)}")
        print(f"{name}: clkhash+anonlink {json.dumps(theirs)}")
        for t in ("0.7", "0.8"):
            total = theirs["encode_s"] + theirs[f"at_{t}"]["match_s"]
            print(
                f"  encode+match ratio Lantern / anchor at Dice {t}: {(ours['encode_s'] + ours['match_s']) / total:.2f}"
            )
    if "--million" in sys.argv:
        print("1,000,000 x 1,000,000:", json.dumps(million(1_000_000)))


if __name__ == "__main__":
    main()
