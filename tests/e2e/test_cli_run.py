"""``jobflow run`` as a user types it: outcomes, exit codes, inputs, secrets, dry runs and JSON output."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
from pathlib import Path

import pytest
from cli_support import (
    FAILING_WORKFLOW,
    INVALID_WORKFLOW,
    JOBFLOW,
    OK_WORKFLOW,
    SECRET_VALUE,
    SECRET_WORKFLOW,
    Cli,
)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)


def test_a_successful_run_exits_0_and_reports_each_step(cli: Cli) -> None:
    result = cli("run", cli.write("ok.yaml", OK_WORKFLOW))

    assert result.code == 0, result
    assert re.search(r"^\[\d\d:\d\d:\d\d\] step hello \(core\.log\) attempt 1 started$", result.out, re.M), result
    assert re.search(r"step calc \(core\.set\) attempt 1 succeeded in \d+\.\d\ds$", result.out, re.M), result
    assert "step step3 (core.noop) attempt 1 succeeded" in result.out
    summary = result.out.strip().splitlines()[-1]
    assert re.fullmatch(r"run [0-9a-z]{20} succeeded in \d+\.\d\ds \(greet\)", summary), summary
    assert "hello world" in result.err  # the step's log line, on stderr with the other logs
    assert result.error_lines() == []


def test_a_failed_run_exits_1_with_one_error_line_naming_the_step(cli: Cli) -> None:
    result = cli("run", cli.write("fail.yaml", FAILING_WORKFLOW))

    assert result.code == 1, result
    assert result.error_lines() == ["error: step boom (core.fail) failed: NetworkError: disk on fire"]
    assert "Traceback" not in result.err
    assert re.search(r"^run [0-9a-z]{20} failed after \S+ \(breaks\)$", result.out, re.M), result
    assert "step after (core.noop) skipped" in result.out


def test_an_invalid_workflow_exits_2_with_every_problem_at_its_position(cli: Cli) -> None:
    path = cli.write("bad.yaml", INVALID_WORKFLOW)

    result = cli("run", path)

    assert result.code == 2, result
    assert f"{path}:5:11: unknown step 'core.lg'; did you mean 'core.log'" in result.err
    assert f"{path}:9:5: unknown key 'wth' in step 'y'; did you mean 'with'?" in result.err
    assert result.error_lines() == ["error: workflow is invalid: 3 problems in 1 file"]
    assert "Traceback" not in result.err
    assert result.out == ""


def test_input_overrides_the_default(cli: Cli) -> None:
    result = cli("run", cli.write("ok.yaml", OK_WORKFLOW), "--input", "who=Ada Lovelace", "--json")

    assert result.code == 0, result
    doc = result.json()
    assert doc["inputs"] == {"who": "Ada Lovelace"}
    assert doc["outputs"]["hello"] == {"message": "hello Ada Lovelace"}
    assert doc["outputs"]["calc"]["values"] == {"greeting": "hello Ada Lovelace", "n": 3}


@pytest.mark.parametrize(
    ("arg", "message"),
    [
        ("who", "error: --input 'who': expected NAME=VALUE, e.g. --input limit=20"),
        ("whom=Ada", "error: --input whom: no input 'whom' is declared"),
    ],
)
def test_a_bad_input_exits_2_with_one_line(cli: Cli, arg: str, message: str) -> None:
    result = cli("run", cli.write("ok.yaml", OK_WORKFLOW), "-i", arg)

    assert result.code == 2, result
    [line] = result.error_lines()
    assert line.startswith(message), result
    assert "Traceback" not in result.err


def test_a_missing_secret_exits_2_before_anything_runs(cli: Cli) -> None:
    result = cli("run", cli.write("secret.yaml", SECRET_WORKFLOW))

    assert result.code == 2, result
    assert result.err.strip().splitlines() == ["error: secret 'token': environment variable JF_E2E_TOKEN is not set"]
    assert cli.runs() == []


def test_dry_run_prints_the_plan_and_touches_no_database_and_no_secret(cli: Cli) -> None:
    path = cli.write("secret.yaml", SECRET_WORKFLOW)

    result = cli("run", path, "--dry-run")

    assert result.code == 0, result
    assert "workflow secretive" in result.out
    assert "secrets: token" in result.out
    assert "1. leak: core.log (plugin jobflow.steps.core)" in result.out
    assert not (cli.home / "jobflow.db").exists()
    assert cli.runs() == []


def test_dry_run_json_is_the_plan_document(cli: Cli) -> None:
    result = cli("run", cli.write("ok.yaml", OK_WORKFLOW), "--dry-run", "--json", "-i", "who=Bo")

    assert result.code == 0, result
    plan = result.json()
    assert plan["workflow"] == "greet"
    assert plan["inputs"] == {"who": "Bo"}
    assert [s["id"] for s in plan["steps"]] == ["hello", "calc", "step3"]
    assert not (cli.home / "jobflow.db").exists()


def test_json_prints_one_document_with_run_steps_and_outputs(cli: Cli) -> None:
    result = cli("run", cli.write("fail.yaml", FAILING_WORKFLOW), "--json")

    assert result.code == 1, result
    doc = result.json()  # all of stdout is one JSON document: progress went to stderr
    assert doc["status"] == "failed"
    assert re.fullmatch(r"[0-9a-z]{20}", doc["run_id"])
    assert [(s["step_id"], s["status"]) for s in doc["steps"]] == [
        ("first", "succeeded"),
        ("boom", "failed"),
        ("after", "skipped"),
    ]
    assert doc["error"] == {"class": "NetworkError", "message": "disk on fire"}
    assert "step boom (core.fail) attempt 1 started" in result.err
    assert [run["id"] for run in cli.runs()] == [doc["run_id"]]


@pytest.mark.parametrize("log_format", ["console", "json"])
def test_secrets_never_appear_in_output_logs_or_the_store(cli: Cli, log_format: str) -> None:
    env = {"JF_E2E_TOKEN": SECRET_VALUE, "JOBFLOW_LOG_FORMAT": log_format}

    result = cli("run", cli.write("secret.yaml", SECRET_WORKFLOW), "--json", env=env)

    assert result.code == 0, result
    assert "the token is ***" in result.err, result
    doc = result.json()
    assert doc["outputs"]["keep"]["values"] == {"token": "***", "note": "x***x"}
    shown = cli("runs", "show", doc["run_id"], "--json")
    listed = cli("runs", "--json")
    for text in (result.out, result.err, shown.out, listed.out):
        assert SECRET_VALUE not in text
    assert SECRET_VALUE.encode() not in (cli.home / "jobflow.db").read_bytes()


def test_json_logs_are_one_object_a_line_with_utc_timestamps(cli: Cli) -> None:
    result = cli("run", cli.write("ok.yaml", OK_WORKFLOW), env={"JOBFLOW_LOG_FORMAT": "json"})

    assert result.code == 0, result
    lines = [json.loads(line) for line in result.err.splitlines()]
    assert any(line["event"] == "hello world" for line in lines)
    for line in lines:
        assert line["timestamp"].endswith("Z")
        assert line["level"] in {"debug", "info", "warning", "error"}


def test_log_level_from_the_environment(cli: Cli) -> None:
    result = cli("run", cli.write("ok.yaml", OK_WORKFLOW), env={"JOBFLOW_LOG_LEVEL": "warning"})

    assert result.code == 0, result
    assert "hello world" not in result.err


def test_a_bad_setting_is_one_line_and_exit_2(cli: Cli) -> None:
    result = cli("run", cli.write("ok.yaml", OK_WORKFLOW), env={"JOBFLOW_LOG_LEVEL": "loud"})

    assert result.code == 2, result
    assert result.err.startswith("error: environment variable JOBFLOW_LOG_LEVEL:"), result
    assert len(result.err.strip().splitlines()) == 1


def test_a_missing_file_is_a_usage_error(cli: Cli) -> None:
    result = cli("run", "nowhere.yaml")

    assert result.code == 2, result
    assert "nowhere.yaml" in result.err
    assert "does not exist" in result.err


def test_plugin_load_failures_are_warnings_and_the_run_goes_on(cli: Cli) -> None:
    result = cli("run", cli.write("ok.yaml", OK_WORKFLOW), env={"JOBFLOW_LOAD_PLUGINS": "linkedin,no_such_plugin"})

    assert result.code == 0, result
    [warning] = [line for line in result.err.splitlines() if "plugin failed to load" in line]
    assert "[warning" in warning
    assert "plugin=no_such_plugin" in warning


def test_on_a_terminal_progress_is_a_live_view_not_lines(cli: Cli) -> None:
    primary, secondary = pty.openpty()
    proc = subprocess.Popen(
        [str(JOBFLOW), "run", str(cli.write("ok.yaml", OK_WORKFLOW))],
        stdin=subprocess.DEVNULL,
        stdout=secondary,
        stderr=subprocess.PIPE,
        env={**cli.env, "TERM": "xterm-256color"},
        cwd=cli.dir,
    )
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the terminal closed: the process is gone
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(primary)
    assert proc.wait(timeout=60) == 0
    assert proc.stderr is not None
    proc.stderr.close()
    screen = b"".join(chunks).decode()

    assert "attempt 1 started" not in screen  # not the plain lines...
    assert "\x1b[" in screen  # ...but a view drawn with terminal control codes
    assert "✓" in screen
    assert "core.set" in screen
    assert re.search(r"run [0-9a-z]{20} succeeded in", screen)
