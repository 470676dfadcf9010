"""The engine: runs a validated workflow's steps in order and reports every event through the hooks.

One :meth:`Engine.run` call is one run: ``run_started``, then per step ``step_started``/``step_finished``
for every attempt (or one ``step_finished`` for a skipped step), a ``run_heartbeat`` every
``JOBFLOW_HEARTBEAT_INTERVAL`` seconds, and ``run_finished`` exactly once, also when the run is cancelled.

Semantics, as in GitHub Actions: a step whose ``if:`` is false is skipped (outputs ``{}``); a failed step
makes later steps skip unless their ``if:`` calls ``always()`` or ``failure()``; ``continue_on_error``
records the failure but lets the run go on as if it had succeeded (the step's outputs are then the
defaults its outputs model declares, so ``steps.ind.postings`` stays usable).
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import structlog

from jobflow.clock import Clock, SystemClock
from jobflow.config import Settings
from jobflow.errors import ExpressionError
from jobflow.events import RunInfo, StepInfo
from jobflow.plugins import Plugins
from jobflow.redact import Redactor, reset_redactor, use_redactor
from jobflow.spec.expressions import Evaluator
from jobflow.spec.models import Workflow
from jobflow.steptype import StepType

from .browser import close_pool, open_pool
from .execute import Outcome, StepExecutor
from .ids import new_run_id
from .owner import current_owner
from .resolve import complete_inputs, resolve_step
from .state import RunState
from .summary import summarize

__all__ = ["Engine", "RunResult"]

_log = structlog.get_logger("jobflow.engine")


@dataclass
class RunResult:
    """What a run produced: its record, each step's outputs (by step id) and every attempt's record."""

    run: RunInfo
    outputs: dict[str, dict[str, Any]]
    steps: list[StepInfo]

    @property
    def ok(self) -> bool:
        return self.run.status == "succeeded"


def _default_outputs(step_type: StepType[Any, Any] | None) -> dict[str, Any]:
    """The outputs a failed (``continue_on_error``) step leaves: its outputs model's declared defaults."""
    if step_type is None:
        return {}
    out: dict[str, Any] = {}
    for name, info in step_type.outputs.model_fields.items():
        if not info.is_required():
            out[name] = info.get_default(call_default_factory=True)
    return out


