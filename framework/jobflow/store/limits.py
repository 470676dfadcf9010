"""Daily limits in the database, so ``limits: {applications_per_day: 25}`` holds across runs and processes.

:class:`DailyLimitRepository` implements :class:`jobflow.browser.DailyLimit`. Spending is one statement in
one write transaction, atomic on SQLite (``BEGIN IMMEDIATE``) and PostgreSQL alike::

    INSERT INTO daily_limits (site, name, day, count, updated_at) VALUES (..., 1, ...)
    ON CONFLICT (site, name, day) DO UPDATE SET count = daily_limits.count + 1, ...
        WHERE daily_limits.count < :limit
    RETURNING count

No row back means the day's limit was already spent. The day is the caller's: the browser pool passes the
user's local date.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert

from jobflow.errors import DailyLimitReached
from jobflow.store.models.limits import DailyLimitCount
from jobflow.store.repository import Repository

__all__ = ["DailyLimitRepository"]

TABLE = cast(Table, DailyLimitCount.__table__)
KEY = ("site", "name", "day")


def _spend_statement(dialect: str, values: dict[str, Any], limit: int) -> Insert:
    insert = postgresql.insert(TABLE) if dialect == "postgresql" else sqlite.insert(TABLE)
    statement = insert.values(values)
    return statement.on_conflict_do_update(
        index_elements=list(KEY),
        set_={"count": TABLE.c.count + 1, "updated_at": statement.excluded.updated_at},
        where=TABLE.c.count < limit,
    ).returning(TABLE.c.count)


class DailyLimitRepository(Repository):
    """Counts of each site's daily limits in ``daily_limits``: a :class:`jobflow.browser.DailyLimit`."""

    noun = "daily limits"

    async def used(self, site: str, name: str, day: date) -> int:
        """How many uses of ``name`` were counted for ``site`` on ``day`` (0 when none)."""
        query = select(TABLE.c.count).where(TABLE.c.site == site, TABLE.c.name == name, TABLE.c.day == day)
        async with self._read() as connection:
            count = (await connection.execute(query)).scalar_one_or_none()
        return int(count or 0)

    async def spend(self, site: str, name: str, day: date, limit: int) -> int:
        """Count one use when fewer than ``limit`` were counted, atomically; return the new count.

        :raises DailyLimitReached: ``limit`` uses were already counted on ``day``.
        :raises StoreError: the database could not be written.
        """
        reached = DailyLimitReached(f"{site}: daily limit {name}={limit} reached for {day.isoformat()}")
        if limit <= 0:
            raise reached
        values = {"site": site, "name": name, "day": day, "count": 1, "updated_at": self.clock.now()}
        async with self._write(f"count daily limit {site}.{name}") as connection:
            dialect = connection.dialect.name
            if dialect not in ("postgresql", "sqlite"):
                count = await self._spend_portably(connection, values, limit)
            else:
                count = (await connection.execute(_spend_statement(dialect, values, limit))).scalar_one_or_none()
        if count is None:
            raise reached
        return int(count)

    async def _spend_portably(self, connection: Any, values: dict[str, Any], limit: int) -> int | None:
        """Other databases: a locking read, then an update or an insert (in the caller's transaction)."""
        where = (TABLE.c.site == values["site"], TABLE.c.name == values["name"], TABLE.c.day == values["day"])
        current = (await connection.execute(select(TABLE.c.count).where(*where).with_for_update())).scalar()
        if current is None:
            await connection.execute(TABLE.insert().values(values))
            return 1
        if current >= limit:
            return None
        await connection.execute(
            TABLE.update().where(*where).values(count=current + 1, updated_at=values["updated_at"])
        )
        return int(current) + 1
