"""Who is asking: the one place that turns a request into the client's address.

Behind a reverse proxy every connection comes from the proxy. The proxy appends the address it saw to
`X-Forwarded-For`; anything to the left of that was written by the client and can be forged. So the header is
read only when the connection comes from one of `LANTERN_TRUSTED_PROXIES`, from the right, skipping every hop
that is itself a trusted proxy: the first hop that is not is the client (the right-most untrusted hop). With no
trusted proxies (the default) the header is ignored. Rate limits, the login lockout (django-axes, through
AXES_CLIENT_IP_CALLABLE) and the audit trail all ask `client_address`.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _parse(value: str) -> Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: Address) -> bool:
    return any(address in network for network in settings.LANTERN_TRUSTED_PROXIES)


def client_address(request: HttpRequest) -> str:
    """The client's address as text ("" when the connection has none)."""
    peer = _parse(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        return ""
    if not settings.LANTERN_TRUSTED_PROXIES or not _trusted(peer):
        return str(peer)
    nearest = peer
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _parse(hop)
        if address is None:
            # Not an address where a trusted proxy should have written one: stop at the last hop we trust.
            break
        nearest = address
        if not _trusted(address):
            break
    return str(nearest)
