"""The scheduler's tables behind small repositories (``sqlalchemy`` stays inside the store package).

::

    db = SchedulerDB(store)
    await db.schedules.sync(specs)
    request = ClaimRequest(owner=me, lease_name="scheduler", lease_seconds=30, backoff=[60], limit=100)
    result = await db.claims.claim(request)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobflow.store.scheduling.claims import ClaimRequest, ClaimResult, ClaimStore
from jobflow.store.scheduling.events import EventRow, EventStore, SetAside
from jobflow.store.scheduling.inflight import Inflight, InflightStore
from jobflow.store.scheduling.lease import Lease, LeaseStore
from jobflow.store.scheduling.missed import Missed, missed_decision
from jobflow.store.scheduling.occurrences import OccurrenceStore
from jobflow.store.scheduling.rows import (
    ACTIVE,
    TERMINAL,
    Claimed,
    Decision,
    Fire,
    Occ,
    ScheduleRow,
    ScheduleSpec,
    SyncResult,
    as_plain,
    occurrence_id,
)
from jobflow.store.scheduling.schedules import ScheduleStore
from jobflow.store.scheduling.transitions import Change

if TYPE_CHECKING:
    from jobflow.store.db import Store

__all__ = [
    "ACTIVE",
    "TERMINAL",
    "Change",
    "ClaimRequest",
    "ClaimResult",
    "Claimed",
    "Decision",
    "EventRow",
    "Fire",
    "Inflight",
    "Lease",
    "Missed",
    "Occ",
    "ScheduleRow",
    "ScheduleSpec",
    "SchedulerDB",
    "SetAside",
    "SyncResult",
    "as_plain",
    "missed_decision",
    "occurrence_id",
]


class SchedulerDB:
    """Every scheduler repository on one open :class:`~jobflow.store.Store` (same engine, same clock)."""

    def __init__(self, store: Store) -> None:
        engine, clock, url = store.engine, store.clock, store.url
        self.store = store
        self.schedules = ScheduleStore(engine, clock=clock, database=url)
        self.occurrences = OccurrenceStore(engine, clock=clock, database=url)
        self.claims = ClaimStore(engine, clock=clock, database=url)
        self.lease = LeaseStore(engine, clock=clock, database=url)
        self.events = EventStore(engine, clock=clock, database=url)
        self.inflight = InflightStore(engine, clock=clock, database=url)
