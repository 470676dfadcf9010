"""Core steps: ``core.log``, ``core.set``, ``core.noop``, ``core.fail``."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from jobflow.errors import error_codes
from jobflow.hookspecs import hookimpl
from jobflow.step import StepContext, StepOutputs, StepParams, StepType, step


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


STEPS: tuple[StepType[Any, Any], ...] = (log_step, set_step, noop_step, fail_step)


@hookimpl
def register_steps(register: Any) -> None:
    for step_type in STEPS:
        register(step_type)
