"""The outbox (RELIABILITY.md scenario 17): notified once per key, secrets masked, failing channels retried
with backoff and never breaking anything, async channels awaited, and no notification sent twice."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
import structlog
from notify_support import TestChannels, make_worker, notify_settings, stored_text
from store_support import T0, Database

from jobflow.clock import FakeClock
from jobflow.notify.outbox import BACKOFF, background_delivery_active, enqueue
from jobflow.redact import Redactor, reset_redactor, use_redactor
from jobflow.store import Store
from jobflow.store.outbox import OutboxRepository


async def queue(store: Store, key: str, *, channel: str = "all", title: str = "New jobs", **kw: object) -> bool:
    return await enqueue(
        store, kind="workflow", title=title, body="3 new jobs", data={"n": 3}, dedupe_key=key, channel=channel, **kw
    )


async def test_enqueue_is_idempotent_per_key(store: Store, tmp_path: Path) -> None:
    settings = notify_settings(tmp_path / "home")

    assert await queue(store, "k1", title="first", settings=settings) is True
    assert await queue(store, "k1", title="second", settings=settings) is False

    rows = await OutboxRepository(store).list()
    assert [(r.dedupe_key, r.title, r.state, r.attempts) for r in rows] == [("k1", "first", "pending", 0)]


async def test_no_secret_reaches_the_database(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JF_TEST_HOOK_URL", "https://hooks.example/T0P-s3cret-path")
    settings = notify_settings(
        tmp_path / "home", "channels:\n  team: {type: webhook, url: {env: JF_TEST_HOOK_URL}, style: slack}\n"
    )
    token = use_redactor(Redactor(["run-pa55word-xyz"]))
    try:
        await enqueue(
            store,
            kind="workflow",
            title="login with run-pa55word-xyz",
            body="posted to https://hooks.example/T0P-s3cret-path",
            data={"password": "run-pa55word-xyz", "nested": ["https://hooks.example/T0P-s3cret-path"]},
            dedupe_key="leak",
            settings=settings,
        )
    finally:
        reset_redactor(token)

    text = await stored_text(store)
    assert "run-pa55word-xyz" not in text
    assert "T0P-s3cret-path" not in text
    row = await OutboxRepository(store).get("leak")
    assert row is not None
    assert (row.title, row.body) == ("login with ***", "posted to ***")
    assert row.data == {"password": "***", "nested": ["***"]}


async def test_the_console_channel_is_there_without_configuration(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = notify_settings(tmp_path / "home")
    await queue(store, "hello", settings=settings)

    assert await make_worker(store, settings).run_once() == 1

    assert "[jobflow] New jobs: 3 new jobs" in capsys.readouterr().err
    row = await OutboxRepository(store).get("hello")
    assert row is not None
    assert (row.state, row.delivered, row.sent_at) == ("sent", ("console",), T0)
    assert await make_worker(store, settings).run_once() == 0, "a sent notification is never sent again"


async def test_a_raising_channel_is_retried_with_backoff_then_failed(store: Store, tmp_path: Path) -> None:
    clock = store.clock
    assert isinstance(clock, FakeClock)
    settings = notify_settings(tmp_path / "home", "channels:\n  boom: {type: raising}\n")
    channels = TestChannels()
    worker = make_worker(store, settings, channels)
    await queue(store, "k")
    due_times = []

    with structlog.testing.capture_logs() as logs:
        for _ in range(4):
            assert await worker.run_once() == 0  # raising never escapes the worker
            row = await OutboxRepository(store).get("k")
            assert row is not None
            due_times.append((row.state, row.attempts, row.next_attempt_at - clock.now()))
            if row.state == "pending":
                assert await worker.run_once() == 0, "not due again before its backoff"
                clock.advance((row.next_attempt_at - clock.now()).total_seconds())

    assert due_times[:3] == [("pending", n + 1, timedelta(seconds=BACKOFF[n])) for n in range(3)]
    assert due_times[3][:2] == ("failed", 4)
    assert channels.journal.calls["boom"] == 4
    row = await OutboxRepository(store).get("k")
    assert row is not None
    assert row.last_error == "boom: RuntimeError: channel exploded"
    gave_up = [line for line in logs if line["event"] == "notification failed, giving up"]
    assert len(gave_up) == 1
    assert gave_up[0]["log_level"] == "error"
    assert gave_up[0]["key"] == "k"


async def test_a_channel_that_took_it_never_gets_it_twice(store: Store, tmp_path: Path) -> None:
    settings = notify_settings(tmp_path / "home", "channels:\n  ok: {type: async}\n  boom: {type: raising}\n")
    channels = TestChannels()
    worker = make_worker(store, settings, channels)
    await queue(store, "k")

    for _ in range(4):
        await worker.run_once()
        store.clock.advance(3600)  # type: ignore[attr-defined]

    row = await OutboxRepository(store).get("k")
    assert row is not None
    assert (row.state, row.delivered) == ("failed", ("ok",))
    assert channels.journal.sent["ok"] == ["New jobs"]
    assert channels.journal.calls["boom"] == 4


async def test_async_channels_are_awaited_and_blocking_ones_run_in_a_thread(store: Store, tmp_path: Path) -> None:
    settings = notify_settings(tmp_path / "home", "channels:\n  a: {type: async}\n  b: {type: blocking}\n")
    channels = TestChannels()
    await queue(store, "k")

    assert await make_worker(store, settings, channels).run_once() == 1

    assert channels.journal.sent == {"a": ["New jobs"], "b": ["New jobs"]}
    assert channels.journal.threads["a"] == [threading.current_thread().name]
    assert channels.journal.threads["b"] != [threading.current_thread().name]


async def test_a_hanging_channel_times_out(store: Store, tmp_path: Path) -> None:
    settings = notify_settings(tmp_path / "home", "channels:\n  stuck: {type: hanging}\n", jobflow_notify_timeout=0.2)
    await queue(store, "k")

    assert await make_worker(store, settings).run_once() == 0

    row = await OutboxRepository(store).get("k")
    assert row is not None
    assert (row.state, row.last_error) == ("pending", "stuck: timed out after 0.2s")


async def test_a_channel_secret_in_an_error_is_masked(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JF_TEST_TOKEN", "tok-9f8e7d6c5b")
    settings = notify_settings(tmp_path / "home", "channels:\n  pager: {type: leaky, token: {env: JF_TEST_TOKEN}}\n")
    await queue(store, "k")

    with structlog.testing.capture_logs() as logs:
        await make_worker(store, settings).run_once()

    row = await OutboxRepository(store).get("k")
    assert row is not None
    assert row.last_error == "pager: ConnectionError: auth failed for token ***"
    assert "tok-9f8e7d6c5b" not in await stored_text(store)
    assert "tok-9f8e7d6c5b" not in repr(logs)


async def test_broken_channels_are_reported_and_the_others_work(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("JF_TEST_MISSING", raising=False)
    config = """\
        channels:
          ok: {type: async}
          typo: {type: carrier-pigeon}
          mail: {type: email, host: localhost, from: a@b.c, to: x@y.z, password: {env: JF_TEST_MISSING}, username: u}
          bad: {type: webhook, url: "ftp://nope"}
        """
    settings = notify_settings(tmp_path / "home", config)
    channels = TestChannels()
    worker = make_worker(store, settings, channels)
    await queue(store, "to-all")
    await queue(store, "to-ghost", channel="ghost")

    with structlog.testing.capture_logs() as logs:
        assert await worker.run_once() == 1

    problems = sorted(line["problem"] for line in logs if line["event"] == "notification channel unavailable")
    assert problems == [
        "channel 'bad': url: Value error, must be an http:// or https:// URL",
        "channel 'mail': secret 'mail.password': environment variable JF_TEST_MISSING is not set",
        "channel 'typo': unknown type 'carrier-pigeon' (installed: async, blocking, console, email, hanging, "
        "leaky, raising, webhook)",
    ]
    assert channels.journal.sent == {"ok": ["New jobs"]}
    ghost = await OutboxRepository(store).get("to-ghost")
    assert ghost is not None
    assert ghost.state == "pending"
    assert ghost.last_error == "no channel named 'ghost' is configured (configured: ok)"


async def test_two_workers_on_two_connections_deliver_each_notification_once(
    database: Database, tmp_path: Path
) -> None:
    clock = FakeClock(T0)
    first, second = await database.open(clock=clock), await database.open(clock=clock)
    try:
        settings = notify_settings(tmp_path / "home", "channels:\n  a: {type: async}\n")
        channels = TestChannels()
        for n in range(30):
            await queue(first, f"k{n}", title=f"n{n}")
        workers = [make_worker(first, settings, channels), make_worker(second, settings, channels)]
        workers[0].batch = workers[1].batch = 7

        for _ in range(5):
            await asyncio.gather(*(worker.run_once() for worker in workers))

        assert sorted(channels.journal.sent["a"]) == sorted(f"n{n}" for n in range(30))
        assert {row.state for row in await OutboxRepository(first).list(limit=100)} == {"sent"}
    finally:
        await first.close()
        await second.close()


async def test_run_forever_delivers_what_is_queued_and_stops(store: Store, tmp_path: Path) -> None:
    settings = notify_settings(tmp_path / "home", "channels:\n  a: {type: async}\n")
    channels = TestChannels()
    channels.journal.arrived = asyncio.Event()
    stop = asyncio.Event()
    task = asyncio.create_task(make_worker(store, settings, channels).run_forever(stop))
    try:
        await asyncio.wait_for(_until(background_delivery_active), 10)
        await queue(store, "live")
        await asyncio.wait_for(channels.journal.arrived.wait(), 10)
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)

    assert channels.journal.sent == {"a": ["New jobs"]}
    assert not background_delivery_active()


async def _until(condition: Callable[[], bool]) -> None:
    while not condition():
        await _turn()


async def _turn() -> None:
    loop = asyncio.get_running_loop()
    future = loop.create_future()
    loop.call_soon(future.set_result, None)
    await future
