"""The missed-run policy as data: what an occurrence that missed its start window becomes.

Missed ``n`` times so far, with a backoff of ``k`` delays: retried after ``backoff[n]`` while ``n < k``
(the count is kept in the row, so it survives restarts), then ``failed``. The user is notified the first
time it is missed and when it is given up: one ``missed`` and one ``gave_up`` notice per occurrence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from jobflow.store.scheduling.rows import Decision

__all__ = ["Missed", "missed_decision"]


@dataclass(frozen=True, slots=True)
class Missed:
    """What happens to an occurrence that missed its start window: retried at ``not_before`` (``None``:
    given up, ``failed``), with the decisions to record."""

    missed_count: int
    not_before: datetime | None
    decisions: list[Decision]

    def values(self, now: datetime) -> dict[str, object]:
        """The occurrence columns to write."""
        if self.not_before is not None:
            return {"missed_count": self.missed_count, "not_before": self.not_before}
        return {"missed_count": self.missed_count, "state": "failed", "finished_at": now, "error": "missed too often"}


def missed_decision(
    occ_id: str, schedule_id: str, missed_count: int, backoff: Sequence[float], now: datetime, late: float
) -> Missed:
    """What to do with an occurrence found ``late`` seconds past its fire window.

    ``missed_count`` is how often it was missed before; the backoff's length is how many retries follow.
    The user is notified the first time, and when it is given up.
    """
    data = {"late_seconds": round(late, 3), "missed_count": missed_count + 1, "retries": len(backoff)}
    missed = Decision("missed", "occurrence missed its start window", schedule_id, occ_id, data=data, notify=True)
    if missed_count < len(backoff):
        when = now + timedelta(seconds=backoff[missed_count])
        again = Decision(
            "rescheduled",
            f"missed occurrence rescheduled (retry {missed_count + 1} of {len(backoff)})",
            schedule_id,
            occ_id,
            data={"not_before": when.isoformat(), "retry": missed_count + 1},
        )
        return Missed(missed_count + 1, when, [missed if missed_count == 0 else _quiet(missed), again])
    gave_up = Decision(
        "gave_up", f"occurrence failed: missed {missed_count + 1} times", schedule_id, occ_id, data=data, notify=True
    )
    return Missed(missed_count + 1, None, [_quiet(missed), gave_up])


def _quiet(decision: Decision) -> Decision:
    return Decision(decision.kind, decision.message, decision.schedule_id, decision.occurrence_id, data=decision.data)
