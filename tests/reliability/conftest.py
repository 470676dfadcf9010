"""Fixtures of the reliability scenarios (RELIABILITY.md): a database on SQLite and, when
``JOBFLOW_TEST_POSTGRES_URL`` is set, on PostgreSQL (a fresh database per test, so a daemon subprocess can
use it through ``DATABASE_URL``); a store on a fake clock; the in-process rig."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from procs import Daemons
from rig import T0, Rig, build_rig
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from jobflow.clock import FakeClock
from jobflow.store import Store, async_url

POSTGRES_ENV = "JOBFLOW_TEST_POSTGRES_URL"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A database URL nobody used yet."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'home' / 'jobflow.db'}"
        return
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"{POSTGRES_ENV} is not set (e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test)")
    name = f"jf_rel_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(async_url(base), isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(async_url(base)).set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[Store]:
    opened = await Store.open(db_url, clock=FakeClock(T0))
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
async def rig(store: Store, tmp_path: Path) -> Rig:
    return await build_rig(store, tmp_path, backoff=(60.0, 120.0, 300.0))


@pytest.fixture
def daemons(db_url: str, tmp_path: Path) -> Iterator[Daemons]:
    """Real ``jobflow daemon`` processes on ``db_url`` (all killed at the end)."""
    started = Daemons(tmp_path, db_url)
    try:
        yield started
    finally:
        started.close()
