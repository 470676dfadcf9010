"""Fixtures of the LinkedIn plugin tests: a harness (home, store, local sites) per test.

Keys are typed :data:`TYPING_DELAY` apart (``JOBFLOW_TYPING_DELAY``) instead of a person's 100 ms: the local
LinkedIn does not watch the rhythm, and tests/integration/test_browser_human.py measures it at the real pace.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from linkedin_support import CHROMIUM, PASSWORD, PROFILE, USER, Harness

from jobflow.config import get_settings
from jobflow.store import Store
from jobflow.testing.sites import LocalSites

TYPING_DELAY = "0.005"


@pytest_asyncio.fixture
async def harness(tmp_path: Path, local_sites: LocalSites, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Harness]:
    """A temporary ``JOBFLOW_HOME`` with a migrated SQLite store, the local sites reset, fast typing."""
    if not CHROMIUM.exists():
        pytest.skip("no Chromium at /usr/bin/chromium")
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("JOBFLOW_HOME", str(home))
    monkeypatch.setenv("JOBFLOW_TYPING_DELAY", TYPING_DELAY)
    get_settings.cache_clear()
    local_sites.linkedin.set(credentials=(USER, PASSWORD))
    store = await Store.open(f"sqlite+aiosqlite:///{home / 'jobflow.db'}")
    try:
        yield Harness(home, local_sites, store)
    finally:
        await store.close()
        get_settings.cache_clear()


@pytest.fixture
def applicant(harness: Harness) -> Harness:
    """The harness with ``profile.yaml`` (:data:`PROFILE`) and its resume beside the workflow."""
    (harness.home.parent / "profile.yaml").write_text(PROFILE)
    (harness.home.parent / "Tailored_Resume.pdf").write_bytes(b"%PDF-1.4 a test resume")
    return harness
