"""``jobflow applications`` and ``jobflow reminders`` as a user types them, and a workflow that records an
application, schedules its follow-up and notifies through the console and a real local webhook."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
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


@pytest.fixture(scope="module")
def one_application(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    """A home holding application 1; the bad-input tests below only read it."""
    cli = Cli(tmp_path_factory.mktemp("bad-input"))
    assert cli("applications", "add", "--title", "Python developer").code == 0
    return cli


def test_applications_add_list_set_show(cli: Cli) -> None:
    added = cli("applications", "add", "--title", "Python developer", "--company", "Acme", "--site", "indeed")
    cli("applications", "add", "--title", "Data engineer", "--company", "Initech", "--status", "applied")

    assert added.code == 0, added
    assert added.out.strip() == "application 1 added (planned): Python developer at Acme"
    table = cli("applications")
    assert table.code == 0, table
    header, _rule, *rows = table.out.strip().splitlines()
    assert header.split() == ["id", "status", "title", "company", "site", "applied", "updated"]
    assert [row.split()[:2] for row in rows] == [["2", "applied"], ["1", "planned"]]

    moved = cli("applications", "set", "1", "--status", "interviewing", "--note", "call on Monday")
    assert moved.out.strip() == "application 1 is interviewing (note: call on Monday)", moved
    listed = cli("applications", "list", "--status", "interviewing", "--json").json()["applications"]
    assert [(a["id"], a["title"], a["site"]) for a in listed] == [(1, "Python developer", "indeed")]
    assert [(h["status"], h["note"]) for h in listed[0]["history"]] == [
        ("planned", ""),
        ("interviewing", "call on Monday"),
    ]
    shown = cli("applications", "show", "1")
    assert shown.code == 0, shown
    assert "interviewing   call on Monday" in shown.out
    assert cli("applications", "list", "--company", "initech", "--json").json()["applications"][0]["id"] == 2
    assert "no applications match" in cli("applications", "list", "--status", "offer").out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("applications", "add", "--title", "x", "--status", "hired"), "'hired' is not one of planned, ready, applied"),
        (("applications", "set", "7", "--status", "offer"), "error: no application has id 7"),
        (("applications", "set", "1"), "give --status, --note or both"),
        (("applications", "set", "one", "--note", "x"), "'one' is not an application id"),
        (("applications", "show", "3"), "error: no application has id 3"),
        (("reminders", "add", "9", "--in", "1d"), "error: no application has id 9"),
        (("reminders", "add", "1", "--type", "nag", "--in", "1d"), "'nag' is not one of follow_up"),
        (("reminders", "add", "1", "--in", "1d", "--at", "2030-01-01T09:00"), "give exactly one of --in"),
        (("reminders", "add", "1", "--in", "soon"), "invalid duration 'soon'"),
        (("reminders", "cancel", "reminder:5:follow_up"), "error: no reminder has id 'reminder:5:follow_up'"),
        (("reminders", "list", "--state", "done"), "'done' is not one of scheduled"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line(one_application: Cli, args: tuple[str, ...], message: str) -> None:
    result = one_application(*args)

    assert result.code == 2, result
    assert message in result.err


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


def test_help_lists_the_commands_without_importing_the_database() -> None:
    code = "import sys, jobflow.cli.app; print(sorted(m for m in ('sqlalchemy', 'jobflow.store') if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout

    assert loaded.strip() == "[]"
    result = Cli(Path.cwd())("--help")
    assert result.code == 0
    assert "applications" in result.out
    assert "reminders" in result.out
