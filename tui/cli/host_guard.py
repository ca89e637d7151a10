"""Which Host names ``optiscope serve`` answers to: the guard against DNS rebinding.

A page on an attacker's domain can make its own name resolve to 127.0.0.1 (DNS rebinding);
the browser then treats our server as that site, sends its name as the Host and its origin
as the Origin, and both match. Only the Host name tells the two apart, so it is compared
exactly: a literal loopback address or ``localhost`` on a loopback server, and on a public
one only the names the operator listed (``--allow-host``) or the address it listens on.
Prefixes and patterns (``127.`` …) are never trusted: ``127.evil.example`` is a domain.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

LOCALHOST = "localhost"
#: A DNS name: dot-separated labels of letters, digits and inner hyphens.
_DNS_NAME = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*", re.IGNORECASE)


def loopback_address(name: str) -> bool:
    """A literal loopback address (127.0.0.0/8, ::1) or ``localhost``; never a domain."""
    if name == LOCALHOST:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def unspecified_address(name: str) -> bool:
    """0.0.0.0 or ::: the server listens on every address, which names none of them."""
    try:
        return ipaddress.ip_address(name).is_unspecified
    except ValueError:
        return False


def valid_host_name(name: str) -> bool:
    """An address or a DNS name (what ``--allow-host`` takes): no port, path or user."""
    name = canonical_host(name)
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return len(name) <= 253 and _DNS_NAME.fullmatch(name) is not None
    return True


def canonical_host(name: str) -> str:
    """A host name as compared: lower case, no trailing dot, an address in one spelling."""
    name = name.strip().lower().rstrip(".")
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    try:
        return str(ipaddress.ip_address(name))
    except ValueError:
        return name


def host_name(host_header: str) -> str:
    """The name part of a Host header (``name:port``, ``[::1]:port``); "" if malformed."""
    try:
        parts = urlsplit(f"//{host_header}")
        parts.port  # noqa: B018  (raises on a malformed port)
    except ValueError:
        return ""
    if parts.username is not None or parts.path or parts.query or parts.fragment:
        return ""
    return canonical_host(parts.hostname or "")


@dataclass(frozen=True)
class HostGuard:
    """The Host names a server answers to. Loopback names are always served: whoever can
    reach them is on this machine already."""

    allowed: frozenset[str] = frozenset()

    @classmethod
    def serving(cls, listen_host: str, allow_hosts: list[str] | None = None) -> HostGuard:
        names = {canonical_host(h) for h in allow_hosts or []}
        if not loopback_address(canonical_host(listen_host)) and not unspecified_address(
            listen_host
        ):
            names.add(canonical_host(listen_host))
        return cls(frozenset(names))

    def refusal(self, host_header: str) -> str | None:
        """Why a request with this Host header must be refused, or None."""
        name = host_name(host_header)
        if loopback_address(name) or name in self.allowed:
            return None
        if self.allowed:
            served = ", ".join(sorted(self.allowed))
            return f"host {host_header[:80]!r} is not one this server serves ({served})"
        return f"host {host_header[:80]!r} is not this loopback server"
