"""Hearings as an iCalendar (RFC 5545) feed, written by hand: no iCalendar library is in the lock file, and the
little that a feed needs is plain text. What matters, and is tested by parsing the feed back:

- lines end with CRLF and are folded at 75 octets (a continuation line starts with one space), never inside a
  UTF-8 sequence;
- TEXT values escape backslash, semicolon, comma and line breaks, and drop other control characters;
- every time is in UTC ("...Z"), so no VTIMEZONE is needed; the court's zone is named for the calendar's display.

A feed carries references only: the case's pseudonymous reference, the kind of proceeding, the court, the mode,
what became of the hearing. Never a name, a contact or a note."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

CRLF = "\r\n"
LINE_OCTETS = 75
# Hearings have no recorded end: calendars are given this nominal length so that the event is visible.
NOMINAL_HEARING_LENGTH = timedelta(hours=1)
PRODID = "-//Lantern//Hearings calendar//EN"

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Event:
    uid: str
    stamp: datetime
    starts_at: datetime
    summary: str
    location: str
    description: str
    cancelled: bool
    url: str = ""


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub("", value)
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line folded at 75 octets (RFC 5545 3.1), each piece ended by CRLF."""
    pieces: list[str] = []
    current = ""
    size = 0
    limit = LINE_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current, size, limit = " ", 1, LINE_OCTETS
        current += char
        size += width
    pieces.append(current)
    return "".join(piece + CRLF for piece in pieces)


def utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def duration(length: timedelta) -> str:
    minutes = int(length.total_seconds() // 60)
    return f"PT{minutes // 60}H{minutes % 60}M" if minutes % 60 else f"PT{minutes // 60}H"


def calendar(*, name: str, time_zone: str, events: Iterable[Event]) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    if time_zone:
        lines.append(f"X-WR-TIMEZONE:{escape_text(time_zone)}")
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{escape_text(event.uid)}",
            f"DTSTAMP:{utc_stamp(event.stamp)}",
            f"LAST-MODIFIED:{utc_stamp(event.stamp)}",
            f"DTSTART:{utc_stamp(event.starts_at)}",
            f"DURATION:{duration(NOMINAL_HEARING_LENGTH)}",
            f"SUMMARY:{escape_text(event.summary)}",
            f"LOCATION:{escape_text(event.location)}",
            f"DESCRIPTION:{escape_text(event.description)}",
            f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}",
            "CLASS:CONFIDENTIAL",
            "TRANSP:OPAQUE",
        ]
        if event.url:
            lines.append(f"URL:{event.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) for line in lines)
