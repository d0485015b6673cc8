"""Just enough of a PDF reader to get the text of WeasyPrint's output back (no PDF library is a dependency): the
objects (also those packed in object streams), each font's ToUnicode map, and the strings the pages show."""

from __future__ import annotations

import re
import zlib

OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
STREAM = re.compile(rb"^(.*?)stream\r?\n(.*)endstream\s*$", re.S)


def _objects(pdf: bytes) -> dict[int, bytes]:
    objects: dict[int, bytes] = {}
    for number, body in OBJECT.findall(pdf):
        objects[int(number)] = _decoded(body)
    for body in list(objects.values()):
        if b"/Type /ObjStm" in body or b"/Type/ObjStm" in body:
            first = int(re.search(rb"/First (\d+)", body).group(1))  # type: ignore[union-attr]
            data = body.split(b"\nSTREAM\n", 1)[1]
            header = data[:first].split()
            offsets = [(int(header[i]), int(header[i + 1])) for i in range(0, len(header), 2)]
            for index, (number, offset) in enumerate(offsets):
                end = offsets[index + 1][1] if index + 1 < len(offsets) else len(data) - first
                objects[number] = data[first + offset : first + end]
    return objects


def _decoded(body: bytes) -> bytes:
    match = STREAM.match(body)
    if match is None:
        return body
    head, data = match.groups()
    if b"FlateDecode" in head:
        data = zlib.decompressobj().decompress(data)
    return head + b"\nSTREAM\n" + data


def _cmap(data: bytes) -> dict[bytes, str]:
    mapping: dict[bytes, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for code, text in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[code.upper()] = bytes.fromhex(text.decode()).decode("utf-16-be", "replace")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for low, high, start in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            width = len(low)
            for offset in range(int(high, 16) - int(low, 16) + 1):
                code = f"{int(low, 16) + offset:0{width}X}".encode()
                mapping[code] = chr(int(start, 16) + offset)
    return mapping


def text_of(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-"), "not a PDF"
    objects = _objects(pdf)
    font_cmaps: dict[int, dict[bytes, str]] = {}
    for number, body in objects.items():
        ref = re.search(rb"/ToUnicode (\d+) 0 R", body)
        if ref and int(ref.group(1)) in objects:
            font_cmaps[number] = _cmap(objects[int(ref.group(1))])
    names: dict[bytes, int] = {}
    for body in objects.values():  # the pages' font resources: /NAME n 0 R, n a font with a ToUnicode map
        for name, number in re.findall(rb"/([\w.+-]+) (\d+) 0 R", body):
            if int(number) in font_cmaps:
                names[name] = int(number)
    out = []
    for body in objects.values():
        if b"\nSTREAM\n" not in body or b" Tf" not in body:
            continue
        cmap: dict[bytes, str] = {}
        for token in re.finditer(rb"/([\w.+-]+) [\d.]+ Tf|<([0-9A-Fa-f]+)>|(ET)", body):
            if token.group(1):
                cmap = font_cmaps.get(names.get(token.group(1), -1), {})
            elif token.group(2):
                code = token.group(2).upper()
                width = 4 if len(code) % 4 == 0 else 2
                out.append("".join(cmap.get(code[i : i + width], "") for i in range(0, len(code), width)))
            else:
                out.append("\n")
    return "".join(out)
