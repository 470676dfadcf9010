"""``jobflow daemon``'s lifecycle: lease, start-up recovery, the loops, and a graceful stop.

Start: take the scheduler lease (or refuse with :class:`SchedulerBusy`, or wait as a standby), open the
timer paused, settle zombies, re-sync the workflow files, catch up on fire times missed while down, align
the timer's jobs and the reminders, then let the timer fire. Loops while running: claiming and running
occurrences, renewing the lease and the occurrences' leases, zombie detection, watching the files
(re-sync on change), reminders, and notifications (the outbox worker). Stop (SIGTERM, Ctrl-C): claim
nothing more, stop the timer, let runs finish for ``SCHEDULER_DRAIN_TIMEOUT``, re-queue the rest as
``interrupted``, release the lease: no occurrence is left ``running``.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from pathlib import Path

import structlog

from jobflow.clock import Clock, SystemClock
from jobflow.config import Settings
from jobflow.engine.owner import current_owner, owner_state
from jobflow.errors import SchedulerBusy, StoreError
from jobflow.plugins import Plugins
from jobflow.scheduler.config import LEASE_NAME, SchedulerConfig
from jobflow.scheduler.dispatcher import wait_any
from jobflow.scheduler.looplag import LoopLag
from jobflow.scheduler.service import Scheduler
from jobflow.scheduler.specs import discover, load_schedules
from jobflow.scheduler.timer import Signal, install_handoff
from jobflow.scheduler.timing import Timer
from jobflow.store import Store
from jobflow.store.scheduling import SchedulerDB
from jobflow.store.scheduling.base import write_lock

__all__ = ["Daemon"]

_log = structlog.get_logger("jobflow.scheduler")


def _dead(owner: str) -> bool:
    return owner_state(owner) == "dead"


FAILING_PAUSE = 5.0
"""Seconds at most between two tries of a failing periodic duty (lease, zombies, files, reminders)."""

WARM_IMPORTS = ("jobflow.browser.pool",)
"""Modules a run imports on first use (the CLI keeps them lazy): imported at start-up, before anything is
served, so the first run due does not block the event loop for the half second Playwright takes to import
(in a worker thread it would not help: the loop's own imports wait for the import lock meanwhile)."""


def _warm_imports() -> None:
    for name in WARM_IMPORTS:
        importlib.import_module(name)


class Daemon:
    """One ``jobflow daemon`` process serving ``paths`` (workflow files and directories)."""

    def __init__(
        self,
        paths: Sequence[Path],
        settings: Settings,
        plugins: Plugins,
        store: Store,
        *,
        standby: bool = False,
        clock: Clock | None = None,
    ) -> None:
        self.paths = list(paths)
        self.settings = settings
        self.plugins = plugins
        self.store = store
        self.standby = standby
        self.clock = clock or SystemClock()
        self.config = SchedulerConfig.from_settings(settings)
        self.owner = current_owner()
        self.db = SchedulerDB(store)
        self.scheduler: Scheduler | None = None
        self.ready = asyncio.Event()
        """Set once the daemon has started and the timer fires."""
        self._stamps: dict[Path, tuple[int, int]] = {}
        self._unsynced = False
        """A re-sync failed part-way (the store went away): the next pass re-syncs, files changed or not."""
        self._pending: set[asyncio.Task[None]] = set()
        self.lag = LoopLag()
        """The event loop's lateness while serving (logged when the daemon stops)."""

    async def run(self, stop: asyncio.Event) -> None:
        """Serve until ``stop`` is set; returns after a clean shutdown.

        :raises SchedulerBusy: another scheduler holds the lease (and this one is no standby).
        """
        if not await self._acquire(stop):
            return
        try:
            await self._serve(stop)
        finally:
            with contextlib.suppress(StoreError):
                await self.db.lease.release(LEASE_NAME, self.owner)

    async def _acquire(self, stop: asyncio.Event) -> bool:
        while True:
            taken, lease = await self.db.lease.acquire(LEASE_NAME, self.owner, self.config.lease_seconds, is_dead=_dead)
            if taken:
                _log.info("scheduler lease acquired", owner=self.owner, database=self.store.url)
                return True
            assert lease is not None
            if not self.standby:
                raise SchedulerBusy(
                    f"another scheduler is active on {self.store.url}: {lease.owner} (lease until "
                    f"{lease.lease_until.isoformat(timespec='seconds')}); stop it, or start this one with "
                    "--standby to take over when it stops"
                )
            _log.info("standing by: another scheduler holds the lease", holder=lease.owner)
            await wait_any([stop], max(1.0, self.config.lease_seconds / 3))
            if stop.is_set():
                return False

    async def _serve(self, stop: asyncio.Event) -> None:
        from jobflow.engine import Engine
        from jobflow.engine.executor import InProcessExecutor
        from jobflow.store import RunRecorder

        loop = asyncio.get_running_loop()
        if self.plugins.pm.get_plugin("jobflow.recorder") is None:
            self.plugins.register(RunRecorder(self.store), "jobflow.recorder")
        executor = InProcessExecutor(lambda: Engine(self.plugins, self.settings, store=self.store))

        def unloadable(jobs: list[tuple[str, str]]) -> None:  # called from the timer's thread
            loop.call_soon_threadsafe(self._set_aside, jobs)

        timer = Timer(self.config, unloadable, write_lock=lambda: write_lock(self.store.engine))
        scheduler = Scheduler(self.store, self.config, owner=self.owner, executor=executor, timer=timer)
        self.scheduler = scheduler

        def handoff(signals: list[Signal]) -> None:  # called from the timer's thread
            loop.call_soon_threadsafe(scheduler.take, signals)

        install_handoff(handoff)
        claims_stop = asyncio.Event()
        tasks: list[asyncio.Task[None]] = []
        _warm_imports()
        self.lag.start()
        try:
            await timer.start()
            await scheduler.recovery.sweep()
            await self._reload(force=True)
            await scheduler.catch_up()
            await scheduler.sync_timer()
            await scheduler.reconcile_reminders()
            timer.resume()
            scheduler.dispatcher.poke()
            tasks = [
                asyncio.create_task(scheduler.dispatcher.loop(claims_stop), name="jobflow-dispatch"),
                asyncio.create_task(scheduler.look_ahead(claims_stop), name="jobflow-look-ahead"),
                asyncio.create_task(self._every(stop, self.config.lease_seconds / 3, self._keep_lease), name="lease"),
                asyncio.create_task(self._every(stop, self.config.zombie_interval, scheduler.recovery.sweep)),
                asyncio.create_task(self._every(stop, self.config.reload_interval, self._housekeeping)),
                asyncio.create_task(self._outbox(stop), name="jobflow-outbox"),
            ]
            self.ready.set()
            gc.freeze()  # start-up's objects live as long as the daemon: full collections skip them (no loop stall)
            self.lag.serving()
            _log.info("scheduler running", schedules=len(scheduler.schedules), owner=self.owner)
            lost = asyncio.Event()
            watch = asyncio.create_task(self._watch_lease(scheduler, lost))
            await wait_any([stop, lost], None)
            watch.cancel()
        finally:
            claims_stop.set()
            scheduler.dispatcher.closing = True
            await timer.stop()
            install_handoff(None)
            left = await scheduler.dispatcher.drain(self.config.drain_timeout)
            if left:
                _log.warning("runs interrupted by shutdown and re-queued", count=left)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            with contextlib.suppress(Exception):
                await scheduler.notify()
            self.lag.stop()
            _log.info(
                "scheduler stopped",
                owner=self.owner,
                loop_lag_max_ms=round(self.lag.worst * 1000),
                loop_stalls=self.lag.stalls,
                startup_lag_max_ms=round(self.lag.startup_worst * 1000),
            )

    async def _watch_lease(self, scheduler: Scheduler, lost: asyncio.Event) -> None:
        while not scheduler.dispatcher.lease_lost:
            await wait_any([], 1.0)
        _log.error("scheduler lease lost to another scheduler: stopping", owner=self.owner)
        lost.set()

    async def _every(self, stop: asyncio.Event, seconds: float, work: Callable[[], Awaitable[object]]) -> None:
        """Do ``work`` every ``seconds``; while it fails (the store is down), the pause doubles up to
        :data:`FAILING_PAUSE` (or ``seconds`` when that is longer), so an outage is not logged in a tight loop."""
        pause = seconds
        while not stop.is_set():
            await wait_any([stop], pause)
            if stop.is_set():
                return
            try:
                await work()
                pause = seconds
            except Exception as exc:  # a store hiccup: log, try again later
                pause = min(pause * 2, max(seconds, FAILING_PAUSE))
                _log.error(
                    "scheduler housekeeping failed",
                    work=getattr(work, "__name__", "?"),
                    error=str(exc),
                    retry_in=round(pause, 2),
                )

    async def _keep_lease(self) -> None:
        assert self.scheduler is not None
        if not await self.db.lease.renew(LEASE_NAME, self.owner, self.config.lease_seconds):
            self.scheduler.dispatcher.lease_lost = True
            return
        until = self.clock.now() + timedelta(seconds=self.config.lease_seconds)
        await self.db.occurrences.renew(self.owner, until)

    async def _housekeeping(self) -> None:
        assert self.scheduler is not None
        await self._reload()
        await self.scheduler.reconcile_reminders()
        await self.scheduler.notify()

    async def _reload(self, *, force: bool = False) -> None:
        """Re-sync when a workflow file appeared, changed or went away (or always with ``force``), and after
        a re-sync that failed part-way (schedules stored, timer jobs not written), until one completes."""
        assert self.scheduler is not None
        files = discover(self.paths)
        stamps = {}
        for file in files:
            with contextlib.suppress(OSError):
                stat = file.stat()
                stamps[file] = (stat.st_mtime_ns, stat.st_size)
        if not force and stamps == self._stamps and not self._unsynced:
            return
        now = self.clock.now()
        grace = self.config.misfire_grace
        loaded = await asyncio.to_thread(load_schedules, list(stamps), self.plugins, now, grace)
        try:
            result = await self.scheduler.resync(loaded)
            if self._unsynced and self.scheduler.timer is not None:
                await self.scheduler.sync_timer()  # the timer jobs a failed re-sync did not write
        except BaseException:
            self._unsynced = True  # the database went away half-way: try again on the next pass
            raise
        self._unsynced = False
        self._stamps = stamps
        if result.added or result.changed or result.removed or force:
            _log.info(
                "workflows synced",
                added=len(result.added),
                changed=len(result.changed),
                removed=len(result.removed),
                unchanged=len(result.unchanged),
                failed=len(loaded.failed),
            )

    async def _outbox(self, stop: asyncio.Event) -> None:
        from jobflow.notify.outbox import OutboxWorker

        try:
            worker = OutboxWorker(self.store, self.plugins, self.clock, settings=self.settings)
            await worker.run_forever(stop)
        except Exception as exc:  # notifications never take the scheduler down
            _log.error("notification worker stopped", error=f"{type(exc).__name__}: {exc}")

    def _set_aside(self, jobs: list[tuple[str, str]]) -> None:
        async def record() -> None:
            try:
                await self.db.events.set_aside(self.config.jobstore_table, jobs)
            except StoreError as exc:
                _log.error("cannot record set-aside jobs", error=str(exc))

        task = asyncio.ensure_future(record())
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)
