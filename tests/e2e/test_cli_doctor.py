"""``jobflow doctor``: each check, the browser search order, masked credentials, exit codes."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cli_support import Cli


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    cli = Cli(tmp_path)
    # No Playwright download and a known browser: the outcome must not depend on this machine.
    cli.env["PLAYWRIGHT_BROWSERS_PATH"] = str(tmp_path / "no-playwright")
    return cli


def fake_executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def check_line(out: str, name: str) -> str:
    for line in out.splitlines():
        parts = line.split()
        if len(parts) > 1 and parts[1] == name:
            return line
    raise AssertionError(f"no {name} check in:\n{out}")


def test_doctor_passes_on_a_ready_machine(cli: Cli) -> None:
    chromium = fake_executable(cli.dir / "bin" / "chromium")

    result = cli("doctor", env={"JOBFLOW_BROWSER_EXECUTABLE": str(chromium)})

    assert result.code == 0, result
    assert check_line(result.out, "python").startswith("✓ python    Python 3.")
    assert check_line(result.out, "home") == f"✓ home      {cli.home} (writable)"
    database = check_line(result.out, "database")
    assert database.startswith(f"✓ database  sqlite+aiosqlite:///{cli.home / 'jobflow.db'} (migrated")
    assert "jobflow.steps.core" in check_line(result.out, "plugins")
    assert check_line(result.out, "browser") == f"✓ browser   JOBFLOW_BROWSER_EXECUTABLE: {chromium}"
    assert f"JOBFLOW_BROWSER_EXECUTABLE  {chromium}  (used)" in result.out
    assert result.out.rstrip().endswith("all 7 checks passed")


def test_doctor_prefers_a_remote_browser_and_masks_its_credentials(cli: Cli) -> None:
    endpoint = "ws://user:pw-s3cret@browsers.example:3000/playwright?token=t0ken-s3cret"

    result = cli("doctor", "--json", env={"JOBFLOW_BROWSER_WS_ENDPOINT": endpoint})

    browser = {c["name"]: c for c in result.json()["checks"]}["browser"]
    assert browser["status"] == "ok"
    assert browser["detail"].startswith("JOBFLOW_BROWSER_WS_ENDPOINT: ws://browsers.example:3000/playwright")
    assert "s3cret" not in result.out


def test_doctor_finds_playwrights_own_chromium_before_the_system_one(cli: Cli) -> None:
    downloads = cli.dir / "ms-playwright"
    chrome = fake_executable(downloads / "chromium-1148" / "chrome-linux" / "chrome")
    fake_executable(downloads / "chromium-1001" / "chrome-linux" / "chrome")

    result = cli("doctor", "--json", env={"PLAYWRIGHT_BROWSERS_PATH": str(downloads)})

    browser = {c["name"]: c for c in result.json()["checks"]}["browser"]
    assert browser["status"] == "ok"
    assert browser["detail"] == f"Playwright's Chromium: {chrome}"


def test_doctor_fails_when_the_configured_browser_is_missing(cli: Cli) -> None:
    result = cli("doctor", env={"JOBFLOW_BROWSER_EXECUTABLE": str(cli.dir / "nope")})

    assert result.code == 1, result
    browser = check_line(result.out, "browser")
    assert browser.startswith("✗ browser   JOBFLOW_BROWSER_EXECUTABLE is set but unusable")
    assert "1 of 7 checks failed" in result.out


@pytest.mark.skipif(Path("/usr/bin/chromium").exists(), reason="this machine has a system Chromium")
def test_doctor_says_how_to_install_a_browser_when_there_is_none(cli: Cli) -> None:
    result = cli("doctor")

    assert result.code == 1, result
    assert "-m playwright install chromium" in result.out
    assert "apt-get install -y chromium" in result.out


def test_doctor_masks_the_database_password_and_fails_when_it_cannot_connect(cli: Cli) -> None:
    url = "postgresql://jobflow:pw-s3cret@127.0.0.1:9/jobflow"

    result = cli("doctor", "--json", env={"DATABASE_URL": url})

    assert result.code == 1, result
    database = {c["name"]: c for c in result.json()["checks"]}["database"]
    assert database["status"] == "fail"
    assert "postgresql+asyncpg://jobflow:***@127.0.0.1:9/jobflow" in database["detail"]
    assert "pw-s3cret" not in result.out + result.err


def test_doctor_fails_on_an_unwritable_home_and_a_plugin_that_does_not_load(cli: Cli) -> None:
    env = {"JOBFLOW_HOME": str(Path("/proc/jobflow-home")), "JOBFLOW_LOAD_PLUGINS": "no_such_plugin"}

    result = cli("doctor", "--json", env=env)

    assert result.code == 1, result
    checks = {c["name"]: c for c in result.json()["checks"]}
    assert checks["home"]["status"] == "fail"
    assert "not writable" in checks["home"]["detail"]
    assert checks["plugins"]["status"] == "fail"
    assert checks["plugins"]["notes"] == [
        "plugin 'no_such_plugin' failed to load: no entry point of that name is installed"
    ]
    assert checks["python"]["status"] == "ok"
