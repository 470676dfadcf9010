"""What a step is: a name, a params model, an outputs model and an async ``run(ctx, params)``.

Plugins declare steps with :func:`step` and hand them over in ``register_steps``::

    class EchoParams(StepParams):
        message: str

    class EchoOutputs(StepOutputs):
        message: str

    @step("core.echo", params=EchoParams, outputs=EchoOutputs)
    async def echo(ctx: StepContext, params: EchoParams) -> EchoOutputs:
        ctx.log.info("echo", message=params.message)
        return EchoOutputs(message=params.message)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from jobflow.errors import PluginError

if TYPE_CHECKING:
    from jobflow.browser.driver import Page
    from jobflow.clock import Clock
    from jobflow.config import Settings
    from jobflow.spec.models import SiteConfig

__all__ = ["StepContext", "StepOutputs", "StepParams", "StepType", "step"]


class StepParams(BaseModel):
    """Base of a step's ``with:`` model: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")


class StepOutputs(BaseModel):
    """Base of a step's outputs: JSON-serialisable fields that later steps read as ``steps.<id>.<field>``."""

    model_config = ConfigDict(extra="forbid")


P = TypeVar("P", bound=StepParams)
O = TypeVar("O", bound=StepOutputs)  # noqa: E741 - P/O read as params/outputs


@dataclass
class StepContext:
    """What a running step receives besides its params. Built by the engine for each attempt."""

    run_id: str
    step_id: str
    uses: str
    attempt: int
    log: Any
    """A structlog logger bound with run id, step and site."""
    secrets: Mapping[str, str]
    workflow_dir: Path
    settings: Settings
    clock: Clock
    iteration: int | None = None
    site_name: str | None = None
    site: SiteConfig | None = None
    store: Any = None
    """The store (``jobflow.store.Store``) when a database is configured."""
    extras: dict[str, Any] = field(default_factory=dict)
    """Services added by plugins (the browser pool adds ``browser``)."""

    @property
    def idempotency_key(self) -> str:
        """``run_id:attempt:step`` (``:iteration`` appended inside ``for_each``); stable across crashes."""
        key = f"{self.run_id}:{self.attempt}:{self.step_id}"
        return key if self.iteration is None else f"{key}:{self.iteration}"

    def page(self, site: str | None = None) -> AbstractAsyncContextManager[Page]:
        """Lease a page of ``site`` (default: the step's site) from the run's browser pool::

        async with ctx.page("linkedin") as page: ...
        """
        pool = self.extras.get("browser")
        if pool is None:
            raise PluginError(f"step {self.step_id!r} needs the browser, but no browser pool is available")
        name = site or self.site_name
        if name is None:
            raise PluginError(f"step {self.step_id!r} leases a page but names no site")
        lease: AbstractAsyncContextManager[Page] = pool.page(name)
        return lease

    def resolve_path(self, value: str | Path) -> Path:
        """A path from ``with:``, relative to the workflow file's directory."""
        path = Path(value).expanduser()
        return (path if path.is_absolute() else self.workflow_dir / path).resolve()


@dataclass(frozen=True)
class StepType(Generic[P, O]):
    """A registered step type. ``plugin`` is filled in by the registry."""

    name: str
    params: type[P]
    outputs: type[O]
    run: Callable[[StepContext, P], Awaitable[O]]
    description: str = ""
    site: str | None = None
    plugin: str = ""


def step(
    name: str, *, params: type[P], outputs: type[O], site: str | None = None
) -> Callable[[Callable[[StepContext, P], Awaitable[O]]], StepType[P, O]]:
    """Declare a step type from an ``async def run(ctx, params)``; its docstring becomes the description."""

    def wrap(func: Callable[[StepContext, P], Awaitable[O]]) -> StepType[P, O]:
        doc = (func.__doc__ or "").strip().splitlines()
        return StepType(
            name=name, params=params, outputs=outputs, run=func, description=doc[0] if doc else "", site=site
        )

    return wrap
