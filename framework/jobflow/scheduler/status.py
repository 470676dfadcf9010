"""What ``jobflow status`` shows, gathered in one place as plain data (the CLI renders it or prints JSON):
the active scheduler and its lease, schedules with their next fire times, occurrences by state, runs in
flight, and recent decisions: missed, crashed (zombies), coalesced, skipped, set-aside jobs; and the
notifications not delivered.
"""

from __future__ import annotations

from typing import Any

from jobflow.engine.owner import owner_state
from jobflow.scheduler.config import LEASE_NAME
from jobflow.store import Store
from jobflow.store.scheduling import EventRow, SchedulerDB, as_plain

__all__ = ["RECENT", "gather", "notifications"]

RECENT = 20
"""Recent decisions shown per kind."""


def _event(event: EventRow) -> dict[str, Any]:
    return {
        "at": event.at.isoformat(),
        "decision": event.kind,
        "schedule_id": event.schedule_id,
        "occurrence_id": event.occurrence_id,
        "run_id": event.run_id,
        "message": event.message,
        "data": event.data,
    }


async def gather(store: Store) -> dict[str, Any]:
    """The status document (JSON-ready)."""
    db = SchedulerDB(store)
    lease = await db.lease.get(LEASE_NAME)
    now = store.clock.now()
    scheduler = None
    if lease is not None:
        scheduler = {
            "owner": lease.owner,
            "lease_until": lease.lease_until.isoformat(),
            "heartbeat_at": lease.heartbeat_at.isoformat(),
            "acquired_at": lease.acquired_at.isoformat(),
            "active": lease.lease_until > now and owner_state(lease.owner) != "dead",
        }
    schedules = [
        {
            "id": row.id,
            "workflow": row.workflow,
            "trigger": {k: v for k, v in row.trigger.items() if k != "anchor"},
            "next_fire_time": row.next_fire_time.isoformat() if row.next_fire_time else None,
            "state": row.state,
            "overlap": row.overlap,
            "catch_up": row.catch_up,
        }
        for row in sorted(await db.schedules.all(), key=lambda r: (r.next_fire_time is None, r.next_fire_time, r.id))
    ]
    inflight = await db.inflight.inflight(limit=200)
    running = [
        {
            **as_plain(item.occ),
            "run_status": item.run_status,
            "heartbeat_at": item.heartbeat_at.isoformat() if item.heartbeat_at else None,
        }
        for item in inflight
    ]
    retrying = [as_plain(o) for o in await db.occurrences.list(states=["pending"], limit=500) if o.missed_count]

    async def recent(*kinds: str) -> list[dict[str, Any]]:
        return [_event(e) for e in await db.events.list(kinds=kinds, limit=RECENT)]

    return {
        "scheduler": scheduler,
        "counts": dict(sorted((await db.inflight.counts()).items())),
        "schedules": schedules,
        "running": running,
        "missed": {"retrying": retrying, "recent": await recent("missed", "gave_up")},
        "crashed": await recent("zombie"),
        "coalesced": await recent("coalesced"),
        "skipped": await recent("skipped"),
        "set_aside": [as_plain(job) for job in await db.events.set_aside_jobs()],
        "notifications": await notifications(store),
    }


async def notifications(store: Store) -> dict[str, Any]:
    """The outbox at a glance: counts by state, and the notifications not delivered (given up, or pending a
    retry after a failed attempt) with their last error."""
    from jobflow.store.outbox import OutboxRepository

    outbox = OutboxRepository(store)
    fields = ("created_at", "kind", "title", "channel", "state", "attempts", "next_attempt_at", "last_error")
    undelivered = [{k: row.as_dict()[k] for k in fields} for row in await outbox.undelivered(limit=RECENT)]
    return {"counts": dict(sorted((await outbox.counts()).items())), "undelivered": undelivered}


def probe_jobstore(url: str, table: str) -> tuple[int, list[tuple[str, str]]]:
    """Load every job of the timer's job store as the daemon would (run it in a thread): the number of
    jobs and those that cannot be loaded ``(id, reason)``. A missing table is an empty store."""
    from jobflow.scheduler.jobstore import SetAsideJobStore

    unloadable: list[tuple[str, str]] = []
    store = SetAsideJobStore(url, table, unloadable.extend)
    try:
        jobs = store.get_all_jobs()
    except Exception as exc:  # no table yet (no daemon ever ran), or an unreachable database
        if "no such table" in str(exc) or "does not exist" in str(exc):
            return 0, []
        raise
    finally:
        store.engine.dispose()
    return len(jobs) + len(unloadable), unloadable
