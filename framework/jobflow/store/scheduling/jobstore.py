"""SQL for APScheduler's job store table, kept in the store package (the only place ``sqlalchemy`` is
imported). The scheduler's job store subclass calls these from a worker thread, never the event loop.

The sync engine gets the same SQLite settings as the async one (WAL, ``synchronous=NORMAL``, a busy
timeout), so the timer's writes are cheap and wait for a lock instead of failing.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any

from sqlalchemy import Engine, Table, and_, bindparam, create_engine, delete, event, insert, null, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.pool import ConnectionPoolEntry

from jobflow.store.engine import SQLITE_PRAGMAS

__all__ = ["delete_rows", "insert_rows", "job_rows", "next_run_time", "run_times", "sync_engine", "update_rows"]

_CHUNK = 500


TIMER_BUSY_TIMEOUT = "PRAGMA busy_timeout=30000"
"""The timer's thread may wait longer for SQLite's write lock than the event loop's connections: it blocks
no one, and a failed pass would delay every due job by APScheduler's retry interval."""


def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    try:
        for pragma in (*SQLITE_PRAGMAS, TIMER_BUSY_TIMEOUT):
            cursor.execute(pragma)
    finally:
        cursor.close()


def sync_engine(url: str) -> Engine:
    """A sync engine for the job store at ``url`` (SQLite gets jobflow's connection settings)."""
    sqlite = make_url(url).get_backend_name() == "sqlite"
    engine = create_engine(url, pool_pre_ping=not sqlite)  # a local file never disconnects: no ping per pass
    if sqlite:
        event.listen(engine, "connect", _on_connect)
    return engine


def job_rows(
    engine: Engine, table: Table, *, due: float | None = None, exclude: Collection[str] = ()
) -> list[tuple[str, float | None, bytes]]:
    """``(id, next_run_time, job_state)`` of every job (or those due by timestamp ``due``), by run time."""
    query = select(table.c.id, table.c.next_run_time, table.c.job_state).order_by(table.c.next_run_time)
    if due is not None:
        query = query.where(table.c.next_run_time <= due)
    if exclude:
        query = query.where(table.c.id.not_in(list(exclude)))
    with engine.begin() as connection:
        return [(row.id, row.next_run_time, row.job_state) for row in connection.execute(query)]


def run_times(engine: Engine, table: Table) -> dict[str, float | None]:
    """``id -> next_run_time`` of every job (their pickled states are not read)."""
    with engine.begin() as connection:
        return {row.id: row.next_run_time for row in connection.execute(select(table.c.id, table.c.next_run_time))}


def next_run_time(engine: Engine, table: Table, exclude: Collection[str] = ()) -> float | None:
    """The earliest ``next_run_time`` of a job not in ``exclude``."""
    query = (
        select(table.c.next_run_time).where(table.c.next_run_time != null()).order_by(table.c.next_run_time).limit(1)
    )
    if exclude:
        query = query.where(table.c.id.not_in(list(exclude)))
    with engine.begin() as connection:
        found: float | None = connection.execute(query).scalar()
    return found


def insert_rows(engine: Engine, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert jobs ``{id, next_run_time, job_state}`` in one transaction."""
    with engine.begin() as connection:
        for start in range(0, len(rows), _CHUNK):
            connection.execute(insert(table), list(rows[start : start + _CHUNK]))


def update_rows(engine: Engine, table: Table, rows: Iterable[dict[str, Any]]) -> None:
    """Replace jobs' run time and state in one transaction."""
    statement = (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(next_run_time=bindparam("b_next"), job_state=bindparam("b_state"))
    )
    params = [{"b_id": r["id"], "b_next": r["next_run_time"], "b_state": r["job_state"]} for r in rows]
    with engine.begin() as connection:
        for start in range(0, len(params), _CHUNK):
            connection.execute(statement, params[start : start + _CHUNK])


def delete_rows(engine: Engine, table: Table, ids: Collection[str], *, keep: Collection[str] = ()) -> None:
    """Delete jobs ``ids`` (never those in ``keep``: set-aside jobs stay) in one transaction."""
    wanted = [job for job in ids if job not in keep]
    with engine.begin() as connection:
        for start in range(0, len(wanted), _CHUNK):
            connection.execute(delete(table).where(and_(table.c.id.in_(wanted[start : start + _CHUNK]))))
