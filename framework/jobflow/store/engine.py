"""The async engine behind the store: driver, pool and per-connection settings in one place.

PostgreSQL gets a 5 s ``lock_timeout``. SQLite gets WAL, a 5 s busy timeout, foreign keys and
``synchronous=NORMAL`` on every connection, and SQLAlchemy emits ``BEGIN`` itself (Python's sqlite3 would
skip it before DDL and SELECT, breaking transactional migrations). A connection carrying :data:`WRITE`
begins with ``BEGIN IMMEDIATE``: it takes the write lock up front and waits for it (busy timeout) instead
of failing mid-transaction when another process wrote first.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

__all__ = [
    "BEGIN_OPTION",
    "POSTGRES_LOCK_TIMEOUT",
    "SQLITE_PRAGMAS",
    "WRITE",
    "create_engine",
    "probe_sqlite",
    "sqlite_path",
]

BEGIN_OPTION = "jobflow_sqlite_begin"
WRITE: dict[str, Any] = {BEGIN_OPTION: "IMMEDIATE"}
"""Execution options of a write transaction (``engine.execution_options(**WRITE)``)."""

SQLITE_PRAGMAS: tuple[str, ...] = (
    "PRAGMA busy_timeout=5000",
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=NORMAL",
)
"""Run on every new SQLite connection, busy timeout first so a concurrent WAL switch waits, not fails."""

ASYNCPG_CONNECT_TIMEOUT = 10.0
"""Seconds asyncpg waits for a server before giving up (its own default is a minute)."""

POSTGRES_LOCK_TIMEOUT = "5s"
"""PostgreSQL's ``lock_timeout`` on every connection, SQLite's busy timeout's twin: a statement waiting
longer for a lock another session holds fails (and the scheduler retries it with backoff) instead of
hanging for as long as that session keeps it."""


def sqlite_path(url: URL) -> Path | None:
    """The file of a SQLite URL, or ``None`` for memory databases, ``file:`` URIs and other databases."""
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database)


def probe_sqlite(path: Path) -> None:
    """Open and close ``path`` with the standard driver (run it in a worker thread).

    An unopenable file then fails here, cleanly, rather than inside aiosqlite, whose worker thread
    outlives a failed connect and may report to an event loop that has closed since.
    """
    sqlite3.connect(path).close()


def _on_sqlite_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


def _on_sqlite_begin(connection: Connection) -> None:
    mode = connection.get_execution_options().get(BEGIN_OPTION, "")
    connection.exec_driver_sql(f"BEGIN {mode}".strip())


def create_engine(url: URL, connect_args: Mapping[str, Any] | None = None) -> AsyncEngine:
    """An async engine for ``url`` (already carrying its async driver) with jobflow's settings."""
    args = dict(connect_args or {})
    if url.drivername == "postgresql+asyncpg":
        args.setdefault("timeout", ASYNCPG_CONNECT_TIMEOUT)
        args["server_settings"] = {"lock_timeout": POSTGRES_LOCK_TIMEOUT, **args.get("server_settings", {})}
    engine = create_async_engine(url, connect_args=args)
    if url.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _on_sqlite_connect)
        event.listen(engine.sync_engine, "begin", _on_sqlite_begin)
    else:
        _ping_when_idle(engine)
    return engine


PING_AFTER_IDLE = 10.0
"""Seconds a pooled server connection may sit unused before it is pinged when checked out again."""
_IDLE_SINCE = "jobflow_idle_since"


def _ping_when_idle(engine: AsyncEngine) -> None:
    """Ping a server connection at checkout only when it sat idle in the pool for :data:`PING_AFTER_IDLE`.

    ``pool_pre_ping`` would cost a round trip per checkout (three with asyncpg: begin, ``;``, rollback) on
    every claim and run write. A connection in steady use needs none: when the server went away, the first
    statement fails as a disconnect, SQLAlchemy then invalidates every pooled connection, and the caller's
    retry gets a fresh one. A ping that fails here replaces the connection before anyone uses it.
    """
    dialect = engine.sync_engine.dialect

    def checkin(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    def checkout(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
        since = record.info.pop(_IDLE_SINCE, None)
        if since is None or time.monotonic() - since < PING_AFTER_IDLE:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as exc:
            raise DisconnectionError(f"pooled connection failed its ping: {type(exc).__name__}") from exc

    event.listen(engine.sync_engine, "checkin", checkin)
    event.listen(engine.sync_engine, "checkout", checkout)
