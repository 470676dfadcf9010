"""The seam between deciding *when* a run happens and *doing* it (DESIGN.md "Growing past one machine").

The scheduler and the CLI hand a :class:`RunRequest` (plain JSON data: a path, inputs, ids) to an
:class:`Executor`. :class:`InProcessExecutor` runs it here with an :class:`~jobflow.engine.Engine`; a
distributed executor (a Celery or Dramatiq task on Redis, a PostgreSQL store shared by the workers) would
serialise the same request with :meth:`RunRequest.to_json`, and a worker would rebuild it with
:meth:`RunRequest.from_json` and call an ``InProcessExecutor`` of its own. Everything a run needs besides
the request (plugins, settings, secrets from the environment) is resolved where it runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from .runner import Engine, RunResult

__all__ = ["Executor", "InProcessExecutor", "RunRequest"]


@dataclass(frozen=True)
class RunRequest:
    """One run to execute. Every field is JSON data, so a request can cross a process boundary."""

    workflow_path: str
    inputs: dict[str, Any] = field(default_factory=dict)
    """Typed input values (``--input`` strings are coerced before); declared defaults fill the rest."""
    trigger: str = "manual"
    run_id: str | None = None
    attempt: int = 1
    occurrence_id: str | None = None
    step_attempt_base: int | None = None
    """Number this attempt's step attempts after this one; ``None``: after those the store recorded."""

    def to_json(self) -> dict[str, Any]:
        """The request as a JSON-serialisable dict."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunRequest:
        """The request back from :meth:`to_json`'s output."""
        return cls(**data)


class Executor(Protocol):
    """Executes runs. Implementations: :class:`InProcessExecutor`; later a task-queue executor."""

    async def submit(self, request: RunRequest) -> RunResult:
        """Execute ``request`` and return its result once the run has finished (and been recorded).

        Raises ``WorkflowInvalid`` / ``SecretError`` / ``ConfigError`` when the run cannot start, and
        ``asyncio.CancelledError`` (after recording the run ``cancelled``) when cancelled.
        """
        ...


class InProcessExecutor:
    """Runs each request in this process and event loop with an engine from ``engine_factory``."""

    def __init__(self, engine_factory: Callable[[], Engine]) -> None:
        self._engine_factory = engine_factory

    async def submit(self, request: RunRequest) -> RunResult:
        """Load and validate the workflow, resolve its secrets, and run it."""
        from jobflow.spec import load_workflow, resolve_secrets

        engine = self._engine_factory()
        path = Path(request.workflow_path)
        workflow = load_workflow(path, engine.plugins)
        secrets = resolve_secrets(workflow, path.parent)
        return await engine.run(
            workflow,
            path=path,
            inputs=dict(request.inputs),
            secrets=secrets,
            trigger=request.trigger,
            run_id=request.run_id,
            attempt=request.attempt,
            occurrence_id=request.occurrence_id,
            step_attempt_base=request.step_attempt_base,
        )
