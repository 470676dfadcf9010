"""``jobflow status``: the scheduler (owner, lease), next fire times, running, missed, crashed and
set-aside jobs, and notifications not delivered; ``--json`` prints the same as one document."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from jobflow.cli.boot import settings
from jobflow.cli.output import console, dumps, table

__all__ = ["status"]


def status(
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Schedules shown at most.")] = 30,
) -> None:
    """Show the scheduler: who runs it, what fires next, and what is running, missed, crashed or set aside."""
    import asyncio

    from jobflow.scheduler.status import gather
    from jobflow.store import Store

    url = settings().effective_database_url

    async def main() -> dict[str, Any]:
        store = await Store.open(url)
        try:
            return await gather(store)
        finally:
            await store.close()

    document = asyncio.run(main())
    if json_output:
        typer.echo(dumps(document))
        return
    _render(document, limit)


def _render(doc: dict[str, Any], limit: int) -> None:
    out = console()
    lead = doc["scheduler"]
    if lead is None:
        out.print("scheduler: none active (start one with `jobflow daemon`)")
    else:
        state = "active" if lead["active"] else "stale (its lease expired or its process is gone)"
        out.print(f"scheduler: {lead['owner']} - {state}, lease until {lead['lease_until']}")
    counts = ", ".join(f"{n} {s}" for s, n in doc["counts"].items()) or "none yet"
    out.print(f"occurrences: {counts}")
    schedules = [(s["id"], s["next_fire_time"], s["state"], s["overlap"]) for s in doc["schedules"][:limit]]
    _show(out, "schedules", ("schedule", "next fire time (UTC)", "state", "overlap"), schedules, always=True)
    running = [(r["id"], r["state"], r["run_id"], r["owner"], r["heartbeat_at"]) for r in doc["running"]]
    _show(out, "running", ("occurrence", "state", "run", "owner", "heartbeat"), running)
    sections = (
        ("missed", doc["missed"]["recent"]),
        ("crashed", doc["crashed"]),
        ("coalesced", doc["coalesced"]),
        ("skipped", doc["skipped"]),
    )
    for title, events in sections:
        rows = [(e["at"], e["occurrence_id"] or e["schedule_id"], e["message"]) for e in events]
        _show(out, title, ("when", "occurrence", "decision"), rows)
    retrying = [(o["id"], o["missed_count"], o["not_before"]) for o in doc["missed"]["retrying"]]
    _show(out, "missed, will retry", ("occurrence", "missed", "retry at"), retrying)
    aside = [(j["job_id"], j["reason"], j["first_seen"]) for j in doc["set_aside"]]
    _show(out, "set aside (kept, not run)", ("job", "why it cannot be loaded", "since"), aside)
    notes = doc["notifications"]
    out.print(f"notifications: {', '.join(f'{n} {s}' for s, n in notes['counts'].items()) or 'none yet'}")
    undelivered = [
        (n["created_at"], n["kind"], n["state"], n["attempts"], _retry_at(n), n["last_error"])
        for n in notes["undelivered"]
    ]
    columns = ("created", "kind", "state", "attempts", "next attempt", "last error")
    _show(out, "notifications not delivered (`jobflow notifications`)", columns, undelivered)


def _retry_at(notification: dict[str, Any]) -> str | None:
    """When a pending notification is tried next (a given-up one never is)."""
    when: str | None = notification["next_attempt_at"] if notification["state"] == "pending" else None
    return when


def _show(out: Any, title: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]], *, always: bool = False) -> None:
    if rows or always:
        cells = [tuple("-" if cell is None else cell for cell in row) for row in rows]
        out.print(table(columns, cells, title=title))
