"""Scenario 17: notifications fail (a webhook server that is down, an SMTP server answering 451, a notifier
plugin that raises) while a plain ``async def`` notifier works. The runs that notify (a ``notify.send``
step, a run that gives up) are unaffected; each notification stays in the outbox and is retried after
30 s, 2 min, 10 min; a channel that took it never gets it twice; the async notifier is awaited; every
failure is logged, and what is not delivered shows in ``jobflow notifications``, ``jobflow status`` and
``jobflow doctor``.

In-process on a fake clock (the real scheduler, engine and outbox worker; real local HTTP and SMTP
servers), then the CLI as a user types it. A few seconds per database.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import structlog
from rig import T0, Rig, check_invariant

sys.path.insert(0, str(Path(__file__).parents[1] / "integration"))
from notify_support import HookServer, SmtpServer, TestChannels, free_port, notify_settings

from jobflow.cli.doctor import check_notifications
from jobflow.notify.outbox import OutboxWorker
from jobflow.scheduler.status import gather
from jobflow.store.outbox import NotificationRow, OutboxRepository

JOBFLOW = Path(sys.executable).with_name("jobflow")
CHANNELS = """\
channels:
  hook: {{type: webhook, url: {{env: JF_TEST_HOOK}}, style: generic}}
  mail: {{type: email, host: 127.0.0.1, port: {smtp}, from: jobflow@example.com, to: me@example.com}}
  boom: {{type: raising}}
  later: {{type: async}}
"""


def cli(db_url: str, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JOBFLOW_", "DATABASE_URL", "SCHEDULER_"))}
    env.update(DATABASE_URL=db_url, JOBFLOW_HOME=str(home), JOBFLOW_DISABLE_PLUGIN_AUTOLOAD="1", COLUMNS="200")
    return subprocess.run([str(JOBFLOW), *args], env=env, capture_output=True, text=True, timeout=60, check=False)


async def outbox(rig: Rig) -> dict[str, NotificationRow]:
    return {row.kind: row for row in await OutboxRepository(rig.store).list()}


async def test_failing_channels_leave_runs_alone_and_are_retried_until_delivered(
    rig: Rig, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    channels = TestChannels()
    rig.plugins.register(channels, "test-channels")
    hook_port = free_port()
    monkeypatch.setenv("JF_TEST_HOOK", f"http://127.0.0.1:{hook_port}/hooks/T0KEN-abcdef123456")
    home = tmp_path / "home"
    smtp = SmtpServer(refuse=2)
    settings = notify_settings(home, CHANNELS.format(smtp=smtp.port))
    due = (T0 + timedelta(seconds=1)).isoformat()
    rig.flow("tell", [{"at": due}], [
        {"uses": "rt.mark", "with": {"key": "tell"}},
        {"uses": "notify.send", "with": {"title": "New jobs", "message": "3 new jobs"}},
    ])  # fmt: skip
    rig.flow("broken", [{"at": due}], [{"uses": "rt.mark", "with": {"key": "broken", "fail": 1}}],
             defaults={"retry": {"max_attempts": 1}})  # fmt: skip
    worker = OutboxWorker(rig.store, rig.plugins, rig.clock, settings=settings)
    with smtp, structlog.testing.capture_logs() as logs:
        await rig.sync()
        await rig.advance(1)
        rig.engine_clock.advance(1)  # notify.send stamps its attempt on the engine's clock
        await rig.tick()  # the runs: notify.send tries at once (webhook down, SMTP 451, plugin raises)
        states = {o.schedule_id: o.state for o in await rig.occurrences()}
        assert states == {"workflow:tell:0": "succeeded", "workflow:broken:0": "failed"}, "runs unaffected"
        assert await rig.scheduler.notify() == 1, "the gave-up notice goes to the outbox"
        assert await worker.run_once() == 0  # its first attempt fails the same way
        rows = await outbox(rig)
        assert set(rows) == {"workflow", "scheduler.gave_up"}
        for row in rows.values():
            assert (row.state, row.attempts, row.delivered) == ("pending", 1, ("later",)), row
            assert row.next_attempt_at == rig.clock.now() + timedelta(seconds=30), "retried after 30 s"
            assert row.last_error is not None
            errors = row.last_error.split("; ")
            assert errors[0].startswith("hook: "), errors
            assert errors[1].startswith("mail: SMTPDataError: (451"), errors
            assert errors[2] == "boom: RuntimeError: channel exploded"
        assert channels.journal.sent["later"] == ["New jobs", rows["scheduler.gave_up"].title], "async: awaited"

        with HookServer(port=hook_port) as hook:  # the webhook server is back; SMTP accepts now
            await rig.advance(29)
            assert await worker.run_once() == 0, "not due before its backoff"
            await rig.advance(1)
            assert await worker.run_once() == 0
            rows = await outbox(rig)
            for row in rows.values():
                assert (row.state, row.attempts) == ("pending", 2)
                assert row.delivered == ("hook", "later", "mail")
                assert row.last_error == "boom: RuntimeError: channel exploded"
                assert row.next_attempt_at == rig.clock.now() + timedelta(seconds=120)
            for delay in (120, 600):
                await rig.advance(delay)
                assert await worker.run_once() == 0
        rows = await outbox(rig)
        assert {row.state for row in rows.values()} == {"failed"}, "given up after 4 attempts"
        assert {row.attempts for row in rows.values()} == {4}
    assert len(hook.requests) == 2, "the webhook got each notification once"
    assert len(smtp.mails) == 2, "the mail went once each, after the 451s"
    assert smtp.collector.refused == 2
    assert len(channels.journal.sent["later"]) == 2, "never sent twice to a channel that took it"
    assert channels.journal.calls["boom"] == 8
    events = [line["event"] for line in logs]
    assert events.count("notification not delivered, will retry") == 6
    assert events.count("notification failed, giving up") == 2
    states = {o.schedule_id: o.state for o in await rig.occurrences()}
    assert states == {"workflow:tell:0": "succeeded", "workflow:broken:0": "failed"}, "still unaffected"
    await check_invariant(rig.store)

    failed = await OutboxRepository(rig.store).list(state="failed")  # `jobflow notifications --state failed`
    assert sorted(n.kind for n in failed) == ["scheduler.gave_up", "workflow"]
    document = (await gather(rig.store))["notifications"]  # `jobflow status --json`
    assert document["counts"] == {"failed": 2}
    assert {n["last_error"] for n in document["undelivered"]} == {"boom: RuntimeError: channel exploded"}
    check = await check_notifications(rig.store)  # `jobflow doctor`
    assert check.status == "warn"
    assert check.detail.startswith("2 notification(s) given up")
    assert len(check.notes) == 2
    assert all("boom: RuntimeError: channel exploded" in note for note in check.notes)
    shown = cli(db_url, home, "status")  # as a user types it (one process: they take seconds on a busy machine)
    assert shown.returncode == 0, shown.stderr
    assert "notifications: 2 failed" in shown.stdout
    assert "notifications not delivered" in shown.stdout
    assert "channel exploded" in shown.stdout
