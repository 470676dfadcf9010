"""The suite's network guard: loopback goes through, the real job sites are refused before anything is sent."""

from __future__ import annotations

import socket

import pytest

from jobflow.testing.netguard import NetworkRefused, is_loopback


@pytest.mark.parametrize(
    ("address", "local"),
    [
        (("127.0.0.1", 80), True),
        (("127.8.9.1", 80), True),
        (("::1", 80, 0, 0), True),
        (("localhost", 80), True),
        ("/tmp/pg.sock", True),
        (("10.0.0.1", 80), False),
        (("2001:db8::1", 80, 0, 0), False),
        (("www.linkedin.com", 443), False),
    ],
)
def test_is_loopback(address: object, local: bool) -> None:
    assert is_loopback(address) is local


def test_a_real_job_site_is_refused_before_anything_is_sent() -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with sock, pytest.raises(NetworkRefused, match="only loopback"):
        sock.connect(("104.18.0.1", 443))


def test_loopback_still_connects() -> None:
    with socket.create_server(("127.0.0.1", 0)) as server, socket.create_connection(server.getsockname()) as client:
        assert client.getpeername() == server.getsockname()
