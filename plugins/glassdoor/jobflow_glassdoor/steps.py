"""The Glassdoor steps: ``glassdoor.search`` and ``glassdoor.job``.

``mode: api`` (the default) reads without rendering, through the browser context's request API: the
results page (first 30 listings, CSRF token), then ``POST /graph`` for the next pages; it is several
times faster (see bench/sites.py) and returns the same postings. ``mode: browser`` renders the results
page, clicks "Show more jobs" and closes the sign-in modal, as a person would.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AliasChoices, Field

from jobflow.postings.model import JobPosting
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
from jobflow.spec.models import Duration, WaitSpec
from jobflow.steptype import StepContext, StepParams, step
from jobflow_glassdoor import selectors as S
from jobflow_glassdoor.pages.job import JobPage
from jobflow_glassdoor.pages.results import ResultsPage
from jobflow_glassdoor.pages.search import SearchApi, SearchFilters
from jobflow_glassdoor.parse import card_posting, detail_posting, dom_card_posting

__all__ = ["job", "search"]

SITE = "glassdoor"
MAX_RESULTS = 900
"""Glassdoor serves at most 30 pages of 30."""
Mode = Literal["api", "browser"]


class SearchParams(StepParams):
    keywords: str = Field(default="", validation_alias=AliasChoices("keywords", "query"))
    location: str = ""
    remote: bool = False
    job_type: Literal["fulltime", "parttime", "contract", "temporary", "internship"] | None = None
    experience_level: Literal["internship", "entry", "mid_senior", "director", "executive"] | None = Field(
        default=None, description="seniorityType (internship, entrylevel, midseniorlevel, director, executive)"
    )
    posted_within: Duration | None = Field(default=None, description="fromAge: rounded up to whole days")
    easy_apply: bool = False
    sort: Literal["relevance", "date"] = "relevance"
    limit: int = Field(default=50, ge=1, le=MAX_RESULTS)
    mode: Mode = "api"
    base_url: str | None = Field(default=None, description="another Glassdoor origin (glassdoor.co.uk, a local site)")


def _filters(params: SearchParams) -> SearchFilters:
    return SearchFilters(
        keyword=params.keywords,
        location=params.location,
        remote=params.remote,
        easy_apply=params.easy_apply,
        fromage=whole_days(params.posted_within),
        job_type=params.job_type,
        seniority=S.SENIORITY[params.experience_level] if params.experience_level else None,
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
            await throttle(ctx, SITE)
            place = await api.location(http, filters.location)
        while more and len(found) < params.limit and first.token:
            await throttle(ctx, SITE)
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
    base, wait = site_base(ctx, params.base_url, SITE), site_wait(ctx)
    if params.mode == "api":
        postings, pages = await _search_api(ctx, params, base, wait)
    else:
        postings, pages = await _search_browser(ctx, params, base, wait)
    postings = postings[: params.limit]
    ctx.log.info("glassdoor search done", found=len(postings), pages=pages, mode=params.mode)
    return SearchOutputs.of(postings, pages=pages)


class JobParams(JobsParams):
    job: JobRef | None = Field(
        default=None,
        validation_alias=AliasChoices("job", "posting", "listing_id", "jl"),
        description="a posting from glassdoor.search, a listing id or a listing URL",
    )
    mode: Mode = "api"


@step("glassdoor.job", params=JobParams, outputs=JobOutputs, site=SITE)
async def job(ctx: StepContext, params: JobParams) -> JobOutputs:
    """Read Glassdoor listings: description (HTML and Markdown), salary, employer, apply URL, e-mails."""
    refs = job_refs(params, site=SITE, id_param="jl", valid=str.isdigit, what="a listing id")
    base, wait = site_base(ctx, params.base_url or posting_origin(refs, "jl"), SITE), site_wait(ctx)
    page = JobPage(base, wait.timeout)
    details: list[JobPosting] = []
    if params.mode == "api":
        async with ctx.request(SITE) as http:
            for n, (listing, posting) in enumerate(refs):
                if n:
                    await throttle(ctx, SITE)
                detail, token = await page.fetch(http, listing)
                await throttle(ctx, SITE)
                view = await page.jobview(http, listing, token) if token else None
                details.append(_complete(detail_posting(detail, view, base, ctx.clock.now()), posting))
    else:
        async with ctx.page(SITE) as tab:
            for n, (listing, posting) in enumerate(refs):
                if n:
                    await throttle(ctx, SITE)
                detail, token = await page.render(tab, listing, wait)
                await throttle(ctx, SITE)
                view = await page.jobview(tab.request, listing, token) if token else None
                details.append(_complete(detail_posting(detail, view, base, ctx.clock.now()), posting))
    return JobOutputs.of(details, single=params.job is not None)


def _complete(detail: JobPosting, given: JobPosting | None) -> JobPosting:
    return given.merged(detail) if given is not None else detail
