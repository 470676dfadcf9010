"""The notification outbox table: enqueue once per key, claim due rows, record each delivery attempt.

Claiming moves a row's ``next_attempt_at`` forward by a lease and counts the attempt, in one transaction
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL, the write lock on SQLite), so two workers never deliver the same
row at once; a worker that dies mid-delivery leaves the row to be claimed again when the lease ends.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, and_, func, or_, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from jobflow.store.models import Notification
from jobflow.store.repository import Repository, insert_if_absent

__all__ = ["NotificationRow", "OutboxRepository", "insert_notification"]

NOTIFICATIONS = cast(Table, Notification.__table__)


@dataclass(frozen=True, slots=True)
class NotificationRow:
    """One notification of the outbox. Times are aware UTC; text is already redacted."""

    id: int
    kind: str
    title: str
    body: str
    data: dict[str, Any]
    dedupe_key: str
    channel: str
    state: str
    attempts: int
    delivered: tuple[str, ...]
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: times as ISO 8601 strings."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = value.isoformat() if isinstance(value, datetime) else value
        out["delivered"] = list(self.delivered)
        return out


def _row(row: RowMapping) -> NotificationRow:
    return NotificationRow(**{**row, "delivered": tuple(row["delivered"] or ())})


async def insert_notification(connection: AsyncConnection, values: dict[str, Any], now: datetime) -> bool:
    """Add a pending notification inside the caller's transaction; ``False`` when its key is taken.

    :param values: ``kind``, ``title``, ``body``, ``data``, ``dedupe_key`` and ``channel``, already redacted.
    """
    row = {
        **values,
        "state": "pending",
        "attempts": 0,
        "delivered": [],
        "next_attempt_at": now,
        "created_at": now,
    }
    statement = insert_if_absent(connection.dialect.name, NOTIFICATIONS, row, ("dedupe_key",))
    result = await connection.execute(statement)
    return bool(result.rowcount)


class OutboxRepository(Repository):
    """The ``notifications`` table (``OutboxRepository(store)``)."""

    noun = "notifications"

    async def add(self, values: dict[str, Any]) -> bool:
        """Enqueue a notification; ``False`` (and nothing changes) when ``dedupe_key`` was used before."""
        async with self._write("enqueue a notification") as connection:
            return await insert_notification(connection, values, self.clock.now())

    async def claim_due(self, lease: timedelta, *, limit: int = 50) -> builtins.list[NotificationRow]:
        """Pending notifications due now, oldest first, claimed for ``lease``: their attempt is counted."""
        now = self.clock.now()
        query = (
            select(NOTIFICATIONS.c.id)
            .where(NOTIFICATIONS.c.state == "pending", NOTIFICATIONS.c.next_attempt_at <= now)
            .order_by(NOTIFICATIONS.c.next_attempt_at, NOTIFICATIONS.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        async with self._write("claim due notifications") as connection:
            ids = list((await connection.execute(query)).scalars())
            return await self._claim(connection, ids, now + lease)

    async def claim(self, dedupe_key: str, lease: timedelta) -> NotificationRow | None:
        """Claim the pending notification with this key if it is due; ``None`` when it is not claimable."""
        now = self.clock.now()
        query = (
            select(NOTIFICATIONS.c.id)
            .where(
                NOTIFICATIONS.c.dedupe_key == dedupe_key,
                NOTIFICATIONS.c.state == "pending",
                NOTIFICATIONS.c.next_attempt_at <= now,
            )
            .with_for_update(skip_locked=True)
        )
        async with self._write("claim a notification") as connection:
            claimed = await self._claim(connection, list((await connection.execute(query)).scalars()), now + lease)
        return claimed[0] if claimed else None

    async def _claim(
        self, connection: AsyncConnection, ids: builtins.list[int], until: datetime
    ) -> builtins.list[NotificationRow]:
        if not ids:
            return []
        await connection.execute(
            update(NOTIFICATIONS)
            .where(NOTIFICATIONS.c.id.in_(ids))
            .values(attempts=NOTIFICATIONS.c.attempts + 1, next_attempt_at=until)
        )
        rows = await connection.execute(
            select(NOTIFICATIONS).where(NOTIFICATIONS.c.id.in_(ids)).order_by(NOTIFICATIONS.c.id)
        )
        return [_row(row) for row in rows.mappings()]

    async def finish(
        self,
        notification_id: int,
        *,
        state: str,
        delivered: Iterable[str],
        error: str | None = None,
        next_attempt_at: datetime | None = None,
    ) -> None:
        """Record the end of an attempt: ``sent``, ``failed``, or ``pending`` again at ``next_attempt_at``."""
        values: dict[str, Any] = {"state": state, "delivered": sorted(set(delivered)), "last_error": error}
        if state == "sent":
            values["sent_at"] = self.clock.now()
        if next_attempt_at is not None:
            values["next_attempt_at"] = next_attempt_at
        async with self._write(f"record the delivery of notification {notification_id}") as connection:
            await connection.execute(update(NOTIFICATIONS).where(NOTIFICATIONS.c.id == notification_id).values(values))

    async def get(self, dedupe_key: str) -> NotificationRow | None:
        """The notification enqueued with this key, or ``None``."""
        async with self._read() as connection:
            rows = await connection.execute(select(NOTIFICATIONS).where(NOTIFICATIONS.c.dedupe_key == dedupe_key))
            found = rows.mappings().first()
        return None if found is None else _row(found)

    async def list(self, *, state: str | None = None, limit: int = 50) -> builtins.list[NotificationRow]:
        """The newest notifications first, optionally only those in ``state``."""
        query = select(NOTIFICATIONS)
        if state is not None:
            query = query.where(NOTIFICATIONS.c.state == state)
        query = query.order_by(NOTIFICATIONS.c.created_at.desc(), NOTIFICATIONS.c.id.desc()).limit(limit)
        async with self._read() as connection:
            rows = (await connection.execute(query)).mappings().all()
        return [_row(row) for row in rows]

    async def counts(self) -> dict[str, int]:
        """How many notifications are in each state (``pending``, ``sent``, ``failed``)."""
        query = select(NOTIFICATIONS.c.state, func.count()).group_by(NOTIFICATIONS.c.state)
        async with self._read() as connection:
            return {state: int(n) for state, n in (await connection.execute(query)).all()}

    async def undelivered(self, *, limit: int = 20) -> builtins.list[NotificationRow]:
        """Notifications whose delivery failed: given up (``failed``) or pending a retry after an error,
        newest first."""
        retrying = and_(NOTIFICATIONS.c.state == "pending", NOTIFICATIONS.c.last_error.is_not(None))
        query = select(NOTIFICATIONS).where(or_(NOTIFICATIONS.c.state == "failed", retrying))
        query = query.order_by(NOTIFICATIONS.c.created_at.desc(), NOTIFICATIONS.c.id.desc()).limit(limit)
        async with self._read() as connection:
            rows = (await connection.execute(query)).mappings().all()
        return [_row(row) for row in rows]

    async def next_due(self) -> datetime | None:
        """When the earliest pending notification is due (``None`` when none is pending)."""
        query = select(NOTIFICATIONS.c.next_attempt_at).where(NOTIFICATIONS.c.state == "pending")
        query = query.order_by(NOTIFICATIONS.c.next_attempt_at).limit(1)
        async with self._read() as connection:
            return cast(datetime | None, (await connection.execute(query)).scalar_one_or_none())
