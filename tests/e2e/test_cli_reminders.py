"""``jobflow reminders`` as a user types it, and a workflow that records an application, schedules its
follow-up and notifies through the console and a real local webhook (and through a dead one)."""

from __future__ import annotations

import json
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from cli_support import Cli

WORKFLOW = """\
version: 1
name: track
inputs:
  title: {default: Python developer}
steps:
  - id: track
    uses: applications.record
    with: {title: "${{ inputs.title }}", company: Acme, site: linkedin, site_job_id: "4242"}
  - id: remind
    uses: reminders.schedule
    with: {application: "${{ steps.track.application_id }}", type: follow_up, after: 7d, note: ask them}
  - uses: notify.send
    with:
      title: Applied
      message: "${{ inputs.title }} (application ${{ steps.track.application_id }})"
      data: {reminder: "${{ steps.remind.reminder_id }}"}
"""


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)


def test_reminders_add_list_cancel(cli: Cli) -> None:
    assert cli("applications", "add", "--title", "Python developer", "--company", "Acme").code == 0

    added = cli("reminders", "add", "1", "--type", "follow_up", "--in", "7d", "--note", "ask them")
    again = cli("reminders", "add", "1", "--type", "follow_up", "--in", "1d")
    prep = cli("reminders", "add", "1", "--type", "interview_prep", "--at", "2030-01-07T09:30:00+01:00", "--json")

    assert added.code == 0, added
    assert added.out.startswith("reminder reminder:1:follow_up scheduled, due ")
    assert again.out.startswith("reminder reminder:1:follow_up exists already (scheduled, due "), again
    assert prep.json()["due_at"] == "2030-01-07T08:30:00+00:00"
    pending = cli("reminders", "--json").json()["reminders"]
    assert [(r["id"], r["state"], r["note"]) for r in pending] == [
        ("reminder:1:follow_up", "scheduled", "ask them"),
        ("reminder:1:interview_prep", "scheduled", ""),
    ]
    assert cli("reminders", "cancel", "reminder:1:follow_up").out.strip() == "reminder reminder:1:follow_up cancelled"
    assert "was already cancelled" in cli("reminders", "cancel", "reminder:1:follow_up").out
    assert [r["id"] for r in cli("reminders", "list", "--json").json()["reminders"]] == ["reminder:1:interview_prep"]
    everything = cli("reminders", "list", "--all", "--application", "1", "--json").json()["reminders"]
    assert {r["id"]: r["state"] for r in everything} == {
        "reminder:1:follow_up": "cancelled",
        "reminder:1:interview_prep": "scheduled",
    }
    replaced = cli("reminders", "add", "1", "--type", "follow_up", "--in", "2d", "--replace", "--json").json()
    assert replaced["state"] == "scheduled"
    table = cli("reminders")
    assert table.out.splitlines()[0].split() == ["id", "application", "type", "due", "state", "retries", "note"]


class _Hook(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_a_workflow_records_reminds_and_notifies(cli: Cli) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    hook_url = f"http://127.0.0.1:{server.server_address[1]}/hook/SeCrEt-t0ken-path"
    cli.home.mkdir(parents=True)
    (cli.home / "notify.yaml").write_text(
        "channels:\n  console: {}\n  chat: {type: webhook, url: {env: JF_E2E_HOOK}, style: slack}\n"
    )
    flow = cli.write("track.yaml", WORKFLOW)
    try:
        first = cli("run", flow, env={"JF_E2E_HOOK": hook_url})
        second = cli("run", flow, env={"JF_E2E_HOOK": hook_url})
    finally:
        server.shutdown()
        server.server_close()

    assert first.code == 0, first
    assert second.code == 0, second
    assert "[jobflow] Applied: Python developer (application 1)" in first.err
    assert _Hook.received == [{"text": "*Applied*\nPython developer (application 1)"}] * 2
    apps = cli("applications", "--json").json()["applications"]
    assert [(a["id"], a["site_job_id"], a["status"]) for a in apps] == [(1, "4242", "applied")]
    (reminder,) = cli("reminders", "--json").json()["reminders"]
    assert (reminder["id"], reminder["note"]) == ("reminder:1:follow_up", "ask them")
    assert reminder["created_by"].startswith("run:")
    stored = _dump(cli.home / "jobflow.db")
    assert "SeCrEt-t0ken-path" not in stored + first.out + first.err + second.err
    with sqlite3.connect(cli.home / "jobflow.db") as connection:
        rows = connection.execute("SELECT dedupe_key, state, delivered FROM notifications").fetchall()
    assert len({key for key, _, _ in rows}) == 2, "one notification per run, each keyed by its run"
    assert {(state, delivered) for _, state, delivered in rows} == {("sent", '["chat", "console"]')}


def test_a_dead_channel_leaves_the_notification_pending_and_listed(cli: Cli) -> None:
    cli.home.mkdir(parents=True)
    dead = "http://127.0.0.1:9/hook/SeCrEt-t0ken-path"
    (cli.home / "notify.yaml").write_text("channels:\n  hook: {type: webhook, url: {env: JF_E2E_HOOK}}\n")
    flow = cli.write("tell.yaml", "version: 1\nname: tell\nsteps:\n  - uses: notify.send\n    with: {message: hi}\n")

    ran = cli("run", flow, env={"JF_E2E_HOOK": dead})
    flushed = cli("notifications", "flush", env={"JF_E2E_HOOK": dead})
    (row,) = cli("notifications", "--json").json()["notifications"]

    assert ran.code == 0, ran
    assert flushed.out.strip() == "0 sent, 1 pending (see `jobflow notifications --state pending`)", flushed
    assert (row["state"], row["attempts"], row["delivered"]) == ("pending", 1, [])
    assert row["last_error"] == "hook: WebhookError: cannot reach the webhook: Connection refused"
    assert "SeCrEt-t0ken-path" not in ran.err + flushed.err
    assert cli("notifications", "list", "--state", "failed", "--json").json() == {"notifications": []}
    assert cli("notifications", "list", "--state", "lost").code == 2


def _dump(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        return "\n".join(connection.iterdump())
