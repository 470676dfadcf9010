"""What every repository of the store shares: short write transactions, reads, and insert-if-absent.

Every write is one transaction (``BEGIN IMMEDIATE`` on SQLite, so a read-then-write never fails midway
because another process wrote first), committed before the method returns; any failure is raised as a
:class:`jobflow.errors.StoreError` naming the action and the database (password masked).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.dml import Insert

from jobflow.errors import JobflowError, StoreError
from jobflow.store.engine import WRITE
from jobflow.store.failures import describe

if TYPE_CHECKING:
    from jobflow.store.db import Store

__all__ = ["Repository", "insert_if_absent"]


def insert_if_absent(dialect: str, table: Table, values: dict[str, Any], key: tuple[str, ...]) -> Insert:
    """``INSERT`` that does nothing when a row with the same unique ``key`` exists (its rowcount is then 0).

    Never an error, so it is safe inside a larger PostgreSQL transaction.
    """
    if dialect == "postgresql":
        return postgresql.insert(table).values(values).on_conflict_do_nothing(index_elements=list(key))
    if dialect == "sqlite":
        return sqlite.insert(table).values(values).on_conflict_do_nothing(index_elements=list(key))
    from sqlalchemy.dialects import mysql

    return mysql.insert(table).values(values).prefix_with("IGNORE")


class Repository:
    """Base of a repository bound to one :class:`jobflow.store.Store` (its engine and clock)."""

    noun = "records"
    """What the repository holds, for read errors (``cannot read reminders from database ...``)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._engine = store.engine
        self._writer = store.engine.execution_options(**WRITE)
        self._secret = store.engine.url.password

    @property
    def clock(self) -> Any:
        return self.store.clock

    @asynccontextmanager
    async def _write(self, action: str) -> AsyncIterator[AsyncConnection]:
        """One write transaction; a jobflow error raised inside (``NotFound``) passes through unchanged."""
        try:
            async with self._writer.begin() as connection:
                yield connection
        except JobflowError:
            raise
        except Exception as exc:
            reason = describe(exc, secret=self._secret)
            raise StoreError(f"cannot {action} in database {self.store.url}: {reason}") from exc

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[AsyncConnection]:
        try:
            async with self._engine.connect() as connection:
                yield connection
        except JobflowError:
            raise
        except Exception as exc:
            reason = describe(exc, secret=self._secret)
            raise StoreError(f"cannot read {self.noun} from database {self.store.url}: {reason}") from exc
