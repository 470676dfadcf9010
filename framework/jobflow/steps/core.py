"""Core steps: ``core.log``, ``core.set``, ``core.noop``, ``core.fail``, ``core.wait_file``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from pydantic import Field, field_validator

from jobflow.errors import StepTimeout, error_codes
from jobflow.hookspecs import hookimpl
from jobflow.spec.durations import format_duration
from jobflow.spec.models import Duration
from jobflow.steptype import StepContext, StepOutputs, StepParams, StepType, step


class LogParams(StepParams):
    message: str
    level: Literal["debug", "info", "warning", "error"] = "info"
    fields: dict[str, Any] = Field(default_factory=dict)


class LogOutputs(StepOutputs):
    message: str


@step("core.log", params=LogParams, outputs=LogOutputs)
async def log_step(ctx: StepContext, params: LogParams) -> LogOutputs:
    """Write a message (and optional fields) to the run's log."""
    getattr(ctx.log, params.level)(params.message, **params.fields)
    return LogOutputs(message=params.message)


class SetParams(StepParams):
    values: dict[str, Any]


class SetOutputs(StepOutputs):
    values: dict[str, Any]


@step("core.set", params=SetParams, outputs=SetOutputs)
async def set_step(ctx: StepContext, params: SetParams) -> SetOutputs:
    """Compute values once (expressions allowed) for later steps: ``steps.<id>.values.<name>``."""
    return SetOutputs(values=params.values)


class NoopParams(StepParams):
    pass


class NoopOutputs(StepOutputs):
    pass


@step("core.noop", params=NoopParams, outputs=NoopOutputs)
async def noop_step(ctx: StepContext, params: NoopParams) -> NoopOutputs:
    """Do nothing (placeholders, benchmarks)."""
    return NoopOutputs()


class FailParams(StepParams):
    message: str = "failed on purpose"
    error: str = Field(default="error", description="error class or code to raise, e.g. network, RateLimited")


@step("core.fail", params=FailParams, outputs=NoopOutputs)
async def fail_step(ctx: StepContext, params: FailParams) -> NoopOutputs:
    """Fail with the given error class (to test retry policies and ``continue_on_error``)."""
    codes = error_codes()
    cls = codes.get(params.error)
    if cls is None:
        raise ValueError(f"unknown error class {params.error!r}")
    raise cls(params.message)


class WaitFileParams(StepParams):
    path: str = Field(description="file to wait for; relative paths start at the workflow's directory")
    timeout: Duration = Field(default=timedelta(minutes=5), description="how long to wait before failing")
    poll: Duration = Field(default=timedelta(milliseconds=100), description="how often to look (at least 10ms)")

    @field_validator("poll")
    @classmethod
    def _poll_not_busy(cls, value: timedelta) -> timedelta:
        if value < timedelta(milliseconds=10):
            raise ValueError("poll must be at least 10ms")
        return value


class WaitFileOutputs(StepOutputs):
    path: str
    waited: float
    """Seconds spent waiting."""


@step("core.wait_file", params=WaitFileParams, outputs=WaitFileOutputs)
async def wait_file_step(ctx: StepContext, params: WaitFileParams) -> WaitFileOutputs:
    """Wait until a file exists (another process writes it), polling on the run's clock; times out."""
    path = ctx.resolve_path(params.path)
    started = ctx.clock.monotonic()
    deadline = started + params.timeout.total_seconds()
    while not path.exists():
        if ctx.clock.monotonic() >= deadline:
            raise StepTimeout(f"{path} did not appear within {format_duration(params.timeout)}")
        await ctx.clock.sleep(params.poll.total_seconds())
    return WaitFileOutputs(path=str(path), waited=round(ctx.clock.monotonic() - started, 3))


STEPS: tuple[StepType[Any, Any], ...] = (log_step, set_step, noop_step, fail_step, wait_file_step)


@hookimpl
def register_steps(register: Any) -> None:
    for step_type in STEPS:
        register(step_type)
