"""Scenario 12: the database is unreachable at start-up: the daemon retries with backoff, says so in one
clear line each time, and exits non-zero (1) after ``--db-timeout`` seconds; a SIGTERM while it waits
exits cleanly."""

from __future__ import annotations

import signal
import socket
from pathlib import Path

from procs import Daemons


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_unreachable_database_is_retried_then_reported(tmp_path: Path) -> None:
    url = f"postgresql+asyncpg://nobody:secret-pw@127.0.0.1:{closed_port()}/jobflow"
    daemons = Daemons(tmp_path, url)
    try:
        proc = daemons.start("daemon", "--db-timeout", "2", str(daemons.flows))
        assert daemons.wait(proc, timeout=30) == 1
        text = proc.text()
        assert "database unavailable at start-up; retrying" in text
        assert "error: cannot open database postgresql+asyncpg://nobody:***@127.0.0.1" in text
        assert "connection refused" in text
        assert "secret-pw" not in text, "the password never shows"
        waiting = daemons.start("daemon", "--db-timeout", "60", str(daemons.flows))
        daemons.wait_for(lambda: "retrying" in waiting.text())
        daemons.signal(waiting, signal.SIGTERM)
        assert daemons.wait(waiting, timeout=30) == 0
    finally:
        daemons.close()
