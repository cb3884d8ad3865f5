"""The address a request really comes from, behind the reverse proxies the deployment trusts.

Behind a proxy every connection comes from the proxy, so limits keyed on the
connection's address would lump everyone together. The proxy appends the address
it saw to `X-Forwarded-For`; anything further left was written by the client and
can be forged. So the header is read only when the connection comes from a
trusted proxy (settings.TRUSTED_PROXIES), and from the right: the first address
that is not itself a trusted proxy is the client.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# A Unix socket has no address: the peer is a process on this machine.
LOCAL = ipaddress.ip_address("127.0.0.1")


def _address(value: str) -> Address | None:
    """One entry of X-Forwarded-For (or REMOTE_ADDR), with or without a port; None if it is no address."""
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.7:443
        value = value.partition(":")[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, networks: list[Network]) -> bool:
    return any(address in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    networks: list[Network] = settings.TRUSTED_PROXIES
    peer = _address(request.META.get("REMOTE_ADDR", "")) or LOCAL
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    while _trusted(peer, networks) and forwarded:
        hop = _address(forwarded.pop())
        if hop is None:  # a proxy we trust wrote something we can't read: stop at the last good hop
            break
        peer = hop
    return str(peer)


def rate_limit_address(ip: str) -> str:
    """The part of an address one person controls: all of an IPv4 address, an IPv6 /64 network."""
    address = ipaddress.ip_address(ip)
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False).network_address)
    return str(address)
