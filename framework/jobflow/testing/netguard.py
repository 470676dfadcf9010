"""Refuse network connections beyond loopback in this process (jobflow's own test suite turns it on).

::

    with loopback_only():
        urllib.request.urlopen("https://www.linkedin.com/")   # raises NetworkRefused, nothing is sent

Connections to 127.0.0.0/8, ``::1``, ``localhost`` and Unix sockets go through; any other address raises
:class:`NetworkRefused` before a packet leaves. Child processes (daemons, the browser) are not covered:
they are pointed at local sites by their configuration.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["NetworkRefused", "is_loopback", "loopback_only"]


class NetworkRefused(OSError):
    """A test tried to reach an address beyond loopback."""


def is_loopback(address: Any) -> bool:
    """Whether a ``socket.connect`` address stays on this machine (Unix socket paths do)."""
    if isinstance(address, str | bytes):
        return True
    host = address[0]
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False  # a host name: resolving it would already be a lookup beyond this machine


@contextmanager
def loopback_only() -> Iterator[None]:
    """Within the block, ``socket.connect``/``connect_ex`` to a non-loopback address raise :class:`NetworkRefused`."""
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def check(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_loopback(address):
            raise NetworkRefused(f"test tried to connect to {address!r}: only loopback is allowed")

    def connect(sock: socket.socket, address: Any) -> None:
        check(sock, address)
        real_connect(sock, address)

    def connect_ex(sock: socket.socket, address: Any) -> int:
        check(sock, address)
        return real_connect_ex(sock, address)

    socket.socket.connect = connect  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        socket.socket.connect = real_connect  # type: ignore[method-assign]
        socket.socket.connect_ex = real_connect_ex  # type: ignore[method-assign]
