"""Cron expressions as the scheduler reads them (standard crontab semantics: 0 and 7 are Sunday)."""

from __future__ import annotations

from typing import Any

__all__ = ["cron_trigger"]

_DOW_NUMBERS = {"0": "sun", "1": "mon", "2": "tue", "3": "wed", "4": "thu", "5": "fri", "6": "sat", "7": "sun"}


def _crontab_weekdays(field: str) -> str:
    """APScheduler numbers weekdays from Monday=0; crontab from Sunday=0. Translate numbers to names."""

    def one(token: str) -> str:
        return _DOW_NUMBERS.get(token, token)

    parts = []
    for item in field.split(","):
        step = ""
        if "/" in item:
            item, step = item.split("/", 1)
            step = "/" + step
        if "-" in item:
            lo, hi = item.split("-", 1)
            item = f"{one(lo)}-{one(hi)}"
        else:
            item = one(item)
        parts.append(item + step)
    return ",".join(parts)


def cron_trigger(expression: str, timezone: str, jitter: int | None = None) -> Any:
    """Build an APScheduler ``CronTrigger`` from a 5-field crontab line; ``ValueError`` when invalid."""
    from apscheduler.triggers.cron import CronTrigger

    minute, hour, day, month, dow = expression.split()
    return CronTrigger(
        minute=minute,
        hour=hour,
        day=day,
        month=month,
        day_of_week=_crontab_weekdays(dow),
        timezone=timezone,
        jitter=jitter,
    )
