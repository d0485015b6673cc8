"""Logging that cannot carry personal data.

Exception messages are where personal data slips into logs (a database error quotes the duplicate value, a
validation error quotes the input). This filter keeps the exception's type and where it was raised, and drops
its message and the messages of the exceptions chained to it.
"""

from __future__ import annotations

import logging
import traceback


def redacted_traceback(exc: BaseException) -> str:
    lines = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = "".join(traceback.format_list(traceback.extract_tb(current.__traceback__)))
        lines.append(f"{type(current).__module__}.{type(current).__qualname__} (message withheld)\n{frames}")
        current = current.__cause__ or current.__context__
    return "\nwhile handling or caused by:\n".join(reversed(lines)).rstrip()


class RedactExceptionMessages(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redacted_traceback(record.exc_info[1])
            record.exc_info = None
        return True
