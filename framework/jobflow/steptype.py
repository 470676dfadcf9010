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

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from jobflow.errors import PluginError

if TYPE_CHECKING:
    from jobflow.browser.driver import APIRequestContext, Page
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
    plugins: Any = None
    """The run's plugins (``jobflow.plugins.Plugins``): core steps reach notifier types through it."""
    extras: dict[str, Any] = field(default_factory=dict)
    """Services added by the engine and plugins: ``browser`` (the run's pool), ``wait`` (the effective wait)."""
    artifacts: list[str] = field(default_factory=list)
    """Files saved as evidence of this attempt's failure (screenshot, HTML, trace), linked from its record."""
    last_page: Page | None = field(default=None, repr=False)
    """The page this attempt leased last (the engine captures it when the step fails after releasing it)."""
    attempt_base: int = 0
    """Step attempts recorded for this run before this run attempt began (a retried run numbers its step
    attempts after them): ``attempt - attempt_base`` is the try within this run attempt."""

    @property
    def idempotency_key(self) -> str:
        """``run_id:try:step`` (``:iteration`` appended inside ``for_each``), where ``try`` is the attempt
        within this run attempt: stable across crashes, as a retried run repeats the same tries."""
        key = f"{self.run_id}:{self.attempt - self.attempt_base}:{self.step_id}"
        return key if self.iteration is None else f"{key}:{self.iteration}"

    def _pool(self, site: str | None, what: str) -> tuple[Any, str]:
        pool = self.extras.get("browser")
        if pool is None:
            raise PluginError(f"step {self.step_id!r} needs the browser, but no browser pool is available")
        name = site or self.site_name
        if name is None:
            raise PluginError(f"step {self.step_id!r} leases {what} but names no site")
        return pool, name

    def page(self, site: str | None = None) -> AbstractAsyncContextManager[Page]:
        """Lease a page of ``site`` (default: the step's site) from the run's browser pool::

            async with ctx.page("linkedin") as page: ...

        An error raised while the page is held saves a screenshot and the HTML as this attempt's evidence.
        """
        pool, name = self._pool(site, "a page")
        return self._page_lease(pool, name)

    @asynccontextmanager
    async def _page_lease(self, pool: Any, name: str) -> AsyncIterator[Page]:
        async with pool.page(name, evidence=self) as page:
            self.last_page = page
            yield page

    def request(self, site: str | None = None) -> AbstractAsyncContextManager[APIRequestContext]:
        """Lease the HTTP client of ``site``'s browser context (same cookies, headers, identity and rate)::

            async with ctx.request() as http:
                response = await http.get(url)

        The lease takes one rate token; call ``await ctx.extras["browser"].throttle(site)`` before each
        further request inside it. An error raised while the client is held saves the last answer it got
        (read through :mod:`jobflow.browser.fetch`) as this attempt's evidence.
        """
        pool, name = self._pool(site, "an HTTP client")
        lease: AbstractAsyncContextManager[APIRequestContext] = pool.request(name, evidence=self)
        return lease

    @property
    def artifacts_dir(self) -> Path:
        """``JOBFLOW_HOME/artifacts/<run>/<step>[-<iteration>]/attempt-<n>/``: this attempt's evidence."""
        step = self.step_id if self.iteration is None else f"{self.step_id}-{self.iteration}"
        return self.settings.home / "artifacts" / self.run_id / step / f"attempt-{self.attempt}"

    def add_artifacts(self, paths: list[Path]) -> None:
        """Link evidence files from this attempt's record (each once)."""
        for path in paths:
            if str(path) not in self.artifacts:
                self.artifacts.append(str(path))

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
