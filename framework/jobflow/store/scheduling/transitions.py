"""The statements of occurrences' state changes, for many occurrences in one transaction.

Each change is compare-and-set: it applies only when the occurrence is still where the caller believes
it is (its state, its owner), so a decision made meanwhile by someone else (zombie recovery, another
scheduler after a lease take-over) is never overwritten. The rows are read first (``FOR UPDATE`` on
PostgreSQL; SQLite's write transaction holds the database), checked, then written with one statement per
kind of change, so a batch of hundreds of run outcomes costs a handful of statements.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from jobflow.store.scheduling.base import OCCURRENCES, RUNS, among
from jobflow.store.scheduling.rows import ACTIVE, Decision

__all__ = ["Change", "apply_changes", "apply_starts"]

OCC = OCCURRENCES


@dataclass(frozen=True, slots=True)
class Change:
    """A compare-and-set change of one occurrence (see :meth:`OccurrenceStore.transition`)."""

    occurrence_id: str
    expect: tuple[str, ...]
    owner: str | None
    values: dict[str, Any]
    decisions: tuple[Decision, ...] = ()
    run: dict[str, Any] | None = None


async def _current(connection: AsyncConnection, ids: Sequence[str]) -> dict[str, RowMapping]:
    query = select(OCC.c.id, OCC.c.state, OCC.c.owner, OCC.c.schedule_id, OCC.c.run_id, OCC.c.attempt, OCC.c.started_at)
    query = query.where(among(connection, OCC.c.id, ids))
    if connection.dialect.name == "postgresql":
        query = query.with_for_update()
    return {row["id"]: row for row in (await connection.execute(query)).mappings()}


async def _update_grouped(connection: AsyncConnection, table: Any, rows: list[dict[str, Any]], now: datetime) -> None:
    """``UPDATE table SET ... WHERE id = ...`` for rows of ``{"id": ..., <column>: <value>}``, one statement
    per set of columns."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[tuple(sorted(k for k in row if k != "id"))].append(row)
    for columns, members in groups.items():
        statement = update(table).where(table.c.id == bindparam("b_id"))
        statement = statement.values({c: bindparam(f"b_{c}") for c in columns})
        if table is OCC:
            statement = statement.values(updated_at=now)
        await connection.execute(statement, [{f"b_{k}": v for k, v in m.items()} for m in members])


async def apply_changes(connection: AsyncConnection, changes: Sequence[Change], now: datetime) -> list[bool]:
    """Apply ``changes``; for each, ``False`` when the occurrence is no longer as expected."""
    current = await _current(connection, [c.occurrence_id for c in changes])
    done: list[bool] = []
    occ_rows: list[dict[str, Any]] = []
    run_rows: list[dict[str, Any]] = []
    freed: set[str] = set()
    for change in changes:
        row = current.get(change.occurrence_id)
        ok = (
            row is not None and row["state"] in change.expect and (change.owner is None or row["owner"] == change.owner)
        )
        done.append(ok)
        if not ok or row is None:
            continue
        occ_rows.append({"id": change.occurrence_id, **change.values})
        current[change.occurrence_id] = {**row, **change.values}  # type: ignore[assignment]
        if change.run and row["run_id"]:
            run_rows.append({"id": row["run_id"], **change.run})
        if change.values.get("state") not in ACTIVE:
            freed.add(row["schedule_id"])
    await _update_grouped(connection, OCC, occ_rows, now)
    await _update_grouped(connection, RUNS, run_rows, now)
    if freed:  # a run slot is free: occurrences queued behind it may go at once
        await connection.execute(
            update(OCC)
            .where(and_(OCC.c.schedule_id.in_(sorted(freed)), OCC.c.state == "pending", OCC.c.not_before < now))
            .values(not_before=now, updated_at=now)
        )
    return done


async def apply_starts(
    connection: AsyncConnection, starts: Sequence[tuple[str, dict[str, Any] | None]], owner: str, now: datetime
) -> list[bool]:
    """``claimed`` -> ``running`` plus each workflow's run row (inserted, or the previous attempt's reused)."""
    current = await _current(connection, [occ_id for occ_id, _ in starts])
    done: list[bool] = []
    occ_rows: list[dict[str, Any]] = []
    new_runs: list[dict[str, Any]] = []
    old_runs: list[dict[str, Any]] = []
    for occ_id, run in starts:
        row = current.get(occ_id)
        ok = row is not None and row["state"] == "claimed" and row["owner"] == owner
        done.append(ok)
        if not ok or row is None:
            continue
        values: dict[str, Any] = {"id": occ_id, "state": "running", "started_at": row["started_at"] or now}
        values["attempt"] = run["attempt"] if run is not None else row["attempt"] + 1
        if run is not None:
            values["run_id"] = run["id"]
            (old_runs if row["run_id"] == run["id"] else new_runs).append(run)
        occ_rows.append(values)
    await _update_grouped(connection, OCC, occ_rows, now)
    if new_runs:
        await connection.execute(insert(RUNS), [{**run, "created_at": now} for run in new_runs])
    await _update_grouped(connection, RUNS, old_runs, now)
    return done
