"""Core steps for search results: ``jobs.save``, ``jobs.filter``, ``jobs.export`` and ``jobs.summary``.

Each takes ``postings``: a list of :class:`jobflow.postings.JobPosting` JSON objects, as every site
search step outputs them (``${{ steps.li.postings + steps.ind.postings }}``).
"""

from __future__ import annotations

import csv
import json
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from jobflow.errors import StepError
from jobflow.hookspecs import hookimpl
from jobflow.postings.filters import PostingFilter
from jobflow.postings.model import Interval, JobPosting
from jobflow.postings.table import EXPORT_COLUMNS, flatten, sorted_postings, summary_table
from jobflow.steptype import StepContext, StepOutputs, StepParams, StepType, step

__all__ = ["STEPS", "postings_of"]

Postings = list[dict[str, Any]]


def postings_of(values: list[Any], *, step_name: str) -> list[JobPosting]:
    """The postings of a step's ``postings`` parameter; a bad one fails the step naming its index."""
    out: list[JobPosting] = []
    for index, value in enumerate(values):
        try:
            out.append(value if isinstance(value, JobPosting) else JobPosting.model_validate(value))
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            where = ".".join(str(part) for part in first["loc"])
            raise StepError(f"{step_name}: postings[{index}] is not a job posting: {where}: {first['msg']}") from exc
    return out


def _store(ctx: StepContext, name: str, hint: str = "") -> Any:
    if ctx.store is None:
        raise StepError(f"{name} needs the store: run it with a database configured (DATABASE_URL){hint}")
    return ctx.store


# --------------------------------------------------------------------------------------------- jobs.save


class SaveParams(StepParams):
    postings: Postings = Field(description="JobPosting JSON objects (duplicates are folded)")


class SaveOutputs(StepOutputs):
    new: Postings = Field(default_factory=list, description="postings never saved before")
    seen: Postings = Field(default_factory=list, description="postings saved by an earlier run (now completed)")
    count: int = 0


@step("jobs.save", params=SaveParams, outputs=SaveOutputs)
async def save(ctx: StepContext, params: SaveParams) -> SaveOutputs:
    """Save postings in ``job_postings`` (one row per site and job id); outputs the new and the seen ones."""
    from jobflow.store.postings import PostingRepository

    postings = postings_of(params.postings, step_name="jobs.save")
    result = await PostingRepository(_store(ctx, "jobs.save")).save(postings, run_id=ctx.run_id)
    ctx.log.info("postings saved", new=len(result.new), seen=len(result.seen))
    return SaveOutputs(new=result.new, seen=result.seen, count=len(result.new) + len(result.seen))


# ------------------------------------------------------------------------------------------- jobs.filter


class FilterParams(StepParams):
    postings: Postings
    include: list[str] = Field(default_factory=list, description="keep postings with at least one of these words")
    exclude: list[str] = Field(default_factory=list, description="drop postings whose title or text has one")
    exclude_companies: list[str] = Field(default_factory=list, description="company blocklist")
    exclude_titles: list[str] = Field(default_factory=list, description="title blocklist (words or phrases)")
    min_salary: float | None = Field(default=None, ge=0, description="salary floor, per salary_interval")
    salary_interval: Interval = Interval.YEARLY
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$", description="the floor's currency")
    keep_unknown_salary: bool = Field(default=True, description="keep postings without a comparable salary")
    remote_only: bool = False
    exclude_applied: bool = Field(default=True, description="drop postings with an application past 'planned'")


class Dropped(BaseModel):
    """A posting `jobs.filter` dropped, and why."""

    site: str
    native_id: str
    title: str
    reason: str


class FilterOutputs(StepOutputs):
    postings: Postings = Field(default_factory=list, description="the postings kept, in input order")
    count: int = 0
    dropped: list[Dropped] = Field(default_factory=list)


