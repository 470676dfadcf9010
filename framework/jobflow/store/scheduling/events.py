"""Reading decision events, handing owed notifications over, and the set-aside job list.

A decision that tells the user (``notify``) is written with its state change; :meth:`EventStore.notices`
lists those not yet handed to the notification outbox and :meth:`EventStore.mark_notified` records the
hand-over, so a crash in between only repeats an enqueue, which the outbox ignores (same dedupe key).
"""

from __future__ import annotations

import builtins
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select, update

from jobflow.store.scheduling.base import EVENTS, SET_ASIDE, Repo, insert_absent, log_decisions
from jobflow.store.scheduling.recording import chunks
from jobflow.store.scheduling.rows import Decision

__all__ = ["EventRow", "EventStore", "SetAside"]


@dataclass(frozen=True, slots=True)
class EventRow:
    """One ``scheduler_events`` row."""

    id: int
    at: datetime
    kind: str
    schedule_id: str | None
    occurrence_id: str | None
    run_id: str | None
    message: str
    data: dict[str, Any]
    notify: bool
    notified_at: datetime | None


@dataclass(frozen=True, slots=True)
class SetAside:
    """A stored APScheduler job that could not be loaded: kept in its table, listed here."""

    job_id: str
    jobstore_table: str
    reason: str
    first_seen: datetime
    last_seen: datetime


class EventStore(Repo):
    """``scheduler_events`` and ``scheduler_set_aside``."""

    async def add(self, decisions: Sequence[Decision]) -> None:
        """Record decisions that change no other row (e.g. a lease refused, a set-aside job)."""
        async with self._write("record scheduler decisions") as connection:
            await self._decide(connection, decisions, self._clock.now())
        log_decisions(decisions)

    async def list(
        self, *, kinds: Collection[str] | None = None, occurrence_id: str | None = None, limit: int = 50
    ) -> builtins.list[EventRow]:
        """The newest events first, optionally only some kinds or one occurrence's."""
        query = select(EVENTS).order_by(EVENTS.c.id.desc()).limit(limit)
        if kinds is not None:
            query = query.where(EVENTS.c.kind.in_(kinds))
        if occurrence_id is not None:
            query = query.where(EVENTS.c.occurrence_id == occurrence_id)
        async with self._read("read scheduler events") as connection:
            rows = (await connection.execute(query)).mappings().all()
        return [EventRow(**row) for row in rows]

    async def notices(self, limit: int = 200) -> builtins.list[EventRow]:
        """Events that owe the user a notification not yet handed to the outbox, oldest first."""
        query = (
            select(EVENTS)
            .where(and_(EVENTS.c.notify.is_(True), EVENTS.c.notified_at.is_(None)))
            .order_by(EVENTS.c.id)
            .limit(limit)
        )
        async with self._read("read owed notifications") as connection:
            rows = (await connection.execute(query)).mappings().all()
        return [EventRow(**row) for row in rows]

    async def mark_notified(self, ids: Sequence[int]) -> None:
        """Record that these events' notifications are in the outbox."""
        now = self._clock.now()
        async with self._write("mark notifications handed over") as connection:
            for part in chunks(list(ids)):
                await connection.execute(update(EVENTS).where(EVENTS.c.id.in_(part)).values(notified_at=now))

    async def set_aside(self, table: str, jobs: Sequence[tuple[str, str]]) -> builtins.list[str]:
        """Flag unloadable jobs ``(job id, reason)`` of job store ``table``; returns the ids new to the list
        (each is recorded as a ``set_aside`` decision with a notification, once)."""
        now = self._clock.now()
        decisions: list[Decision] = []
        async with self._write("flag unloadable scheduled jobs") as connection:
            known = set(
                (
                    await connection.execute(
                        select(SET_ASIDE.c.job_id).where(SET_ASIDE.c.job_id.in_([job for job, _ in jobs]))
                    )
                ).scalars()
            )
            rows = [
                {"job_id": j, "jobstore_table": table, "reason": r, "first_seen": now, "last_seen": now}
                for j, r in jobs
            ]
            if rows:
                await connection.execute(insert_absent(connection, SET_ASIDE, ["job_id"]), rows)
            for job_id, reason in jobs:
                if job_id in known:
                    await connection.execute(
                        update(SET_ASIDE).where(SET_ASIDE.c.job_id == job_id).values(last_seen=now, reason=reason)
                    )
                    continue
                decisions.append(
                    Decision(
                        "set_aside",
                        "a stored job cannot be loaded: kept and set aside (see `jobflow doctor`)",
                        schedule_id=job_id,
                        data={"job_id": job_id, "table": table, "reason": reason},
                        notify=True,
                    )
                )
            await self._decide(connection, decisions, now)
        log_decisions(decisions)
        return [d.data["job_id"] for d in decisions]

    async def set_aside_jobs(self) -> builtins.list[SetAside]:
        """Every job set aside, by id."""
        async with self._read("read set-aside jobs") as connection:
            rows = (await connection.execute(select(SET_ASIDE).order_by(SET_ASIDE.c.job_id))).mappings().all()
        return [SetAside(**row) for row in rows]
