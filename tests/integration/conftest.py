"""Fixtures of the integration tests.

``database``: a SQLite file always; PostgreSQL when ``JOBFLOW_TEST_POSTGRES_URL`` is set (otherwise that
parameter is skipped with the reason). Each PostgreSQL test gets a fresh, uniquely named schema
(``search_path`` set per connection) that is dropped afterwards, so runs repeat and run in parallel on one
server. ``store``: a migrated store on that database with a ``FakeClock`` at ``T0``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from store_support import T0, Database

from jobflow.clock import FakeClock
from jobflow.store import Store, async_url

POSTGRES_ENV = "JOBFLOW_TEST_POSTGRES_URL"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    if request.param == "sqlite":
        path = tmp_path / "home" / "jobflow.db"
        yield Database("sqlite", f"sqlite+aiosqlite:///{path}", path=path)
        return
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"{POSTGRES_ENV} is not set (e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test)")
    schema = f"jobflow_test_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(async_url(base))
    async with admin.begin() as connection:
        await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield Database("postgresql", base, {"server_settings": {"search_path": schema}}, schema=schema)
    finally:
        async with admin.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


@pytest.fixture
async def store(database: Database) -> AsyncIterator[Store]:
    opened = await database.open(clock=FakeClock(T0))
    try:
        yield opened
    finally:
        await opened.close()
