"""Which URLs a webhook may call: http or https, to a public address, checked again at every delivery.

A webhook is a request Legwork's server makes on a coach's word, so without a check it
could reach what only the server can: the database, the metadata service of a cloud,
an admin page on loopback (server-side request forgery). The host is resolved, every
address it resolves to must be public, and the connection is then made to that very
address (delivery.py), so a name that resolves differently a second later (DNS
rebinding) cannot slip through. `WEBHOOKS_ALLOW_PRIVATE` lets loopback and private
addresses through, for tests and a development machine only.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

from legwork.lib.rules import RuleBroken

type Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeURL(RuleBroken):
    def __init__(self, message: str) -> None:
        super().__init__(message, field="url")


def _is_public(address: Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return _is_public(address.ipv4_mapped)
    return address.is_global and not address.is_multicast


def parse(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a URL a webhook may have, or UnsafeURL saying what is wrong with it."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise UnsafeURL("This is not a URL.") from error
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise UnsafeURL("Use an http:// or https:// URL.")
    if not parts.hostname:
        raise UnsafeURL("The URL needs a host name.")
    if parts.username or parts.password:
        raise UnsafeURL("Put no user name or password in the URL: check the signature instead.")
    return scheme, parts.hostname, port or (443 if scheme == "https" else 80)


def resolve(host: str, port: int) -> list[Address]:
    """Every address `host` resolves to; UnsafeURL if one is not public (unless private ones are allowed)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise UnsafeURL(f"The host {host} could not be found.") from error
    addresses: list[Address] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if address not in addresses:
            addresses.append(address)
    if not settings.WEBHOOKS_ALLOW_PRIVATE:
        for address in addresses:
            if not _is_public(address):
                raise UnsafeURL(f"{host} is a private or local address ({address}): use a public URL.")
    if not addresses:
        raise UnsafeURL(f"The host {host} could not be found.")
    return addresses


def check_url(url: str) -> list[Address]:
    """The addresses a webhook with this URL would call; UnsafeURL (field "url") if it may not."""
    _, host, port = parse(url)
    return resolve(host, port)
