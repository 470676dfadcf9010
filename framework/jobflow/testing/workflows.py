"""Running a workflow in a test the way ``jobflow run`` does: loaded, validated, run by the engine with
its browser pool, optionally recorded in a store. For plugin authors' tests as much as jobflow's own::

    result = await run_workflow(path, settings=settings, clock=FakeClock(sites.now))
    assert result.ok, result.run.error_message
    postings = result.outputs["search"]["postings"]
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jobflow.clock import Clock
    from jobflow.config import Settings
    from jobflow.engine import RunResult
    from jobflow.plugins import Plugins

__all__ = ["run_workflow", "step_error"]


async def run_workflow(
    path: Path,
    *,
    settings: Settings,
    plugins: Plugins | None = None,
    clock: Clock | None = None,
    store: Any = None,
    inputs: Mapping[str, str] | None = None,
) -> RunResult:
    """Load, validate and run the workflow at ``path``; returns the engine's result (never raises for a
    failed step). ``plugins`` defaults to every installed plugin; secrets come from the environment."""
    from jobflow.engine import Engine
    from jobflow.plugins import build_plugins
    from jobflow.spec import load_workflow, resolve_inputs, resolve_secrets

    plugins = plugins or build_plugins()
    workflow = load_workflow(path, plugins)
    values = resolve_inputs(workflow, dict(inputs or {}))
    secrets = resolve_secrets(workflow, path.parent)
    engine = Engine(plugins, settings, clock=clock, store=store)
    return await engine.run(workflow, path=path, inputs=values, secrets=secrets)


def step_error(result: RunResult, step_id: str) -> tuple[str | None, str | None]:
    """``(error class, message)`` of the last attempt of ``step_id`` (``(None, None)`` if it succeeded)."""
    attempts = [s for s in result.steps if s.step_id == step_id]
    if not attempts:
        raise KeyError(f"step {step_id!r} did not run")
    last = attempts[-1]
    return last.error_class, last.error_message
