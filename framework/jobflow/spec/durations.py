"""Durations (``500ms``, ``60s``, ``5m``, ``7d``), rates (``20/min``) and cron expressions, parsed in one place.

Each parser raises ``ValueError`` with a message fit for ``FILE:LINE:COL: message``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

__all__ = ["Rate", "check_cron", "format_duration", "parse_duration", "parse_rate"]

_UNITS: dict[str, float] = {
    "ms": 0.001,
    "s": 1,
    "sec": 1,
    "m": 60,
    "min": 60,
    "h": 3600,
    "d": 86400,
    "w": 604800,
}
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|sec|min|s|m|h|d|w)")
_WHOLE = re.compile(r"^(?:\s*\d+(?:\.\d+)?\s*(?:ms|sec|min|s|m|h|d|w))+\s*$")


def parse_duration(value: Any) -> timedelta:
    """``"90s"``, ``"1h30m"``, ``"500ms"``, ``"7d"`` or a number of seconds -> ``timedelta`` (never negative)."""
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, bool):
        raise ValueError(f"invalid duration {value!r}: expected a duration such as 500ms, 60s, 5m, 2h or 7d")
    elif isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str) and _WHOLE.match(value):
        seconds = sum(float(n) * _UNITS[u] for n, u in _PART.findall(value))
    else:
        raise ValueError(f"invalid duration {value!r}: expected a duration such as 500ms, 60s, 5m, 2h or 7d")
    if seconds < 0:
        raise ValueError(f"invalid duration {value!r}: must not be negative")
    return timedelta(seconds=seconds)


def format_duration(value: timedelta) -> str:
    """The shortest exact form: ``timedelta(seconds=90)`` -> ``"90s"``, ``timedelta(minutes=5)`` -> ``"5m"``."""
    ms = round(value.total_seconds() * 1000)
    for unit, size in (("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000)):
        if ms and ms % size == 0:
            return f"{ms // size}{unit}"
    return f"{ms}ms"


_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)?\s*(ms|s|sec|m|min|h|hour|d|day)\s*$")
_RATE_UNITS = {"ms": 0.001, "s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


@dataclass(frozen=True, slots=True)
class Rate:
    """``count`` requests per ``per`` seconds, e.g. ``20/min`` -> ``Rate(20, 60.0)``."""

    count: float
    per: float

    @property
    def per_second(self) -> float:
        return self.count / self.per

    def __str__(self) -> str:
        for name, size in (("day", 86400), ("h", 3600), ("min", 60), ("s", 1)):
            if self.per == size:
                return f"{self.count:g}/{name}"
        return f"{self.count:g}/{self.per:g}s"


def parse_rate(value: Any) -> Rate:
    """``"20/min"``, ``"1/2s"``, ``"100/day"`` -> ``Rate``."""
    if isinstance(value, Rate):
        return value
    match = _RATE.match(value) if isinstance(value, str) else None
    if not match:
        raise ValueError(f"invalid rate {value!r}: expected COUNT/UNIT such as 20/min, 1/2s or 500/day")
    count = float(match.group(1))
    if count <= 0:
        raise ValueError(f"invalid rate {value!r}: the count must be positive")
    per = float(match.group(2) or 1) * _RATE_UNITS[match.group(3)]
    return Rate(count, per)


def check_cron(expression: Any) -> str:
    """Validate a 5-field cron expression (names like ``mon-fri`` allowed); returns it unchanged."""
    if not isinstance(expression, str):
        raise ValueError(f"invalid cron expression {expression!r}: expected a string such as '0 8 * * mon-fri'")
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(
            f"invalid cron expression {expression!r}: expected 5 fields (minute hour day month weekday), "
            f"got {len(fields)}"
        )
    from jobflow.scheduler.cron import cron_trigger  # the scheduler's own parser: one truth

    try:
        cron_trigger(expression, "UTC")
    except ValueError as exc:
        raise ValueError(f"invalid cron expression {expression!r}: {exc}") from None
    return expression
