"""The Indeed steps: ``indeed.search`` (result pages until the limit or the end) and ``indeed.job`` (one
posting's page). Both read through the browser context's request API by default (no rendering: the data
is in the server HTML); ``mode: browser`` renders the pages in a leased browser tab instead.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, Literal

from pydantic import AliasChoices, Field

from jobflow.postings.model import JobPosting, JobType
from jobflow.postings.sitesteps import (
    JobOutputs,
    JobRef,
    JobsParams,
    SearchOutputs,
    job_refs,
    posting_origin,
    site_base,
    site_wait,
    throttle,
    whole_days,
)
from jobflow.spec.models import Duration
from jobflow.steptype import StepContext, StepParams, step
from jobflow_indeed import selectors as S
from jobflow_indeed.pages.job import JobPage
from jobflow_indeed.pages.search import SearchFilters, SearchPage, SearchResults
from jobflow_indeed.parse import Detail, card_posting, detail_posting

__all__ = ["job", "search"]

SITE = "indeed"
MAX_START = 1000
"""Indeed serves no result past offset 1000."""
Mode = Literal["request", "browser"]


@asynccontextmanager
async def _reader(
    ctx: StepContext, mode: Mode, read: Callable[[Any, str], Awaitable[Any]]
) -> AsyncIterator[Callable[[str], Awaitable[Any]]]:
    """A function reading one URL through a request-API or page lease held for the whole step."""
    lease = ctx.request(SITE) if mode == "request" else ctx.page(SITE)
    async with lease as handle:
        calls = 0

        async def one(url: str) -> Any:
            nonlocal calls
            if calls:
                await throttle(ctx, SITE)
            calls += 1
            return await read(handle, url)

        yield one


class SearchParams(StepParams):
    query: str = Field(default="", validation_alias=AliasChoices("query", "keywords"), description="what: q=")
    location: str = Field(default="", description="where: l= (city, state, ZIP or 'Remote')")
    radius: int | None = Field(
        default=None, ge=0, le=100, validation_alias=AliasChoices("radius", "distance"), description="miles"
    )
    remote: bool = False
    job_type: Literal["fulltime", "parttime", "contract", "temporary", "internship"] | None = None
    experience_level: Literal["entry", "mid", "senior"] | None = Field(
        default=None, description="sc=0kf:explvl(ENTRY_LEVEL|MID_LEVEL|SENIOR_LEVEL);"
    )
    posted_within: Duration | None = Field(default=None, description="fromage: rounded up to whole days")
    easy_apply: bool = Field(default=False, description="Indeed Apply ('Easily apply') postings only")
    sort: Literal["relevance", "date"] = "relevance"
    limit: int = Field(default=50, ge=1, le=MAX_START)
    mode: Mode = "request"
    base_url: str | None = Field(default=None, description="another Indeed origin (uk.indeed.com, a local site)")


def _filters(params: SearchParams) -> SearchFilters:
    return SearchFilters(
        query=params.query,
        location=params.location,
        radius=params.radius,
        remote=params.remote,
        job_type=JobType(params.job_type).value if params.job_type else None,
        experience=S.EXPERIENCE_LEVELS[params.experience_level] if params.experience_level else None,
        fromage=whole_days(params.posted_within),
        easy_apply=params.easy_apply,
        sort_by_date=params.sort == "date",
    )


@step("indeed.search", params=SearchParams, outputs=SearchOutputs, site=SITE)
async def search(ctx: StepContext, params: SearchParams) -> SearchOutputs:
    """Search Indeed: result pages (10 each) until the limit or the last page; duplicates folded."""
    base, wait = site_base(ctx, params.base_url, SITE), site_wait(ctx)
    page, filters, now = SearchPage(base), _filters(params), ctx.clock.now()

    async def read(handle: Any, url: str) -> SearchResults:
        if params.mode == "request":
            return await page.fetch(handle, url, wait.timeout)
        return await page.render(handle, url, wait)

    found: dict[str, JobPosting] = {}
    pages = 0
    async with _reader(ctx, params.mode, read) as get:
        start = 0
        while len(found) < params.limit and start < MAX_START:
            results: SearchResults = await get(page.url(filters, start))
            pages += 1
            for result in results.results:
                posting = card_posting(result, base, now)
                found.setdefault(posting.native_id, posting)
            if not results.results or not results.has_next:
                break
            start += S.PAGE_SIZE
    postings = list(found.values())[: params.limit]
    ctx.log.info("indeed search done", found=len(postings), pages=pages, mode=params.mode)
    return SearchOutputs.of(postings, pages=pages)


class JobParams(JobsParams):
    job: JobRef | None = Field(
        default=None,
        validation_alias=AliasChoices("job", "posting", "job_key", "jk"),
        description="a posting from indeed.search, a 16-hex job key or a job URL",
    )
    mode: Mode = "request"


@step("indeed.job", params=JobParams, outputs=JobOutputs, site=SITE)
async def job(ctx: StepContext, params: JobParams) -> JobOutputs:
    """Read Indeed postings' pages: description (HTML and Markdown), salary, job type, apply URL, e-mails."""
    refs = job_refs(params, site=SITE, id_param="jk", valid=S.JOB_KEY.match, what="a job key (16 hex digits)")
    base, wait = site_base(ctx, params.base_url or posting_origin(refs, "jk"), SITE), site_wait(ctx)
    page = JobPage(base)

    async def read(handle: Any, key: str) -> Detail:
        if params.mode == "request":
            return await page.fetch(handle, key, wait.timeout)
        return await page.render(handle, key, wait)

    details: list[JobPosting] = []
    async with _reader(ctx, params.mode, read) as get:
        for key, posting in refs:
            detail = detail_posting(await get(key), base, ctx.clock.now())
            details.append(posting.merged(detail) if posting is not None else detail)
    return JobOutputs.of(details, single=params.job is not None)
