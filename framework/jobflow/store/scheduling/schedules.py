"""The ``schedules`` table: the workflow triggers the daemon serves, re-synced from the YAML files.

:meth:`ScheduleStore.sync` diffs the declared set against the stored one in **one** transaction, so a
crash mid-sync leaves the previous set whole and the next start converges to the files (scenario 9):

- unchanged (same trigger hash and policies): untouched, its ``next_fire_time`` kept (scenario 8);
- changed trigger: replaced deliberately, ``next_fire_time`` recomputed; a changed policy only updates it;
- removed: deleted, and its still-pending occurrences ``cancelled`` (recorded); claimed and running ones
  finish normally; overdue occurrences of kept schedules are never touched.

Running it again with the same files changes nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, insert, select, update

from jobflow.store.scheduling.base import OCCURRENCES, SCHEDULES, Repo, log_decisions
from jobflow.store.scheduling.recording import chunks
from jobflow.store.scheduling.rows import Decision, ScheduleRow, ScheduleSpec, SyncResult

__all__ = ["ScheduleStore"]

_POLICY = ("workflow", "path", "position", "overlap", "max_instances", "misfire_grace", "catch_up", "catch_up_max")


def _values(spec: ScheduleSpec) -> dict[str, Any]:
    return {
        "id": spec.id,
        "workflow": spec.workflow,
        "path": spec.path,
        "position": spec.position,
        "trigger": spec.trigger,
        "trigger_hash": spec.trigger_hash,
        "next_fire_time": spec.next_fire_time,
        "overlap": spec.overlap,
        "max_instances": spec.max_instances,
        "misfire_grace": spec.misfire_grace,
        "catch_up": spec.catch_up,
        "catch_up_max": spec.catch_up_max,
        "retry": spec.retry,
    }


def _few(ids: list[str], most: int = 50) -> dict[str, Any]:
    return {"count": len(ids), "ids": ids[:most]}


def _differs(row: Any, spec: ScheduleSpec) -> bool:
    if row.state != "active" or row.retry != spec.retry:
        return True
    return any(getattr(row, name) != getattr(spec, name) for name in _POLICY)


class ScheduleStore(Repo):
    """Stored schedules (``schedules``)."""

    async def sync(
        self, specs: Sequence[ScheduleSpec], *, keep: Collection[str] = (), scope: Collection[str] | None = None
    ) -> SyncResult:
        """Make the stored schedules equal ``specs`` in one transaction (see the module docstring).

        :param keep: paths whose schedules must stay as they are (their file failed to load just now).
        :param scope: only schedules of these paths are compared (``None``: every schedule).
        """
        now = self._clock.now()
        wanted = {spec.id: spec for spec in specs}
        result = SyncResult()
        decisions: list[Decision] = []
        async with self._write("re-sync the schedules") as connection:
            stored = {row.id: row for row in (await connection.execute(select(SCHEDULES))).all()}
            rows = result.rows
            for kept in stored.values():
                if kept.id in wanted or kept.path in keep or (scope is not None and kept.path not in scope):
                    continue
                result.removed.append(kept.id)
            gone = set(result.removed)
            rows.update((sid, ScheduleRow(**row._mapping)) for sid, row in stored.items() if sid not in gone)
            if result.removed:
                await connection.execute(delete(SCHEDULES).where(SCHEDULES.c.id.in_(result.removed)))
                cancelled = (
                    update(OCCURRENCES)
                    .where(and_(OCCURRENCES.c.schedule_id.in_(result.removed), OCCURRENCES.c.state == "pending"))
                    .values(state="cancelled", updated_at=now, finished_at=now, error="the schedule was removed")
                    .returning(OCCURRENCES.c.id, OCCURRENCES.c.schedule_id)
                )
                for occ_id, schedule_id in (await connection.execute(cancelled)).all():
                    decisions.append(
                        Decision("cancelled", "occurrence cancelled: its schedule was removed", schedule_id, occ_id)
                    )
            new_rows: list[dict[str, Any]] = []
            for spec in specs:
                row = stored.get(spec.id)
                if row is None:
                    new_rows.append({**_values(spec), "state": "active", "created_at": now, "updated_at": now})
                    result.added.append(spec.id)
                    rows[spec.id] = ScheduleRow(**new_rows[-1], error=None)
                elif row.trigger_hash != spec.trigger_hash:
                    await connection.execute(
                        update(SCHEDULES)
                        .where(SCHEDULES.c.id == spec.id)
                        .values(**_values(spec), state="active", error=None, updated_at=now)
                    )
                    result.changed.append(spec.id)
                    rows[spec.id] = replace(rows[spec.id], **_values(spec), state="active", error=None, updated_at=now)
                elif _differs(row, spec):
                    values = _values(spec)
                    del values["next_fire_time"]
                    await connection.execute(
                        update(SCHEDULES)
                        .where(SCHEDULES.c.id == spec.id)
                        .values(**values, state="active", error=None, updated_at=now)
                    )
                    result.changed.append(spec.id)
                    rows[spec.id] = replace(rows[spec.id], **values, state="active", error=None, updated_at=now)
                else:
                    result.unchanged.append(spec.id)
            for part in chunks(new_rows):  # a statement per chunk: the event loop breathes in between
                await connection.execute(insert(SCHEDULES), list(part))
            if result.added or result.changed or result.removed:
                decisions.append(
                    Decision(
                        "resynced",
                        "schedules re-synced from the workflow files",
                        data={
                            "added": _few(result.added),
                            "changed": _few(result.changed),
                            "removed": _few(result.removed),
                            "unchanged": len(result.unchanged),
                        },
                    )
                )
            await self._decide(connection, decisions, now)
        log_decisions(decisions)
        return result

    async def all(self) -> list[ScheduleRow]:
        """Every stored schedule, by id."""
        async with self._read() as connection:
            rows = (await connection.execute(select(SCHEDULES).order_by(SCHEDULES.c.id))).mappings().all()
        return [ScheduleRow(**row) for row in rows]

    async def get(self, schedule_id: str) -> ScheduleRow | None:
        """The schedule with this id, or ``None``."""
        async with self._read() as connection:
            row = (await connection.execute(select(SCHEDULES).where(SCHEDULES.c.id == schedule_id))).mappings().first()
        return ScheduleRow(**row) if row else None

    async def overdue(self, now: datetime) -> list[ScheduleRow]:
        """Active schedules whose ``next_fire_time`` has passed (fire times not yet made occurrences)."""
        query = (
            select(SCHEDULES)
            .where(and_(SCHEDULES.c.state == "active", SCHEDULES.c.next_fire_time <= now))
            .order_by(SCHEDULES.c.next_fire_time)
        )
        async with self._read() as connection:
            rows = (await connection.execute(query)).mappings().all()
        return [ScheduleRow(**row) for row in rows]
