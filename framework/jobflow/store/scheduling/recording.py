"""Recording fire times as occurrences, inside a caller's write transaction.

A fire time already recorded is skipped (occurrence ids are deterministic, the insert ignores
duplicates), so the timer handing a fire time over twice, or a restart catching up on one the timer had
handed over, records it once. The schedule's overlap policy is applied here: a fire time due while the
schedule's runs fill their slots is recorded ``skipped`` with a decision (``queue`` keeps one waiting).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from jobflow.store.scheduling.base import OCCURRENCES, SCHEDULES, among, insert_absent
from jobflow.store.scheduling.rows import ACTIVE, Decision, Fire

__all__ = ["CHUNK", "chunks", "record_in"]

OCC = OCCURRENCES
CHUNK = 500
"""Rows per statement in bulk work (well under every driver's bound-parameter limit)."""
_ADVANCE = (
    update(SCHEDULES)
    .where(and_(SCHEDULES.c.id == bindparam("b_id"), SCHEDULES.c.next_fire_time <= bindparam("b_upto")))
    .values(next_fire_time=bindparam("b_next"))
)


def chunks(items: Sequence[Any], size: int = CHUNK) -> list[Sequence[Any]]:
    """``items`` cut into lists of at most ``size``."""
    return [items[i : i + size] for i in range(0, len(items), size)]


async def record_in(
    connection: AsyncConnection,
    fires: Sequence[Fire],
    advances: Sequence[tuple[str, datetime, datetime | None]],
    now: datetime,
    decisions: list[Decision],
) -> list[str]:
    """Insert ``fires`` not recorded yet and advance schedules' next fire times; append the fires'
    decisions to ``decisions``.

    :param advances: ``(schedule id, fired up to, next fire time)``: the schedule's ``next_fire_time``
        moves to the new value only when it was not already past ``fired up to``.
    :returns: ids of the occurrences inserted now (not those already there).
    """
    candidates = sorted({f.id: f for f in fires}.values(), key=lambda f: f.fire_time)
    await _apply_overlap(connection, candidates)
    rows = [_row(f, now) for f in candidates]
    inserted: set[str] = set()
    returning = connection.dialect.name in ("sqlite", "postgresql")
    for part in chunks(rows):
        statement = insert_absent(connection, OCC, ["id"])
        if returning:
            inserted.update((await connection.execute(statement.returning(OCC.c.id), list(part))).scalars())
        else:  # pragma: no cover - MySQL: no RETURNING; ids found before the insert are the old ones
            ids = [row["id"] for row in part]
            old = set((await connection.execute(select(OCC.c.id).where(OCC.c.id.in_(ids)))).scalars())
            await connection.execute(statement, list(part))
            inserted.update(set(ids) - old)
    new = [f for f in candidates if f.id in inserted]
    for f in new:
        decisions += [_with_occurrence(d, f) for d in f.decisions]
    moves = [{"b_id": sid, "b_upto": upto, "b_next": following} for sid, upto, following in advances]
    for part in chunks(moves):
        await connection.execute(_ADVANCE.values(updated_at=now), list(part))
    return [f.id for f in new]


async def _apply_overlap(connection: AsyncConnection, fires: list[Fire]) -> None:
    checked = sorted({f.schedule_id for f in fires if f.check_overlap and f.kind == "workflow"})
    if not checked:
        return
    policies: dict[str, tuple[str, int]] = {}
    active: Counter[str] = Counter()
    waiting: Counter[str] = Counter()
    for part in chunks(checked):
        query = select(SCHEDULES.c.id, SCHEDULES.c.overlap, SCHEDULES.c.max_instances).where(SCHEDULES.c.id.in_(part))
        policies.update({sid: (overlap, most) for sid, overlap, most in (await connection.execute(query)).all()})
        counts = (
            select(OCC.c.schedule_id, OCC.c.state, func.count())
            .where(and_(among(connection, OCC.c.schedule_id, part), OCC.c.state.in_((*ACTIVE, "pending"))))
            .group_by(OCC.c.schedule_id, OCC.c.state)
        )
        for sid, state, count in (await connection.execute(counts)).all():
            (active if state in ACTIVE else waiting)[sid] += count
    for f in fires:
        if f.state != "pending" or not f.check_overlap or f.schedule_id not in policies:
            continue
        overlap, most = policies[f.schedule_id]
        running = active[f.schedule_id]
        full = (
            (overlap == "skip" and running >= 1)
            or (overlap == "queue" and running >= 1 and waiting[f.schedule_id] >= 1)
            or (overlap == "allow" and running >= most)
        )
        if not full:
            waiting[f.schedule_id] += 1
            continue
        f.state = "skipped"
        f.decisions.append(
            Decision(
                "skipped",
                "fire time skipped: the previous run is still in flight (overlap)",
                f.schedule_id,
                data={"reason": "overlap", "policy": overlap, "running": running},
            )
        )


def _row(fire: Fire, now: datetime) -> dict[str, Any]:
    return {
        "id": fire.id,
        "schedule_id": fire.schedule_id,
        "kind": fire.kind,
        "fire_time": fire.fire_time,
        "not_before": fire.not_before,
        "grace": fire.grace,
        "state": fire.state,
        "missed_count": fire.missed_count,
        "coalesced_count": fire.coalesced_count,
        "coalesced_first": fire.coalesced_first,
        "coalesced_last": fire.coalesced_last,
        "created_at": now,
        "updated_at": now,
        "finished_at": now if fire.state in ("skipped", "missed", "failed", "cancelled") else None,
    }


def _with_occurrence(decision: Decision, fire: Fire) -> Decision:
    if decision.occurrence_id is not None:
        return decision
    return Decision(
        decision.kind,
        decision.message,
        decision.schedule_id or fire.schedule_id,
        fire.id,
        decision.run_id,
        decision.data,
        decision.notify,
    )
