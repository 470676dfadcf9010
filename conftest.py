"""The whole suite (tests/ and plugins/*/tests): no network beyond loopback, ever."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from jobflow.testing.netguard import loopback_only


@pytest.fixture(autouse=True, scope="session")
def _loopback_only() -> Iterator[None]:
    with loopback_only():
        yield
