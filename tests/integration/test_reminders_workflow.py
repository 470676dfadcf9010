"""Reminders from YAML (``reminders.schedule`` after ``applications.record``) and their notification delivered
by the outbox worker once fired."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from notify_support import StillClock, TestChannels, make_worker, notify_settings, plugins_with
from pydantic import ValidationError
from store_support import T0

from jobflow.engine import Engine
from jobflow.reminders import fire_reminder, list_reminders
from jobflow.spec.models import Workflow
from jobflow.store import Store

JOB = {"site": "indeed", "native_id": "jk-1", "url": "https://in.example/jk-1", "title": "SRE", "company": "Hooli"}


def flow(schedule: dict[str, Any]) -> Workflow:
    return Workflow.model_validate(
        {
            "version": 1,
            "name": "apply-and-remind",
            "inputs": {"job": {"type": "object", "default": JOB}},
            "steps": [
                {"id": "track", "uses": "applications.record", "with": {"job": "${{ inputs.job }}"}},
                {
                    "id": "remind",
                    "uses": "reminders.schedule",
                    "with": {"application": "${{ steps.track.application_id }}", **schedule},
                },
            ],
        }
    )


async def test_schedule_after_applying_is_idempotent(store: Store, tmp_path: Path) -> None:
    clock = StillClock(T0)
    settings = notify_settings(tmp_path / "home")
    engine = Engine(plugins_with(), settings, clock=clock, store=store)
    workflow = flow({"type": "follow_up", "after": "7d", "note": "Ask about next steps."})

    first = await engine.run(workflow, path=tmp_path / "f.yaml", inputs={}, secrets={})
    clock.advance(3600)
    second = await engine.run(workflow, path=tmp_path / "f.yaml", inputs={}, secrets={})

    assert [r.run.status for r in (first, second)] == ["succeeded", "succeeded"]
    expected = {"reminder_id": "reminder:1:follow_up", "due_at": (T0 + timedelta(days=7)).isoformat()}
    assert first.outputs["remind"] == {**expected, "state": "scheduled"}
    assert second.outputs["remind"] == first.outputs["remind"], "the second run keeps the first reminder"
    (row,) = await list_reminders(store)
    assert (row.created_by, row.note) == (f"run:{first.run.id}", "Ask about next steps.")


async def test_the_fired_reminder_reaches_the_channels(store: Store, tmp_path: Path) -> None:
    channels = TestChannels()
    settings = notify_settings(tmp_path / "home", "channels:\n  a: {type: blocking}\n")
    engine = Engine(plugins_with(channels), settings, clock=store.clock, store=store)
    at = "2026-03-05T09:00:00+01:00"
    await engine.run(flow({"type": "interview_prep", "at": at}), path=tmp_path / "f.yaml", inputs={}, secrets={})
    (row,) = await list_reminders(store, state="scheduled")

    assert await fire_reminder(store, row.id, fire_time=row.due_at)
    worker = make_worker(store, settings, channels)
    assert await worker.run_once() == 1
    assert await worker.run_once() == 0

    assert row.due_at.isoformat() == "2026-03-05T08:00:00+00:00"
    assert channels.journal.sent == {"a": ["Prepare the interview: SRE at Hooli"]}


async def test_a_missing_application_fails_the_step_clearly(store: Store, tmp_path: Path) -> None:
    engine = Engine(plugins_with(), notify_settings(tmp_path / "home"), clock=store.clock, store=store)
    workflow = Workflow.model_validate(
        {
            "version": 1,
            "name": "x",
            "steps": [{"uses": "reminders.schedule", "with": {"application": 77, "type": "follow_up", "after": "1d"}}],
        }
    )

    result = await engine.run(workflow, path=tmp_path / "f.yaml", inputs={}, secrets={})

    assert result.run.status == "failed"
    assert result.steps[-1].error_message == "no application has id 77 (see `jobflow applications`)"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"type": "follow_up"}, "give exactly one of `after` (a duration) and `at` (a time)"),
        ({"type": "follow_up", "after": "1d", "at": "2026-03-05T09:00:00+01:00"}, "give exactly one of"),
        ({"type": "follow_up", "at": "2026-03-05T09:00:00"}, "`at` needs a time zone"),
        ({"type": "nag", "after": "1d"}, "Input should be 'follow_up', 'check_status' or 'interview_prep'"),
    ],
)
def test_schedule_params_are_checked(values: dict[str, Any], message: str) -> None:
    from jobflow.steps.tracking import ScheduleParams

    with pytest.raises(ValidationError, match=re.escape(message)):
        ScheduleParams.model_validate({"application": 1, **values})
