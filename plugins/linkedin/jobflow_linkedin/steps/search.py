"""``linkedin.search``: the guest endpoint over HTTP (fast), or the member two-pane search in a page.

Paging runs until ``limit`` distinct postings, the end of the results (an empty answer or HTTP 400) or
offset 1000. Duplicates (LinkedIn repeats cards across pages) are folded by job id, first one kept.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from jobflow import StepContext, StepOutputs, step
from jobflow.errors import LoginRequired, StepError
from jobflow.postings import JobPosting
from jobflow_linkedin.client import GuestClient, base_url, has_session_cookie, pool, site_wait
from jobflow_linkedin.pages.guest_search import parse_search_fragment
from jobflow_linkedin.pages.member_search import MemberSearchPage
from jobflow_linkedin.query import (
    MAX_START,
    MEMBER_PAGE_SIZE,
    SearchParams,
    guest_search_url,
    member_search_url,
    search_parameters,
)
from jobflow_linkedin.site import SITE

__all__ = ["SearchOutputs", "search"]


class SearchOutputs(StepOutputs):
    """Outputs of ``linkedin.search``."""

    postings: list[dict[str, Any]] = Field(default_factory=list, description="JobPosting JSON, page order")
    count: int = 0
    mode: str = Field(default="", description="guest or member: the search that ran")


def _fold(found: dict[str, JobPosting], cards: list[JobPosting], limit: int) -> None:
    for card in cards:
        if len(found) >= limit:
            return
        found.setdefault(card.native_id, card)


async def guest_search(ctx: StepContext, query: dict[str, str], limit: int) -> list[JobPosting]:
    """Page through the guest endpoint (``start`` advanced by the cards received)."""
    base, start = base_url(ctx), 0
    found: dict[str, JobPosting] = {}
    async with ctx.request(SITE.name) as http:
        client = GuestClient(http, ctx, timeout=site_wait(ctx).timeout)
        while len(found) < limit and start < MAX_START:
            answer = await client.get(guest_search_url(base, query, start))
            if answer.status == 400 and start == 0:
                raise StepError(f"LinkedIn rejected the search {answer.url} (HTTP 400): check the search parameters")
            if answer.status != 200 or not answer.text.strip():
                break
            cards = parse_search_fragment(answer.text, base_url=base, now=ctx.clock.now())
            if not cards:
                break
            _fold(found, cards, limit)
            start += len(cards)
    ctx.log.info("linkedin_search", mode="guest", found=len(found), requests=client.sent)
    return list(found.values())


async def member_search(ctx: StepContext, query: dict[str, str], limit: int) -> list[JobPosting]:
    """Page through the member search (25 a page) while pages are full and a next page is offered."""
    base, found = base_url(ctx), dict[str, JobPosting]()
    async with ctx.page(SITE.name) as page:
        search = MemberSearchPage(page, site_wait(ctx), base_url=base)
        number = 0
        while len(found) < limit and number * MEMBER_PAGE_SIZE < MAX_START:
            if number:
                await pool(ctx).throttle(SITE.name)
            listed = await search.open(member_search_url(base, query, number))
            if not listed:
                break
            _fold(found, await search.cards(ctx.clock.now()), limit)
            number += 1
            if listed < MEMBER_PAGE_SIZE or not await search.has_page(number + 1):
                break
    ctx.log.info("linkedin_search", mode="member", found=len(found), pages=number)
    return list(found.values())


async def _signed_in(ctx: StepContext) -> bool:
    async with ctx.request(SITE.name) as http:
        return await has_session_cookie(http, base_url(ctx))


@step("linkedin.search", params=SearchParams, outputs=SearchOutputs, site=SITE.name)
async def search(ctx: StepContext, params: SearchParams) -> SearchOutputs:
    """Search LinkedIn jobs: keywords, location, filters and a limit; postings as JobPosting JSON."""
    query = search_parameters(params)
    mode = params.mode
    if mode == "auto":
        mode = "member" if await _signed_in(ctx) else "guest"
    postings: list[JobPosting]
    if mode == "member":
        try:
            postings = await member_search(ctx, query, params.limit)
        except LoginRequired:
            if params.mode == "member":
                raise
            ctx.log.warning("linkedin_session_expired", detail="the stored session is signed out; searching as a guest")
            mode, postings = "guest", await guest_search(ctx, query, params.limit)
    else:
        postings = await guest_search(ctx, query, params.limit)
    return SearchOutputs(postings=[p.model_dump(mode="json") for p in postings], count=len(postings), mode=mode)
