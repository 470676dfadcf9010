"""``jobflow jobs``: the job postings searches saved (``jobs.save``), newest first, as a table or JSON."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from jobflow.cli.boot import settings
from jobflow.cli.output import console, dumps, fmt_time, table

if TYPE_CHECKING:
    from jobflow.store.postings import SavedPosting

__all__ = ["jobs", "parse_since"]


def parse_since(value: str, now: datetime) -> datetime:
    """``--since``: a duration back from ``now`` (``7d``, ``12h``) or an ISO date or time (UTC if naive)."""
    from jobflow.spec.durations import parse_duration

    text = value.strip()
    try:
        return now - parse_duration(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise typer.BadParameter(
            f"{value!r} is neither a duration (7d, 12h) nor a date (2026-03-01)", param_hint="--since"
        ) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _salary(row: SavedPosting) -> str:
    from jobflow.postings.model import JobPosting
    from jobflow.postings.table import salary_text

    try:
        return salary_text(JobPosting.model_validate(row.posting))
    except ValueError:
        return ""


def jobs(
    site: Annotated[
        str | None, typer.Option("--site", help="Only postings of this site (linkedin, indeed, ...).")
    ] = None,
    search: Annotated[
        str | None,
        typer.Option("--search", "-q", help="Words that must all appear in the title, company or location."),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="First seen within this duration (7d, 12h) or since this date.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Show at most this many postings.")] = 50,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """List saved job postings, most recently found first."""
    import asyncio

    from jobflow.store import Store
    from jobflow.store.postings import PostingRepository

    url = settings().effective_database_url
    after = parse_since(since, datetime.now(UTC)) if since else None

    async def main() -> list[SavedPosting]:
        store = await Store.open(url)
        try:
            return await PostingRepository(store).list(site=site, text=search, since=after, limit=limit)
        finally:
            await store.close()

    rows = asyncio.run(main())
    if json_output:
        typer.echo(dumps({"postings": [row.as_dict() for row in rows]}))
        return
    out = console()
    if not rows:
        filtered = site is not None or search is not None or since is not None
        out.print("no postings match" if filtered else "no postings yet: save some with `jobs.save`", markup=False)
        return
    out.print(
        table(
            ["id", "site", "title", "company", "location", "salary", "posted", "first seen"],
            (
                [
                    row.site_job_id,
                    row.site,
                    row.title,
                    row.company or "-",
                    row.location or "-",
                    _salary(row) or "-",
                    row.date_posted.isoformat() if row.date_posted else "-",
                    fmt_time(row.first_seen),
                ]
                for row in rows
            ),
        )
    )
