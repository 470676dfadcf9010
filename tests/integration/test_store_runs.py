"""The run repository on a real database: writes committed at once, rows read back as plain records."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from store_support import T0, Database, make_run, make_step

from jobflow.errors import StoreError
from jobflow.store import RunDetail, RunRow, Store
from jobflow.store.models import WorkflowRun

BERLIN_WINTER = timezone(timedelta(hours=1))


async def test_start_steps_finish_round_trip_with_aware_utc_times(store: Store, database: Database) -> None:
    run = make_run(at=datetime(2026, 3, 1, 9, 0, tzinfo=BERLIN_WINTER))
    await store.runs.start(run)
    await store.runs.record_step(make_step(started_at=T0 + timedelta(seconds=1)))
    await store.runs.record_step(
        make_step(status="succeeded", started_at=T0 + timedelta(seconds=1), finished_at=T0 + timedelta(seconds=4))
    )
    run.status, run.finished_at, run.outputs = "succeeded", T0 + timedelta(seconds=5), {"new": 3}
    await store.runs.finish(run)

    reopened = await database.open()  # a second connection sees what was committed
    try:
        detail = await reopened.runs.get(run.id)
    finally:
        await reopened.close()
    assert detail is not None
    assert detail.run.status == "succeeded"
    assert detail.run.started_at == T0
    assert detail.run.started_at.tzinfo is UTC
    assert detail.run.finished_at == T0 + timedelta(seconds=5)
    assert detail.run.heartbeat_at == T0
    assert detail.run.created_at == T0, "created_at comes from the store's clock"
    assert detail.run.duration == 5.0
    assert detail.run.outputs == {"new": 3}
    assert [(s.step_id, s.status, s.duration) for s in detail.steps] == [("search", "succeeded", 3.0)]
    assert all(t.tzinfo is UTC for t in (detail.steps[0].started_at, detail.steps[0].finished_at) if t)


async def test_a_step_attempt_is_one_row_updated_in_place(store: Store) -> None:
    await store.runs.start(make_run())
    await store.runs.record_step(make_step())
    await store.runs.record_step(
        make_step(
            status="failed",
            finished_at=T0 + timedelta(seconds=9),
            error_class="RateLimited",
            error_message="HTTP 429",
            artifacts=["runs/run-0001/search-1.png", "runs/run-0001/search-1.html"],
            will_retry_in=60.0,
        )
    )
    await store.runs.record_step(make_step(attempt=2, started_at=T0 + timedelta(seconds=70)))

    detail = await store.runs.get("run-0001")
    assert detail is not None
    first, second = detail.steps
    assert (first.attempt, first.status, first.error_class, first.will_retry_in) == (1, "failed", "RateLimited", 60.0)
    assert first.artifacts == ("runs/run-0001/search-1.png", "runs/run-0001/search-1.html")
    assert (second.attempt, second.status, second.finished_at) == (2, "running", None)


async def test_iteration_none_and_iteration_zero_are_different_attempts(store: Store) -> None:
    await store.runs.start(make_run())
    await store.runs.record_step(make_step("apply"))
    for iteration in (0, 1):
        for status in ("running", "succeeded"):
            await store.runs.record_step(
                make_step("apply", iteration=iteration, status=status, started_at=T0 + timedelta(seconds=iteration + 2))
            )
    await store.runs.record_step(make_step("apply", status="succeeded"))

    detail = await store.runs.get("run-0001")
    assert detail is not None
    assert [(s.iteration, s.status) for s in detail.steps] == [(None, "succeeded"), (0, "succeeded"), (1, "succeeded")]


async def test_json_columns_keep_nested_values_and_unicode(store: Store) -> None:
    inputs = {"keywords": "Python-Entwickler:in", "cities": ["Berlin", "Zürich"], "limits": {"per_day": 25, "ok": True}}
    await store.runs.start(make_run(inputs=inputs))
    outputs = {"postings": [{"title": "Dev — remote", "salary": None}], "count": 1}
    await store.runs.record_step(make_step(status="succeeded", finished_at=T0 + timedelta(seconds=2), outputs=outputs))

    detail = await store.runs.get("run-0001")
    assert detail is not None
    assert detail.run.inputs == inputs
    assert detail.steps[0].outputs == outputs
    document = json.loads(json.dumps(detail.as_dict()))
    assert document["steps"][0]["outputs"] == outputs
    assert document["started_at"] == "2026-03-01T08:00:00+00:00"


async def test_list_is_newest_first_and_filters(store: Store) -> None:
    for n, (workflow, status) in enumerate(
        [("berlin", "succeeded"), ("munich", "failed"), ("berlin", "failed"), ("berlin", "running")]
    ):
        run = make_run(f"run-{n}", at=T0 + timedelta(minutes=n), workflow=workflow)
        await store.runs.start(run)
        if status != "running":
            run.status, run.finished_at = status, run.started_at + timedelta(seconds=30)  # type: ignore[assignment]
            await store.runs.finish(run)

    assert [r.id for r in await store.runs.list()] == ["run-3", "run-2", "run-1", "run-0"]
    assert [r.id for r in await store.runs.list(limit=2)] == ["run-3", "run-2"]
    assert [r.id for r in await store.runs.list(workflow="berlin")] == ["run-3", "run-2", "run-0"]
    assert [r.id for r in await store.runs.list(status="failed")] == ["run-2", "run-1"]
    assert [r.id for r in await store.runs.list(workflow="berlin", status="failed")] == ["run-2"]
    assert await store.runs.list(workflow="nowhere") == []
    assert all(isinstance(r, RunRow) for r in await store.runs.list())


async def test_get_accepts_a_unique_prefix_and_refuses_an_ambiguous_one(store: Store) -> None:
    for run_id in ("01HX7A1111", "01HX7A2222", "01HX9B3333"):
        await store.runs.start(make_run(run_id))

    found = await store.runs.get("01HX9")
    assert isinstance(found, RunDetail)
    assert found.run.id == "01HX9B3333"
    exact = await store.runs.get("01HX7A2222")
    assert exact is not None
    assert exact.run.id == "01HX7A2222"
    with pytest.raises(StoreError, match=r"'01HX7A' is ambiguous: 2 runs match"):
        await store.runs.get("01HX7A")
    with pytest.raises(StoreError, match="3 runs match"):
        await store.runs.get("01HX")
    assert await store.runs.get("01HY") is None
    assert await store.runs.get("") is None
    assert await store.runs.get("01hx9") is None, "prefixes are case-sensitive on every database"
    assert await store.runs.get("01HX_") is None, "LIKE wildcards are not wildcards here"


async def test_heartbeat_moves_heartbeat_at(store: Store) -> None:
    await store.runs.start(make_run())
    await store.runs.heartbeat("run-0001", T0 + timedelta(seconds=10))
    await store.runs.heartbeat("run-0001", T0 + timedelta(seconds=20))
    detail = await store.runs.get("run-0001")
    assert detail is not None
    assert detail.run.heartbeat_at == T0 + timedelta(seconds=20)
    with pytest.raises(StoreError, match="no such run"):
        await store.runs.heartbeat("run-missing", T0)


async def test_finish_without_a_recorded_start_still_records_the_run(store: Store) -> None:
    run = make_run(
        status="failed", finished_at=T0 + timedelta(seconds=1), error_class="StepTimeout", error_message="5m"
    )
    await store.runs.finish(run)
    detail = await store.runs.get(run.id)
    assert detail is not None
    assert (detail.run.status, detail.run.error_class, detail.run.error_message) == ("failed", "StepTimeout", "5m")


async def test_start_takes_over_a_queued_row_but_not_an_ended_one(store: Store) -> None:
    queued = make_run("run-q", status="queued")
    await store.runs.finish(queued)  # stands in for a scheduler creating the row queued
    await store.runs.start(make_run("run-q", attempt=2))
    detail = await store.runs.get("run-q")
    assert detail is not None
    assert (detail.run.status, detail.run.attempt) == ("running", 2)

    ended = make_run("run-e", status="succeeded", finished_at=T0)
    await store.runs.finish(ended)
    with pytest.raises(StoreError, match="run run-e already ended as succeeded"):
        await store.runs.start(make_run("run-e"))


async def test_a_failed_write_raises_store_error_and_leaves_nothing(store: Store) -> None:
    with pytest.raises(StoreError, match=r"cannot record step search attempt 1 of run run-ghost in database"):
        await store.runs.record_step(make_step(run_id="run-ghost"))  # no such run: the foreign key refuses it
    with pytest.raises(StoreError, match="naive datetime"):
        await store.runs.start(make_run("run-naive", at=datetime(2026, 3, 1, 8, 0)))
    assert await store.runs.get("run-naive") is None
    assert await store.runs.list() == []


async def test_two_stores_writing_at_once_never_fail(store: Store, database: Database) -> None:
    other = await database.open()
    try:
        runs = [make_run(f"run-{n:03}", at=T0 + timedelta(seconds=n)) for n in range(40)]
        await asyncio.gather(*((store if n % 2 else other).runs.start(run) for n, run in enumerate(runs)))
        steps = [make_step(f"step-{n}", run_id=run.id) for n, run in enumerate(runs)]
        await asyncio.gather(*((other if n % 2 else store).runs.record_step(step) for n, step in enumerate(steps)))
        assert len(await store.runs.list(limit=100)) == 40
    finally:
        await other.close()


async def test_sessions_work_with_the_orm_models(store: Store) -> None:
    await store.runs.start(make_run())
    async with store.session(write=True) as session:
        row = await session.get(WorkflowRun, "run-0001")
        assert row is not None
        row.owner = "host-b:1"
        await session.commit()
    async with store.session() as session:
        found = (await session.execute(select(WorkflowRun.owner, WorkflowRun.started_at))).one()
    assert tuple(found) == ("host-b:1", T0)
