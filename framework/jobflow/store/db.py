"""The store: one async engine, migrated on open, with a repository per area as attributes.

::

    store = await Store.open("sqlite+aiosqlite:////home/me/.jobflow/jobflow.db")
    try:
        await store.runs.start(run)
        async with store.session() as session:   # an AsyncSession, for ORM work
            ...
    finally:
        await store.close()
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from jobflow.clock import Clock, SystemClock
from jobflow.errors import StoreError
from jobflow.store.engine import WRITE, create_engine, probe_sqlite, sqlite_path
from jobflow.store.failures import failing_as, full_disk_hint
from jobflow.store.migrate import current_revision, upgrade
from jobflow.store.runs import RunRepository
from jobflow.store.urls import async_url, parse_url, safe_url

if TYPE_CHECKING:
    from jobflow.store.limits import DailyLimitRepository

__all__ = ["Store"]


class Store:
    """jobflow's database. Open it with :meth:`open`; close it with :meth:`close` (or ``async with``).

    :ivar runs: runs and step attempts (:class:`RunRepository`).
    :ivar url: the database URL with its password masked, fit for messages.
    :ivar clock: the clock stamping ``created_at`` and heartbeats.
    """

    def __init__(self, engine: AsyncEngine, *, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock
        self.url = safe_url(engine.url)
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._write_sessions = async_sessionmaker(engine.execution_options(**WRITE), expire_on_commit=False)
        self.runs = RunRepository(engine, clock=clock, database=self.url)

    @classmethod
    async def open(
        cls,
        url: str,
        *,
        migrate: bool = True,
        clock: Clock | None = None,
        connect_args: Mapping[str, Any] | None = None,
    ) -> Store:
        """Connect to ``url`` (given its async driver), create a SQLite file's directory, and by default
        upgrade the schema to the newest migration (a no-op when it is there already).

        :param migrate: ``False`` only checks the database can be reached.
        :param connect_args: passed to the driver, e.g. ``{"server_settings": {"search_path": "s"}}``.
        :raises StoreError: one line naming the database (password masked) and why it cannot be opened.
        :raises ConfigError: ``url`` is not a database URL.
        """
        parsed = parse_url(async_url(url))
        message = f"cannot open database {safe_url(parsed)}"
        path = sqlite_path(parsed)
        try:
            return await cls._open(parsed, message, path, migrate, clock, connect_args)
        except StoreError as exc:
            hint = full_disk_hint(path) if path is not None else None
            if hint is None:
                raise
            raise StoreError(f"{exc} ({hint})") from exc

    @classmethod
    async def _open(
        cls,
        parsed: URL,
        message: str,
        path: Path | None,
        migrate: bool,
        clock: Clock | None,
        connect_args: Mapping[str, Any] | None,
    ) -> Store:
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"{message}: cannot create directory {path.parent}: {exc.strerror}") from exc
            with failing_as(message):
                await asyncio.to_thread(probe_sqlite, path)
        with failing_as(message, secret=parsed.password):
            engine = create_engine(parsed, connect_args)
        store = cls(engine, clock=clock or SystemClock())
        try:
            with failing_as(message, secret=parsed.password):
                if migrate:
                    await upgrade(engine)
                else:
                    async with engine.connect():
                        pass
        except BaseException:
            await engine.dispose()
            raise
        return store

    async def close(self) -> None:
        """Close every pooled connection; call it once, when done with the store."""
        await self.engine.dispose()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    def daily_limits(self) -> DailyLimitRepository:
        """The sites' daily limits counted in this database (a :class:`jobflow.browser.DailyLimit`)."""
        from jobflow.store.limits import DailyLimitRepository

        return DailyLimitRepository(self)

    def session(self, *, write: bool = False) -> AsyncSession:
        """A new ``AsyncSession`` (use ``async with store.session() as s``; commit explicitly).

        :param write: begin with the write lock taken (``BEGIN IMMEDIATE`` on SQLite), for a session that
            reads then writes and must not fail when another process wrote in between.
        """
        return (self._write_sessions if write else self._sessions)()

    async def revision(self) -> str | None:
        """The migration the database is at (``None`` before any)."""
        with failing_as(f"cannot read the schema revision of database {self.url}", secret=self.engine.url.password):
            return await current_revision(self.engine)

    def __repr__(self) -> str:
        return f"Store({self.url!r})"
