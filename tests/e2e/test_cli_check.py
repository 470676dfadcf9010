"""``jobflow validate``, ``jobflow schema`` and ``jobflow plugins``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import FAILING_WORKFLOW, INVALID_WORKFLOW, OK_WORKFLOW, Cli

BROKEN_YAML = "version: 1\nname: broken\nsteps: [\n"


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)


def test_validate_reports_every_problem_of_every_file_and_exits_2(cli: Cli) -> None:
    good = cli.write("good.yaml", OK_WORKFLOW)
    bad = cli.write("bad.yaml", INVALID_WORKFLOW)
    broken = cli.write("broken.yaml", BROKEN_YAML)

    result = cli("validate", good, bad, broken, cli.dir / "missing.yaml")

    assert result.code == 2, result
    lines = result.out.strip().splitlines()
    assert f"{bad}:5:11: unknown step 'core.lg'; did you mean 'core.log' (plugin 'jobflow.steps.core')?" in lines
    assert f"{bad}:7:5: step 'y': with: missing required key 'values'" in lines
    assert f"{bad}:9:5: unknown key 'wth' in step 'y'; did you mean 'with'?" in lines
    assert any(line.startswith(f"{broken}:") for line in lines), result
    assert f"{cli.dir / 'missing.yaml'}:1:1: no such file" in lines
    assert not any(line.startswith(str(good)) for line in lines)
    assert lines[-1] == "found 5 problems in 3 of 4 files"
    assert "Traceback" not in result.err


def test_validate_passes_valid_files_and_directories(cli: Cli) -> None:
    folder = cli.dir / "flows"
    folder.mkdir()
    (folder / "a.yml").write_text(OK_WORKFLOW)
    (folder / "b.yaml").write_text(FAILING_WORKFLOW)
    (folder / "notes.txt").write_text("not a workflow")

    result = cli("validate", folder, cli.write("c.yaml", OK_WORKFLOW))

    assert result.code == 0, result
    assert result.out.strip() == "3 files valid"


def test_validate_json(cli: Cli) -> None:
    bad = cli.write("bad.yaml", INVALID_WORKFLOW)
    good = cli.write("good.yaml", OK_WORKFLOW)

    result = cli("validate", "--json", good, bad)

    assert result.code == 2, result
    doc = result.json()
    assert doc["valid"] is False
    files = {f["file"]: f for f in doc["files"]}
    assert files[str(good)] == {"file": str(good), "valid": True, "problems": []}
    assert [(p["line"], p["col"]) for p in files[str(bad)]["problems"]] == [(5, 11), (7, 5), (9, 5)]


def test_schema_is_a_json_schema_including_plugin_steps(cli: Cli) -> None:
    result = cli("schema")

    assert result.code == 0, result
    schema = result.json()
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert "core.wait_file" in result.out
    assert "core.log" in result.out


def test_schema_output_writes_a_file(cli: Cli) -> None:
    target = cli.dir / "jobflow.schema.json"

    result = cli("schema", "--output", target)

    assert result.code == 0, result
    assert result.out == ""
    assert json.loads(target.read_text())["$schema"]
    assert str(target) in result.err


def test_plugins_lists_core_steps_and_the_bundled_site_plugins(cli: Cli) -> None:
    result = cli("plugins")

    assert result.code == 0, result
    rows = {line.split()[0]: line for line in result.out.splitlines()[2:] if line.strip()}
    assert {"jobflow.steps.core", "linkedin", "indeed", "glassdoor"} <= set(rows)
    for step in ("core.log", "core.set", "core.noop", "core.fail", "core.wait_file"):
        assert step in rows["jobflow.steps.core"]
    assert "register_sites" in rows["linkedin"]
    assert " linkedin " in rows["linkedin"]


def test_plugins_json(cli: Cli) -> None:
    doc = cli("plugins", "--json").json()

    plugins = {p["name"]: p for p in doc["plugins"]}
    assert plugins["jobflow.steps.core"]["distribution"] == "jobflow (core)"
    assert "core.wait_file" in plugins["jobflow.steps.core"]["steps"]
    assert plugins["indeed"]["sites"] == ["indeed"]
    assert plugins["indeed"]["distribution"] == "jobflow"
    assert plugins["indeed"]["version"]
    assert doc["failures"] == []


def test_plugins_names_a_plugin_that_failed_to_load(cli: Cli) -> None:
    env = {"JOBFLOW_LOAD_PLUGINS": "linkedin,no_such_plugin"}

    result = cli("plugins", env=env)
    doc = cli("plugins", "--json", env=env).json()

    assert result.code == 0, result
    assert "1 failed to load:" in result.out
    assert "plugin 'no_such_plugin' failed to load: no entry point of that name is installed" in result.out
    assert [f["name"] for f in doc["failures"]] == ["no_such_plugin"]
    assert {p["name"] for p in doc["plugins"]} >= {"linkedin"}
    assert "indeed" not in {p["name"] for p in doc["plugins"]}
