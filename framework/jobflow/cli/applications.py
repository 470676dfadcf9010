"""``jobflow applications [list|add|set|show]``: the jobs applied to, their status and its dated history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from jobflow.cli.boot import with_store
from jobflow.cli.output import JsonOption, console, dumps, fmt_time, print_rows, table

if TYPE_CHECKING:
    from jobflow.store import Store
    from jobflow.store.applications import ApplicationRow

__all__ = ["app"]

app = typer.Typer(
    help="Applications: list them (the default), add one, change a status (`set`), show one with its history.",
    invoke_without_command=True,
    no_args_is_help=False,
)

STATUS_HELP = "planned, ready, applied, interviewing, offer, rejected or withdrawn"


def _status(value: str | None, option: str = "--status") -> str | None:
    from jobflow.applications import APPLICATION_STATUSES

    if value is not None and value not in APPLICATION_STATUSES:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(APPLICATION_STATUSES)}", param_hint=option)
    return value


def _app_id(value: str) -> int:
    from jobflow.applications import application_ref

    try:
        return application_ref(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="ID") from exc


APPLICATION_COLUMNS: list[tuple[str, Callable[[ApplicationRow], object]]] = [
    ("id", lambda row: row.id),
    ("status", lambda row: row.status),
    ("title", lambda row: row.title),
    ("company", lambda row: row.company or "-"),
    ("site", lambda row: row.site or "-"),
    ("applied", lambda row: fmt_time(row.applied_at)),
    ("updated", lambda row: fmt_time(row.updated_at)),
]


@app.callback()
def applications(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """List applications (`jobflow applications list --help` for filters)."""
    if ctx.invoked_subcommand is None:
        list_applications(json_output=json_output)


@app.command("list")
def list_applications(
    status: Annotated[str | None, typer.Option("--status", "-s", help=f"Only this status: {STATUS_HELP}.")] = None,
    site: Annotated[str | None, typer.Option("--site", help="Only applications on this site.")] = None,
    company: Annotated[str | None, typer.Option("--company", help="Only companies whose name contains this.")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Show at most this many.")] = 100,
    json_output: JsonOption = False,
) -> None:
    """List applications, most recently updated first."""
    from jobflow.store.applications import ApplicationRepository

    _status(status)
    rows = with_store(
        lambda store: ApplicationRepository(store).list(status=status, site=site, company=company, limit=limit)
    )
    if json_output:
        typer.echo(dumps({"applications": [row.as_dict() for row in rows]}))
    elif not rows:
        filtered = any(value is not None for value in (status, site, company))
        message = (
            "no applications match" if filtered else "no applications yet: add one with `jobflow applications add`"
        )
        console().print(message, markup=False)
    else:
        print_rows(APPLICATION_COLUMNS, rows)


@app.command("add")
def add(
    title: Annotated[str, typer.Option("--title", help="The job's title.", show_default=False)],
    company: Annotated[str | None, typer.Option("--company", help="The employer.")] = None,
    url: Annotated[str | None, typer.Option("--url", help="The posting's address.")] = None,
    site: Annotated[str | None, typer.Option("--site", help="The job site (linkedin, indeed, ...).")] = None,
    job_id: Annotated[str | None, typer.Option("--job-id", help="The site's own id of the posting.")] = None,
    status: Annotated[str, typer.Option("--status", help=f"One of {STATUS_HELP}.")] = "planned",
    notes: Annotated[str, typer.Option("--notes", help="Free text kept with the application.")] = "",
    json_output: JsonOption = False,
) -> None:
    """Add an application by hand; prints its id."""
    from jobflow.store.applications import ApplicationRepository

    _status(status)
    row = with_store(
        lambda store: ApplicationRepository(store).add(
            title=title, company=company, url=url, site=site, site_job_id=job_id, status=status, notes=notes
        )
    )
    if json_output:
        typer.echo(dumps(row.as_dict()))
        return
    where = f" at {row.company}" if row.company else ""
    typer.echo(f"application {row.id} added ({row.status}): {row.title}{where}")


@app.command("set", no_args_is_help=True)
def set_status(
    application_id: Annotated[str, typer.Argument(metavar="ID", help="The application's id.")],
    status: Annotated[str | None, typer.Option("--status", "-s", help=f"The new status: {STATUS_HELP}.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note for the history entry.")] = None,
    json_output: JsonOption = False,
) -> None:
    """Change an application's status and/or add a note; every change is kept, dated, in its history."""
    from jobflow.store.applications import ApplicationRepository

    number = _app_id(application_id)
    if status is None and note is None:
        raise typer.BadParameter("give --status, --note or both", param_hint="--status/--note")
    _status(status)
    row = with_store(lambda store: ApplicationRepository(store).set_status(number, status=status, note=note))
    if json_output:
        typer.echo(dumps(row.as_dict()))
        return
    typer.echo(f"application {row.id} is {row.status}" + (f" (note: {note})" if note else ""))


@app.command("show", no_args_is_help=True)
def show(
    application_id: Annotated[str, typer.Argument(metavar="ID", help="The application's id.")],
    json_output: JsonOption = False,
) -> None:
    """Show one application: its fields, status history and reminders."""
    from jobflow.errors import NotFound
    from jobflow.reminders import list_reminders
    from jobflow.store.applications import ApplicationRepository

    number = _app_id(application_id)

    async def load(store: Store) -> tuple[ApplicationRow | None, list[dict[str, object]]]:
        row = await ApplicationRepository(store).get(number)
        reminders = await list_reminders(store, application_id=number) if row is not None else []
        return row, [r.as_dict() for r in reminders]

    row, reminders = with_store(load)
    if row is None:
        raise NotFound(f"no application has id {number} (see `jobflow applications`)")
    if json_output:
        typer.echo(dumps({**row.as_dict(), "reminders": reminders}))
        return
    out = console()
    out.print(f"application {row.id}  {row.status}", markup=False)
    for name, value in (
        ("title", row.title),
        ("company", row.company or "-"),
        ("posting", " ".join(p for p in (row.site, row.site_job_id, row.url) if p) or "-"),
        ("applied", fmt_time(row.applied_at)),
        ("notes", row.notes or "-"),
    ):
        out.print(f"  {name:<9}{value}", markup=False)
    history = ([fmt_time(datetime.fromisoformat(e["at"])), e["status"], e.get("note") or "-"] for e in row.history)
    out.print(table(["when", "status", "note"], history))
    if reminders:
        due = ([r["id"], fmt_time(datetime.fromisoformat(str(r["due_at"]))), r["state"]] for r in reminders)
        out.print(table(["reminder", "due", "state"], due))
