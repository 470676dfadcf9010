"""A warm launcher of ``jobflow`` processes, so the scenarios can start (and SIGKILL) hundreds of daemons
quickly: this process imports jobflow once, then forks one child per command read from stdin. Each child
is a real, separate ``jobflow`` process (its own pid, owner token, database connections) running
``jobflow.cli.app.main`` with its own environment, working directory and log file.

Protocol, one JSON object a line on stdin -> one on stdout:

    {"op": "spawn", "argv": [...], "env": {...}, "cwd": "...", "log": "..."}  -> {"pid": N}
    {"op": "wait", "pid": N}                                                   -> {"pid": N, "code": C}

``JOBFLOW_CRASH_POINT=name:n`` in a child's environment makes it SIGKILL itself the n-th time it passes
that point (see :data:`POINTS`): a crash at an exact place in the run lifecycle.
``JOBFLOW_TEST_DISK_CAP=<file>`` caps its SQLite databases at the page count written in that file (see
:func:`_cap_disk`): a disk that fills up and frees again.
"""

from __future__ import annotations

import functools
import json
import os
import signal
import sys
from collections.abc import Callable
from typing import Any

import aiosqlite  # noqa: F401  - warm imports: every child starts with these loaded
import alembic.command  # noqa: F401
import apscheduler.schedulers.asyncio  # noqa: F401
import asyncpg  # noqa: F401
import psycopg  # noqa: F401

import jobflow.cli.daemon
import jobflow.engine.executor
import jobflow.engine.runner
import jobflow.logging
import jobflow.notify.outbox
import jobflow.plugins
import jobflow.reminders
import jobflow.scheduler.daemon
import jobflow.spec
import jobflow.steps.core
import jobflow.store.migrate
import jobflow.store.recorder
import jobflow.store.scheduling.claims
import jobflow.store.scheduling.occurrences
from jobflow.cli.app import main as jobflow_main
from jobflow.config import get_settings


def _claimed(result: Any) -> bool:
    return bool(result[1].claimed)


def _some(result: Any) -> bool:
    return bool(result) and any(result) if isinstance(result, list) else bool(result)


Store = jobflow.store.scheduling.occurrences.OccurrenceStore
POINTS: dict[str, tuple[Any, str, str, Callable[[Any], bool] | None]] = {
    "after_claim": (jobflow.store.scheduling.claims.ClaimStore, "record_and_claim", "after", _claimed),
    "after_start": (Store, "start_many", "after", _some),
    "before_finish": (Store, "transition_many", "before", None),
    "after_finish": (Store, "transition_many", "after", _some),
    "after_record": (Store, "record", "after", _some),
    "after_step": (jobflow.store.recorder.RunRecorder, "step_finished", "after", None),
    "before_run_finished": (jobflow.store.recorder.RunRecorder, "run_finished", "before", None),
}
"""Crash points: (class, method, before or after the call, which calls count (``None``: all))."""


def _arm(spec: str) -> None:
    name, _, count = spec.partition(":")
    owner, attribute, when, counts = POINTS[name]
    original: Callable[..., Any] = getattr(owner, attribute)
    left = [int(count or "1")]

    def hit() -> None:
        left[0] -= 1
        if left[0] <= 0:
            os.kill(os.getpid(), signal.SIGKILL)

    @functools.wraps(original)  # keeps pluggy's hookimpl marker on the recorder's hooks
    async def wrapped(*args: Any, **kwargs: Any) -> Any:
        if when == "before":
            hit()
        result = await original(*args, **kwargs)
        if when == "after" and (counts is None or counts(result)):
            hit()
        return result

    setattr(owner, attribute, wrapped)


def _cap_disk(control: str) -> None:
    """``JOBFLOW_TEST_DISK_CAP=<file>``: every SQLite connection checked out applies ``PRAGMA max_page_count``
    read from that file (a page count; empty or absent: no cap), so a test can fill the disk and free it
    again while the daemon runs (see ``dbfull.py``)."""
    from sqlalchemy import event
    from sqlalchemy.pool import Pool

    def checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        if "sqlite" not in type(dbapi_connection).__module__:
            return
        try:
            with open(control) as file:
                pages = file.read().strip()
        except FileNotFoundError:
            pages = ""
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA max_page_count = {int(pages) if pages else 1_073_741_823}")
        finally:
            cursor.close()

    event.listen(Pool, "checkout", checkout)


def _child(request: dict[str, Any]) -> None:
    os.setsid()
    log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(log, 2)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(log, 1)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    get_settings.cache_clear()
    crash = os.environ.get("JOBFLOW_CRASH_POINT")
    if crash:
        _arm(crash)
    cap = os.environ.get("JOBFLOW_TEST_DISK_CAP")
    if cap:
        _cap_disk(cap)
    code = 0
    try:
        jobflow_main(request["argv"])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.stderr.flush()
        sys.stdout.flush()
    os._exit(code)


def _answer(document: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(document) + "\n")
    sys.stdout.flush()


def main() -> None:
    for line in sys.stdin:
        request = json.loads(line)
        if request["op"] == "spawn":
            pid = os.fork()
            if pid == 0:
                _child(request)
            _answer({"pid": pid})
        elif request["op"] == "wait":
            _, status = os.waitpid(request["pid"], 0)
            _answer({"pid": request["pid"], "code": os.waitstatus_to_exitcode(status)})


if __name__ == "__main__":
    main()
