"""``jobflow notifications [list|flush]``: the outbox, its failures, and delivering what is due without the daemon."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from jobflow.cli.boot import with_store
from jobflow.cli.output import JsonOption, console, dumps, fmt_time, table

if TYPE_CHECKING:
    from jobflow.store import Store

__all__ = ["app"]

STATES = ("pending", "sent", "failed")

app = typer.Typer(
    help="The notification outbox: list it (the default; `--state failed` shows what could not be delivered) "
    "or deliver what is due now (`flush`).",
    invoke_without_command=True,
    no_args_is_help=False,
)


@app.callback()
def notifications(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """List the newest notifications (`jobflow notifications list --help` for filters)."""
    if ctx.invoked_subcommand is None:
        list_notifications(json_output=json_output)


@app.command("list")
def list_notifications(
    state: Annotated[str | None, typer.Option("--state", "-s", help="Only pending, sent or failed ones.")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Show at most this many.")] = 50,
    json_output: JsonOption = False,
) -> None:
    """List notifications, newest first, with their delivery state and last error."""
    from jobflow.store.outbox import OutboxRepository

    if state is not None and state not in STATES:
        raise typer.BadParameter(f"{state!r} is not one of {', '.join(STATES)}", param_hint="--state")
    rows = with_store(lambda store: OutboxRepository(store).list(state=state, limit=limit))
    if json_output:
        typer.echo(dumps({"notifications": [row.as_dict() for row in rows]}))
        return
    if not rows:
        console().print("no notifications" + (f" {state}" if state else ""), markup=False)
        return
    console().print(
        table(
            ["created", "kind", "title", "channel", "state", "attempts", "delivered", "error"],
            (
                [
                    fmt_time(row.created_at),
                    row.kind,
                    row.title,
                    row.channel,
                    row.state,
                    row.attempts,
                    ", ".join(row.delivered) or "-",
                    row.last_error or "-",
                ]
                for row in rows
            ),
        )
    )


@app.command("flush")
def flush() -> None:
    """Deliver every notification that is due now (the daemon does this on its own), once."""
    from jobflow.cli.boot import boot
    from jobflow.clock import SystemClock
    from jobflow.notify.outbox import OutboxWorker

    settings, plugins = boot()

    async def work(store: Store) -> tuple[int, int]:
        worker = OutboxWorker(store, plugins, SystemClock(), settings=settings)
        sent = await worker.run_once()
        return sent, len(await worker.repo.list(state="pending", limit=1000))

    sent, pending = with_store(work)
    typer.echo(
        f"{sent} sent, {pending} pending" + (" (see `jobflow notifications --state pending`)" if pending else "")
    )