@step("jobs.filter", params=FilterParams, outputs=FilterOutputs)
async def filter_postings(ctx: StepContext, params: FilterParams) -> FilterOutputs:
    """Keep the postings that pass keyword, blocklist, salary-floor and remote rules, and were not applied to."""
    rules = PostingFilter(
        include=tuple(params.include),
        exclude=tuple(params.exclude),
        companies=tuple(params.exclude_companies),
        titles=tuple(params.exclude_titles),
        min_salary=params.min_salary,
        salary_interval=params.salary_interval,
        currency=params.currency,
        keep_unknown_salary=params.keep_unknown_salary,
        remote_only=params.remote_only,
    )
    postings = postings_of(params.postings, step_name="jobs.filter")
    applied: set[tuple[str, str]] = set()
    if params.exclude_applied and postings:
        from jobflow.store.postings import PostingRepository

        store = _store(ctx, "jobs.filter", " or set exclude_applied: false")
        applied = await PostingRepository(store).applied(postings)
    kept: Postings = []
    dropped: list[Dropped] = []
    for posting in postings:
        reason = "already applied" if posting.key in applied else rules.reason(posting)
        if reason is None:
            kept.append(posting.model_dump(mode="json"))
        else:
            dropped.append(Dropped(site=posting.site, native_id=posting.native_id, title=posting.title, reason=reason))
    ctx.log.info("postings filtered", kept=len(kept), dropped=len(dropped))
    return FilterOutputs(postings=kept, count=len(kept), dropped=dropped)


# ------------------------------------------------------------------------------------------- jobs.export


class ExportParams(StepParams):
    postings: Postings
    path: str = Field(description="output file, relative to the workflow file; parents are created")
    format: Literal["auto", "csv", "jsonl"] = "auto"
    columns: list[str] | None = Field(default=None, description="a subset or reordering of the export columns")


class ExportOutputs(StepOutputs):
    path: str = ""
    count: int = 0
    columns: list[str] = Field(default_factory=list)


@step("jobs.export", params=ExportParams, outputs=ExportOutputs)
async def export(ctx: StepContext, params: ExportParams) -> ExportOutputs:
    """Write postings as CSV or JSON Lines, columns in the documented order (docs/jobs.md)."""
    columns = list(params.columns or EXPORT_COLUMNS)
    unknown = [c for c in columns if c not in EXPORT_COLUMNS]
    if unknown:
        raise StepError(f"jobs.export: unknown column(s) {', '.join(unknown)}; known: {', '.join(EXPORT_COLUMNS)}")
    path = ctx.resolve_path(params.path)
    kind: str = params.format
    if kind == "auto":
        suffix = path.suffix.lower()
        kind = "csv" if suffix == ".csv" else "jsonl" if suffix in (".jsonl", ".ndjson") else ""
        if not kind:
            raise StepError(f"jobs.export: cannot tell the format of {path.name}: set 'format' (csv or jsonl)")
    records = [flatten(p) for p in postings_of(params.postings, step_name="jobs.export")]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as out:
        if kind == "csv":
            writer = csv.writer(out)
            writer.writerow(columns)
            writer.writerows([_cell(record[c]) for c in columns] for record in records)
        else:
            for record in records:
                out.write(json.dumps({c: record[c] for c in columns}, ensure_ascii=False) + "\n")
    tmp.replace(path)
    ctx.log.info("postings exported", path=str(path), count=len(records), format=kind)
    return ExportOutputs(path=str(path), count=len(records), columns=columns)


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


# ------------------------------------------------------------------------------------------ jobs.summary


class SummaryParams(StepParams):
    postings: Postings
    title: str = "Job postings"
    top: int = Field(default=10, ge=0, description="rows of the table (the first postings)")
    sort: Literal["input", "salary", "date"] = Field(
        default="input", description="row order: as given, highest yearly pay first, or newest first"
    )


class SummaryOutputs(StepOutputs):
    table: str = ""
    count: int = 0
    by_site: dict[str, int] = Field(default_factory=dict)


@step("jobs.summary", params=SummaryParams, outputs=SummaryOutputs)
async def summary(ctx: StepContext, params: SummaryParams) -> SummaryOutputs:
    """Log a summary table of postings: counts per site and the first rows."""
    postings = postings_of(params.postings, step_name="jobs.summary")
    table = summary_table(sorted_postings(postings, params.sort), top=params.top, title=params.title)
    ctx.log.info("\n" + table)
    by_site: dict[str, int] = {}
    for posting in postings:
        by_site[posting.site] = by_site.get(posting.site, 0) + 1
    return SummaryOutputs(table=table, count=len(postings), by_site=by_site)


STEPS: tuple[StepType[Any, Any], ...] = (save, filter_postings, export, summary)


@hookimpl
def register_steps(register: Any) -> None:
    for step_type in STEPS:
        register(step_type)
