"""``jobflow runs`` (recent runs) and ``jobflow runs show ID`` (one run and its step attempts)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from jobflow.cli.boot import with_store
from jobflow.cli.output import JsonOption, console, dumps, fmt_duration, fmt_time, status_text, table

if TYPE_CHECKING:
    from jobflow.store.rows import RunDetail

__all__ = ["app"]

app = typer.Typer(
    help="Recent runs, and the steps of one run (`jobflow runs show ID`).",
    invoke_without_command=True,
    no_args_is_help=False,
)


def _error(error_class: str | None, message: str | None, width: int = 80) -> str:
    text = ": ".join(part for part in (error_class, message) if part)
    return text if len(text) <= width else text[: width - 1] + "…"


@app.callback()
def runs(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Show at most this many runs.")] = 20,
    workflow: Annotated[str | None, typer.Option("--workflow", "-w", help="Only runs of this workflow.")] = None,
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            "-s",
            help="Only runs with this status: succeeded, failed, running, cancelled, timed_out, crashed, ...",
        ),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """List recent runs, newest first."""
    if ctx.invoked_subcommand is not None:
        return
    from typing import get_args

    from jobflow.events import RunStatus

    if status is not None and status not in get_args(RunStatus):
        raise typer.BadParameter(f"{status!r} is not one of {', '.join(get_args(RunStatus))}", param_hint="--status")
    rows = with_store(lambda store: store.runs.list(limit=limit, workflow=workflow, status=status))
    if json_output:
        typer.echo(dumps({"runs": [row.as_dict() for row in rows]}))
        return
    out = console()
    if not rows:
        filtered = workflow is not None or status is not None
        out.print("no runs match" if filtered else "no runs yet: start one with `jobflow run FILE`", markup=False)
        return
    out.print(
        table(
            ["id", "workflow", "status", "trigger", "started", "duration", "error"],
            (
                [
                    row.id,
                    row.workflow,
                    status_text(row.status),
                    row.trigger,
                    fmt_time(row.started_at or row.created_at),
                    fmt_duration(row.duration),
                    _error(row.error_class, row.error_message, 60) or "-",
                ]
                for row in rows
            ),
        )
    )


@app.command("show", no_args_is_help=True)
def show(
    run_id: Annotated[str, typer.Argument(metavar="ID", help="A run id, or a unique prefix of one.")],
    json_output: JsonOption = False,
) -> None:
    """Show one run: its header, every step attempt (status, duration, error, outputs) and failure evidence."""
    from jobflow.errors import NotFound

    detail = with_store(lambda store: store.runs.get(run_id))
    if detail is None:
        raise NotFound(f"no run has an id starting with {run_id!r} (see `jobflow runs`)")
    if json_output:
        typer.echo(dumps(detail.as_dict()))
        return
    _print_detail(detail)


def _summary(outputs: dict[str, Any] | None, width: int = 60) -> str:
    if not outputs:
        return "-"
    text = ", ".join(f"{key}={json.dumps(value, default=str, ensure_ascii=False)}" for key, value in outputs.items())
    return text if len(text) <= width else text[: width - 1] + "…"


def _print_detail(detail: RunDetail) -> None:
    from rich.text import Text

    run = detail.run
    out = console()
    header = Text.assemble(("run ", "bold"), (run.id, "bold"), "  ", status_text(run.status))
    out.print(header)
    fields = [
        ("workflow", f"{run.workflow} ({run.path})" if run.path else run.workflow),
        ("trigger", run.trigger + (f" (attempt {run.attempt})" if run.attempt > 1 else "")),
        ("started", fmt_time(run.started_at)),
        ("finished", f"{fmt_time(run.finished_at)} ({fmt_duration(run.duration)})" if run.finished_at else "-"),
        ("inputs", ", ".join(f"{k}={v}" for k, v in run.inputs.items()) or "-"),
    ]
    if run.error_class or run.error_message:
        fields.append(("error", _error(run.error_class, run.error_message, 200)))
    for name, value in fields:
        out.print(Text.assemble((f"  {name:<9}", "dim"), value))
    if not detail.steps:
        out.print("\nno step started", markup=False)
        return
    out.print()
    out.print(
        table(
            ["step", "uses", "attempt", "status", "started", "duration", "error", "outputs"],
            (
                [
                    step.step_id if step.iteration is None else f"{step.step_id}[{step.iteration}]",
                    step.uses,
                    step.attempt,
                    status_text(step.status),
                    fmt_time(step.started_at, seconds_only=True),
                    fmt_duration(step.duration),
                    _error(step.error_class, step.error_message, 60)
                    + (f" (retried after {fmt_duration(step.will_retry_in)})" if step.will_retry_in else "")
                    or "-",
                    _summary(step.outputs),
                ]
                for step in detail.steps
            ),
        )
    )
    _print_artifacts(detail)


def _print_artifacts(detail: RunDetail) -> None:
    """The failure evidence (screenshot, HTML, trace) of each attempt that saved some, one path a line."""
    from rich.text import Text

    failed = [step for step in detail.steps if step.artifacts]
    if not failed:
        return
    out = console()
    out.print()
    out.print(Text("artifacts", style="bold"))
    for step in failed:
        name = step.step_id if step.iteration is None else f"{step.step_id}[{step.iteration}]"
        out.print(Text.assemble("  ", (f"{name} attempt {step.attempt}", "dim")))
        for path in step.artifacts:
            out.print(Text(f"    {path}"), soft_wrap=True)
