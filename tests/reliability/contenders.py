"""Scenario 10 at scale: processes racing for the scheduler lease and for the same due occurrences.

Each contender is a separate process (``multiprocessing`` spawn: its own pid, owner string and database
connections) that plays ``trials`` rounds in lock-step with the others (a barrier at the start of each
round, and one after the race for the lease). In a round each one waits a random offset of up to 3 ms,
then does what a starting scheduler does, through the real code: :meth:`LeaseStore.acquire` (with the
daemon's ``is_dead``), and when it got the lease, a :meth:`Recovery.sweep`, one claim of the oldest due
occurrence started at once (:meth:`ClaimStore.claim`), its "execution" (noted), its outcome
(:meth:`OccurrenceStore.transition_many`, compare-and-set on the owner), and :meth:`LeaseStore.release`.

After every ``stall_every``-th win (per contender) the holder *stalls* instead of releasing: it renews the
lease for a few milliseconds, then sits out the rounds (a paused scheduler) until that ran out, and claims
as if it still held it. When another contender took the lease over meanwhile, that claim must come back
``lease_lost`` with nothing claimed; when nobody did, the claim renews the lease (it is still ours) and
the contender holds it again until it releases it.

Each contender writes a JSON report: its holding intervals (wall-clock seconds, from after its acquire
committed to before its release, or to the stalled lease's end), the occurrences it executed, refusals,
and its stale claims.
"""

from __future__ import annotations

import asyncio
import json
import random
import threading
import time
from pathlib import Path
from typing import Any

from jobflow.engine.owner import current_owner, owner_state
from jobflow.scheduler.config import LEASE_NAME, SchedulerConfig
from jobflow.scheduler.recovery import Recovery
from jobflow.store import Store
from jobflow.store.scheduling import ACTIVE, Change, ClaimRequest, SchedulerDB

HOLD = 30.0
"""Lease seconds of a normal win (released at the end of the round)."""
STALL = 0.03
"""Lease seconds left to a stalling holder: they run out while it is paused."""
OFFSET = 0.003
"""The largest random start offset within a round, in seconds."""


def _dead(owner: str) -> bool:
    return owner_state(owner) == "dead"


def contend(db_url: str, index: int, trials: int, seed: int, stall_every: int, barrier: Any, report: str) -> None:
    """The body of one contender process (see the module docstring)."""
    asyncio.run(_contend(db_url, index, trials, seed, stall_every, barrier, Path(report)))


async def _contend(
    db_url: str, index: int, trials: int, seed: int, stall_every: int, barrier: Any, report: Path
) -> None:
    rng = random.Random(seed * 1_000 + index)
    store = await Store.open(db_url, migrate=False)
    owner = current_owner()
    db = SchedulerDB(store)
    config = SchedulerConfig(lease_seconds=HOLD, backoff=(1.0,))
    recovery = Recovery(db, config, store.clock, owner)
    pause = threading.Event()
    out: dict[str, Any] = {"owner": owner, "holds": [], "executed": [], "refused": 0, "stale": [], "wins": 0}
    out["unfinished"] = 0
    stalled_until: float | None = None
    try:
        for _ in range(trials):
            barrier.wait()
            pause.wait(rng.uniform(0.0, OFFSET))
            if stalled_until is not None:
                if time.time() <= stalled_until + 0.005:
                    barrier.wait()
                    continue  # still paused
                at = time.time()
                stale = await db.claims.claim(_request(owner))
                claimed = [c.occ.id for c in stale.claimed]
                out["stale"].append(
                    {"since": stalled_until, "at": at, "lease_lost": stale.lease_lost, "claimed": claimed}
                )
                stalled_until = None
                barrier.wait()
                if not stale.lease_lost:  # nobody took over: the claim renewed our lease, we hold it again
                    await _finish(db, owner, stale.started, out)
                    out["holds"].append([at, time.time()])
                    await db.lease.release(LEASE_NAME, owner)
                continue
            taken, _ = await db.lease.acquire(LEASE_NAME, owner, HOLD, is_dead=_dead)
            start = time.time()
            barrier.wait()  # the race is the acquire: the holder then acts alone, without lock waits
            if not taken:
                out["refused"] += 1
                continue
            out["wins"] += 1
            await recovery.sweep()
            result = await db.claims.claim(_request(owner))
            await _finish(db, owner, result.started, out)
            if stall_every > 0 and out["wins"] % stall_every == 0:
                _, lease = await db.lease.acquire(LEASE_NAME, owner, STALL)  # then paused: the lease runs out
                assert lease is not None
                stalled_until = lease.lease_until.timestamp()
                out["holds"].append([start, stalled_until])
            else:
                end = time.time()
                await db.lease.release(LEASE_NAME, owner)
                out["holds"].append([start, end])
    finally:
        await store.close()
        report.write_text(json.dumps(out))  # noqa: ASYNC240 - the process's last act, nothing else waits


async def _finish(db: SchedulerDB, owner: str, started: set[str], out: dict[str, Any]) -> None:
    """Run (note) what a claim started, then record each outcome compare-and-set on the owner."""
    out["executed"] += sorted(started)
    changes = [Change(o, ACTIVE, owner, {"state": "succeeded", "lease_until": None}) for o in sorted(started)]
    done = await db.occurrences.transition_many(changes) if changes else []
    out["unfinished"] += done.count(False)


def _request(owner: str) -> ClaimRequest:
    return ClaimRequest(
        owner=owner,
        lease_name=LEASE_NAME,
        lease_seconds=HOLD,
        backoff=(1.0,),
        limit=1,
        start=1,
        make_run=lambda _claimed: None,
    )
