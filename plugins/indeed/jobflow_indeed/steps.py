"""The Indeed steps: ``indeed.search`` (result pages until the limit or the end) and ``indeed.job`` (one
posting's page). Both read through the browser context's request API by default (no rendering: the data
is in the server HTML); ``mode: browser`` renders the pages in a leased browser tab instead.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, model_validator

from jobflow.errors import StepError
from jobflow.postings.model import JobPosting, JobType
from jobflow.postings.parse import query_param
from jobflow.spec.models import Duration, WaitSpec
from jobflow.steptype import StepContext, StepOutputs, StepParams, step
from jobflow_indeed import selectors as S
from jobflow_indeed.pages.job import JobPage
from jobflow_indeed.pages.search import SearchFilters, SearchPage, SearchResults
from jobflow_indeed.parse import Detail, card_posting, detail_posting

__all__ = ["job", "search"]

SITE = "indeed"
MAX_START = 1000
"""Indeed serves no result past offset 1000."""
Mode = Literal["request", "browser"]


def _wait(ctx: StepContext) -> WaitSpec:
    spec = ctx.extras.get("wait") or (ctx.site.wait if ctx.site is not None else None)
    return spec if isinstance(spec, WaitSpec) else WaitSpec()


def _base(ctx: StepContext, given: str | None) -> str:
    base = given or (ctx.site.base_url if ctx.site is not None else None)
    if not base:
        raise StepError("indeed: no base URL: set sites.indeed.base_url or the step's base_url")
    return base.rstrip("/")


@asynccontextmanager
async def _reader(
    ctx: StepContext, mode: Mode, read: Callable[[Any, str], Awaitable[Any]]
) -> AsyncIterator[Callable[[str], Awaitable[Any]]]:
    """A function reading one URL through a request-API or page lease held for the whole step."""
    pool = ctx.extras.get("browser")
    lease = ctx.request(SITE) if mode == "request" else ctx.page(SITE)
    async with lease as handle:
        calls = 0

        async def one(url: str) -> Any:
            nonlocal calls
            if calls and pool is not None:
                await pool.throttle(SITE)  # the lease took the first token
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
    posted_within: Duration | None = Field(default=None, description="fromage: rounded up to whole days")
    easy_apply: bool = Field(default=False, description="Indeed Apply ('Easily apply') postings only")
    sort: Literal["relevance", "date"] = "relevance"
    limit: int = Field(default=50, ge=1, le=MAX_START)
    mode: Mode = "request"
    base_url: str | None = Field(default=None, description="another Indeed origin (uk.indeed.com, a local site)")


class SearchOutputs(StepOutputs):
    postings: list[dict[str, Any]] = Field(default_factory=list, description="JobPosting JSON, duplicates folded")
    count: int = 0
    pages: int = 0


def _filters(params: SearchParams) -> SearchFilters:
    days = None
    if params.posted_within is not None:
        days = max(1, math.ceil(params.posted_within / timedelta(days=1)))
    return SearchFilters(
        query=params.query,
        location=params.location,
        radius=params.radius,
        remote=params.remote,
        job_type=JobType(params.job_type).value if params.job_type else None,
        fromage=days,
        easy_apply=params.easy_apply,
        sort_by_date=params.sort == "date",
    )


@step("indeed.search", params=SearchParams, outputs=SearchOutputs, site=SITE)
async def search(ctx: StepContext, params: SearchParams) -> SearchOutputs:
    """Search Indeed: result pages (10 each) until the limit or the last page; duplicates folded."""
    base, wait = _base(ctx, params.base_url), _wait(ctx)
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
    return SearchOutputs(postings=[p.model_dump(mode="json") for p in postings], count=len(postings), pages=pages)


JobRef = str | dict[str, Any]
"""A posting (JobPosting JSON from ``indeed.search``), a job key or a ``/viewjob?jk=`` URL."""


class JobParams(StepParams):
    job: JobRef | None = Field(
        default=None,
        validation_alias=AliasChoices("job", "posting", "job_key", "jk"),
        description="a posting from indeed.search, a 16-hex job key or a job URL",
    )
    jobs: list[JobRef] = Field(default_factory=list, description="several of them, read one after the other")
    mode: Mode = "request"
    base_url: str | None = None

    @model_validator(mode="after")
    def _some_job(self) -> JobParams:
        if (self.job is None) == (not self.jobs):
            raise ValueError("give either 'job' (a posting, a job key or a URL) or 'jobs' (a list of them)")
        return self


class JobOutputs(StepOutputs):
    posting: dict[str, Any] | None = Field(default=None, description="the details of `job` (JobPosting JSON)")
    postings: list[dict[str, Any]] = Field(default_factory=list, description="the details of every job, in order")


def _job_ref(value: JobRef) -> tuple[str, JobPosting | None]:
    """``(job key, the posting given)``; a posting of another site or a bad key fails the step."""
    if isinstance(value, dict):
        posting = JobPosting.model_validate(value)
        if posting.site != SITE:
            raise StepError(f"indeed.job got a {posting.site} posting ({posting.native_id})")
        return posting.native_id, posting
    key = query_param(value, "jk") or value.strip()
    if not S.JOB_KEY.match(key):
        raise StepError(f"indeed.job: {value!r} is neither a job key (16 hex digits) nor a job URL with jk=")
    return key, None


@step("indeed.job", params=JobParams, outputs=JobOutputs, site=SITE)
async def job(ctx: StepContext, params: JobParams) -> JobOutputs:
    """Read Indeed postings' pages: description (HTML and Markdown), salary, job type, apply URL, e-mails."""
    refs = [_job_ref(r) for r in ([params.job] if params.job is not None else params.jobs)]
    origin = params.base_url
    given = next((p for _, p in refs if p is not None and query_param(p.url, "jk")), None)
    if origin is None and given is not None:
        parts = urlsplit(given.url)
        origin = f"{parts.scheme}://{parts.netloc}"
    base, wait = _base(ctx, origin), _wait(ctx)
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
    dumped = [p.model_dump(mode="json") for p in details]
    return JobOutputs(posting=dumped[0] if params.job is not None else None, postings=dumped)
