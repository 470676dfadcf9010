"""Fire times with stated DST semantics, as APScheduler triggers that pickle to a small versioned dict.

APScheduler 3.11's own ``CronTrigger`` fires a daily 02:30 job twice on the autumn night in Europe/Berlin
and gets stuck repeating it; these triggers compute fire times in local *wall-clock* time and map each to
a real instant:

- **cron, time inside the repeated hour (fall-back)**: a cron with fixed hours fires at the first
  occurrence only (once per local calendar day); a cron whose hour field is ``*`` fires in both passes,
  i.e. once per real hour.
- **cron, time inside the skipped hour (spring-forward)**: fires at the first valid instant after it
  (the moment the clocks jump), once, however many skipped times map there.
- **interval** (``every: 24h``): real elapsed time, computed in UTC; the local time of day shifts by the
  DST offset. Use a cron for "every day at 08:00".
- **date**: one fire at the given instant.

Jitter is not part of a trigger (a fire time is an occurrence's identity): :func:`jitter_offset` delays an
occurrence's start deterministically instead.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger

from jobflow.scheduler.cron import cron_trigger

__all__ = ["STATE_VERSION", "Cron", "Every", "Once", "jitter_offset", "trigger_from_json"]

STATE_VERSION = 1
"""Version of the pickled trigger state; a stored job from a newer jobflow is set aside, not guessed at."""
_MARGIN = timedelta(hours=3)
_SECOND = timedelta(seconds=1)


class _Trigger(BaseTrigger):  # type: ignore[misc]  # apscheduler ships no type hints
    """Base: ``next_after`` (strictly later instant) plus APScheduler's interface and a versioned state."""

    __slots__ = ("spec",)

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self._setup()

    def _setup(self) -> None:
        """Build what the computations need from ``self.spec``."""

    def next_after(self, after: datetime) -> datetime | None:
        """The first fire time strictly after ``after`` (aware UTC), or ``None`` when none follows."""
        raise NotImplementedError

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        """APScheduler's question: the fire time after ``previous_fire_time``, or the first at or after ``now``."""
        if previous_fire_time is not None:
            return self.next_after(previous_fire_time.astimezone(UTC))
        return self.next_after(now.astimezone(UTC) - timedelta(microseconds=1))

    def __getstate__(self) -> dict[str, Any]:
        return {"version": STATE_VERSION, "spec": self.spec}

    def __setstate__(self, state: dict[str, Any]) -> None:
        version = state.get("version")
        if version != STATE_VERSION:
            raise ValueError(f"trigger state version {version!r} is not {STATE_VERSION} (a newer jobflow stored it)")
        self.spec = state["spec"]
        self._setup()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({json.dumps(self.spec, sort_keys=True)})"


@lru_cache(maxsize=4096)
def _wall_clock(expression: str) -> Any:
    """The crontab line as an APScheduler trigger on naive wall-clock time, parsed once per expression (its
    fire-time computations are pure, so schedules with the same line share it; parsing is the slow part
    of building 10,000 triggers)."""
    return cron_trigger(expression, "UTC")


class Cron(_Trigger):
    """A 5-field crontab line in a timezone, with the DST semantics of the module docstring."""

    __slots__ = ("_both_folds", "_naive", "_tz")

    def _setup(self) -> None:
        self._tz = ZoneInfo(self.spec.get("timezone", "UTC"))
        self._naive = _wall_clock(self.spec["cron"])
        self._both_folds = self.spec["cron"].split()[1] in ("*", "*/1")

    def _wall_next(self, wall: datetime) -> datetime | None:
        found = self._naive.get_next_fire_time(None, wall.replace(tzinfo=UTC))
        return None if found is None else found.replace(tzinfo=None)

    def _instants(self, wall: datetime) -> list[datetime]:
        first = wall.replace(tzinfo=self._tz, fold=0).astimezone(UTC)
        second = wall.replace(tzinfo=self._tz, fold=1).astimezone(UTC)
        if first.astimezone(self._tz).replace(tzinfo=None) != wall:  # skipped by a spring-forward
            return [self._transition(min(first, second), max(first, second))]
        if first != second and self._both_folds:
            return [first, second]
        return [min(first, second)]

    def _transition(self, low: datetime, high: datetime) -> datetime:
        """The instant in ``(low, high]`` where the UTC offset changes (the end of the skipped hour)."""
        offset = high.astimezone(self._tz).utcoffset()
        while high - low > _SECOND:
            middle = low + (high - low) / 2
            if middle.astimezone(self._tz).utcoffset() == offset:
                high = middle
            else:
                low = middle
        return high.replace(microsecond=0) if high.microsecond == 0 else high.replace(microsecond=0) + _SECOND

    def _steady(self, start: datetime, end: datetime) -> bool:
        """No UTC offset change from ``start`` to ``end`` (give or take the margin)."""
        return (start - _MARGIN).astimezone(self._tz).utcoffset() == (end + _MARGIN).astimezone(self._tz).utcoffset()

    def next_after(self, after: datetime) -> datetime | None:
        local = after.astimezone(self._tz)
        wall = local.replace(tzinfo=None)
        if self._both_folds and local.fold == 0 and local.replace(fold=1).astimezone(UTC) != after:
            wall -= _MARGIN  # inside the first pass of a repeated hour: second-pass times may come next
        best: datetime | None = None
        candidate = self._wall_next(wall)
        while candidate is not None:
            for instant in self._instants(candidate):
                if instant > after and (best is None or instant < best):
                    best = instant
            if best is not None and (not self._both_folds or self._steady(after, best)):
                break  # wall time maps to instants in order here: the first one found is the next
            if best is not None and candidate > best.astimezone(self._tz).replace(tzinfo=None) + _MARGIN:
                break
            candidate = self._wall_next(candidate + _SECOND)
        return best


class Every(_Trigger):
    """Every ``seconds`` of real time from ``anchor`` (UTC), as ``every:`` declares."""

    __slots__ = ("_anchor", "_step")

    def _setup(self) -> None:
        self._step = timedelta(seconds=float(self.spec["seconds"]))
        self._anchor = datetime.fromisoformat(self.spec["anchor"]).astimezone(UTC)

    def next_after(self, after: datetime) -> datetime | None:
        if after < self._anchor:
            return self._anchor
        steps = (after - self._anchor) // self._step + 1
        return self._anchor + steps * self._step


class Once(_Trigger):
    """One fire at ``at``."""

    __slots__ = ("_at",)

    def _setup(self) -> None:
        self._at = datetime.fromisoformat(self.spec["at"]).astimezone(UTC)

    def next_after(self, after: datetime) -> datetime | None:
        return self._at if self._at > after else None

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        return self._at if previous_fire_time is None else None


def trigger_from_json(spec: dict[str, Any]) -> _Trigger:
    """The trigger a schedule's stored JSON describes (``cron``, ``seconds`` + ``anchor``, or ``at``)."""
    if "cron" in spec:
        return Cron(spec)
    if "seconds" in spec:
        return Every(spec)
    if "at" in spec:
        return Once(spec)
    raise ValueError(f"not a trigger: {spec!r}")


def jitter_offset(schedule_id: str, fire_time: datetime, jitter: float) -> timedelta:
    """A delay in ``[0, jitter)`` seconds, the same for the same occurrence in every process and restart."""
    if jitter <= 0:
        return timedelta(0)
    digest = hashlib.sha256(f"{schedule_id}@{fire_time.isoformat()}".encode()).digest()
    return timedelta(seconds=int.from_bytes(digest[:8], "big") % int(jitter * 1000) / 1000)
