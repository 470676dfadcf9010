"""Interrupting ``jobflow run``: SIGINT and SIGTERM cancel the run, record it, and leave nothing running."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from cli_support import WAIT_WORKFLOW, Cli, processes_mentioning


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 130)])
def test_a_signal_cancels_the_run_records_it_and_exits_128_plus_the_signal(
    cli: Cli, signum: signal.Signals, code: int
) -> None:
    workflow = cli.write("wait.yaml", WAIT_WORKFLOW)
    running = cli.start("run", workflow)
    running.wait_for_line("step wait (core.wait_file) attempt 1 started")

    running.proc.send_signal(signum)
    result = running.finish()

    assert result.code == code, result
    assert "step wait (core.wait_file) attempt 1 cancelled" in result.out
    assert f"{signum.name}: cancelling the run" in result.err
    assert "Traceback" not in result.err
    [run] = cli.runs()
    assert run["status"] == "cancelled"
    shown = cli("runs", "show", run["id"], "--json").json()
    assert [(s["step_id"], s["status"]) for s in shown["steps"]] == [("before", "succeeded"), ("wait", "cancelled")]
    assert processes_mentioning(str(workflow)) == []


def test_interrupted_json_run_still_prints_its_document(cli: Cli) -> None:
    running = cli.start("run", cli.write("wait.yaml", WAIT_WORKFLOW), "--json")
    running.wait_for_line("step wait (core.wait_file) attempt 1 started", stream="err")  # progress: stderr

    running.proc.send_signal(signal.SIGINT)
    result = running.finish()

    assert result.code == 130, result
    doc = result.json()
    assert doc["status"] == "cancelled"
    assert doc["signal"] == "SIGINT"
    assert [s["status"] for s in doc["steps"]] == ["succeeded", "cancelled"]


def test_wait_file_step_finishes_when_the_file_appears(cli: Cli) -> None:
    running = cli.start("run", cli.write("wait.yaml", WAIT_WORKFLOW), "--json")
    running.wait_for_line("step wait (core.wait_file) attempt 1 started", stream="err")

    (cli.dir / "go.flag").write_text("go")
    result = running.finish()

    assert result.code == 0, result
    assert result.json()["outputs"]["wait"]["path"] == str(cli.dir / "go.flag")
