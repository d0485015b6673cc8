"""The encodings file: what an organisation hands the coordinator. A first line of JSON (format, source name, bit
length, the secret's fingerprint, the record count), then one line a record: `record_id,<base64 of the bits>`.
Nothing else: no name, no date, no field of the person."""

from __future__ import annotations

import base64
import binascii
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

import numpy as np

from lantern.linkage.encoding import OUT_BITS
from lantern.linkage.matching import Source

FORMAT = "lantern-linkage/2"  # 2: segments for names, birth and other columns
MAX_RECORDS = 5_000_000
WRITE_BLOCK = 65_536  # records base64-encoded and written together
# Starts with a letter or digit: "-A1" or "=1+1" in the CSV that `match` writes would be a spreadsheet formula.
RECORD_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:\-]{0,63}")


class EncodingsFileError(ValueError):
    pass


@dataclass(frozen=True)
class Encodings:
    source: str
    fingerprint: str
    source_data: Source

    @property
    def count(self) -> int:
        return len(self.source_data.ids)


def dumps(*, source: str, fingerprint: str, ids: Sequence[str], bits: np.ndarray) -> str:
    out = io.StringIO()
    dump(out, source=source, fingerprint=fingerprint, ids=ids, bits=bits)
    return out.getvalue()


def check_ids(ids: Sequence[str]) -> None:
    if not all(map(RECORD_ID.fullmatch, ids)):
        raise EncodingsFileError("a record id is empty, too long, or holds characters other than A-Z a-z 0-9 _.:-")


def dump(out: TextIO, *, source: str, fingerprint: str, ids: Sequence[str], bits: np.ndarray) -> None:
    """Write an encodings file, a block of records at a time (a million records never sit in memory as text).
    The ids are all checked before the first line is written."""
    if len(ids) != len(bits):
        raise ValueError("as many record ids as encodings")
    check_ids(ids)
    header = {"format": FORMAT, "source": source, "bits": OUT_BITS, "fingerprint": fingerprint, "count": len(ids)}
    out.write(json.dumps(header, ensure_ascii=True) + "\n")
    # Base64 of a block of records at once: each row padded to a multiple of 3 bytes encodes to its own characters,
    # whose last ones (the padding's) become "=" as in the base64 of the row alone.
    width = OUT_BITS // 8
    pad = -width % 3
    per = (width + pad) // 3 * 4
    for start in range(0, len(ids), WRITE_BLOCK):
        block = bits[start : start + WRITE_BLOCK]
        padded = np.zeros((len(block), width + pad), dtype=np.uint8)
        padded[:, :width] = block
        text = np.frombuffer(base64.b64encode(padded.tobytes()), dtype=np.uint8).reshape(len(block), per).copy()
        if pad:
            text[:, per - pad :] = ord("=")
        encoded = text.tobytes().decode("ascii")
        out.write("".join(f"{record_id},{encoded[i * per : (i + 1) * per]}\n"
                          for i, record_id in enumerate(ids[start : start + WRITE_BLOCK])))  # fmt: skip


def loads(text: str) -> Encodings:
    """Parse and check an encodings file; EncodingsFileError says what is wrong in one line."""
    lines = text.splitlines()
    if not lines:
        raise EncodingsFileError("the file is empty")
    try:
        header = json.loads(lines[0])
    except ValueError:
        raise EncodingsFileError("the first line is not a Lantern encodings header") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise EncodingsFileError(f"not a {FORMAT} file")
    if header.get("bits") != OUT_BITS:
        raise EncodingsFileError(f"encodings of {header.get('bits')!r} bits; this Lantern links {OUT_BITS}")
    source, fingerprint = header.get("source"), header.get("fingerprint")
    if not isinstance(source, str) or not 0 < len(source) <= 200:
        raise EncodingsFileError("the header names no source")
    if not isinstance(fingerprint, str) or not re.fullmatch(r"[0-9a-f]{16}", fingerprint):
        raise EncodingsFileError("the header has no secret fingerprint")
    body = [line for line in lines[1:] if line.strip()]
    if len(body) > MAX_RECORDS:
        raise EncodingsFileError(f"more than {MAX_RECORDS} records")
    if header.get("count") != len(body):
        raise EncodingsFileError(f"the header counts {header.get('count')!r} records, the file holds {len(body)}")
    width = OUT_BITS // 8
    bits = np.zeros((len(body), width), dtype=np.uint8)
    ids: list[str] = []
    seen: set[str] = set()
    for n, line in enumerate(body, start=2):
        record_id, _, encoded = line.partition(",")
        if not RECORD_ID.fullmatch(record_id):
            raise EncodingsFileError(f"line {n}: the record id is not valid")
        if record_id in seen:
            raise EncodingsFileError(f"line {n}: record id {record_id} appears twice")
        try:
            raw = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise EncodingsFileError(f"line {n}: the encoding is not base64") from None
        if len(raw) != width:
            raise EncodingsFileError(f"line {n}: the encoding has {len(raw) * 8} bits, not {OUT_BITS}")
        bits[len(ids)] = np.frombuffer(raw, dtype=np.uint8)
        ids.append(record_id)
        seen.add(record_id)
    return Encodings(source=source, fingerprint=fingerprint, source_data=Source(source, ids, bits))
