"""Reminders of applications (``reminder_jobs``) and what happened at each fire time (``reminder_executions``).

Firing and marking missed are each one transaction: the reminder row is locked, an execution row unique on
``(reminder_id, fire_time)`` is inserted, the state changes, and the notification is enqueued in the same
outbox transaction. Two schedulers, two tasks or a retry after a crash racing on one fire time therefore
produce exactly one execution and one notification.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from jobflow.applications import PENDING_REMINDER_STATES
from jobflow.errors import NotFound
from jobflow.store.applications import APPLICATIONS, ApplicationRow, application_row
from jobflow.store.models import ReminderExecution, ReminderJob
from jobflow.store.outbox import insert_notification
from jobflow.store.repository import Repository, insert_if_absent

__all__ = ["Compose", "ReminderRepository", "ReminderRow"]

REMINDERS = cast(Table, ReminderJob.__table__)
EXECUTIONS = cast(Table, ReminderExecution.__table__)


@dataclass(frozen=True, slots=True)
class ReminderRow:
    """One reminder as stored in ``reminder_jobs``. Times are aware UTC."""

    id: str
    application_id: int
    type: str
    due_at: datetime
    state: str
    retry_count: int
    created_by: str
    note: str
    created_at: datetime
    updated_at: datetime
    fired_at: datetime | None

    @property
    def pending(self) -> bool:
        """Whether the reminder will still fire (``scheduled``, or ``missed`` and rescheduled)."""
        return self.state in PENDING_REMINDER_STATES

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: times as ISO 8601 strings."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = value.isoformat() if isinstance(value, datetime) else value
        return out


Compose = Callable[[ReminderRow, ApplicationRow | None], dict[str, Any]]
"""Builds the notification (``kind``, ``title``, ``body``, ``data``, ``dedupe_key``, ``channel``) of a reminder."""


class ReminderRepository(Repository):
    """Reminders and their executions (``ReminderRepository(store)``)."""

    noun = "reminders"

    async def add(
        self,
        *,
        reminder_id: str,
        application_id: int,
        type: str,
        due_at: datetime,
        note: str,
        created_by: str,
        replace: bool = False,
    ) -> tuple[ReminderRow, bool]:
        """Add the reminder unless its id exists; with ``replace`` an existing one is rescheduled afresh
        (state ``scheduled``, retry count 0). Returns the row and whether it was written.

        :raises NotFound: the application does not exist.
        """
        now = self.clock.now()
        async with self._write(f"add reminder {reminder_id}") as connection:
            app = await connection.execute(select(APPLICATIONS.c.id).where(APPLICATIONS.c.id == application_id))
            if app.scalar_one_or_none() is None:
                raise NotFound(f"no application has id {application_id} (see `jobflow applications`)")
            fresh = {"due_at": due_at, "state": "scheduled", "retry_count": 0, "note": note, "updated_at": now}
            values = {**fresh, "id": reminder_id, "application_id": application_id, "type": type}
            values.update(created_by=created_by, created_at=now, fired_at=None)
            inserted = await connection.execute(insert_if_absent(connection.dialect.name, REMINDERS, values, ("id",)))
            written = bool(inserted.rowcount)
            if not written and replace:
                fresh.update(created_by=created_by, fired_at=None)
                await connection.execute(update(REMINDERS).where(REMINDERS.c.id == reminder_id).values(fresh))
                written = True
            return await self._get(connection, reminder_id), written

    async def cancel(self, reminder_id: str) -> bool:
        """Cancel a pending reminder; ``False`` when it does not exist or already fired, failed or was cancelled."""
        async with self._write(f"cancel reminder {reminder_id}") as connection:
            result = await connection.execute(
                update(REMINDERS)
                .where(REMINDERS.c.id == reminder_id, REMINDERS.c.state.in_(PENDING_REMINDER_STATES))
                .values(state="cancelled", updated_at=self.clock.now())
            )
            return bool(result.rowcount)

    async def get(self, reminder_id: str) -> ReminderRow | None:
        """The reminder with this id, or ``None``."""
        async with self._read() as connection:
            found = (await connection.execute(select(REMINDERS).where(REMINDERS.c.id == reminder_id))).mappings()
            row = found.first()
        return None if row is None else ReminderRow(**row)

    async def list(
        self, *, states: Iterable[str] | None = None, application_id: int | None = None, limit: int | None = None
    ) -> builtins.list[ReminderRow]:
        """Reminders by due time (then id), optionally only in ``states`` or of one application."""
        query = select(REMINDERS)
        if states is not None:
            query = query.where(REMINDERS.c.state.in_(list(states)))
        if application_id is not None:
            query = query.where(REMINDERS.c.application_id == application_id)
        query = query.order_by(REMINDERS.c.due_at, REMINDERS.c.id)
        if limit is not None:
            query = query.limit(limit)
        async with self._read() as connection:
            rows = (await connection.execute(query)).mappings().all()
        return [ReminderRow(**row) for row in rows]

    async def executions(self, reminder_id: str) -> builtins.list[dict[str, Any]]:
        """Every recorded fire time of a reminder, oldest first: ``fire_time``, ``executed_at``, ``outcome``."""
        query = select(EXECUTIONS).where(EXECUTIONS.c.reminder_id == reminder_id).order_by(EXECUTIONS.c.fire_time)
        async with self._read() as connection:
            rows = (await connection.execute(query)).mappings().all()
        return [{k: v for k, v in row.items() if k != "id"} for row in rows]

    async def fire(self, reminder_id: str, fire_time: datetime, compose: Compose) -> bool:
        """Record the reminder fired at ``fire_time`` and enqueue its notification, exactly once.

        :returns: ``False`` (nothing written) when the reminder is unknown, not pending, or this fire time
            was already recorded.
        """
        async with self._write(f"fire reminder {reminder_id}") as connection:
            row = await self._lock_pending(connection, reminder_id)
            if row is None or not await self._execution(connection, row.id, fire_time, "fired", None):
                return False
            now = self.clock.now()
            await connection.execute(
                update(REMINDERS).where(REMINDERS.c.id == row.id).values(state="fired", fired_at=now, updated_at=now)
            )
            await insert_notification(connection, compose(row, await self._application(connection, row)), now)
            return True

    async def missed(
        self, reminder_id: str, fire_time: datetime, retry_in: timedelta | None, compose: Compose
    ) -> ReminderRow | None:
        """Record that ``fire_time`` passed unnoticed; reschedule ``retry_in`` from now, or (``None``) give up:
        state ``failed`` and the notification ``compose`` builds, enqueued once.

        :returns: the reminder after the change (unchanged when this fire time was already recorded),
            ``None`` when it is unknown or not pending.
        """
        async with self._write(f"record a missed time of reminder {reminder_id}") as connection:
            row = await self._lock_pending(connection, reminder_id)
            if row is None:
                return None
            detail = "gave up" if retry_in is None else f"rescheduled in {retry_in.total_seconds():g}s"
            if not await self._execution(connection, row.id, fire_time, "missed", detail):
                return row
            now = self.clock.now()
            if retry_in is None:
                changes: dict[str, Any] = {"state": "failed", "updated_at": now}
            else:
                changes = {"state": "missed", "due_at": now + retry_in, "retry_count": row.retry_count + 1}
                changes["updated_at"] = now
            await connection.execute(update(REMINDERS).where(REMINDERS.c.id == row.id).values(changes))
            if retry_in is None:
                await insert_notification(connection, compose(row, await self._application(connection, row)), now)
            return await self._get(connection, row.id)

    # ------------------------------------------------------------------------------------ internals

    async def _lock_pending(self, connection: AsyncConnection, reminder_id: str) -> ReminderRow | None:
        query = select(REMINDERS).where(REMINDERS.c.id == reminder_id).with_for_update()
        found = (await connection.execute(query)).mappings().first()
        if found is None or found["state"] not in PENDING_REMINDER_STATES:
            return None
        return ReminderRow(**found)

    async def outcome(self, reminder_id: str, fire_time: datetime) -> str | None:
        """What was recorded for this fire time (``fired`` or ``missed``), or ``None`` when nothing was."""
        query = select(EXECUTIONS.c.outcome).where(
            EXECUTIONS.c.reminder_id == reminder_id, EXECUTIONS.c.fire_time == fire_time
        )
        async with self._read() as connection:
            return cast(str | None, (await connection.execute(query)).scalar_one_or_none())

    async def _execution(
        self, connection: AsyncConnection, reminder_id: str, fire_time: datetime, outcome: str, detail: str | None
    ) -> bool:
        values = {
            "reminder_id": reminder_id,
            "fire_time": fire_time,
            "executed_at": self.clock.now(),
            "outcome": outcome,
            "detail": detail,
        }
        key = ("reminder_id", "fire_time")
        result = await connection.execute(insert_if_absent(connection.dialect.name, EXECUTIONS, values, key))
        return bool(result.rowcount)

    @staticmethod
    async def _application(connection: AsyncConnection, row: ReminderRow) -> ApplicationRow | None:
        found = await connection.execute(select(APPLICATIONS).where(APPLICATIONS.c.id == row.application_id))
        mapping: RowMapping | None = found.mappings().first()
        return None if mapping is None else application_row(mapping)

    @staticmethod
    async def _get(connection: AsyncConnection, reminder_id: str) -> ReminderRow:
        found = await connection.execute(select(REMINDERS).where(REMINDERS.c.id == reminder_id))
        return ReminderRow(**found.mappings().one())
