"""Scheduler pieces that need no database: settings, trigger state, jitter, catch-up planning."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta

import pytest

from jobflow.config import Settings
from jobflow.errors import ConfigError
from jobflow.scheduler.config import SchedulerConfig
from jobflow.scheduler.planning import overdue_times, plan
from jobflow.scheduler.triggers import Cron, Every, Once, jitter_offset, trigger_from_json
from jobflow.store.scheduling import ScheduleRow

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def row(trigger: dict[str, object], **changes: object) -> ScheduleRow:
    values: dict[str, object] = {
        "id": "workflow:w:0", "workflow": "w", "path": "/w.yaml", "position": 0, "trigger": trigger,
        "trigger_hash": "h", "next_fire_time": T0, "overlap": "skip", "max_instances": 1, "misfire_grace": 60.0,
        "catch_up": "coalesce", "catch_up_max": 3, "retry": None, "state": "active", "error": None,
        "created_at": T0, "updated_at": T0,
    }  # fmt: skip
    return ScheduleRow(**{**values, **changes})  # type: ignore[arg-type]


def test_settings_give_the_scheduler_config() -> None:
    config = SchedulerConfig.from_settings(
        Settings(database_url="sqlite+aiosqlite:////tmp/x.db", scheduler_retry_backoff="1s, 2m,1h")
    )
    assert config.backoff == (1.0, 120.0, 3600.0)
    assert config.jobstore_url == "sqlite:////tmp/x.db"
    assert config.jobstore_table == "apscheduler_jobs"
    with pytest.raises(ConfigError, match="SCHEDULER_RETRY_BACKOFF"):
        SchedulerConfig.from_settings(Settings(scheduler_retry_backoff="soon"))


def test_triggers_pickle_to_a_versioned_dict_and_refuse_a_newer_one() -> None:
    cron = Cron({"cron": "0 8 * * mon-fri", "timezone": "Europe/Berlin"})
    again = pickle.loads(pickle.dumps(cron))
    assert again.next_after(T0) == cron.next_after(T0)
    assert cron.__getstate__() == {"version": 1, "spec": {"cron": "0 8 * * mon-fri", "timezone": "Europe/Berlin"}}
    with pytest.raises(ValueError, match="version 2"):
        Cron.__new__(Cron).__setstate__({"version": 2, "spec": {}})
    assert isinstance(trigger_from_json({"at": T0.isoformat()}), Once)
    assert isinstance(trigger_from_json({"seconds": 60, "anchor": T0.isoformat()}), Every)


def test_jitter_is_stable_and_bounded() -> None:
    delays = {jitter_offset("workflow:w:0", T0 + timedelta(hours=n), 600) for n in range(50)}
    assert all(timedelta(0) <= d < timedelta(seconds=600) for d in delays)
    assert len(delays) > 40
    assert jitter_offset("workflow:w:0", T0, 600) == jitter_offset("workflow:w:0", T0, 600)
    assert jitter_offset("workflow:w:0", T0, 0) == timedelta(0)


def test_a_week_of_minutely_backlog_is_counted_not_listed() -> None:
    schedule = row({"cron": "* * * * *", "timezone": "UTC"})
    found = overdue_times(schedule, T0 + timedelta(days=7), keep=1)
    assert found.count == 7 * 24 * 60 + 1
    assert found.following == T0 + timedelta(days=7, minutes=1)
    fires = plan(schedule, found.tail, T0 + timedelta(days=7), [60.0], counted=found.count, first=found.first)
    assert len(fires) == 1
    assert fires[0].coalesced_count == found.count - 1
    assert fires[0].coalesced_first == T0


def test_a_late_one_off_is_missed_and_rescheduled() -> None:
    schedule = row({"at": T0.isoformat()})
    (fire,) = plan(schedule, [T0], T0 + timedelta(seconds=90), [60.0, 120.0])
    assert fire.state == "pending"
    assert fire.missed_count == 1
    assert fire.not_before == T0 + timedelta(seconds=150)
    assert [d.kind for d in fire.decisions] == ["missed", "rescheduled"]
    (given_up,) = plan(schedule, [T0], T0 + timedelta(seconds=90), [])
    assert given_up.state == "failed"


def test_the_timer_hands_over_one_jobs_fire_times_as_one_batch() -> None:
    from apscheduler.job import Job
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.interval import IntervalTrigger

    from jobflow.scheduler.timer import LISTENERS, HandOffExecutor, Signal, fire, install_handoff

    timer = BlockingScheduler(timezone=UTC)  # never started: only its listeners are used
    for listener, mask in LISTENERS:
        timer.add_listener(listener, mask)
    executor = HandOffExecutor()
    executor.start(timer, "default")
    job = Job(
        timer,
        id="workflow:w:0",
        func=fire,
        args=(),
        kwargs={"kind": "workflow", "target": "workflow:w:0"},
        trigger=IntervalTrigger(seconds=1, timezone=UTC),
        executor="default",
        misfire_grace_time=2,
        coalesce=False,
        max_instances=1,
        next_run_time=T0,
    )
    job._jobstore_alias = "default"
    now = datetime.now(UTC)
    run_times = [now - timedelta(seconds=s) for s in (8, 7, 6, 5, 4, 3, 1, 0)]  # a suspend's backlog
    batches: list[list[Signal]] = []
    install_handoff(batches.append)
    try:
        executor.submit_job(job, run_times)
    finally:
        install_handoff(None)
    assert len(batches) == 1, "the late ones (missed events) and the fired ones arrive together"
    (batch,) = batches
    assert sorted(s.fire_time for s in batch) == run_times
    assert sorted(s.fire_time for s in batch if s.late) == run_times[:6], "beyond the 2 s grace: late"
