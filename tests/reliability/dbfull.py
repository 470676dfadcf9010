"""A SQLite database whose disk is full, for real: every connection of a store gets ``PRAGMA
max_page_count`` (SQLite's own size cap), and :meth:`FullDisk.fill` caps the file at its current size and
fills its free pages with ballast, so the next write that needs a new page fails with SQLite's real
``database or disk is full`` (``SQLITE_FULL``); :meth:`FullDisk.free` deletes the ballast and lifts the cap.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.pool import ConnectionPoolEntry

from jobflow.store import Store

UNLIMITED = 1_073_741_823


def small_pages(path: Path) -> None:
    """Create the database file ``path`` with 512-byte pages (before jobflow creates its tables), so that
    almost every row written needs a page of its own: a full disk then fails the very next write."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA page_size = 512")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("CREATE TABLE ballast (data BLOB)")


class FullDisk:
    """Controls the size cap of ``store``'s SQLite file (see the module docstring)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.limit = UNLIMITED
        event.listen(store.engine.sync_engine, "checkout", self._cap)

    def _cap(self, dbapi_connection: Any, _record: ConnectionPoolEntry, _proxy: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA max_page_count = {self.limit}")
        finally:
            cursor.close()

    async def fill(self) -> None:
        """Cap the file at its size now and use up every free page: the disk is full."""
        async with self.store.engine.connect() as connection:
            pages = (await connection.execute(text("PRAGMA page_count"))).scalar_one()
            self.limit = int(pages)
            await connection.execute(text(f"PRAGMA max_page_count = {self.limit}"))
            for size in (4_096, 256, 64, 8):
                while True:
                    try:
                        await connection.execute(text("INSERT INTO ballast VALUES (randomblob(:n))"), {"n": size})
                        await connection.commit()
                    except Exception as exc:
                        await connection.rollback()
                        if "full" not in str(exc):
                            raise
                        break

    def free(self) -> None:
        """Space returns: the ballast goes and the cap is lifted (on connections checked out from now)."""
        self.limit = UNLIMITED
        path = self.store.engine.url.database or ""
        with contextlib.closing(sqlite3.connect(path)) as connection:
            connection.execute("DELETE FROM ballast")
            connection.commit()


def fill_file(path: Path, control: Path) -> None:
    """:meth:`FullDisk.fill` for a daemon's database (started with ``JOBFLOW_TEST_DISK_CAP=control``)."""
    with contextlib.closing(sqlite3.connect(path, timeout=30, isolation_level=None)) as connection:
        pages = int(connection.execute("PRAGMA page_count").fetchone()[0])
        control.write_text(str(pages))
        connection.execute(f"PRAGMA max_page_count = {pages}")
        for size in (4_096, 256, 64, 8):
            while True:
                try:
                    connection.execute("INSERT INTO ballast VALUES (randomblob(?))", (size,))
                except sqlite3.OperationalError as exc:
                    if "full" not in str(exc):
                        raise
                    break


def free_file(path: Path, control: Path) -> None:
    """:meth:`FullDisk.free` for a daemon's database."""
    control.write_text("")
    with contextlib.closing(sqlite3.connect(path, timeout=30, isolation_level=None)) as connection:
        connection.execute("DELETE FROM ballast")
