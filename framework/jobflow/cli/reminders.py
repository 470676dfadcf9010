"""``jobflow reminders [list|add|cancel]``: follow-ups, status checks and interview preparation, per application.

A reminder's id is ``reminder:<application id>:<type>``: adding it twice keeps the first (``--replace``
reschedules it). The daemon fires each at its time, exactly once, through the notification channels.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from jobflow.cli.boot import with_store
from jobflow.cli.output import JsonOption, console, dumps, fmt_time, print_rows

if TYPE_CHECKING:
    from jobflow.store import Store
    from jobflow.store.reminders import ReminderRow

__all__ = ["app"]

app = typer.Typer(
    help="Reminders of applications: list the pending ones (the default), add one, cancel one.",
    invoke_without_command=True,
    no_args_is_help=False,
)

TYPES_HELP = "follow_up, check_status or interview_prep"


def _due(after: str | None, at: str | None) -> datetime:
    from jobflow.spec.durations import parse_duration

    if (after is None) == (at is None):
        raise typer.BadParameter(
            "give exactly one of --in (a duration such as 7d) and --at (a time)", param_hint="--in"
        )
    now = datetime.now().astimezone()
    if after is not None:
        try:
            return now + parse_duration(after)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--in") from exc
    assert at is not None
    try:
        when = datetime.fromisoformat(at)
    except ValueError as exc:
        raise typer.BadParameter(f"{at!r} is not an ISO 8601 time such as 2026-05-04T09:00", param_hint="--at") from exc
    return when if when.utcoffset() is not None else when.astimezone()  # no zone: local time


REMINDER_COLUMNS: list[tuple[str, Callable[[ReminderRow], object]]] = [
    ("id", lambda row: row.id),
    ("application", lambda row: row.application_id),
    ("type", lambda row: row.type),
    ("due", lambda row: fmt_time(row.due_at)),
    ("state", lambda row: row.state),
    ("retries", lambda row: row.retry_count),
    ("note", lambda row: row.note or "-"),
]


@app.callback()
def reminders(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """List pending reminders (`jobflow reminders list --help` for filters)."""
    if ctx.invoked_subcommand is None:
        list_reminders_cmd(json_output=json_output)


@app.command("list")
def list_reminders_cmd(
    state: Annotated[
        str | None,
        typer.Option("--state", "-s", help="Only this state: scheduled, missed, fired, cancelled or failed."),
    ] = None,
    all_states: Annotated[bool, typer.Option("--all", "-a", help="Every reminder, not only pending ones.")] = False,
    application: Annotated[str | None, typer.Option("--application", help="Only this application's.")] = None,
    json_output: JsonOption = False,
) -> None:
    """List reminders by due time: pending ones (scheduled, or missed and rescheduled) unless told otherwise."""
    from jobflow.applications import PENDING_REMINDER_STATES, REMINDER_STATES, application_ref
    from jobflow.reminders import list_reminders

    if state is not None and state not in REMINDER_STATES:
        raise typer.BadParameter(f"{state!r} is not one of {', '.join(REMINDER_STATES)}", param_hint="--state")
    try:
        app_id = application_ref(application) if application is not None else None
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--application") from exc
    states = [state] if state is not None else (None if all_states else list(PENDING_REMINDER_STATES))
    rows = with_store(lambda store: list_reminders(store, state=states, application_id=app_id))
    if json_output:
        typer.echo(dumps({"reminders": [row.as_dict() for row in rows]}))
    elif not rows:
        console().print("no reminders match", markup=False)
    else:
        print_rows(REMINDER_COLUMNS, rows)


@app.command("add", no_args_is_help=True)
def add(
    application: Annotated[str, typer.Argument(metavar="APPLICATION_ID", help="The application's id.")],
    type_: Annotated[str, typer.Option("--type", "-t", help=f"One of {TYPES_HELP}.")] = "follow_up",
    after: Annotated[str | None, typer.Option("--in", help="Due this long from now, e.g. 7d, 36h.")] = None,
    at: Annotated[
        str | None, typer.Option("--at", help="Due at this ISO 8601 time (local time without a zone).")
    ] = None,
    note: Annotated[str, typer.Option("--note", help="Text of the reminder.")] = "",
    replace: Annotated[bool, typer.Option("--replace", help="Reschedule the reminder if it exists.")] = False,
    json_output: JsonOption = False,
) -> None:
    """Add a reminder to an application; adding the same type twice keeps the first unless --replace."""
    from jobflow.applications import REMINDER_TYPES
    from jobflow.errors import NotFound
    from jobflow.reminders import add_reminder, get_reminder

    if type_ not in REMINDER_TYPES:
        raise typer.BadParameter(f"{type_!r} is not one of {', '.join(REMINDER_TYPES)}", param_hint="--type")
    due = _due(after, at)

    async def work(store: Store) -> ReminderRow | None:
        rid = await add_reminder(
            store, application_id=application, type=type_, due_at=due, note=note, created_by="cli", replace=replace
        )
        return await get_reminder(store, rid)

    row = with_store(work)
    if row is None:  # pragma: no cover - deleted with its application in between
        raise NotFound(f"application {application} and its reminders are gone")
    kept = abs((row.due_at - due).total_seconds()) > 1e-3
    if json_output:
        typer.echo(dumps(row.as_dict()))
        return
    if kept:
        typer.echo(
            f"reminder {row.id} exists already ({row.state}, due {fmt_time(row.due_at)}); --replace reschedules it"
        )
    else:
        typer.echo(f"reminder {row.id} {row.state}, due {fmt_time(row.due_at)}")


@app.command("cancel", no_args_is_help=True)
def cancel(
    reminder: Annotated[str, typer.Argument(metavar="ID", help="The reminder's id, e.g. reminder:3:follow_up.")],
) -> None:
    """Cancel a pending reminder: it will not fire."""
    from jobflow.errors import JobflowError, NotFound
    from jobflow.reminders import cancel_reminder, get_reminder

    async def work(store: Store) -> tuple[bool, ReminderRow | None]:
        done = await cancel_reminder(store, reminder)
        return done, await get_reminder(store, reminder)

    done, row = with_store(work)
    if row is None:
        raise NotFound(f"no reminder has id {reminder!r} (see `jobflow reminders list --all`)")
    if done or row.state == "cancelled":
        typer.echo(f"reminder {row.id} cancelled" if done else f"reminder {row.id} was already cancelled")
        return
    raise JobflowError(f"cannot cancel reminder {row.id}: it is {row.state} already")
