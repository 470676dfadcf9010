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
        self._pending: set[asyncio.Task[None]] = set()

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

        def handoff(signal: Signal) -> None:  # called from the timer's thread
            loop.call_soon_threadsafe(scheduler.signal, signal)

        install_handoff(handoff)
        claims_stop = asyncio.Event()
        tasks: list[asyncio.Task[None]] = []
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
                asyncio.create_task(self._every(stop, self.config.lease_seconds / 3, self._keep_lease), name="lease"),
                asyncio.create_task(self._every(stop, self.config.zombie_interval, scheduler.recovery.sweep)),
                asyncio.create_task(self._every(stop, self.config.reload_interval, self._housekeeping)),
                asyncio.create_task(self._outbox(stop), name="jobflow-outbox"),
            ]
            self.ready.set()
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
            _log.info("scheduler stopped", owner=self.owner)

    async def _watch_lease(self, scheduler: Scheduler, lost: asyncio.Event) -> None:
        while not scheduler.dispatcher.lease_lost:
            await wait_any([], 1.0)
        _log.error("scheduler lease lost to another scheduler: stopping", owner=self.owner)
        lost.set()

    async def _every(self, stop: asyncio.Event, seconds: float, work: Callable[[], Awaitable[object]]) -> None:
        while not stop.is_set():
            await wait_any([stop], seconds)
            if stop.is_set():
                return
            try:
                await work()
            except Exception as exc:  # a store hiccup: log, try again next time
                _log.error("scheduler housekeeping failed", work=getattr(work, "__name__", "?"), error=str(exc))

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
        """Re-sync when a workflow file appeared, changed or went away (or always with ``force``)."""
        assert self.scheduler is not None
        files = discover(self.paths)
        stamps = {}
        for file in files:
            with contextlib.suppress(OSError):
                stat = file.stat()
                stamps[file] = (stat.st_mtime_ns, stat.st_size)
        if not force and stamps == self._stamps:
            return
        self._stamps = stamps
        now = self.clock.now()
        grace = self.config.misfire_grace
        loaded = await asyncio.to_thread(load_schedules, list(stamps), self.plugins, now, grace)
        result = await self.scheduler.resync(loaded)
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
