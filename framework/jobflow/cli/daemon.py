"""``jobflow daemon [DIR|FILE...]``: run workflows on their triggers, and fire reminders, until stopped.

One scheduler per database: a second daemon on the same database exits with an error naming the active
one, unless started with ``--standby``, in which case it waits and takes over when the active one stops
or dies (its lease expires, or at once when its process is gone on this machine). SIGTERM or Ctrl-C
stops gracefully: nothing new starts, runs in flight may finish for ``SCHEDULER_DRAIN_TIMEOUT`` seconds,
the rest are re-queued as ``interrupted``; exit code 0. A second Ctrl-C exits at once (runs left in
flight are recovered on the next start).
"""

from __future__ import annotations

import contextlib
import os
import signal
from pathlib import Path
from typing import Annotated, Any

import typer

from jobflow.cli.boot import boot
from jobflow.cli.output import print_error

__all__ = ["daemon"]

SIGNALS = (signal.SIGINT, signal.SIGTERM)


def daemon(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[DIR|FILE]...",
            help="Workflow files, or directories of *.yaml files (default: the current directory).",
            exists=True,
            show_default=False,
        ),
    ] = None,
    standby: Annotated[
        bool, typer.Option("--standby", help="If another scheduler is active, wait and take over when it stops.")
    ] = False,
    db_timeout: Annotated[
        float,
        typer.Option("--db-timeout", min=0, help="Seconds to keep retrying an unreachable database at start-up."),
    ] = 30.0,
) -> None:
    """Run workflows on their triggers and fire reminders until stopped (SIGTERM/Ctrl-C drain gracefully)."""
    import asyncio

    settings, plugins = boot()
    targets = list(paths or [Path.cwd()])

    async def main() -> None:
        from jobflow.scheduler.daemon import Daemon

        stop = asyncio.Event()
        received: list[int] = []

        def on_signal(signum: int) -> None:
            if received:
                print_error("interrupted twice: exiting at once; runs in flight are recovered on the next start")
                os._exit(130)
            received.append(signum)
            typer.echo(f"{signal.Signals(signum).name}: stopping (runs in flight may finish)", err=True)
            stop.set()

        loop = asyncio.get_running_loop()
        for signum in SIGNALS:
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(signum, on_signal, signum)
        store = await _open(settings.effective_database_url, db_timeout, stop)
        if store is None:
            return
        try:
            await Daemon(targets, settings, plugins, store, standby=standby).run(stop)
        finally:
            await store.close()

    asyncio.run(main())


async def _open(url: str, patience: float, stop: Any) -> Any:
    """Open the store, retrying with backoff for up to ``patience`` seconds (``None`` if stopped meanwhile).

    :raises StoreError: still unreachable after ``patience`` seconds (the last error, one line; exit code 1).
    """
    import time

    import structlog

    from jobflow.errors import StoreError
    from jobflow.scheduler.dispatcher import wait_any
    from jobflow.store import Store

    deadline = time.monotonic() + patience
    delay = 0.5
    while True:
        try:
            return await Store.open(url)
        except StoreError as exc:
            left = deadline - time.monotonic()
            if left <= 0:
                raise
            structlog.get_logger("jobflow.scheduler").warning(
                "database unavailable at start-up; retrying", error=str(exc), retry_in=round(min(delay, left), 1)
            )
            await wait_any([stop], min(delay, left))
            if stop.is_set():
                return None
            delay = min(delay * 2, 10.0)
