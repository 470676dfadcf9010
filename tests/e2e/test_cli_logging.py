"""``jobflow.logging`` in a fresh process: one renderer for structlog and the standard library, redacted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import SECRET_VALUE, Cli

SCRIPT = f"""\
import logging, warnings
import structlog
from jobflow.config import get_settings
from jobflow.logging import configure_logging
from jobflow.redact import Redactor, use_redactor

configure_logging(get_settings())
use_redactor(Redactor([{SECRET_VALUE!r}]))
structlog.get_logger("jobflow.demo").info("from structlog", token={SECRET_VALUE!r})
logging.getLogger("sqlalchemy.engine").info("SELECT 1 -- hidden at level info")
logging.getLogger("sqlalchemy.pool").warning("pool says %s", {SECRET_VALUE!r})
warnings.warn("old API")
def fail(password):
    raise ValueError("bad password " + password)
try:
    fail({SECRET_VALUE!r})
except ValueError:
    structlog.get_logger("jobflow.demo").exception("it broke")
print("stdout stays clean")
"""


def run_script(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    cli = Cli(tmp_path)
    return subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env={**cli.env, **env}, timeout=60
    )


def test_json_lines_from_structlog_and_stdlib_are_redacted_and_utc(tmp_path: Path) -> None:
    result = run_script(tmp_path, JOBFLOW_LOG_FORMAT="json")

    assert result.returncode == 0, result.stderr
    assert result.stdout == "stdout stays clean\n"
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    by_event = {line["event"]: line for line in lines}
    assert by_event["from structlog"]["token"] == "***"
    assert by_event["pool says ***"]["logger"] == "sqlalchemy.pool"
    assert any(line["logger"] == "py.warnings" and line["level"] == "warning" for line in lines)
    assert not any(line["logger"] == "sqlalchemy.engine" for line in lines)  # library INFO: only at debug
    [error] = by_event["it broke"]["exception"]
    assert error["exc_value"] == "bad password ***"
    assert all(frame.get("locals") is None for frame in error["frames"])  # locals could hold secrets
    assert SECRET_VALUE not in result.stderr
    for line in lines:
        assert line["timestamp"].endswith("Z")


def test_console_lines_are_redacted_without_colours_off_a_terminal(tmp_path: Path) -> None:
    result = run_script(tmp_path)

    assert result.returncode == 0, result.stderr
    assert "from structlog" in result.stderr
    assert "pool says ***" in result.stderr
    assert "ValueError: bad password ***" in result.stderr
    assert SECRET_VALUE not in result.stderr
    assert "\x1b[" not in result.stderr


@pytest.mark.parametrize(("level", "shown"), [("debug", True), ("warning", False)])
def test_the_level_applies_to_libraries_too(tmp_path: Path, level: str, shown: bool) -> None:
    result = run_script(tmp_path, JOBFLOW_LOG_LEVEL=level)

    assert result.returncode == 0, result.stderr
    assert ("SELECT 1" in result.stderr) is shown
    assert ("from structlog" in result.stderr) is shown
