"""Zombie detection: in-flight occurrences whose scheduler died, whose lease ran out, or whose run stopped
sending heartbeats. Run on start-up and every ``SCHEDULER_ZOMBIE_INTERVAL`` seconds.

For each one found (one ``zombie`` decision and log line each):

- ``claimed`` but never started -> back to ``pending`` (no attempt was used);
- ``running`` -> its run is marked ``crashed`` and the occurrence retried with the **same run id** (hence
  the same idempotency keys ``run_id:attempt:step``) after the retry policy's delay, as attempt n+1; when
  the attempts are spent it is ``failed`` and the user notified (``gave_up``).

The policy is the workflow's ``defaults.retry`` (``max_attempts``, its backoff); without one, a crash is
retried ``len(SCHEDULER_RETRY_BACKOFF)`` times with those delays. A run killed while a failed step waited
for its retry resumes at the retry time computed before the crash (kept with the failed step attempt).
A run stuck in *this* process (heartbeat stale) is decided the same way, then its task is cancelled.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from jobflow.clock import Clock
from jobflow.engine.owner import owner_state
from jobflow.engine.retry import base_delay
from jobflow.scheduler.config import SchedulerConfig
from jobflow.spec.models import RetryPolicy
from jobflow.store.scheduling import Decision, Inflight, SchedulerDB

__all__ = ["Recovery", "crash_policy"]


def crash_policy(
    retry: dict[str, Any] | None, attempt: int, backoff: tuple[float, ...], rng: random.Random
) -> tuple[int, float]:
    """(max attempts, delay before the next attempt) after attempt ``attempt`` crashed (or could not be
    recorded): the workflow's ``defaults.retry`` when it has one, else ``1 + len(backoff)`` attempts with
    those delays."""
    attempt = max(attempt, 1)
    if retry is not None:
        policy = RetryPolicy.model_validate(retry)
        return policy.max_attempts, base_delay(policy, attempt, rng)
    delays = backoff or (0.0,)
    return 1 + len(backoff), delays[min(attempt, len(delays)) - 1]


class Recovery:
    """Finds and settles zombies for scheduler ``owner``."""

    def __init__(
        self,
        db: SchedulerDB,
        config: SchedulerConfig,
        clock: Clock,
        owner: str,
        cancel_local: Callable[[str], bool] = lambda _: False,
        rng: random.Random | None = None,
    ) -> None:
        self.db, self.config, self.clock, self.owner = db, config, clock, owner
        self.cancel_local = cancel_local
        self.rng = rng or random.Random()

    def reason(self, item: Inflight, now: datetime) -> str | None:
        """Why ``item`` is a zombie, or ``None`` when it is fine."""
        occ = item.occ
        beat = item.heartbeat_at or occ.started_at
        stale = (
            occ.state == "running" and beat is not None and (now - beat).total_seconds() > self.config.heartbeat_timeout
        )
        if occ.owner == self.owner:
            return "its run sent no heartbeat for too long (stuck)" if stale else None
        state = owner_state(occ.owner or "")
        if state == "dead":
            return f"its scheduler process {occ.owner} is gone"
        if occ.lease_until is None or occ.lease_until <= now:
            return f"the lease of {occ.owner} expired"
        if stale and state != "alive":
            return "its run sent no heartbeat for too long"
        return None

    async def sweep(self) -> int:
        """Settle every zombie found now; returns how many."""
        now = self.clock.now()
        found = 0
        for item in await self.db.inflight.inflight():
            why = self.reason(item, now)
            if why is None:
                continue
            if await self._settle(item, why, now):
                found += 1
                if item.occ.owner == self.owner:
                    self.cancel_local(item.occ.id)
        return found

    def _policy(self, item: Inflight) -> tuple[int, float]:
        """(max attempts, delay before the next attempt) for ``item``'s crashed attempt."""
        return crash_policy(item.retry, item.occ.attempt, self.config.backoff, self.rng)

    async def _settle(self, item: Inflight, why: str, now: datetime) -> bool:
        occ = item.occ
        data = {"owner": occ.owner, "attempt": occ.attempt, "reason": why, "state": occ.state}
        free: dict[str, object] = {"owner": None, "lease_until": None}
        if occ.state == "claimed":
            decision = Decision("released", f"claimed occurrence released: {why}", occ.schedule_id, occ.id, data=data)
            values = {**free, "state": "pending"}
            return await self._change(item, values, [decision], None)
        zombie = Decision("zombie", f"run crashed: {why}", occ.schedule_id, occ.id, occ.run_id, data=data)
        run = {"status": "crashed", "finished_at": now, "error_class": "Crashed", "error_message": why}
        if occ.kind == "reminder":
            return await self._change(item, {**free, "state": "pending"}, [zombie], None)
        most, delay = self._policy(item)
        if occ.attempt < most:
            planned = await self.db.inflight.retry_due(occ.run_id) if occ.run_id else None
            when = max(planned, now) if planned is not None else now + timedelta(seconds=delay)
            again = Decision(
                "rescheduled",
                f"crashed run retried as attempt {occ.attempt + 1} of {most}",
                occ.schedule_id,
                occ.id,
                occ.run_id,
                data={"not_before": when.isoformat(), "attempt": occ.attempt + 1},
            )
            return await self._change(item, {**free, "state": "pending", "not_before": when}, [zombie, again], run)
        gave_up = Decision(
            "gave_up",
            f"run crashed on its last attempt ({occ.attempt} of {most}): {why}",
            occ.schedule_id,
            occ.id,
            occ.run_id,
            data=data,
            notify=True,
        )
        values = {**free, "state": "failed", "finished_at": now, "error": f"crashed: {why}"}
        return await self._change(item, values, [zombie, gave_up], run)

    async def _change(
        self, item: Inflight, values: dict[str, object], decisions: list[Decision], run: dict[str, object] | None
    ) -> bool:
        return await self.db.occurrences.transition(
            item.occ.id, expect=(item.occ.state,), owner=item.occ.owner, values=values, decisions=decisions, run=run
        )
