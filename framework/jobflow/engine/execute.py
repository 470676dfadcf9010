"""Running one step: params rendered and validated, attempts under a timeout and the retry policy,
``for_each`` iterations with bounded concurrency, every attempt recorded through the lifecycle hooks.
"""

from __future__ import annotations

import asyncio
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from jobflow.errors import ExpressionError, JobflowError, SiteChanged, StepError, StepTimeout, StoreError
from jobflow.events import StepInfo, StepStatus
from jobflow.spec.durations import format_duration
from jobflow.steptype import StepContext

from .resolve import Resolved
from .retry import run_with_retry
from .state import RunState
from .summary import summarize

__all__ = ["TRACEBACK_FILE", "Outcome", "StepExecutor"]

TRACEBACK_FILE = "traceback.txt"
"""Saved in a failed attempt's evidence folder (secrets redacted), linked from its record."""


@dataclass(slots=True)
class Outcome:
    """How a step (or one ``for_each`` iteration) ended, after all its attempts."""

    ok: bool
    outputs: dict[str, Any] = field(default_factory=dict)
    status: StepStatus = "succeeded"
    error_class: str | None = None
    error_message: str | None = None


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _files(ctx: StepContext | None) -> list[str]:
    return list(ctx.artifacts) if ctx is not None else []


def _validation_message(exc: ValidationError, prefix: str) -> str:
    errors = exc.errors(include_input=False, include_url=False)
    first = errors[0]
    where = ".".join(str(part) for part in (prefix, *first["loc"]))
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {first['msg']}{more}"