class Engine:
    """Runs workflows in this process. Clock and random generator are injected for tests."""

    def __init__(
        self,
        plugins: Plugins,
        settings: Settings,
        *,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        store: Any = None,
    ) -> None:
        self.plugins = plugins
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.rng = rng or random.Random()
        self.store = store

    async def run(
        self,
        workflow: Workflow,
        *,
        path: Path,
        inputs: dict[str, Any],
        secrets: dict[str, str],
        trigger: str = "manual",
        run_id: str | None = None,
        attempt: int = 1,
        occurrence_id: str | None = None,
        step_attempt_base: int | None = None,
    ) -> RunResult:
        """Run ``workflow`` (already validated) once and return its result; never raises for a failed step.

        ``attempt`` > 1 is a retry of run ``run_id``: its step attempts are numbered after
        ``step_attempt_base`` (default: the highest one the store recorded for the run), so the earlier
        attempts' records and evidence stay; each step's tries (and idempotency keys) restart at 1.

        Raises :class:`asyncio.CancelledError` after recording the run ``cancelled`` when the calling task
        is cancelled, and :class:`jobflow.errors.ConfigError` when a required input is missing.
        """
        redactor = Redactor(secrets.values())
        token = use_redactor(redactor)
        try:
            values = complete_inputs(workflow, inputs)
            if step_attempt_base is None:
                step_attempt_base = await self._recorded_attempts(run_id) if attempt > 1 else 0
            run = RunInfo(
                id=run_id or new_run_id(),
                workflow=workflow.name,
                path=str(path),
                trigger=trigger,
                status="running",
                started_at=self.clock.now(),
                attempt=attempt,
                inputs=redactor(dict(values)),
                owner=current_owner(),
                occurrence_id=occurrence_id,
            )
            state = RunState(
                run, self.plugins, self.settings, self.clock, self.rng, Evaluator(redactor), redactor,
                dict(secrets), path.parent, self.store, step_attempt_base=step_attempt_base,
            )  # fmt: skip
            return await self._run(workflow, state, values)
        finally:
            reset_redactor(token)

    async def _run(self, workflow: Workflow, state: RunState, inputs: dict[str, Any]) -> RunResult:
        run = state.run
        log = _log.bind(run_id=run.id, workflow=workflow.name)
        context: dict[str, Any] = {
            "inputs": inputs,
            "steps": {},
            "secrets": state.secrets,
            "run": {
                "id": run.id,
                "attempt": run.attempt,
                "trigger": run.trigger,
                "workflow": workflow.name,
                "started_at": run.started_at.isoformat(),
            },
        }
        outputs: dict[str, dict[str, Any]] = context["steps"]
        heartbeat: asyncio.Task[None] | None = None
        state.browser = open_pool(workflow, self.plugins, self.settings, self.clock, self.store)
        try:
            await self.plugins.run_started(replace(run))
            log.debug("run started", trigger=run.trigger, attempt=run.attempt)
            heartbeat = asyncio.create_task(self._heartbeat(run), name=f"jobflow-heartbeat-{run.id}")
            failure: Outcome | None = None
            for step, step_id in zip(workflow.steps, workflow.step_ids(), strict=True):
                resolved = resolve_step(workflow, self.plugins, step, step_id)
                executor = StepExecutor(
                    state, resolved, _log.bind(run_id=run.id, step=step_id, site=resolved.site_name)
                )
                try:
                    go = state.evaluator.condition(step.if_, context, failed=failure is not None, cancelled=False)
                except ExpressionError as exc:
                    outcome = await executor.fail_early(f"step '{step_id}': if {exc}", "ExpressionError", None)
                else:
                    if not go:
                        await executor.skip()
                        outputs[step_id] = {}
                        continue
                    outcome = await executor.run(context)
                if outcome.ok:
                    outputs[step_id] = outcome.outputs
                    continue
                outputs[step_id] = outcome.outputs or _default_outputs(resolved.step_type)
                if step.continue_on_error:
                    log.warning("step failed, continuing", step=step_id, error=outcome.error_message)
                elif failure is None:
                    failure = outcome
            if failure is None:
                run.status = "succeeded"
            else:
                run.status = "timed_out" if failure.status == "timed_out" else "failed"
                run.error_class, run.error_message = failure.error_class, failure.error_message
        except asyncio.CancelledError:
            run.status, run.error_class, run.error_message = "cancelled", "CancelledError", "the run was cancelled"
            raise
        except BaseException as exc:  # a bug or a critical plugin: still record the run, then raise
            run.status, run.error_class = "failed", type(exc).__name__
            run.error_message = state.redactor.text(str(exc))
            raise
        finally:
            if heartbeat is not None:
                heartbeat.cancel()
                await asyncio.wait([heartbeat])
            await close_pool(state.browser)
            run.finished_at = self.clock.now()
            run.outputs = summarize(outputs, state.redactor)
            log.debug("run finished", status=run.status, error=run.error_message)
            await asyncio.shield(self.plugins.run_finished(replace(run)))
        return RunResult(run, outputs, list(state.records))

    async def _recorded_attempts(self, run_id: str | None) -> int:
        """The highest step attempt the store recorded for ``run_id`` (0 without a store or a record)."""
        runs = getattr(self.store, "runs", None)
        if run_id is None or runs is None:
            return 0
        highest: int = await runs.last_step_attempt(run_id)
        return highest

    async def _heartbeat(self, run: RunInfo) -> None:
        interval = self.settings.jobflow_heartbeat_interval
        while True:
            await self.clock.sleep(interval)
            try:
                await self.plugins.run_heartbeat(run)
            except Exception as exc:  # a critical plugin's failure must not end the run from here
                _log.error("heartbeat failed", run_id=run.id, error=f"{type(exc).__name__}: {exc}")
