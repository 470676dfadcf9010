"""The ``notify.send`` step run by the engine: delivered at once through the outbox, a failing channel never
fails the run, a key is notified once, the run's secrets are masked, and under a running outbox worker (the
daemon) the step only queues."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from notify_support import HookServer, TestChannels, make_worker, notify_settings, plugins_with, stored_text

from jobflow.config import Settings
from jobflow.engine import Engine, RunResult
from jobflow.spec.models import Workflow
from jobflow.store import Store
from jobflow.store.outbox import OutboxRepository


def flow(**with_: Any) -> Workflow:
    return Workflow.model_validate(
        {
            "version": 1,
            "name": "tell",
            "secrets": {"token": {"env": "JF_TEST_RUN_TOKEN"}},
            "steps": [{"id": "tell", "uses": "notify.send", "with": {"title": "New jobs", **with_}}],
        }
    )


async def run(store: Store, settings: Settings, workflow: Workflow, channels: TestChannels | None = None) -> RunResult:
    engine = Engine(plugins_with(channels), settings, clock=store.clock, store=store)
    return await engine.run(workflow, path=settings.home / "flow.yaml", inputs={}, secrets={"token": "run-t0ken-123"})


async def test_delivered_at_once_outside_the_daemon(store: Store, tmp_path: Path) -> None:
    channels = TestChannels()
    settings = notify_settings(tmp_path / "home", "channels:\n  a: {type: async}\n  b: {type: blocking}\n")

    result = await run(store, settings, flow(message="3 new jobs", channel="a"), channels)

    assert result.run.status == "succeeded"
    assert result.outputs["tell"] == {
        "dedupe_key": f"notify:{result.run.id}:tell",
        "queued": True,
        "state": "sent",
        "delivered": ["a"],
    }
    assert channels.journal.sent == {"a": ["New jobs"]}


async def test_a_failing_channel_leaves_the_run_succeeded_and_the_notification_pending(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with HookServer(fail_times=1) as server:
        monkeypatch.setenv("JF_TEST_HOOK", server.url)
        settings = notify_settings(tmp_path / "home", "channels:\n  hook: {type: webhook, url: {env: JF_TEST_HOOK}}\n")

        result = await run(store, settings, flow(message="hello"))
        assert result.run.status == "succeeded"
        assert result.outputs["tell"]["state"] == "pending"

        store.clock.advance(30)  # type: ignore[attr-defined]
        assert await make_worker(store, settings).run_once() == 1  # the daemon's worker, later

    assert [request["json"]["body"] for request in server.requests] == ["hello"]


async def test_a_key_is_notified_once_and_secrets_are_masked(store: Store, tmp_path: Path) -> None:
    channels = TestChannels()
    settings = notify_settings(tmp_path / "home", "channels:\n  a: {type: blocking}\n")
    workflow = flow(message="token ${{ secrets.token }}", dedupe_key="daily-digest", data={"t": "${{ secrets.token }}"})

    first = await run(store, settings, workflow, channels)
    second = await run(store, settings, workflow, channels)

    assert [r.outputs["tell"]["queued"] for r in (first, second)] == [True, False]
    assert second.outputs["tell"]["state"] == "sent"
    assert channels.journal.calls == {"a": 1}
    (row,) = await OutboxRepository(store).list()
    assert (row.body, row.data) == ("token ***", {"t": "***"})
    assert "run-t0ken-123" not in await stored_text(store)


async def test_an_unknown_channel_fails_the_step_clearly(store: Store, tmp_path: Path) -> None:
    settings = notify_settings(tmp_path / "home", "channels:\n  a: {type: blocking}\n")

    result = await run(store, settings, flow(message="hi", channel="slack"))

    assert result.run.status == "failed"
    assert result.steps[-1].error_message == "no notification channel named 'slack' (configured: a)"
    assert await OutboxRepository(store).list() == []


async def test_under_a_running_worker_the_step_only_queues(store: Store, tmp_path: Path) -> None:
    channels = TestChannels()
    channels.journal.arrived = asyncio.Event()
    settings = notify_settings(tmp_path / "home", "channels:\n  a: {type: async}\n")
    stop = asyncio.Event()
    worker = make_worker(store, settings, channels)
    daemon = asyncio.create_task(worker.run_forever(stop))
    try:
        await asyncio.wait_for(_started(), 10)
        result = await run(store, settings, flow(message="from the daemon"), channels)
        assert result.outputs["tell"]["state"] == "pending"
        await asyncio.wait_for(channels.journal.arrived.wait(), 10)
    finally:
        stop.set()
        await asyncio.wait_for(daemon, 10)

    assert channels.journal.sent == {"a": ["New jobs"]}
    row = await OutboxRepository(store).get(f"notify:{result.run.id}:tell")
    assert row is not None
    assert row.state == "sent"


async def _started() -> None:
    from jobflow.notify.outbox import background_delivery_active

    loop = asyncio.get_running_loop()
    while not background_delivery_active():
        turn = loop.create_future()
        loop.call_soon(turn.set_result, None)
        await turn
