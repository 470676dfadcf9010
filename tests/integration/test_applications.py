"""Applications on SQLite and PostgreSQL: add, record (idempotent per posting), status history, filters;
and the ``applications.record`` step run by the engine."""

from __future__ import annotations

from pathlib import Path

import pytest
from store_support import T0

from jobflow.clock import FakeClock
from jobflow.config import Settings
from jobflow.engine import Engine
from jobflow.errors import NotFound, StoreError
from jobflow.plugins import build_plugins
from jobflow.spec.models import Workflow
from jobflow.store import Store
from jobflow.store.applications import ApplicationRepository


def clock_of(store: Store) -> FakeClock:
    assert isinstance(store.clock, FakeClock)
    return store.clock


async def test_add_get_and_list_with_filters(store: Store) -> None:
    repo = ApplicationRepository(store)
    first = await repo.add(title="Python developer", company="Acme GmbH", site="linkedin", site_job_id="111")
    clock_of(store).advance(60)
    second = await repo.add(title="Data engineer", company="Initech", status="applied", url="https://x.example/2")

    assert (first.id, first.status, first.applied_at, first.created_by) == (1, "planned", None, "cli")
    assert (second.status, second.applied_at) == ("applied", T0.replace(minute=1))
    assert await repo.get(first.id) == first
    assert await repo.get(99) is None
    assert [row.id for row in await repo.list()] == [second.id, first.id], "most recently updated first"
    assert [row.id for row in await repo.list(status="planned")] == [first.id]
    assert [row.id for row in await repo.list(site="linkedin")] == [first.id]
    assert [row.id for row in await repo.list(company="acme")] == [first.id], "case-insensitive substring"
    assert [row.id for row in await repo.list(limit=1)] == [second.id]


async def test_a_status_change_is_dated_in_the_history(store: Store) -> None:
    repo = ApplicationRepository(store)
    row = await repo.add(title="Python developer", company="Acme")
    clock_of(store).advance(3600)
    applied = await repo.set_status(row.id, status="applied")
    clock_of(store).advance(86400)
    interviewing = await repo.set_status(row.id, status="interviewing", note="call on Monday")
    noted = await repo.set_status(row.id, note="sent portfolio")

    assert applied.applied_at == T0.replace(hour=9)
    assert interviewing.applied_at == applied.applied_at, "applied_at is kept once set"
    assert interviewing.status_changed_at == T0.replace(day=2, hour=9)
    assert noted.status == "interviewing"
    assert [(h["status"], h["at"], h["note"]) for h in noted.history] == [
        ("planned", "2026-03-01T08:00:00+00:00", ""),
        ("applied", "2026-03-01T09:00:00+00:00", ""),
        ("interviewing", "2026-03-02T09:00:00+00:00", "call on Monday"),
        ("interviewing", "2026-03-02T09:00:00+00:00", "sent portfolio"),
    ]
    with pytest.raises(NotFound, match="no application has id 42"):
        await repo.set_status(42, status="offer")
    with pytest.raises(ValueError, match="unknown application status 'hired'"):
        await repo.set_status(row.id, status="hired")


async def test_record_is_idempotent_per_posting(store: Store) -> None:
    repo = ApplicationRepository(store)
    posting = {"site": "indeed", "site_job_id": "jk-9", "title": "Python developer", "company": "Acme"}

    first, created = await repo.record(**posting, status="planned", created_by="run:r1")
    again, created_again = await repo.record(**posting, status="planned", created_by="run:r2")
    clock_of(store).advance(60)
    applied, _ = await repo.record(**posting, status="applied", url="https://indeed.example/jk-9")

    assert (created, created_again) == (True, False)
    assert again == first, "recording the same posting again changes nothing"
    assert (applied.id, applied.status, applied.url) == (first.id, "applied", "https://indeed.example/jk-9")
    assert applied.applied_at == T0.replace(minute=1)
    assert [h["status"] for h in applied.history] == ["planned", "applied"]
    assert applied.created_by == "run:r1"
    by_url, created_by_url = await repo.record(title="Other", url="https://indeed.example/jk-9")
    assert (by_url.id, created_by_url) == (first.id, False), "without a site id the URL finds the posting"
    assert len(await repo.list()) == 1
    with pytest.raises(StoreError, match="cannot add an application in database"):
        await repo.add(**posting)


async def test_find_by_posting_and_a_ready_application_moving_on(store: Store) -> None:
    repo = ApplicationRepository(store)
    posting = {"site": "linkedin", "site_job_id": "4012", "title": "Python developer"}
    assert await repo.find("linkedin", "4012") is None

    ready, created = await repo.record(**posting, status="ready", created_by="run:dry")
    await repo.add(title="Other", site="indeed", site_job_id="4012")
    assert await repo.find("linkedin", "4012") == ready, "found by site and job id together"
    assert (created, ready.status, ready.applied_at) == (True, "ready", None)

    clock_of(store).advance(60)
    applied, created_again = await repo.record(**posting, status="applied", created_by="run:send")
    assert (created_again, applied.id) == (False, ready.id)
    assert [h["status"] for h in applied.history] == ["ready", "applied"]
    assert applied.applied_at == T0.replace(minute=1)
    assert await repo.find("linkedin", "4012") == applied
    assert await repo.find("linkedin", "9999") is None


async def test_the_record_step_in_a_workflow(store: Store, tmp_path: Path) -> None:
    workflow = Workflow.model_validate(
        {
            "version": 1,
            "name": "track",
            "inputs": {"job": {"type": "object", "default": {}}},
            "steps": [
                {
                    "id": "track",
                    "uses": "applications.record",
                    "with": {"job": "${{ inputs.job }}", "status": "applied", "notes": "easy apply"},
                },
                {"id": "check", "uses": "core.set", "with": {"values": {"id": "${{ steps.track.application_id }}"}}},
            ],
        }
    )
    plugins = build_plugins(disable_autoload=True)
    engine = Engine(plugins, Settings(jobflow_home=tmp_path), clock=clock_of(store), store=store)
    job = {
        "site": "linkedin",
        "native_id": "4242",
        "url": "https://li.example/jobs/4242",
        "title": "Backend engineer",
        "company": "Globex",
    }

    results = [
        await engine.run(workflow, path=tmp_path / "flow.yaml", inputs={"job": job}, secrets={}) for _ in range(2)
    ]

    assert [r.run.status for r in results] == ["succeeded", "succeeded"]
    assert [r.outputs["track"]["created"] for r in results] == [True, False]
    assert results[0].outputs["check"]["values"] == {"id": results[0].outputs["track"]["application_id"]}
    (row,) = await ApplicationRepository(store).list()
    assert (row.site, row.site_job_id, row.title, row.company, row.status, row.notes) == (
        "linkedin",
        "4242",
        "Backend engineer",
        "Globex",
        "applied",
        "easy apply",
    )
    assert row.created_by == f"run:{results[0].run.id}"
