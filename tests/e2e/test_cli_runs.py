"""``jobflow runs`` and ``jobflow runs show``: what was recorded, as tables and as JSON."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import FAILING_WORKFLOW, OK_WORKFLOW, Cli


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    """One home for the module: the runs below are recorded once and only read by the tests."""
    return Cli(tmp_path_factory.mktemp("runs"))


@pytest.fixture(scope="module")
def two_runs(cli: Cli) -> tuple[str, str]:
    """A succeeded run, then a failed one; their ids."""
    ok = cli("run", cli.write("ok.yaml", OK_WORKFLOW), "--json")
    failed = cli("run", cli.write("fail.yaml", FAILING_WORKFLOW), "--json")
    assert (ok.code, failed.code) == (0, 1), (ok, failed)
    return ok.json()["run_id"], failed.json()["run_id"]


def test_runs_lists_recent_runs_newest_first(cli: Cli, two_runs: tuple[str, str]) -> None:
    ok_id, failed_id = two_runs

    result = cli("runs")

    assert result.code == 0, result
    header, _rule, first, second = result.out.strip().splitlines()
    assert header.split() == ["id", "workflow", "status", "trigger", "started", "duration", "error"]
    assert first.split()[:4] == [failed_id, "breaks", "failed", "manual"]
    assert first.rstrip().endswith("NetworkError: disk on fire")
    assert second.split()[:4] == [ok_id, "greet", "succeeded", "manual"]


def test_runs_json_and_filters(cli: Cli, two_runs: tuple[str, str]) -> None:
    ok_id, failed_id = two_runs

    assert [r["id"] for r in cli.runs()] == [failed_id, ok_id]
    by_status = cli("runs", "--status", "succeeded", "--json").json()["runs"]
    assert [r["id"] for r in by_status] == [ok_id]
    by_workflow = cli("runs", "--workflow", "breaks", "--json").json()["runs"]
    assert [(r["id"], r["error_class"]) for r in by_workflow] == [(failed_id, "NetworkError")]
    assert [r["id"] for r in cli("runs", "--limit", "1", "--json").json()["runs"]] == [failed_id]
    assert "no runs match" in cli("runs", "--workflow", "other").out


def test_runs_rejects_an_unknown_status(tmp_path: Path) -> None:
    result = Cli(tmp_path)("runs", "--status", "exploded")

    assert result.code == 2, result
    assert "'exploded' is not one of" in result.err


def test_runs_show_finds_a_run_by_prefix_and_lists_its_steps(cli: Cli, two_runs: tuple[str, str]) -> None:
    _, failed_id = two_runs

    result = cli("runs", "show", failed_id[:14])

    assert result.code == 0, result
    lines = result.out.splitlines()
    assert lines[0].split() == ["run", failed_id, "failed"]
    assert any(line.split()[:2] == ["error", "NetworkError:"] for line in lines)
    table_lines, evidence = lines[: lines.index("artifacts")], lines[lines.index("artifacts") + 1 :]
    steps = {line.split()[0]: line for line in table_lines if line.split()[:1] in (["first"], ["boom"], ["after"])}
    assert steps["boom"].split()[1:4] == ["core.fail", "1", "failed"]
    assert "NetworkError: disk on fire" in steps["boom"]
    assert steps["after"].split()[1:4] == ["core.noop", "1", "skipped"]
    assert evidence[0].split() == ["boom", "attempt", "1"], "the failed attempt's evidence is listed"
    assert evidence[1].strip().endswith("traceback.txt")


def test_runs_show_summarises_outputs(cli: Cli, two_runs: tuple[str, str]) -> None:
    ok_id, _ = two_runs

    result = cli("runs", "show", ok_id)

    assert result.code == 0, result
    assert 'message="hello world"' in result.out
    assert 'values={"greeting": "hello world", "n": 3}' in result.out


def test_runs_show_json_has_the_run_and_every_step(cli: Cli, two_runs: tuple[str, str]) -> None:
    ok_id, _ = two_runs

    doc = cli("runs", "show", ok_id[:10], "--json").json()

    assert doc["id"] == ok_id
    assert doc["status"] == "succeeded"
    assert doc["workflow"] == "greet"
    assert doc["path"] == str(cli.dir / "ok.yaml")
    assert [(s["step_id"], s["status"], s["attempt"]) for s in doc["steps"]] == [
        ("hello", "succeeded", 1),
        ("calc", "succeeded", 1),
        ("step3", "succeeded", 1),
    ]
    assert doc["steps"][0]["outputs"] == {"message": "hello world"}


def test_runs_show_an_unknown_id_exits_2(cli: Cli, two_runs: tuple[str, str]) -> None:
    result = cli("runs", "show", "zzzz")

    assert result.code == 2, result
    assert result.err.strip() == "error: no run has an id starting with 'zzzz' (see `jobflow runs`)"


def test_runs_on_a_fresh_home_says_there_are_none(tmp_path: Path) -> None:
    result = Cli(tmp_path)("runs")

    assert result.code == 0, result
    assert result.out.strip() == "no runs yet: start one with `jobflow run FILE`"
