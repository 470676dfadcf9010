"""From fire times to occurrences: catch-up, coalescing and late fire times, as pure functions.

Used the same way for fire times the timer hands over and for those found overdue at start-up:

- a fire time within the schedule's grace becomes a pending occurrence (started after its jitter);
- several due at once (the daemon was down, the machine slept) follow the schedule's ``catch_up``:
  ``coalesce`` -> one occurrence for the newest, the others counted with their range (a ``coalesced``
  decision); ``all`` -> the newest ``catch_up_max`` run one after another, older ones recorded ``missed``;
- a recurring schedule's catch-up run starts now (lateness recorded); a one-off (``at:``) fire time past
  its grace is *missed*: rescheduled after the backoff, notified, failed after the last retry.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from jobflow.scheduler.triggers import Once, jitter_offset, trigger_from_json
from jobflow.store.scheduling import Decision, Fire, ScheduleRow, missed_decision

__all__ = ["MAX_COUNTED", "MAX_RECORDED", "Overdue", "overdue_times", "plan"]

MAX_COUNTED = 100_000
"""Fire times enumerated at most when counting a backlog (beyond: reported as "at least")."""
MAX_RECORDED = 1_000
"""Older fire times recorded as ``missed`` rows at most with ``catch_up: all`` (the rest only counted)."""


class Overdue:
    """Fire times of one schedule due by now: the newest ones kept, all of them counted."""

    def __init__(self, keep: int) -> None:
        self.keep = keep
        self.count = 0
        self.first: datetime | None = None
        self.tail: list[datetime] = []
        self.following: datetime | None = None
        self.capped = False


def overdue_times(row: ScheduleRow, now: datetime, keep: int) -> Overdue:
    """Enumerate ``row``'s fire times from its ``next_fire_time`` up to ``now`` (at most :data:`MAX_COUNTED`)."""
    trigger = trigger_from_json(row.trigger)
    found = Overdue(keep)
    at = row.next_fire_time
    while at is not None and at <= now:
        found.count += 1
        found.first = found.first or at
        found.tail.append(at)
        if len(found.tail) > keep + MAX_RECORDED:
            del found.tail[: len(found.tail) - keep - MAX_RECORDED]
        if found.count >= MAX_COUNTED:
            found.capped = True
            at = trigger.next_after(now)
            break
        at = trigger.next_after(at)
    found.following = at
    return found


def plan(
    row: ScheduleRow,
    times: Sequence[datetime],
    now: datetime,
    backoff: Sequence[float],
    *,
    counted: int | None = None,
    first: datetime | None = None,
) -> list[Fire]:
    """Occurrences for ``times`` (ascending fire times of ``row`` that are due), per the module docstring.

    :param counted: how many fire times ``times`` stands for when it holds only the newest ones.
    :param first: the oldest of them, when ``times`` holds only the newest ones.
    """
    if not times:
        return []
    total = counted if counted is not None else len(times)
    jitter = float(row.trigger.get("jitter") or 0.0)
    one_off = isinstance(trigger_from_json(row.trigger), Once)
    keep = 1 if row.catch_up == "coalesce" else row.catch_up_max
    runs = list(times[-keep:])
    older = list(times[: len(times) - len(runs)])
    fires = [_fire(row, at, now, jitter, one_off, backoff, backlog=len(runs) > 1) for at in runs]
    skipped = total - len(runs)
    if skipped and row.catch_up == "coalesce":
        first, last = first or times[0], times[-2] if len(times) > 1 else times[0]
        newest = fires[-1]
        newest.coalesced_count, newest.coalesced_first, newest.coalesced_last = skipped, first, last
        newest.decisions.append(
            Decision(
                "coalesced",
                f"{skipped} overdue fire times coalesced into one run",
                row.id,
                data={"count": skipped, "first": first.isoformat(), "last": last.isoformat()},
            )
        )
    elif skipped:
        for at in older:
            fires.append(Fire(row.id, at, at, row.misfire_grace, state="missed", check_overlap=False))
        fires[0].decisions.append(
            Decision(
                "missed",
                f"{skipped} overdue fire times beyond the catch-up limit of {keep} recorded missed",
                row.id,
                data={
                    "count": skipped,
                    "first": times[0].isoformat(),
                    "last": older[-1].isoformat() if older else None,
                },
                notify=True,
            )
        )
    return fires


def _fire(
    row: ScheduleRow,
    at: datetime,
    now: datetime,
    jitter: float,
    one_off: bool,
    backoff: Sequence[float],
    *,
    backlog: bool,
) -> Fire:
    # A one-off schedule has a single fire time: it cannot overlap with itself.
    overlap = not backlog and not one_off
    fire = Fire(row.id, at, at + jitter_offset(row.id, at, jitter), row.misfire_grace, check_overlap=overlap)
    late = (now - at).total_seconds()
    if late <= row.misfire_grace:
        if backlog:  # catch-up runs go oldest first, one after another
            fire.not_before = max(fire.not_before, now)
        return fire
    if not one_off:
        fire.not_before = now
        fire.check_overlap = False
        fire.decisions.append(
            Decision("catch_up", "overdue fire time runs now (catch-up)", row.id, data={"late_seconds": round(late, 3)})
        )
        return fire
    missed = missed_decision(fire.id, row.id, 0, backoff, now, late)
    fire.missed_count = missed.missed_count
    if missed.not_before is not None:
        fire.not_before = missed.not_before
    else:
        fire.state = "failed"
    fire.decisions += missed.decisions
    return fire


def _iso(times: Sequence[datetime]) -> str | None:
    return times[0].isoformat() if times else None


def following_after(row: ScheduleRow, at: datetime) -> datetime | None:
    """The schedule's fire time after ``at``."""
    return trigger_from_json(row.trigger).next_after(at)


def grace_end(fire_time: datetime, grace: float) -> datetime:
    """The last instant a fire time may start."""
    return fire_time + timedelta(seconds=grace)
