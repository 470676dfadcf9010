"""Running the real ``jobflow`` console script in subprocesses, as a user types it, in a throwaway home."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

JOBFLOW = Path(sys.executable).with_name("jobflow")
SECRET_VALUE = "e2e-s3cr3t-Zq81"

OK_WORKFLOW = """\
version: 1
name: greet
inputs:
  who: {default: world}
steps:
  - id: hello
    uses: core.log
    with: {message: "hello ${{ inputs.who }}"}
  - id: calc
    uses: core.set
    with: {values: {greeting: "${{ steps.hello.message }}", n: 3}}
  - uses: core.noop
"""

FAILING_WORKFLOW = """\
version: 1
name: breaks
steps:
  - id: first
    uses: core.noop
  - id: boom
    uses: core.fail
    with: {message: "disk on fire", error: network}
  - id: after
    uses: core.noop
"""

INVALID_WORKFLOW = """\
version: 1
name: typos
steps:
  - id: x
    uses: core.lg
    with: {message: hi}
  - id: y
    uses: core.set
    wth: {}
"""

SECRET_WORKFLOW = """\
version: 1
name: secretive
secrets:
  token: {env: JF_E2E_TOKEN}
steps:
  - id: leak
    uses: core.log
    with: {message: "the token is ${{ secrets.token }}", fields: {token: "${{ secrets.token }}"}}
  - id: keep
    uses: core.set
    with: {values: {token: "${{ secrets.token }}", note: "x${{ secrets.token }}x"}}
"""

WAIT_WORKFLOW = """\
version: 1
name: waits
steps:
  - id: before
    uses: core.noop
  - id: wait
    uses: core.wait_file
    with: {path: go.flag, timeout: 10m}
"""


@dataclass
class Result:
    """A finished command: exit code and both streams."""

    args: tuple[str, ...]
    code: int
    out: str
    err: str

    def __str__(self) -> str:
        return f"jobflow {' '.join(self.args)} -> {self.code}\n--- stdout\n{self.out}\n--- stderr\n{self.err}"

    def json(self) -> Any:
        return json.loads(self.out)

    def error_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.startswith("error:")]


class Cli:
    """The ``jobflow`` command with ``JOBFLOW_HOME`` in ``tmp_path`` and no outside configuration."""

    def __init__(self, tmp_path: Path) -> None:
        self.dir = tmp_path
        self.home = tmp_path / "home"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JOBFLOW_", "DATABASE_URL", "PLAYWRIGHT_"))}
        env.update(JOBFLOW_HOME=str(self.home), COLUMNS="200", PYTHONUNBUFFERED="1")
        self.env = env

    def write(self, name: str, text: str) -> Path:
        path = self.dir / name
        path.write_text(text)
        return path

    def __call__(self, *args: str | Path, env: dict[str, str] | None = None, timeout: float = 60) -> Result:
        argv = tuple(str(a) for a in args)
        done = subprocess.run(
            [str(JOBFLOW), *argv],
            capture_output=True,
            text=True,
            env={**self.env, **(env or {})},
            cwd=self.dir,
            timeout=timeout,
        )
        return Result(argv, done.returncode, done.stdout, done.stderr)

    def start(self, *args: str | Path, env: dict[str, str] | None = None) -> Running:
        proc = subprocess.Popen(
            [str(JOBFLOW), *(str(a) for a in args)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**self.env, **(env or {})},
            cwd=self.dir,
        )
        return Running(proc)

    def runs(self) -> list[dict[str, Any]]:
        result = self("runs", "--json")
        assert result.code == 0, result
        runs: list[dict[str, Any]] = result.json()["runs"]
        return runs


class Running:
    """A ``jobflow`` process in flight whose output lines can be awaited (``stream`` is "out" or "err")."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc
        self.lines: dict[str, queue.Queue[str]] = {"out": queue.Queue(), "err": queue.Queue()}
        self.seen: dict[str, list[str]] = {"out": [], "err": []}
        self._readers = [
            threading.Thread(target=self._pump, args=(proc.stdout, "out"), daemon=True),
            threading.Thread(target=self._pump, args=(proc.stderr, "err"), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def _pump(self, stream: IO[str] | None, name: str) -> None:
        assert stream is not None
        for line in stream:
            self.seen[name].append(line)
            self.lines[name].put(line)

    def wait_for_line(self, text: str, *, stream: str = "out", timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines[stream].get(timeout=left)
            except queue.Empty:
                break
            if text in line:
                return line
        raise AssertionError(f"no std{stream} line with {text!r} within {timeout}s: {''.join(self.seen[stream])!r}")

    def finish(self, timeout: float = 30) -> Result:
        code = self.proc.wait(timeout=timeout)
        for reader in self._readers:
            reader.join(timeout=5)
        args = tuple(str(a) for a in list(self.proc.args)[1:])  # type: ignore[arg-type]
        return Result(args, code, "".join(self.seen["out"]), "".join(self.seen["err"]))


def processes_mentioning(text: str) -> list[str]:
    """Command lines of live processes that mention ``text`` (Linux ``/proc``; empty elsewhere)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in cmdline and str(os.getpid()) != entry.name:
            found.append(cmdline)
    return found
