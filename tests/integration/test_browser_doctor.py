"""``jobflow doctor``: the browser check uses the pool's own discovery; ``--stealth`` runs the detection page."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jobflow.browser.detect import GPU_DEPENDENT

JOBFLOW = Path(sys.executable).with_name("jobflow")


def _jobflow(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("JOBFLOW_", "DATABASE_URL", "ANTI_DETECTION"))}
    base.update(JOBFLOW_HOME=str(tmp_path / "home"), JOBFLOW_DISABLE_PLUGIN_AUTOLOAD="1", COLUMNS="200", **env)
    return subprocess.run([str(JOBFLOW), *args], capture_output=True, text=True, env=base, timeout=120)


def test_doctor_accepts_what_the_pool_accepts(tmp_path: Path) -> None:
    # A DevTools endpoint is a valid remote browser for the pool, so doctor says so too (one discovery).
    result = _jobflow(tmp_path, "doctor", "--json", JOBFLOW_BROWSER_WS_ENDPOINT="http://127.0.0.1:9222")
    browser = {c["name"]: c for c in json.loads(result.stdout)["checks"]}["browser"]
    assert browser["status"] == "ok"
    assert browser["detail"] == "JOBFLOW_BROWSER_WS_ENDPOINT: http://127.0.0.1:9222"

    result = _jobflow(tmp_path, "doctor", "--json", JOBFLOW_BROWSER_WS_ENDPOINT="browsers.example:3000")
    browser = {c["name"]: c for c in json.loads(result.stdout)["checks"]}["browser"]
    assert result.returncode == 1
    assert browser["detail"].startswith("JOBFLOW_BROWSER_WS_ENDPOINT is set but unusable")
    assert "not a ws:// or http:// URL" in browser["detail"]


@pytest.mark.browser
def test_doctor_stealth_passes_every_check_but_the_gpu_ones(tmp_path: Path) -> None:
    result = _jobflow(tmp_path, "doctor", "--stealth", "--json")

    assert result.returncode == 0, result.stdout + result.stderr
    document = json.loads(result.stdout)
    assert document["ok"] is True
    assert document["stealth"] is True
    assert document["total"] >= 30
    failed = [c["name"] for c in document["checks"] if not c["passed"]]
    assert set(failed) <= GPU_DEPENDENT
    for check in document["checks"]:
        assert bool(check["note"]) == (check["name"] in failed)

    table = _jobflow(tmp_path, "doctor", "--stealth")
    assert table.returncode == 0
    assert "stealth on:" in table.stdout
    lines = {line.split()[1]: line for line in table.stdout.splitlines() if line.startswith(("✓", "✗", "!"))}
    assert lines["webdriver_false"].startswith("✓")
    assert lines["cdp_runtime_leak"].startswith("✓")
    assert len(lines) == document["total"]


@pytest.mark.browser
def test_doctor_stealth_shows_the_flag_turning_stealth_off(tmp_path: Path) -> None:
    result = _jobflow(tmp_path, "doctor", "--stealth", "--json", ANTI_DETECTION_ENABLED="false")

    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert document["stealth"] is False
    failed = {c["name"] for c in document["checks"] if not c["passed"]}
    assert {"webdriver_false", "ua_no_headless", "http_ua_no_headless", "cdp_runtime_leak"} <= failed
    assert "stealth_disabled" in result.stderr
