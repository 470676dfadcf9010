"""Claiming due occurrences: the one transaction between "due" and "handed to a run".

A claim is ``UPDATE occurrences SET state='claimed' ... WHERE state='pending'`` in a write transaction
(``BEGIN IMMEDIATE`` on SQLite; ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL), fenced by the
scheduler lease: a scheduler whose lease was taken over (it was paused, partitioned) claims nothing, so the
standby that took over never sees the same occurrence run twice; a lease that merely expired while the
database was unreachable, still ours, is renewed in the claim's transaction (the lease row is locked).
Occurrences that have a free run slot right away are started in the same transaction (``running``, their
run row written), and fire times just handed over by the timer can be recorded in it too
(:meth:`ClaimStore.record_and_claim`): one commit from "the timer fired" to "the run is handed to the
executor".

A claim may reach ahead (:attr:`ClaimRequest.ahead`): occurrences due within the next second or so are
claimed and started in the same transaction (leased, counted against their schedule's run limit, their
run row ``queued``), so the dispatcher hands each one over exactly at its time with no write left to do.

In the same pass, a workflow occurrence later than its grace is handled as *missed* (see
:mod:`~jobflow.store.scheduling.missed`); a reminder's lateness is left to the reminders module. An
occurrence whose schedule is at its run limit is left pending (it is not even selected), and one whose
schedule was removed is ``cancelled``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from jobflow.store.scheduling.base import LEASES, OCCURRENCES, SCHEDULES, Repo, among, log_decisions
from jobflow.store.scheduling.missed import Missed, missed_decision
from jobflow.store.scheduling.recording import chunks, record_in
from jobflow.store.scheduling.rows import ACTIVE, Claimed, Decision, Fire, Occ
from jobflow.store.scheduling.transitions import apply_starts

__all__ = ["ClaimRequest", "ClaimResult", "ClaimStore", "Missed", "missed_decision"]

OCC = OCCURRENCES
_OCC_COLUMNS = [c.name for c in OCC.c]


@dataclass(frozen=True)
class ClaimRequest:
    """Who claims, how many, and how many of them to start at once (with ``make_run`` giving each one's
    run row, ``None`` for a reminder)."""

    owner: str
    lease_name: str
    lease_seconds: float
    backoff: Sequence[float]
    limit: int
    start: int = 0
    make_run: Callable[[Claimed], dict[str, Any] | None] | None = None
    ahead: float = 0.0
    """Also claim occurrences due within this many seconds; those are all started (``start`` counts run
    slots free now, and they take one only at their time)."""


@dataclass
class ClaimResult:
    """What one claim pass did; ``started`` holds the ids already ``running``."""

    claimed: list[Claimed] = field(default_factory=list)
    started: set[str] = field(default_factory=set)
    lease_lost: bool = False
    missed: int = 0
    gave_up: int = 0


def _query(now: datetime, limit: int) -> Any:
    busy = OCC.alias("busy")
    running = (
        select(func.count()).where(and_(busy.c.schedule_id == OCC.c.schedule_id, busy.c.state.in_(ACTIVE)))
    ).scalar_subquery()
    return (
        select(OCC, SCHEDULES.c.workflow, SCHEDULES.c.path, SCHEDULES.c.retry, SCHEDULES.c.state.label("s_state"))
        .add_columns(SCHEDULES.c.max_instances, SCHEDULES.c.id.label("s_id"), running.label("busy"))
        .select_from(OCC.outerjoin(SCHEDULES, SCHEDULES.c.id == OCC.c.schedule_id))
        .where(and_(OCC.c.state == "pending", OCC.c.not_before <= now))
        .where(or_(OCC.c.kind != "workflow", SCHEDULES.c.id.is_(None), running < SCHEDULES.c.max_instances))
        .order_by(OCC.c.not_before, OCC.c.id)
        .limit(limit)
    )


async def claim_in(
    connection: AsyncConnection, request: ClaimRequest, now: datetime, decisions: list[Decision]
) -> ClaimResult:
    """The claim pass inside the caller's write transaction (see the module docstring)."""
    result = ClaimResult()
    mine = LEASES.c.name == request.lease_name
    lease = (await connection.execute(select(LEASES).where(mine).with_for_update())).first()
    if lease is None or lease.owner != request.owner:
        result.lease_lost = True
        return result
    if lease.lease_until <= now:  # it expired while the database was unreachable and nobody took it over
        until = now + timedelta(seconds=request.lease_seconds)
        await connection.execute(update(LEASES).where(mine).values(lease_until=until, heartbeat_at=now))
    query = _query(now + timedelta(seconds=max(0.0, request.ahead)), request.limit)
    if connection.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=OCC)
    rows = (await connection.execute(query)).mappings().all()
    taken: Counter[str] = Counter()
    claim_ids: list[str] = []
    cancel_ids: list[str] = []
    missed_rows: list[tuple[str, dict[str, object]]] = []
    for r in rows:
        occ = Occ(**{name: r[name] for name in _OCC_COLUMNS})
        workflow = occ.kind == "workflow"
        if workflow and r["s_id"] is None:
            cancel_ids.append(occ.id)
            decisions.append(
                Decision("cancelled", "occurrence cancelled: its schedule is gone", occ.schedule_id, occ.id)
            )
            continue
        if workflow and (r["s_state"] != "active" or r["busy"] + taken[occ.schedule_id] >= r["max_instances"]):
            continue
        late = (now - occ.not_before).total_seconds()
        if workflow and late > occ.grace:
            outcome = missed_decision(occ.id, occ.schedule_id, occ.missed_count, request.backoff, now, late)
            missed_rows.append((occ.id, outcome.values(now)))
            decisions += outcome.decisions
            result.gave_up += outcome.not_before is None
            result.missed += 1
            continue
        taken[occ.schedule_id] += 1
        claim_ids.append(occ.id)
        result.claimed.append(Claimed(occ, r["workflow"], r["path"], r["retry"]))
    until = now + timedelta(seconds=request.lease_seconds)
    for part in chunks(claim_ids):
        await connection.execute(
            update(OCC)
            .where(and_(among(connection, OCC.c.id, part), OCC.c.state == "pending"))
            .values(state="claimed", owner=request.owner, lease_until=until, updated_at=now)
        )
    for part in chunks(cancel_ids):
        await connection.execute(
            update(OCC)
            .where(OCC.c.id.in_(part))
            .values(state="cancelled", updated_at=now, finished_at=now, error="the schedule is gone")
        )
    for occ_id, values in missed_rows:
        await connection.execute(update(OCC).where(OCC.c.id == occ_id).values(**values, updated_at=now))
    if request.make_run is not None and result.claimed:
        due = [c for c in result.claimed if c.occ.not_before <= now][: request.start]
        early = [c for c in result.claimed if c.occ.not_before > now]
        starts = [(c.occ.id, request.make_run(c)) for c in due + early]
        done = await apply_starts(connection, starts, request.owner, now) if starts else []
        result.started = {occ_id for (occ_id, _), ok in zip(starts, done, strict=True) if ok}
    return result


class ClaimStore(Repo):
    """Claims of due occurrences for one scheduler (the lease holder)."""

    async def claim(self, request: ClaimRequest) -> ClaimResult:
        """Claim up to ``request.limit`` due occurrences, oldest first, in one transaction."""
        return (await self.record_and_claim([], [], request))[1]

    async def record_and_claim(
        self,
        fires: Sequence[Fire],
        advances: Sequence[tuple[str, datetime, datetime | None]],
        request: ClaimRequest,
    ) -> tuple[list[str], ClaimResult]:
        """Record ``fires`` (as :meth:`OccurrenceStore.record`), then claim, in one transaction."""
        now = self._clock.now()
        decisions: list[Decision] = []
        async with self._write("claim due occurrences") as connection:
            new: list[str] = []
            if fires or advances:
                new = await record_in(connection, fires, advances, now, decisions)
            result = await claim_in(connection, request, now, decisions)
            await self._decide(connection, decisions, now)
        log_decisions(decisions)
        return new, result
