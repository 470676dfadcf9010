"""The webhook channel against a real local HTTP server: payload styles, retries with backoff, no URL leaks."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from notify_support import HookServer, free_port, make_worker, notify_settings, stored_text

from jobflow.clock import FakeClock
from jobflow.notify.outbox import enqueue
from jobflow.store import Store
from jobflow.store.outbox import OutboxRepository


async def queue(store: Store, key: str = "k") -> None:
    await enqueue(
        store,
        kind="reminder",
        title="Follow up: Python developer at Acme",
        body="Ask about the next steps.",
        data={"application_id": 7, "url": "https://jobs.example/7"},
        dedupe_key=key,
    )


def hook_config(style: str, *, extra: str = "") -> str:
    return f"channels:\n  hook: {{type: webhook, url: {{env: JF_TEST_HOOK}}, style: {style}{extra}}}\n"


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("slack", {"text": "*Follow up: Python developer at Acme*\nAsk about the next steps."}),
        ("discord", {"content": "**Follow up: Python developer at Acme**\nAsk about the next steps."}),
    ],
)
async def test_chat_payloads(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, style: str, expected: dict[str, str]
) -> None:
    with HookServer() as server:
        monkeypatch.setenv("JF_TEST_HOOK", server.url)
        settings = notify_settings(tmp_path / "home", hook_config(style))
        await queue(store)

        assert await make_worker(store, settings).run_once() == 1

    assert [request["json"] for request in server.requests] == [expected]
    assert server.requests[0]["headers"]["Content-Type"] == "application/json"


async def test_generic_payload_and_secret_headers(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JF_TEST_HOOK_TOKEN", "Bearer hook-t0ken-42")
    with HookServer() as server:
        monkeypatch.setenv("JF_TEST_HOOK", server.url)
        extra = ", headers: {Authorization: {env: JF_TEST_HOOK_TOKEN}}"
        settings = notify_settings(tmp_path / "home", hook_config("generic", extra=extra))
        await queue(store)

        assert await make_worker(store, settings).run_once() == 1

    (request,) = server.requests
    assert request["path"] == "/hooks/T0KEN-abcdef123456"
    assert request["headers"]["Authorization"] == "Bearer hook-t0ken-42"
    assert request["json"] == {
        "kind": "reminder",
        "title": "Follow up: Python developer at Acme",
        "body": "Ask about the next steps.",
        "data": {"application_id": 7, "url": "https://jobs.example/7"},
        "dedupe_key": "k",
        "created_at": "2026-03-01T08:00:00+00:00",
    }


async def test_a_failing_server_is_retried_with_backoff_until_it_answers(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = store.clock
    assert isinstance(clock, FakeClock)
    with HookServer(fail_times=3) as server:
        monkeypatch.setenv("JF_TEST_HOOK", server.url)
        worker = make_worker(store, notify_settings(tmp_path / "home", hook_config("slack")))
        await queue(store)
        waits = []
        for _ in range(3):
            assert await worker.run_once() == 0
            row = await OutboxRepository(store).get("k")
            assert row is not None
            assert row.last_error == "hook: WebhookError: HTTP 500 Internal Server Error"
            waits.append(row.next_attempt_at - clock.now())
            clock.advance(waits[-1].total_seconds())

        assert await worker.run_once() == 1

    assert waits == [timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10)]
    assert server.attempts == 4
    assert len(server.requests) == 1
    row = await OutboxRepository(store).get("k")
    assert row is not None
    assert (row.state, row.attempts, row.delivered) == ("sent", 4, ("hook",))
    assert "T0KEN-abcdef123456" not in await stored_text(store)


async def test_an_unreachable_endpoint_is_named_without_its_url(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JF_TEST_HOOK", f"http://127.0.0.1:{free_port()}/hooks/T0KEN-abcdef123456")
    await queue(store)

    assert await make_worker(store, notify_settings(tmp_path / "home", hook_config("generic"))).run_once() == 0

    row = await OutboxRepository(store).get("k")
    assert row is not None
    assert row.state == "pending"
    assert row.last_error == "hook: WebhookError: cannot reach the webhook: Connection refused"
