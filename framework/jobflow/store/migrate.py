"""Schema migrations, run in code: Alembic configured without an ``alembic.ini``, scripts inside the package.

:func:`upgrade` brings a database to ``head`` on the store's own async engine (``connection.run_sync``).
Running it again is a no-op, and several processes may open a fresh database at once: PostgreSQL takes a
transaction-scoped advisory lock, MySQL a named lock, SQLite ``BEGIN IMMEDIATE`` (the file's write lock)
around the whole upgrade, so the first process migrates and the others find ``head`` already there.

Within one process, upgrades also run one at a time (an ``asyncio.Lock`` per event loop), even on
different databases: Alembic's ``context`` and ``op`` are process-global proxies, so two migrations
interleaving on one loop would run each other's statements.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from weakref import WeakKeyDictionary

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from jobflow.errors import StoreError
from jobflow.store.engine import WRITE
from jobflow.store.urls import async_url, safe_url

__all__ = ["MIGRATIONS_DIR", "alembic_config", "current_revision", "head_revision", "upgrade"]

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
ADVISORY_LOCK_KEY = 0x6A6F62666C6F77
"""``pg_advisory_xact_lock`` key of the migration lock ("jobflow" in ASCII)."""
MYSQL_LOCK = "jobflow_migrations"
SQLITE_ATTEMPTS = 3
"""SQLite upgrades retried when another process still held the write lock after the busy timeout."""


_IN_PROCESS: WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = WeakKeyDictionary()


def _in_process_lock() -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    lock = _IN_PROCESS.get(loop)
    if lock is None:
        lock = _IN_PROCESS[loop] = asyncio.Lock()
    return lock


def alembic_config(url: str | None = None) -> Config:
    """Alembic's configuration for jobflow's migrations, built in code (no ``alembic.ini`` needed).

    :param url: only for running Alembic commands by hand (writing a new migration); jobflow itself
        passes its open connection instead.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    if url is not None:
        config.set_main_option("sqlalchemy.url", async_url(url).replace("%", "%%"))
    return config


def head_revision() -> str:
    """The newest migration this jobflow ships."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships migrations
        raise StoreError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


def _upgrade_on(connection: Connection, config: Config) -> None:
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def _lock(connection: AsyncConnection) -> None:
    dialect = connection.dialect.name
    if dialect == "postgresql":  # waits as long as another process migrates, whatever the lock_timeout
        await connection.execute(text("SET LOCAL lock_timeout = 0"))
        await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
    elif dialect in ("mysql", "mariadb"):
        await connection.execute(text("SELECT GET_LOCK(:name, 60)"), {"name": MYSQL_LOCK})


async def _upgrade_once(engine: AsyncEngine, config: Config) -> None:
    async with engine.execution_options(**WRITE).begin() as connection:
        await _lock(connection)
        try:
            await connection.run_sync(_upgrade_on, config)
        finally:
            if connection.dialect.name in ("mysql", "mariadb"):
                await connection.execute(text("SELECT RELEASE_LOCK(:name)"), {"name": MYSQL_LOCK})


async def upgrade(engine: AsyncEngine) -> None:
    """Upgrade the database behind ``engine`` to ``head``, under the lock described above.

    :raises StoreError: the database was migrated by a newer jobflow (an unknown revision).
    """
    config = alembic_config()
    for attempt in range(1, SQLITE_ATTEMPTS + 1):
        try:
            async with _in_process_lock():
                await _upgrade_once(engine, config)
            return
        except OperationalError as exc:
            if engine.dialect.name != "sqlite" or attempt == SQLITE_ATTEMPTS or "locked" not in str(exc.orig):
                raise
        except CommandError as exc:
            raise StoreError(
                f"cannot migrate database {safe_url(engine.url)}: {exc} (was it created by a newer jobflow?)"
            ) from exc


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at, ``None`` before the first migration."""

    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with engine.connect() as connection:
        return await connection.run_sync(read)
