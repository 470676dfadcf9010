"""Which schedules fire soon: the next fire time of every active schedule, earliest first.

The scheduler records (and claims) fire times ``claim_lead`` seconds before they come, from the schedules
it holds in memory, instead of waiting for the timer to hand each one over when it is already due: the
database work is then done before the fire time, and the run is handed over on a loop timer exactly at
it. The timer stays the durable source: a fire time handed over later is recognised as recorded (see
:meth:`Lookahead.recorded`) and costs nothing; one the look-ahead left alone is recorded then as before.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from datetime import datetime

from jobflow.store.scheduling import ScheduleRow

__all__ = ["Lookahead"]


class Lookahead:
    """A heap of ``(next fire time, schedule id)``; stale entries are skipped when taken."""

    def __init__(self) -> None:
        self._heap: list[tuple[datetime, str]] = []
        self._next: dict[str, datetime] = {}
        self._done: dict[str, datetime] = {}

    def reset(self, rows: Iterable[ScheduleRow]) -> None:
        """Start over from ``rows`` (all the schedules, as just read)."""
        self._next = {r.id: r.next_fire_time for r in rows if r.state == "active" and r.next_fire_time is not None}
        self._heap = [(at, sid) for sid, at in self._next.items()]
        heapq.heapify(self._heap)

    def moved(self, schedule_id: str, following: datetime | None) -> None:
        """The schedule's next fire time is now ``following`` (``None``: it fires no more)."""
        if following is None:
            self._next.pop(schedule_id, None)
            return
        self._next[schedule_id] = following
        heapq.heappush(self._heap, (following, schedule_id))

    def forget(self, ids: Iterable[str]) -> None:
        """These schedules were changed or removed: what was recorded ahead for them no longer counts."""
        for sid in ids:
            self._done.pop(sid, None)

    def earliest(self) -> datetime | None:
        """The earliest next fire time not taken yet."""
        while self._heap and self._next.get(self._heap[0][1]) != self._heap[0][0]:
            heapq.heappop(self._heap)
        return self._heap[0][0] if self._heap else None

    def take(self, horizon: datetime) -> list[tuple[str, datetime]]:
        """Every schedule's next fire time up to ``horizon`` (one per schedule), taken off the heap: a
        schedule comes back when :meth:`moved` gives it its following fire time."""
        taken = []
        while (at := self.earliest()) is not None and at <= horizon:
            _, sid = heapq.heappop(self._heap)
            del self._next[sid]
            taken.append((sid, at))
        return taken

    def did(self, schedule_id: str, fire_time: datetime) -> None:
        """Fire times of the schedule up to ``fire_time`` are recorded (committed) ahead of time."""
        done = self._done.get(schedule_id)
        if done is None or fire_time > done:
            self._done[schedule_id] = fire_time

    def recorded(self, schedule_id: str, fire_time: datetime) -> bool:
        """Whether the look-ahead recorded this fire time already (the timer's hand-over is then a no-op)."""
        done = self._done.get(schedule_id)
        return done is not None and fire_time <= done
