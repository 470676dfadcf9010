"""Migrations run on open: tables created, idempotent, safe when several processes open a fresh database."""

from __future__ import annotations

import asyncio
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from store_support import Database

import jobflow.store
from jobflow.errors import StoreError
from jobflow.store import Store
from jobflow.store.migrate import head_revision
from jobflow.store.models import Base


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def tables_of(opened: Store) -> set[str]:
    async with opened.engine.connect() as connection:
        return await connection.run_sync(_tables)


VERSIONS = Path(jobflow.store.__file__).parent / "migrations" / "versions"


async def version_rows(opened: Store) -> list[str]:
    async with opened.engine.connect() as connection:
        return list((await connection.execute(text("SELECT version_num FROM alembic_version"))).scalars())


async def test_open_creates_the_tables_at_the_newest_revision(store: Store, database: Database) -> None:
    assert {"workflow_runs", "step_runs", "alembic_version"} <= await tables_of(store)
    newest = max(p.name.split("_", 1)[0] for p in VERSIONS.glob("[0-9]*_*.py"))
    assert await store.revision() == head_revision() == newest
    if database.path is not None:
        assert database.path.is_file(), "the SQLite file's directory is created on open"


async def test_opening_again_is_a_no_op(store: Store, database: Database) -> None:
    again = await database.open()
    try:
        assert await again.revision() == head_revision()
        assert await version_rows(again) == [head_revision()]
    finally:
        await again.close()


async def test_migrate_false_only_connects(database: Database) -> None:
    bare = await database.open(migrate=False)
    try:
        assert await bare.revision() is None
        assert "workflow_runs" not in await tables_of(bare)
    finally:
        await bare.close()


async def test_the_models_match_what_the_migrations_build(store: Store) -> None:
    def diff(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))

    async with store.engine.connect() as connection:
        assert await connection.run_sync(diff) == []


async def test_two_stores_opening_a_fresh_database_at_once(database: Database) -> None:
    first, second = await asyncio.gather(database.open(), database.open())
    try:
        assert await first.revision() == await second.revision() == head_revision()
        assert await version_rows(first) == [head_revision()]
    finally:
        await first.close()
        await second.close()


async def test_stores_on_different_databases_open_at_once(tmp_path: Path) -> None:
    # Alembic's ``context`` and ``op`` are process-global: interleaved upgrades would trample each other.
    opened = await asyncio.gather(*(Store.open(f"sqlite:///{tmp_path / f'{n}.db'}") for n in range(4)))
    try:
        assert [await one.revision() for one in opened] == [head_revision()] * 4
    finally:
        for one in opened:
            await one.close()


OPEN_SCRIPT = textwrap.dedent(
    """
    import asyncio, sys
    from jobflow.store import Store

    async def main(url, schema):
        args = {"server_settings": {"search_path": schema}} if schema else None
        store = await Store.open(url, connect_args=args)
        print(await store.revision())
        await store.close()

    asyncio.run(main(sys.argv[1], sys.argv[2]))
    """
)


async def test_four_processes_opening_a_fresh_database_at_once(database: Database) -> None:
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            OPEN_SCRIPT,
            database.url,
            database.schema or "",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(4)
    ]
    results = [await process.communicate() for process in processes]
    for process, (out, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, err.decode()
        assert out.decode().strip() == head_revision()
    opened = await database.open(migrate=False)
    try:
        assert await version_rows(opened) == [head_revision()]
    finally:
        await opened.close()


async def test_a_database_from_a_newer_jobflow_is_refused_clearly(store: Store, database: Database) -> None:
    async with store.engine.begin() as connection:
        await connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreError, match=r"cannot migrate database .*9999.*newer jobflow"):
        await database.open()


@pytest.mark.parametrize(
    ("pragma", "expected"),
    [("journal_mode", "wal"), ("busy_timeout", 5000), ("foreign_keys", 1), ("synchronous", 1)],
)
async def test_sqlite_connections_get_their_pragmas(tmp_path: Path, pragma: str, expected: object) -> None:
    opened = await Store.open(f"sqlite:///{tmp_path / 'p.db'}")
    try:
        async with opened.engine.connect() as connection:
            assert (await connection.execute(text(f"PRAGMA {pragma}"))).scalar_one() == expected
    finally:
        await opened.close()
