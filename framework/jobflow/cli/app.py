"""The ``jobflow`` command: the root typer app, its global options, and ``main`` (the console script).

Exit codes are stable: 0 ok, 1 the run failed (or an unexpected error), 2 invalid input (a bad option,
an invalid workflow, a missing secret: any :class:`jobflow.errors.JobflowError` with ``exit_code`` 2),
130 interrupted by SIGINT or SIGTERM. Every ``JobflowError`` is printed as one ``error: ...`` line on
stderr; tracebacks only with ``--debug`` or ``JOBFLOW_DEBUG=1``.

Nothing heavy is imported here: each command imports what it needs when it runs, so ``jobflow --help``
starts fast. Plugin commands (the ``register_commands`` hook) are added only when the command typed is
not a built-in one.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Annotated

import typer

from jobflow.cli import applications, check, daemon, doctor, jobs, plugin_list, reminders, runs, status
from jobflow.cli import notifications as notifications_cmd
from jobflow.cli import questions as questions_cmd
from jobflow.cli import run as run_cmd
from jobflow.cli.output import plural, print_error, state

__all__ = ["app", "main"]

app = typer.Typer(
    name="jobflow",
    help="Run declarative YAML job-search workflows in a real browser, on demand or on a schedule.",
    epilog=(
        "Exit codes: 0 ok, 1 the run failed, 2 invalid input, 130 interrupted. `jobflow doctor` checks this machine;"
        " `jobflow plugins` lists the plugins, which can add commands of their own."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from jobflow import __version__

        typer.echo(f"jobflow {__version__} (Python {sys.version.split()[0]})")
        raise typer.Exit()


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors (also JOBFLOW_DEBUG=1).")] = False,
    version: Annotated[
        bool,
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    """Run declarative YAML job-search workflows in a real browser, on demand or on a schedule."""
    state.debug = state.debug or debug


app.command("run", no_args_is_help=True)(run_cmd.run)
app.command("validate", no_args_is_help=True)(check.validate)
app.command("schema")(check.schema)
app.command("plugins")(plugin_list.plugins)
app.add_typer(runs.app, name="runs")
app.command("jobs")(jobs.jobs)
app.add_typer(applications.app, name="applications")
app.add_typer(reminders.app, name="reminders")
app.add_typer(notifications_cmd.app, name="notifications")
app.add_typer(questions_cmd.app, name="questions")
app.command("doctor")(doctor.doctor)
app.command("daemon")(daemon.daemon)
app.command("status")(status.status)


def builtin_commands() -> set[str]:
    """Names of the commands jobflow itself defines (plugin commands are everything else)."""
    names = {c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands}
    return names | {g.name for g in app.registered_groups if g.name}


def _typed_command(args: Sequence[str]) -> str | None:
    for arg in args:
        if arg == "--":
            return None
        if not arg.startswith("-"):
            return arg
    return None


def _add_plugin_commands() -> None:
    from jobflow.cli.boot import boot

    _, plugins = boot()
    plugins.register_commands(app)


def _report(exc: BaseException) -> int:
    """Print ``exc`` for people and return the exit code."""
    from jobflow.errors import JobflowError, WorkflowInvalid

    if state.debug:
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    if isinstance(exc, WorkflowInvalid):
        for problem in exc.problems:
            typer.echo(str(problem), err=True)
        files = len({p.file for p in exc.problems})
        print_error(f"workflow is invalid: {plural(len(exc.problems), 'problem')} in {plural(files, 'file')}")
        return exc.exit_code
    if isinstance(exc, JobflowError):
        print_error(str(exc) or type(exc).__name__)
        return exc.exit_code
    print_error(f"unexpected {type(exc).__name__}: {exc}")
    if not state.debug:
        typer.echo("run with --debug for the traceback", err=True)
    return 1


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point: parse ``argv``, run the command, exit with its code."""
    args = list(sys.argv[1:] if argv is None else argv)
    options = args[: args.index("--")] if "--" in args else args
    state.debug = state.debug or "--debug" in options
    try:
        command = _typed_command(args)
        if command is not None and command not in builtin_commands():
            _add_plugin_commands()
        typer.main.get_command(app).main(args=args, prog_name="jobflow", standalone_mode=True)
    except Exception as exc:  # SystemExit (the normal way out) passes through
        sys.exit(_report(exc))
