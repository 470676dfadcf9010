"""The Glassdoor steps: ``glassdoor.search`` and ``glassdoor.job``.

``mode: api`` (the default) reads without rendering, through the browser context's request API: the
results page (first 30 listings, CSRF token), then ``POST /graph`` for the next pages; it is several
times faster (see bench/sites.py) and returns the same postings. ``mode: browser`` renders the results
page, clicks "Show more jobs" and closes the sign-in modal, as a person would.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, model_validator

from jobflow.errors import StepError
from jobflow.postings.model import JobPosting
from jobflow.postings.parse import query_param
from jobflow.spec.models import Duration, WaitSpec
from jobflow.steptype import StepContext, StepOutputs, StepParams, step
from jobflow_glassdoor.pages.job import JobPage
from jobflow_glassdoor.pages.results import ResultsPage
from jobflow_glassdoor.pages.search import SearchApi, SearchFilters
from jobflow_glassdoor.parse import card_posting, detail_posting, dom_card_posting

__all__ = ["job", "search"]

SITE = "glassdoor"
MAX_RESULTS = 900
"""Glassdoor serves at most 30 pages of 30."""
Mode = Literal["api", "browser"]


def _wait(ctx: StepContext) -> WaitSpec:
    spec = ctx.extras.get("wait") or (ctx.site.wait if ctx.site is not None else None)
    return spec if isinstance(spec, WaitSpec) else WaitSpec()


def _base(ctx: StepContext, given: str | None) -> str:
    base = given or (ctx.site.base_url if ctx.site is not None else None)
    if not base:
        raise StepError("glassdoor: no base URL: set sites.glassdoor.base_url or the step's base_url")
    return base.rstrip("/")


async def _throttle(ctx: StepContext) -> None:
    pool = ctx.extras.get("browser")
    if pool is not None:
        await pool.throttle(SITE)


class SearchParams(StepParams):
    keywords: str = Field(default="", validation_alias=AliasChoices("keywords", "query"))
    location: str = ""
    remote: bool = False
    job_type: Literal["fulltime", "parttime", "contract", "temporary", "internship"] | None = None
    posted_within: Duration | None = Field(default=None, description="fromAge: rounded up to whole days")
    easy_apply: bool = False
    sort: Literal["relevance", "date"] = "relevance"
    limit: int = Field(default=50, ge=1, le=MAX_RESULTS)
    mode: Mode = "api"
    base_url: str | None = Field(default=None, description="another Glassdoor origin (glassdoor.co.uk, a local site)")


class SearchOutputs(StepOutputs):
    postings: list[dict[str, Any]] = Field(default_factory=list, description="JobPosting JSON, duplicates folded")
    count: int = 0
    pages: int = 0


def _filters(params: SearchParams) -> SearchFilters:
    days = None
    if params.posted_within is not None:
        days = max(1, math.ceil(params.posted_within / timedelta(days=1)))
    return SearchFilters(
        keyword=params.keywords,
        location=params.location,
        remote=params.remote,
        easy_apply=params.easy_apply,
        fromage=days,
        job_type=params.job_type,
        sort_by_date=params.sort == "date",
    )


async def _search_api(
    ctx: StepContext, params: SearchParams, base: str, wait: WaitSpec
) -> tuple[list[JobPosting], int]:
    api, filters, now = SearchApi(base, wait.timeout), _filters(params), ctx.clock.now()
    found: dict[str, JobPosting] = {}

    def add(views: list[dict[str, Any]]) -> None:
        for view in views:
            posting = card_posting(view, base, now)
            found.setdefault(posting.native_id, posting)

    async with ctx.request(SITE) as http:
        first = await api.first_page(http, filters)
        add(first.views)
        pages, more, number, cursor, place = 1, first.more, (2 if first.row_ids else 1), None, None
        if more and len(found) < params.limit and filters.location:
            await _throttle(ctx)
            place = await api.location(http, filters.location)
        while more and len(found) < params.limit and first.token:
            await _throttle(ctx)
            page = await api.graph_page(http, first.token, filters, number, cursor, place)
            pages += 1
            add(page.views)
            more, number, cursor = page.next_cursor is not None and bool(page.views), number + 1, page.next_cursor
    return list(found.values()), pages


async def _search_browser(
    ctx: StepContext, params: SearchParams, base: str, wait: WaitSpec
) -> tuple[list[JobPosting], int]:
    url, now = SearchApi(base, wait.timeout).url(_filters(params)), ctx.clock.now()
    async with ctx.page(SITE) as page:
        results = ResultsPage(page, wait)
        pages = 1
        if await results.open(url):
            while await results.listings() < params.limit and await results.load_more():
                pages += 1
            rendered = await results.collect()
        else:
            return [], pages
    found: dict[str, JobPosting] = {}
    for listing in rendered.row_ids:
        if listing in found:
            continue
        view = rendered.views.get(listing)
        card = rendered.cards.get(listing)
        if view is not None:
            found[listing] = card_posting(view, base, now)
        elif card is not None:
            found[listing] = dom_card_posting(card, base, now)
    return list(found.values()), pages


@step("glassdoor.search", params=SearchParams, outputs=SearchOutputs, site=SITE)
async def search(ctx: StepContext, params: SearchParams) -> SearchOutputs:
    """Search Glassdoor: 30 listings a page until the limit or the end; duplicates folded."""
    base, wait = _base(ctx, params.base_url), _wait(ctx)
    if params.mode == "api":
        postings, pages = await _search_api(ctx, params, base, wait)
    else:
        postings, pages = await _search_browser(ctx, params, base, wait)
    postings = postings[: params.limit]
    ctx.log.info("glassdoor search done", found=len(postings), pages=pages, mode=params.mode)
    return SearchOutputs(postings=[p.model_dump(mode="json") for p in postings], count=len(postings), pages=pages)


JobRef = str | dict[str, Any]
"""A posting (JobPosting JSON from ``glassdoor.search``), a listing id or a ``/job-listing/…?jl=`` URL."""


class JobParams(StepParams):
    job: JobRef | None = Field(
        default=None,
        validation_alias=AliasChoices("job", "posting", "listing_id", "jl"),
        description="a posting from glassdoor.search, a listing id or a listing URL",
    )
    jobs: list[JobRef] = Field(default_factory=list, description="several of them, read one after the other")
    mode: Mode = "api"
    base_url: str | None = None

    @model_validator(mode="after")
    def _some_job(self) -> JobParams:
        if (self.job is None) == (not self.jobs):
            raise ValueError("give either 'job' (a posting, a listing id or a URL) or 'jobs' (a list of them)")
        return self


class JobOutputs(StepOutputs):
    posting: dict[str, Any] | None = Field(default=None, description="the details of `job` (JobPosting JSON)")
    postings: list[dict[str, Any]] = Field(default_factory=list, description="the details of every job, in order")


def _job_ref(value: JobRef) -> tuple[str, JobPosting | None]:
    """``(listing id, the posting given)``; a posting of another site or a bad id fails the step."""
    if isinstance(value, dict):
        posting = JobPosting.model_validate(value)
        if posting.site != SITE:
            raise StepError(f"glassdoor.job got a {posting.site} posting ({posting.native_id})")
        return posting.native_id, posting
    listing = query_param(value, "jl") or str(value).strip()
    if not listing.isdigit():
        raise StepError(f"glassdoor.job: {value!r} is neither a listing id nor a listing URL with jl=")
    return listing, None


@step("glassdoor.job", params=JobParams, outputs=JobOutputs, site=SITE)
async def job(ctx: StepContext, params: JobParams) -> JobOutputs:
    """Read Glassdoor listings: description (HTML and Markdown), salary, employer, apply URL, e-mails."""
    refs = [_job_ref(r) for r in ([params.job] if params.job is not None else params.jobs)]
    origin = params.base_url
    given = next((p for _, p in refs if p is not None and query_param(p.url, "jl")), None)
    if origin is None and given is not None:
        parts = urlsplit(given.url)
        origin = f"{parts.scheme}://{parts.netloc}"
    base, wait = _base(ctx, origin), _wait(ctx)
    page = JobPage(base, wait.timeout)
    details: list[JobPosting] = []
    if params.mode == "api":
        async with ctx.request(SITE) as http:
            for n, (listing, posting) in enumerate(refs):
                if n:
                    await _throttle(ctx)
                detail, token = await page.fetch(http, listing)
                await _throttle(ctx)
                view = await page.jobview(http, listing, token) if token else None
                details.append(_complete(detail_posting(detail, view, base, ctx.clock.now()), posting))
    else:
        async with ctx.page(SITE) as tab:
            for n, (listing, posting) in enumerate(refs):
                if n:
                    await _throttle(ctx)
                detail, token = await page.render(tab, listing, wait)
                await _throttle(ctx)
                view = await page.jobview(tab.request, listing, token) if token else None
                details.append(_complete(detail_posting(detail, view, base, ctx.clock.now()), posting))
    dumped = [p.model_dump(mode="json") for p in details]
    return JobOutputs(posting=dumped[0] if params.job is not None else None, postings=dumped)


def _complete(detail: JobPosting, given: JobPosting | None) -> JobPosting:
    return given.merged(detail) if given is not None else detail
