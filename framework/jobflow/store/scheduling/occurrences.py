"""The ``occurrences`` table: recording fire times, and every state change after the claim.

Each method is one transaction. State changes are compare-and-set (``WHERE state IN ... AND owner =
...``), so a scheduler that lost an occurrence to recovery can never overwrite what recovery decided.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select, update

from jobflow.store.scheduling.base import OCCURRENCES, Repo, log_decisions
from jobflow.store.scheduling.recording import CHUNK, chunks, record_in
from jobflow.store.scheduling.rows import ACTIVE, Decision, Fire, Occ
from jobflow.store.scheduling.transitions import Change, apply_changes, apply_starts

__all__ = ["CHUNK", "Change", "OccurrenceStore", "chunks", "record_in"]

OCC = OCCURRENCES


class OccurrenceStore(Repo):
    """Occurrences of schedules and reminders (``occurrences``)."""

    async def record(
        self, fires: Sequence[Fire], advances: Sequence[tuple[str, datetime, datetime | None]] = ()
    ) -> list[str]:
        """Insert ``fires`` not recorded yet and advance schedules' next fire times, in one transaction
        (see :func:`~jobflow.store.scheduling.recording.record_in`); returns the ids inserted now."""
        now = self._clock.now()
        decisions: list[Decision] = []
        async with self._write("record fire times") as connection:
            new = await record_in(connection, fires, advances, now, decisions)
            await self._decide(connection, decisions, now)
        log_decisions(decisions)
        return new

    async def transition(
        self,
        occurrence_id: str,
        *,
        expect: Collection[str],
        owner: str | None,
        values: dict[str, Any],
        decisions: Sequence[Decision] = (),
        run: dict[str, Any] | None = None,
    ) -> bool:
        """Change an occurrence if it is still in a state of ``expect`` (and held by ``owner``, unless
        ``None``), recording ``decisions``; a run slot freed lets the schedule's waiting occurrences go.

        :param run: values written on the occurrence's run row in the same transaction.
        :returns: whether the occurrence was changed (``False``: someone else decided first).
        """
        change = Change(occurrence_id, tuple(expect), owner, values, tuple(decisions), run)
        return (await self.transition_many([change]))[0]

    async def transition_many(self, changes: Sequence[Change]) -> list[bool]:
        """:meth:`transition` for several occurrences in one transaction (each compare-and-set on its own)."""
        now = self._clock.now()
        async with self._write(f"update {len(changes)} occurrence(s)") as connection:
            done = await apply_changes(connection, changes, now)
            decisions = [d for change, ok in zip(changes, done, strict=True) if ok for d in change.decisions]
            await self._decide(connection, decisions, now)
        log_decisions(decisions)
        return done

    async def start(self, occurrence_id: str, *, owner: str, run: dict[str, Any] | None) -> bool:
        """``claimed`` -> ``running`` and, for a workflow, its run row ``queued`` (inserted, or the
        previous attempt's row reused: a retry keeps the run id, hence the idempotency keys) in one
        transaction, so a crash leaves either a claimable occurrence or a run, never neither.
        """
        return (await self.start_many([(occurrence_id, run)], owner=owner))[0]

    async def start_many(self, starts: Sequence[tuple[str, dict[str, Any] | None]], *, owner: str) -> list[bool]:
        """:meth:`start` for several occurrences in one transaction."""
        now = self._clock.now()
        async with self._write(f"start {len(starts)} occurrence(s)") as connection:
            return await apply_starts(connection, starts, owner, now)

    async def renew(self, owner: str, until: datetime) -> int:
        """Extend the lease of every occurrence ``owner`` holds; returns how many."""
        async with self._write("renew occurrence leases") as connection:
            result = await connection.execute(
                update(OCC).where(and_(OCC.c.owner == owner, OCC.c.state.in_(ACTIVE))).values(lease_until=until)
            )
        return int(result.rowcount)

    async def get(self, occurrence_id: str) -> Occ | None:
        """One occurrence, or ``None``."""
        async with self._read() as connection:
            row = (await connection.execute(select(OCC).where(OCC.c.id == occurrence_id))).mappings().first()
        return Occ(**row) if row else None

    async def list(
        self, *, states: Collection[str] | None = None, schedule_id: str | None = None, limit: int | None = None
    ) -> list[Occ]:
        """Occurrences by fire time, optionally filtered."""
        query = select(OCC).order_by(OCC.c.fire_time, OCC.c.id)
        if states is not None:
            query = query.where(OCC.c.state.in_(states))
        if schedule_id is not None:
            query = query.where(OCC.c.schedule_id == schedule_id)
        if limit is not None:
            query = query.limit(limit)
        async with self._read() as connection:
            rows = (await connection.execute(query)).mappings().all()
        return [Occ(**row) for row in rows]

    async def next_due(self) -> datetime | None:
        """The earliest ``not_before`` of a pending occurrence (when the dispatcher should look next)."""
        async with self._read() as connection:
            found: datetime | None = (
                await connection.execute(select(func.min(OCC.c.not_before)).where(OCC.c.state == "pending"))
            ).scalar_one_or_none()
        return found
