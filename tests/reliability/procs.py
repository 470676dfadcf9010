"""Real ``jobflow daemon`` processes for the scenarios: started through the warm :mod:`forker`, killed with
real signals, watched through their JSON log files, and a synchronous view of their database.

Waiting is on conditions, never a fixed pause: :meth:`Daemons.wait_for` polls its condition (every
``poll`` seconds) until it holds or the timeout expires.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from jobflow.store import sync_url

T = TypeVar("T")
FORKER = Path(__file__).with_name("forker.py")

FAST = {
    "SCHEDULER_LEASE_SECONDS": "3",
    "SCHEDULER_RELOAD_INTERVAL": "0.3",
    "SCHEDULER_ZOMBIE_INTERVAL": "1",
    "SCHEDULER_HEARTBEAT_TIMEOUT": "30",
    "SCHEDULER_DRAIN_TIMEOUT": "5",
    "SCHEDULER_RETRY_BACKOFF": "1s,1s,1s",
    "SCHEDULER_MISFIRE_GRACE_TIME": "5",
    "JOBFLOW_HEARTBEAT_INTERVAL": "1",
    "JOBFLOW_NOTIFY_POLL_INTERVAL": "0.5",
}
"""Settings that make the scenarios take seconds, not minutes."""


def as_time(value: Any) -> datetime:
    """A time column read raw (SQLite gives text, PostgreSQL an aware datetime) as aware UTC."""
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def as_json(value: Any) -> Any:
    """A JSON column read raw (SQLite gives text, PostgreSQL the value)."""
    return json.loads(value) if isinstance(value, str) else value


def _exited(pid: int) -> bool:
    """Whether ``pid`` ended (a zombie waiting to be reaped counts as ended)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return True


@dataclass
class Proc:
    """One daemon process."""

    pid: int
    log: Path
    started: float
    code: int | None = None

    def text(self) -> str:
        """What the process logged so far."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@dataclass
class Daemons:
    """Starts ``jobflow`` processes on one database from one workflow directory."""

    tmp: Path
    db_url: str
    env: dict[str, str] = field(default_factory=dict)
    procs: list[Proc] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.flows = self.tmp / "flows"
        self.flows.mkdir(exist_ok=True)
        self.logs = self.tmp / "logs"
        self.logs.mkdir(exist_ok=True)
        base = {k: v for k, v in os.environ.items() if not k.startswith(("JOBFLOW_", "DATABASE_URL", "SCHEDULER_"))}
        self.base_env = {
            **base,
            **FAST,
            "JOBFLOW_HOME": str(self.tmp / "home"),
            "DATABASE_URL": self.db_url,
            "JOBFLOW_LOG_FORMAT": "json",
            "JOBFLOW_LOG_LEVEL": "info",
            "JOBFLOW_DISABLE_PLUGIN_AUTOLOAD": "1",
            **self.env,
        }
        self._forker = subprocess.Popen(
            [sys.executable, str(FORKER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
        )
        self._engine: Engine | None = None
        self._tick = threading.Event()
        self._offsets: dict[Path, int] = {}

    def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self._forker.stdin is not None
        assert self._forker.stdout is not None
        self._forker.stdin.write(json.dumps(request) + "\n")
        self._forker.stdin.flush()
        answer: dict[str, Any] = json.loads(self._forker.stdout.readline())
        return answer

    def start(self, *args: str, env: dict[str, str] | None = None) -> Proc:
        """Start ``jobflow daemon flows`` (or ``jobflow *args``) with the fast settings (plus ``env``)."""
        log = self.logs / f"{len(self.procs):04d}.log"
        argv = list(args) if args else ["daemon", str(self.flows)]
        answer = self._ask(
            {
                "op": "spawn",
                "argv": argv,
                "env": {**self.base_env, **(env or {})},
                "cwd": str(self.tmp),
                "log": str(log),
            }
        )
        proc = Proc(answer["pid"], log, time.monotonic())
        self.procs.append(proc)
        return proc

    def signal(self, proc: Proc, signum: int = signal.SIGKILL) -> None:
        if proc.code is None:
            os.kill(proc.pid, signum)

    def wait(self, proc: Proc, timeout: float = 60) -> int:
        """Wait for ``proc`` to exit; its exit code (negative: killed by that signal). After ``timeout``
        seconds it is killed and the test fails."""
        if proc.code is None:
            try:
                self.wait_for(lambda: _exited(proc.pid), timeout=timeout, poll=0.02)
            except AssertionError:
                os.kill(proc.pid, signal.SIGKILL)
                proc.code = int(self._ask({"op": "wait", "pid": proc.pid})["code"])
                raise AssertionError(f"daemon {proc.pid} did not exit within {timeout}s") from None
            proc.code = int(self._ask({"op": "wait", "pid": proc.pid})["code"])
        return proc.code

    def close(self) -> None:
        for proc in self.procs:
            if proc.code is None:
                self.signal(proc, signal.SIGKILL)
                self.wait(proc)
        if self._forker.stdin is not None:
            self._forker.stdin.close()
        self._forker.wait(timeout=30)
        if self._engine is not None:
            self._engine.dispose()

    # --------------------------------------------------------------------------------------- logs

    def lines(self, proc: Proc | None = None) -> list[dict[str, Any]]:
        """Every JSON log line written so far (by ``proc``, or by every daemon)."""
        out = []
        for p in [proc] if proc else self.procs:
            if not p.log.exists():
                continue
            for raw in p.log.read_text(errors="replace").splitlines():
                if raw.startswith("{"):
                    try:
                        out.append(json.loads(raw))
                    except json.JSONDecodeError:
                        continue  # a line cut by SIGKILL
        return out

    def marks(self) -> list[dict[str, Any]]:
        """Executions of steps logging ``mark ...`` (``core.log``): one line per execution."""
        return [line for line in self.lines() if str(line.get("event", "")).startswith("mark ")]

    def wait_for(self, check: Callable[[], T | None], timeout: float = 30, poll: float = 0.1) -> T:
        """Return ``check()`` once it is truthy, polling it every ``poll`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            found = check()
            if found:
                return found
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"condition not met within {timeout}s; last logs: {self.tail()}")
            self._tick.wait(min(poll, left))

    def tail(self, count: int = 8) -> list[str]:
        lines = self.lines()
        return [f"{line.get('level')}: {line.get('event')}" for line in lines[-count:]]

    # ----------------------------------------------------------------------------------- database

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = create_engine(sync_url(self.db_url))
        return self._engine

    def rows(self, sql: str, **params: Any) -> list[dict[str, Any]]:
        """The rows of a query on the daemons' database, as dicts (none before a daemon created it)."""
        database = self.engine.url.database or ""
        if self.engine.url.get_backend_name() == "sqlite" and not Path(database).exists():
            return []
        try:
            with self.engine.connect() as connection:
                return [dict(row) for row in connection.execute(text(sql), params).mappings()]
        except Exception as exc:  # the tables do not exist before the first daemon migrated
            if any(text_ in str(exc) for text_ in ("no such table", "does not exist", "unable to open")):
                return []
            raise

    def occurrences(self) -> list[dict[str, Any]]:
        return self.rows("SELECT * FROM occurrences ORDER BY fire_time, id")

    def events(self, kind: str) -> list[dict[str, Any]]:
        return self.rows("SELECT * FROM scheduler_events WHERE kind = :kind ORDER BY id", kind=kind)
