"""Decisions that tell the user, handed to the notification outbox.

A decision marked ``notify`` (missed, gave up, a job set aside, ...) is written with the state change
it belongs to; :func:`hand_over` enqueues each one with a dedupe key naming the decision and its
occurrence, then marks it handed over. A crash in between only repeats an enqueue the outbox ignores,
so each is notified exactly once.
"""

from __future__ import annotations

import structlog

from jobflow.store import Store
from jobflow.store.scheduling import EventRow, SchedulerDB

__all__ = ["TITLES", "dedupe_key", "hand_over"]

_log = structlog.get_logger("jobflow.scheduler")

TITLES = {
    "missed": "Scheduled run missed",
    "gave_up": "Scheduled run failed",
    "set_aside": "Scheduled job set aside",
}


def dedupe_key(event: EventRow) -> str:
    """``scheduler:<decision>:<occurrence or schedule id>``: one notification per decision and occurrence."""
    subject = event.occurrence_id or event.schedule_id or str(event.id)
    return f"scheduler:{event.kind}:{subject}"


async def hand_over(store: Store, db: SchedulerDB) -> int:
    """Enqueue every owed notification; returns how many were handed over."""
    from jobflow.notify.outbox import enqueue

    events = await db.events.notices()
    done: list[int] = []
    for event in events:
        subject = event.occurrence_id or event.schedule_id or "the scheduler"
        title = f"{TITLES.get(event.kind, 'Scheduler: ' + event.kind)}: {event.schedule_id or subject}"
        body = f"{event.message} ({subject}, {event.at.isoformat()})"
        data = {**event.data, "decision": event.kind, "schedule_id": event.schedule_id}
        data.update(occurrence_id=event.occurrence_id, run_id=event.run_id)
        try:
            await enqueue(
                store, kind=f"scheduler.{event.kind}", title=title, body=body, data=data, dedupe_key=dedupe_key(event)
            )
        except Exception as exc:  # the outbox write failed: try again on the next pass
            _log.error("cannot queue a notification", decision=event.kind, error=f"{type(exc).__name__}: {exc}")
            break
        done.append(event.id)
    if done:
        await db.events.mark_notified(done)
    return len(done)