class StepExecutor:
    """Executes one step of a run; one instance per step."""

    def __init__(self, state: RunState, resolved: Resolved, log: Any) -> None:
        self.state = state
        self.r = resolved
        self.log = log
        self.step_id: str = resolved.step_id

    # ------------------------------------------------------------------------------------- records

    def _info(self, attempt: int, iteration: int | None) -> StepInfo:
        """The record of try ``attempt`` (1-based within this run attempt), numbered after the run's base."""
        return StepInfo(
            run_id=self.state.run.id,
            step_id=self.step_id,
            uses=self.r.step.uses,
            attempt=self.state.step_attempt_base + attempt,
            status="running",
            started_at=self.state.clock.now(),
            iteration=iteration,
        )

    async def _finish(self, info: StepInfo, **changes: Any) -> StepInfo:
        done = replace(info, finished_at=self.state.clock.now(), **changes)
        self.state.records.append(done)
        await asyncio.shield(self.state.plugins.step_finished(self.state.run, done))
        return done

    async def fail_early(self, message: str, error_class: str, iteration: int | None) -> Outcome:
        """A failure before any attempt (expression, params): recorded as this run attempt's first, failed."""
        message = self.state.redactor.text(message)
        info = self._info(1, iteration)
        await self.state.plugins.step_started(self.state.run, info)
        await self._finish(info, status="failed", error_class=error_class, error_message=message)
        self.log.error("step failed", error=message, iteration=iteration)
        return Outcome(False, status="failed", error_class=error_class, error_message=message)

    async def skip(self) -> None:
        """Record the step as skipped (its ``if:`` was false)."""
        now = self.state.clock.now()
        attempt = self.state.step_attempt_base + 1
        info = StepInfo(self.state.run.id, self.step_id, self.r.step.uses, attempt, "skipped", now, finished_at=now)
        self.state.records.append(info)
        await self.state.plugins.step_finished(self.state.run, info)
        self.log.debug("step skipped")

    # ------------------------------------------------------------------------------------ execution

    async def run(self, context: Mapping[str, Any]) -> Outcome:
        """Run the step (all its iterations inside ``for_each``) with ``context`` for its expressions."""
        if self.r.step_type is None:
            return await self.fail_early(
                f"step '{self.step_id}': unknown step type {self.r.step.uses!r}", "StepError", None
            )
        if self.r.step.for_each is None:
            return await self._unit(context, None)
        return await self._for_each(context)

    async def _for_each(self, context: Mapping[str, Any]) -> Outcome:
        step = self.r.step
        try:
            items = self.state.evaluator.render(step.for_each, context)
        except ExpressionError as exc:
            return await self.fail_early(f"step '{self.step_id}': for_each {exc}", "ExpressionError", None)
        if not isinstance(items, list | tuple):
            message = f"step '{self.step_id}': for_each must be a list, got {type(items).__name__}"
            return await self.fail_early(message, "StepError", None)
        results: list[Outcome] = [Outcome(False)] * len(items)
        pending = iter(enumerate(items))

        async def worker() -> None:
            for index, item in pending:  # one shared iterator: at most `concurrency` items in flight
                results[index] = await self._unit({**context, step.as_: item}, index)

        try:
            async with asyncio.TaskGroup() as group:
                for _ in range(min(step.concurrency, len(items))):
                    group.create_task(worker())
        except ExceptionGroup as group:  # an iteration's record could not be written: as without for_each
            lost = group.subgroup(StoreError)
            if lost is None:
                raise
            raise _first(lost) from None
        outputs = {"results": [o.outputs if o.ok else None for o in results], "failed": sum(not o.ok for o in results)}
        failures = [(n, o) for n, o in enumerate(results) if not o.ok]
        if not failures:
            return Outcome(True, outputs)
        index, first = failures[0]
        message = (
            f"step '{self.step_id}': {len(failures)} of {len(items)} iterations failed; "
            f"first (iteration {index}): {first.error_message}"
        )
        return Outcome(False, outputs, first.status, first.error_class, message)

    async def _unit(self, context: Mapping[str, Any], iteration: int | None) -> Outcome:
        """One invocation of the step type (the whole step, or one iteration): params, then attempts."""
        step_type = self.r.step_type
        assert step_type is not None
        try:
            params = step_type.params.model_validate(self.state.evaluator.render(self.r.step.with_, context))
        except ExpressionError as exc:
            return await self.fail_early(f"step '{self.step_id}': {exc}", "ExpressionError", iteration)
        except ValidationError as exc:
            return await self.fail_early(
                f"step '{self.step_id}': {_validation_message(exc, 'with')}", "ValidationError", iteration
            )

        failed: dict[int, tuple[StepInfo, str]] = {}
        last = Outcome(False)
        timeout = self.r.timeout.total_seconds() if self.r.timeout is not None else None
        timeout_text = format_duration(self.r.timeout) if self.r.timeout is not None else ""

        unrecorded: list[Exception] = []
        """A lifecycle hook's failure (the run recorder's: the attempt's record could not be written)."""

        async def attempt(number: int) -> dict[str, Any]:
            info = self._info(number, iteration)
            timer: asyncio.Timeout | None = None
            ctx: StepContext | None = None
            started = False
            try:
                await self.state.plugins.step_started(self.state.run, info)
                started = True
                ctx = self._context(number, iteration)
                timer = asyncio.timeout(timeout)
                async with timer:
                    result = await step_type.run(ctx, params)
                outputs = self._outputs(step_type.outputs, result)
            except asyncio.CancelledError:
                await self._finish(info, status="cancelled", error_message="cancelled", artifacts=_files(ctx))
                self.log.warning("step cancelled", attempt=info.attempt, iteration=iteration)
                raise
            except Exception as exc:
                if not started:  # a lifecycle hook failed, not the step
                    raise
                info.artifacts = await self._evidence(ctx, exc)
                if isinstance(exc, TimeoutError) and timer is not None and timer.expired():
                    failed[number] = (info, "StepTimeout")
                    raise StepTimeout(f"step '{self.step_id}' timed out after {timeout_text}") from exc
                failed[number] = (info, type(exc).__name__)
                if isinstance(exc, JobflowError):
                    raise
                raise StepError(str(exc) or type(exc).__name__) from exc
            summary = summarize(outputs, self.state.redactor)
            await self._finish(info, status="succeeded", outputs=summary)
            self.log.debug("step succeeded", attempt=info.attempt, iteration=iteration)
            return outputs

        async def on_failure(number: int, error: Exception, delay: float | None) -> None:
            status: StepStatus = "timed_out" if isinstance(error, StepTimeout) else "failed"
            message = self.state.redactor.text(str(error))
            last.status, last.error_class, last.error_message = status, type(error).__name__, message
            if number not in failed:  # a lifecycle hook failed, not the step
                unrecorded.append(error)
                return
            info, error_class = failed.pop(number)
            last.error_class = error_class
            await self._finish(info, status=status, error_class=error_class, error_message=message, will_retry_in=delay)
            log = self.log.warning if delay is not None else self.log.error
            log(
                "step attempt failed",
                attempt=info.attempt,
                iteration=iteration,
                error=f"{error_class}: {message}",
                retry_in=delay,
            )

        try:
            outputs = await run_with_retry(
                self.r.retry, attempt, clock=self.state.clock, rng=self.state.rng, on_failure=on_failure
            )
        except Exception as exc:
            if isinstance(exc, StoreError) and exc in unrecorded:  # not the step's failure: the run ends here,
                raise  # its record incomplete (the scheduler retries it as a crash)
            return last
        return Outcome(True, outputs)

    def _context(self, attempt: int, iteration: int | None) -> StepContext:
        state = self.state
        number = state.step_attempt_base + attempt
        log = self.log.bind(attempt=number) if iteration is None else self.log.bind(attempt=number, iteration=iteration)
        return StepContext(
            run_id=state.run.id,
            step_id=self.step_id,
            uses=self.r.step.uses,
            attempt=number,
            attempt_base=state.step_attempt_base,
            log=log,
            secrets=state.secrets,
            workflow_dir=state.workflow_dir,
            settings=state.settings,
            clock=state.clock,
            iteration=iteration,
            site_name=self.r.site_name,
            site=self.r.site,
            store=state.store,
            plugins=state.plugins,
            extras={"wait": self.r.wait, "browser": state.browser},
        )

    async def _evidence(self, ctx: StepContext | None, exc: Exception) -> list[str]:
        """The attempt's failure evidence. A lease saves it when the error happens inside it; a ``SiteChanged``
        or a timeout after the step released its page is captured here from that page, while it is open.
        Every failed attempt also leaves ``traceback.txt`` (redacted) beside it."""
        if ctx is None:
            return []
        late = isinstance(exc, SiteChanged | TimeoutError | StepTimeout)
        if not ctx.artifacts and late and ctx.last_page is not None and self.state.browser is not None:
            try:
                await self.state.browser.capture(ctx.last_page, ctx)
            except Exception as capture_exc:  # evidence is best effort; the step's own error is recorded
                self.log.warning("failure_capture_failed", error=f"{type(capture_exc).__name__}: {capture_exc}")
        text = self.state.redactor.text("".join(traceback.format_exception(exc)))
        path = ctx.artifacts_dir / TRACEBACK_FILE
        try:
            await asyncio.to_thread(_write, path, text)
        except OSError as write_exc:  # best effort too: the error class and message are in the record
            self.log.warning("traceback_save_failed", error=f"{type(write_exc).__name__}: {write_exc}")
        else:
            ctx.add_artifacts([path])
        return list(ctx.artifacts)

    def _outputs(self, model: type[BaseModel], result: Any) -> dict[str, Any]:
        if isinstance(result, model):
            dumped: dict[str, Any] = result.model_dump(mode="json")
            return dumped
        if isinstance(result, BaseModel):
            result = result.model_dump()
        try:
            validated: dict[str, Any] = model.model_validate({} if result is None else result).model_dump(mode="json")
        except ValidationError as exc:
            problem = _validation_message(exc, "outputs")
            raise StepError(f"step '{self.step_id}' returned outputs not matching {model.__name__}: {problem}") from exc
        return validated


def _first(group: BaseExceptionGroup[StoreError]) -> StoreError:
    leaf = group.exceptions[0]
    return _first(leaf) if isinstance(leaf, BaseExceptionGroup) else leaf
