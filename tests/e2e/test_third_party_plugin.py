"""Third-party proof: a plugin package pip-installed into a fresh virtual environment works at once.

The fresh venv gets jobflow (built from this checkout) and tests/e2e/sample_plugin from a local wheelhouse
(``scripts/bootstrap --dev`` fills ``.venv/wheelhouse``), so the install is real and offline.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WHEELHOUSE = ROOT / ".venv" / "wheelhouse"
SAMPLE = Path(__file__).parent / "sample_plugin"

pytestmark = pytest.mark.slow

WORKFLOW = """\
version: 1
name: third-party
inputs:
  who: {default: world}
steps:
  - id: greet
    uses: sample.greet
    with: {name: "${{ inputs.who }}", times: 2}
  - id: show
    uses: core.log
    with: {message: "got ${{ steps.greet.greeting }} (${{ steps.greet.length }} chars)"}
"""


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (WHEELHOUSE / ".stamp").exists():
        pytest.fail("no .venv/wheelhouse: run scripts/bootstrap --dev (scripts/test does)")
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", "install", "-q"]
    offline = ["--no-index", "--find-links", str(WHEELHOUSE)]
    for target in (ROOT, SAMPLE):
        done = subprocess.run([*pip, *offline, str(target)], capture_output=True, text=True)
        assert done.returncode == 0, f"pip install {target.name} failed:\n{done.stderr[-3000:]}"
    return venv


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JOBFLOW_", "DATABASE_URL", "VIRTUAL_ENV"))}
    env["JOBFLOW_HOME"] = str(home)
    return env


def test_installed_plugin_step_runs_with_no_configuration(fresh_venv: Path, tmp_path: Path) -> None:
    workflow = tmp_path / "wf.yaml"
    workflow.write_text(WORKFLOW)
    jobflow = str(fresh_venv / "bin" / "jobflow")
    env = _env(tmp_path / "home")

    result = subprocess.run(
        [jobflow, "run", str(workflow), "--input", "who=Ada", "--json"], capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["status"] == "succeeded"
    assert doc["outputs"]["greet"] == {"greeting": "hello Ada hello Ada", "length": 19}


def test_plugins_command_lists_the_distribution_version_and_step(fresh_venv: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [str(fresh_venv / "bin" / "jobflow"), "plugins", "--json"],
        capture_output=True,
        text=True,
        env=_env(tmp_path / "home"),
    )
    assert result.returncode == 0, result.stderr
    plugins = {p["name"]: p for p in json.loads(result.stdout)["plugins"]}
    assert plugins["sample"]["distribution"] == "jobflow-sample"
    assert plugins["sample"]["version"] == "1.2.3"
    assert plugins["sample"]["steps"] == ["sample.greet"]


def test_validate_suggests_the_plugin_step(fresh_venv: Path, tmp_path: Path) -> None:
    workflow = tmp_path / "typo.yaml"
    workflow.write_text(WORKFLOW.replace("sample.greet", "sample.gret"))
    result = subprocess.run(
        [str(fresh_venv / "bin" / "jobflow"), "validate", str(workflow)],
        capture_output=True,
        text=True,
        env=_env(tmp_path / "home"),
    )
    assert result.returncode == 2
    assert f"{workflow}:7:11: unknown step 'sample.gret'; did you mean 'sample.greet' (plugin 'sample')?" in (
        result.stdout + result.stderr
    )
