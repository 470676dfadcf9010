"""The default persistence plugin: every lifecycle event of a run written to the store.

It is ``critical``: the plugin facade re-raises its failures, so a run whose record cannot be written
fails instead of running unrecorded. The CLI registers it per store::

    plugins.register(RunRecorder(store), "jobflow.recorder")
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobflow.events import RunInfo, StepInfo
from jobflow.hookspecs import hookimpl

if TYPE_CHECKING:
    from jobflow.store.db import Store

__all__ = ["RunRecorder"]


class RunRecorder:
    """Implements ``run_started``, ``step_started``, ``step_finished``, ``run_heartbeat`` and
    ``run_finished`` by writing through ``store.runs``; each hook returns once its write is committed."""

    critical = True
    """A failed write fails the run (see ``Plugins._notify``)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @hookimpl
    async def run_started(self, run: RunInfo) -> None:
        await self.store.runs.start(run)

    @hookimpl
    async def step_started(self, run: RunInfo, step: StepInfo) -> None:
        await self.store.runs.record_step(step)

    @hookimpl
    async def step_finished(self, run: RunInfo, step: StepInfo) -> None:
        await self.store.runs.record_step(step)

    @hookimpl
    async def run_heartbeat(self, run: RunInfo) -> None:
        await self.store.runs.heartbeat(run.id, self.store.clock.now())

    @hookimpl
    async def run_finished(self, run: RunInfo) -> None:
        await self.store.runs.finish(run)
