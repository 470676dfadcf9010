"""Scenario 21: DST transitions in Europe/Berlin, America/New_York and Australia/Sydney.

Daily crons fire once per local calendar day (a time in the skipped hour runs at the first valid instant
after it; one in the repeated hour runs at its first occurrence only); hourly crons fire once per real
hour; ``every: 24h`` is 24 h of real time (the local time shifts by the offset change). Checked on the
trigger and end to end through the scheduler on a fake clock.
"""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from rig import Rig, check_invariant

from jobflow.scheduler.triggers import Cron, Every

# (zone, the day before spring-forward, a daily cron in its skipped hour, the day before fall-back, a daily
# cron in its repeated hour)
ZONES = [
    ("Europe/Berlin", datetime(2026, 3, 28), "30 2 * * *", datetime(2026, 10, 24), "30 2 * * *"),
    ("America/New_York", datetime(2026, 3, 7), "30 2 * * *", datetime(2026, 10, 31), "30 1 * * *"),
    ("Australia/Sydney", datetime(2026, 10, 3), "30 2 * * *", datetime(2026, 4, 4), "30 2 * * *"),
]


def fires(trigger: Cron | Every, start: datetime, days: int) -> list[datetime]:
    out, at = [], start - timedelta(microseconds=1)
    while True:
        nxt = trigger.next_after(at)
        assert nxt is not None
        if nxt >= start + timedelta(days=days):
            return out
        out.append(nxt)
        at = nxt


@pytest.mark.parametrize(("zone", "spring", "spring_cron", "autumn", "autumn_cron"), ZONES)
def test_daily_cron_fires_once_per_local_day(
    zone: str, spring: datetime, spring_cron: str, autumn: datetime, autumn_cron: str
) -> None:
    tz = ZoneInfo(zone)
    for day, cron in ((spring, spring_cron), (autumn, autumn_cron)):
        times = fires(Cron({"cron": cron, "timezone": zone}), day.replace(tzinfo=tz).astimezone(UTC), 4)
        local_days = [t.astimezone(tz).date() for t in times]
        assert len(times) == 4, f"{zone}: {[t.astimezone(tz) for t in times]}"
        assert len(set(local_days)) == 4, f"{zone}: {[t.astimezone(tz) for t in times]}"
    hour = int(spring_cron.split()[1])
    spring_times = fires(Cron({"cron": spring_cron, "timezone": zone}), spring.replace(tzinfo=tz).astimezone(UTC), 4)
    moved = [t.astimezone(tz) for t in spring_times if t.astimezone(tz).hour != hour]
    assert len(moved) == 1, "skipped time -> first valid instant after it"
    assert moved[0].minute == 0, "skipped time -> first valid instant after it"
    assert moved[0].hour == hour + 1
    hour = int(autumn_cron.split()[1])
    autumn_times = fires(Cron({"cron": autumn_cron, "timezone": zone}), autumn.replace(tzinfo=tz).astimezone(UTC), 4)
    assert all(t.astimezone(tz).hour == hour for t in autumn_times)
    assert all(t.astimezone(tz).fold == 0 for t in autumn_times), "repeated time: first occurrence only"


@pytest.mark.parametrize(("zone", "spring", "spring_cron", "autumn", "autumn_cron"), ZONES)
def test_hourly_cron_fires_once_per_real_hour(
    zone: str, spring: datetime, spring_cron: str, autumn: datetime, autumn_cron: str
) -> None:
    tz = ZoneInfo(zone)
    trigger = Cron({"cron": "0 * * * *", "timezone": zone})
    for day in (spring, autumn):
        start = day.replace(tzinfo=tz).astimezone(UTC) + timedelta(hours=12)
        times = fires(trigger, start, 3)
        gaps = {(b - a).total_seconds() for a, b in itertools.pairwise(times)}
        assert gaps == {3600.0}, f"{zone}: once per real hour"
        assert len(times) == 72, f"{zone}: once per real hour"
        local_hours = Counter(t.astimezone(tz).replace(tzinfo=None, minute=0) for t in times)
        assert max(local_hours.values()) <= 2


def test_every_24h_is_real_time_and_shifts_local_time() -> None:
    tz = ZoneInfo("Europe/Berlin")
    start = datetime(2026, 3, 27, 8, 0, tzinfo=tz).astimezone(UTC)
    trigger = Every({"seconds": 86400, "anchor": start.isoformat()})
    times = fires(trigger, start, 4)
    assert [t.astimezone(tz).hour for t in times] == [8, 8, 9, 9]
    assert {(b - a).total_seconds() for a, b in itertools.pairwise(times)} == {86400.0}


async def test_autumn_night_runs_the_daily_job_once_end_to_end(rig: Rig) -> None:
    rig.flow("nightly", [{"cron": "30 2 * * *", "timezone": "Europe/Berlin"}])
    await rig.move_to(datetime(2026, 10, 24, 12, 0, tzinfo=UTC))
    await rig.sync()
    for _ in range(3 * 24 * 4):  # three days in 15-minute steps, the scheduler looking each time
        await rig.advance(900)
        await rig.tick()
    ran = [o for o in await rig.occurrences() if o.state == "succeeded"]
    local = Counter(o.fire_time.astimezone(ZoneInfo("Europe/Berlin")).date() for o in ran)
    assert len(ran) == 3, local
    assert set(local.values()) == {1}, local
    await check_invariant(rig.store)
