"""``jobflow run FILE``: load, validate and run one workflow now, recorded in the store.

Order of work: settings, logging, plugins, the workflow, its inputs; ``--dry-run`` stops here and prints
the plan (no database, no secret read). Otherwise the secrets are resolved, the store opened, the recorder
and the progress reporter registered, and the engine runs in a task that SIGINT and SIGTERM cancel: the run
is recorded ``cancelled``, the store closed, and the exit code is 130 for either signal.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from jobflow.cli.boot import boot
from jobflow.cli.output import dumps, duration_between, fmt_duration, print_error, state

if TYPE_CHECKING:
    from jobflow.cli.reporter import ProgressReporter
    from jobflow.config import Settings
    from jobflow.events import RunInfo, StepInfo
    from jobflow.plugins import Plugins
    from jobflow.redact import Redactor
    from jobflow.spec.models import Workflow

__all__ = ["run"]

SIGNALS = (signal.SIGINT, signal.SIGTERM)
INTERRUPTED = 130
"""Exit code of an interrupted run, for SIGINT and SIGTERM alike."""


def run(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", help="The workflow file.", exists=True, dir_okay=False, show_default=False)
    ],
    inputs: Annotated[
        list[str] | None,
        typer.Option("--input", "-i", metavar="NAME=VALUE", help="Set an input, overriding its default. Repeatable."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the plan and exit: nothing runs or is recorded, no secret is read.")
    ] = False,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print one JSON document at the end (progress goes to stderr).")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
) -> None:
    """Run a workflow now. Exit 0 when it succeeded, 1 when it failed, 2 on invalid input."""
    state.debug = state.debug or debug
    from jobflow.spec import load_workflow, parse_input_args, resolve_inputs

    overrides = parse_input_args(inputs or [])
    settings, plugins = boot()
    workflow = load_workflow(file, plugins)
    values = resolve_inputs(workflow, overrides)
    if dry_run:
        _print_plan(workflow, plugins, values, json_output)
        return

    from jobflow.cli.reporter import ProgressReporter
    from jobflow.redact import Redactor
    from jobflow.spec import resolve_secrets

    secrets = resolve_secrets(workflow, file.parent)
    redact = Redactor(secrets.values())
    reporter = ProgressReporter(
        sys.stderr if json_output else sys.stdout,
        steps=list(zip(workflow.step_ids(), [s.uses for s in workflow.steps], strict=True)),
    )
    import asyncio

    outcome = asyncio.run(_execute(settings, plugins, reporter, workflow, file.resolve(), values, secrets))
    raise typer.Exit(_finish(outcome, redact, json_output))


def _print_plan(workflow: Workflow, plugins: Plugins, values: dict[str, Any], json_output: bool) -> None:
    from jobflow.engine import build_plan

    plan = build_plan(workflow, plugins, values)
    typer.echo(dumps(plan.as_dict()) if json_output else plan.as_text())
    typer.echo("dry run: nothing ran, nothing was recorded, no secret was read", err=True)


@dataclass
class _Outcome:
    run: RunInfo | None
    steps: list[StepInfo] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)
    signal: int | None = None


async def _execute(
    settings: Settings,
    plugins: Plugins,
    reporter: ProgressReporter,
    workflow: Workflow,
    file: Path,
    values: dict[str, Any],
    secrets: dict[str, str],
) -> _Outcome:
    import asyncio

    from jobflow.engine import Engine
    from jobflow.store import RunRecorder, Store

    main = asyncio.current_task()
    assert main is not None
    received: list[int] = []
    phase = {"cancellable": True}

    def interrupted(signum: int) -> None:
        if received:  # a second Ctrl-C: the user will not wait for a clean stop
            print_error("interrupted twice: exiting at once; the run stays 'running' until it is found stale")
            os._exit(INTERRUPTED)
        received.append(signum)
        if phase["cancellable"]:
            typer.echo(f"\n{signal.Signals(signum).name}: cancelling the run (Ctrl-C again exits at once)", err=True)
            main.cancel()

    loop = asyncio.get_running_loop()
    for signum in SIGNALS:
        with contextlib.suppress(NotImplementedError):  # Windows: Ctrl-C raises KeyboardInterrupt instead
            loop.add_signal_handler(signum, interrupted, signum)
    store = None
    outcome = _Outcome(None)
    try:
        store = await Store.open(settings.effective_database_url)
        plugins.register(RunRecorder(store), "jobflow.recorder")
        plugins.register(reporter, "jobflow.reporter")
        engine = Engine(plugins, settings, store=store)
        result = await engine.run(workflow, path=file, inputs=values, secrets=secrets, trigger="manual")
        outcome = _Outcome(result.run, list(result.steps), dict(result.outputs))
    except asyncio.CancelledError:
        if not received:
            raise
        main.uncancel()
        outcome = _Outcome(reporter.run, list(reporter.steps))
    finally:
        phase["cancellable"] = False
        reporter.close()
        if store is not None:
            await store.close()
        for signum in SIGNALS:
            with contextlib.suppress(NotImplementedError):
                loop.remove_signal_handler(signum)
    outcome.signal = received[0] if received else None
    return outcome


FAILED = {"failed", "timed_out", "crashed"}


def _finish(outcome: _Outcome, redact: Redactor, json_output: bool) -> int:
    """Print the result (summary line or JSON document, then the failure) and return the exit code."""
    run = outcome.run
    succeeded = run is not None and run.status == "succeeded"
    code = INTERRUPTED if outcome.signal is not None else 0 if succeeded else 1
    if json_output:
        typer.echo(dumps(redact(json.loads(dumps(_document(outcome))))))
    if run is None:
        print_error("interrupted before the run started" if outcome.signal else "the run did not start")
        return code
    took = fmt_duration(duration_between(run.started_at, run.finished_at))
    word = "in" if run.status == "succeeded" else "after"
    # With --json, stdout holds the document alone; the summary joins the progress on stderr.
    typer.echo(redact.text(f"run {run.id} {run.status} {word} {took} ({run.workflow})"), err=json_output)
    if run.status in FAILED:
        print_error(redact.text(_failure(run, outcome.steps)))
    return code


def _failure(run: RunInfo, steps: list[StepInfo]) -> str:
    """The failing step and its error, or the run's own error."""
    for step in reversed(steps):
        if step.status in FAILED and step.will_retry_in is None:
            where = f"{step.step_id}[{step.iteration}]" if step.iteration is not None else step.step_id
            verb = "timed out" if step.status == "timed_out" else "failed"
            attempts = f" after {step.attempt} attempts" if step.attempt > 1 else ""
            error = ": ".join(part for part in (step.error_class, step.error_message) if part)
            return f"step {where} ({step.uses}) {verb}{attempts}: {error or 'no error message'}"
    error = ": ".join(part for part in (run.error_class, run.error_message) if part)
    return f"run {run.status}: {error or 'no error message'}"


def _document(outcome: _Outcome) -> dict[str, Any]:
    """The ``--json`` document: the run, every step attempt, and the outputs by step id."""
    run = outcome.run
    return {
        "run_id": run.id if run else None,
        "workflow": run.workflow if run else None,
        "status": run.status if run else "cancelled",
        "trigger": run.trigger if run else "manual",
        "started_at": run.started_at if run else None,
        "finished_at": run.finished_at if run else None,
        "duration": duration_between(run.started_at, run.finished_at) if run else None,
        "error": {"class": run.error_class, "message": run.error_message} if run and run.error_class else None,
        "inputs": run.inputs if run else {},
        "steps": outcome.steps,
        "outputs": outcome.outputs,
        "signal": signal.Signals(outcome.signal).name if outcome.signal else None,
    }
