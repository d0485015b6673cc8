"""How a message leaves Lantern: the file and console transports (demo), SMTP e-mail, and an SMS/messaging gateway
over HTTP. Each is idempotent on the delivery, so a worker that dies after sending and before recording it, and the
worker that retries, still give the person one message:

- file: one file per delivery, named by its id, written to a temporary name and renamed over (atomic on POSIX);
  a retry replaces the file with the same content.
- gateway: the request carries the delivery's key in an `Idempotency-Key` header (and the body); a gateway that
  honours it (every serious SMS provider does) sends once per key.
- e-mail: the message has a fixed `Message-ID` made from the delivery's key; mail servers and clients drop a
  second copy with the same Message-ID. SMTP itself gives no stronger promise, and this is said in the docs.
- console: prints; it is for watching a demo, and a retry prints again.

A transport raises TemporaryFailure (try again later) or PermanentFailure (retrying cannot help) with a short
code, never with message text or an address, because the code is stored in the delivery log.
"""

from __future__ import annotations

import json
import os
import smtplib
import sys
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage


class TemporaryFailure(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code[:100]


class PermanentFailure(TemporaryFailure):
    pass


@dataclass(frozen=True)
class Outgoing:
    delivery_id: int
    key: str
    channel: str  # sms, messaging, email
    to: str  # the address; only transports that really send see it in full
    language: str
    direction: str
    subject: str
    text: str


class Transport(Protocol):
    name: str

    def send(self, message: Outgoing) -> str:
        """Send once per delivery; return the provider's reference (or "")."""


def masked(address: str) -> str:
    """What a demo file or the console may show of an address: enough to tell two apart, not enough to use."""
    address = address.strip()
    if "@" in address:
        local, _, domain = address.partition("@")
        return f"{local[:1]}•••@{domain}"
    return "•••" + address[-3:] if len(address) > 3 else "•••"


def _shown(message: Outgoing) -> dict[str, object]:
    return {
        "delivery": message.delivery_id,
        "key": message.key,
        "channel": message.channel,
        "to": masked(message.to),
        "language": message.language,
        "direction": message.direction,
        "subject": message.subject,
        "text": message.text,
    }


class FileTransport:
    """Writes `delivery-<id>.json` in LANTERN_NOTIFY_FILE_DIR, atomically: the file is there whole or not at all."""

    name = "file"

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = Path(directory or settings.LANTERN_NOTIFY_FILE_DIR)

    def path_for(self, delivery_id: int) -> Path:
        return self.directory / f"delivery-{delivery_id:010d}.json"

    def send(self, message: Outgoing) -> str:
        target = self.path_for(message.delivery_id)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=self.directory, prefix=".sending-", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(_shown(message), handle, ensure_ascii=False)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise TemporaryFailure(f"file: {type(exc).__name__}") from None
        return ""  # the file's name is the delivery's id


class ConsoleTransport:
    name = "console"

    def send(self, message: Outgoing) -> str:
        sys.stdout.write("[notify] " + json.dumps(_shown(message), ensure_ascii=False) + "\n")
        sys.stdout.flush()
        return ""


class SmtpTransport:
    """Django's mail with the EMAIL_* settings; the Message-ID is fixed by the delivery's key."""

    name = "smtp"

    def send(self, message: Outgoing) -> str:
        domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "lantern.invalid"
        message_id = f"<delivery-{message.key}@{domain}>"
        email = EmailMessage(
            subject=message.subject,
            body=message.text,
            to=[message.to],
            headers={
                "Message-ID": message_id,
                "Content-Language": message.language,
                "Auto-Submitted": "auto-generated",
            },
        )
        try:
            email.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused:
            raise PermanentFailure("smtp: recipient refused") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise TemporaryFailure(f"smtp: {type(exc).__name__}") from None
        return message_id


class GatewayTransport:
    """POST a JSON message to an SMS/messaging gateway: {"to", "channel", "text", "language", "idempotency_key"},
    with `Authorization: Bearer <token>` and `Idempotency-Key`. 2xx (and 409, "already have it") is sent; 408, 429
    and 5xx, a timeout or a refused connection are tried again later; any other answer is permanent."""

    name = "gateway"

    def __init__(self, url: str | None = None, token: str | None = None, timeout: float | None = None) -> None:
        self.url = url if url is not None else settings.LANTERN_NOTIFY_GATEWAY_URL
        self.token = token if token is not None else settings.LANTERN_NOTIFY_GATEWAY_TOKEN
        self.timeout = timeout if timeout is not None else settings.LANTERN_NOTIFY_GATEWAY_TIMEOUT

    def send(self, message: Outgoing) -> str:
        if not self.url:
            raise PermanentFailure("gateway: not configured")
        body = json.dumps(
            {
                "to": message.to,
                "channel": message.channel,
                "text": message.text,
                "language": message.language,
                "idempotency_key": message.key,
            }
        ).encode()
        headers = {"Content-Type": "application/json", "Idempotency-Key": message.key}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read(10_000)
        except urllib.error.HTTPError as exc:
            if exc.code == 409:
                return ""
            code = f"gateway: http {exc.code}"
            if exc.code in (408, 429) or exc.code >= 500:
                raise TemporaryFailure(code) from None
            raise PermanentFailure(code) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            raise TemporaryFailure(f"gateway: {type(reason).__name__}") from None
        try:
            answer = json.loads(raw or b"{}")
        except ValueError:
            return ""
        return str(answer.get("id", ""))[:100] if isinstance(answer, dict) else ""


def transport_for(channel: str) -> Transport:
    """The transport of a survivor channel: the demo one when LANTERN_NOTIFY_TRANSPORT says so, else the real one."""
    override = settings.LANTERN_NOTIFY_TRANSPORT
    if override == "file":
        return FileTransport()
    if override == "console":
        return ConsoleTransport()
    if channel == "email":
        return SmtpTransport()
    return GatewayTransport()
