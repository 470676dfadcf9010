"""Glassdoor's results page in a browser: "Show more jobs" clicked until the limit or the end, the sign-in
modal closed whenever it appears, and every listing's jobview taken from what the page itself received
(the ``__NEXT_DATA__`` Apollo cache for the first page, the ``/graph`` answers for the next ones).

A row whose jobview never came (a markup-only card) is read from the DOM instead.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from jobflow.browser.driver import DRIVER_ERRORS, TIMEOUT_ERRORS, Page, Response
from jobflow.browser.fetch import Answer, open_checked, page_title
from jobflow.errors import SiteChanged, StepTimeout
from jobflow.spec.models import WaitSpec
from jobflow_glassdoor import selectors as S
from jobflow_glassdoor.pages.search import apollo_views
from jobflow_glassdoor.parse import Card

__all__ = ["Rendered", "ResultsPage"]

_CARD_FIELDS = """(rows, sel) => rows.map(row => {
  const text = s => { const el = row.querySelector(s); return el ? el.textContent : ""; };
  return {listing_id: row.getAttribute(sel.id), title: text(sel.title), company: text(sel.employer),
          rating: text(sel.rating), location: text(sel.location), salary: text(sel.salary),
          snippet: text(sel.snippet), age: text(sel.age), easy_apply: !!row.querySelector(sel.easy)};
})"""
_SELECTORS = {
    "id": S.JOB_ROW_ID, "title": S.CARD_TITLE, "employer": S.CARD_EMPLOYER, "rating": S.CARD_RATING,
    "location": S.CARD_LOCATION, "salary": S.CARD_SALARY, "snippet": S.CARD_SNIPPET, "age": S.CARD_AGE,
    "easy": S.CARD_EASY_APPLY,
}  # fmt: skip


@dataclass
class Rendered:
    """The rows the page showed, in order, with the jobviews it received and DOM cards for the rest."""

    row_ids: list[str] = field(default_factory=list)
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    cards: dict[str, Card] = field(default_factory=dict)


class ResultsPage:
    """The results page of one Glassdoor origin, driven in a leased browser page."""

    def __init__(self, page: Page, wait: WaitSpec) -> None:
        self.page = page
        self.wait = wait
        self.timeout_ms = wait.timeout.total_seconds() * 1000
        self._graph: list[Response] = []

    def _on_response(self, response: Response) -> None:
        if urlsplit(response.url).path == S.GRAPH_PATH:
            self._graph.append(response)

    async def open(self, url: str) -> bool:
        """Load the page and wait for listings or the no-results message; ``False`` when there are none."""
        page = self.page
        page.on("response", self._on_response)
        status = await open_checked(page, url, self.wait, S.WALLS)
        if status >= 400:
            raise SiteChanged(f"Glassdoor's results page {url} answered HTTP {status}: the page moved")
        ready = page.locator(f"{S.JOB_ROW}, {S.NO_RESULTS}").first
        try:
            await ready.wait_for(state="attached", timeout=self.timeout_ms)
        except TIMEOUT_ERRORS as exc:
            for response in self._graph:
                await self._check_graph(response)
            raise SiteChanged(f"Glassdoor's results page {url} showed neither listings nor 'no results'") from exc
        return await page.locator(S.JOB_ROW).count() > 0

    async def close_modal(self) -> None:
        """Close the sign-in modal if it is open (it intercepts every click until closed)."""
        close = self.page.locator(S.SIGNIN_MODAL_CLOSE)
        if await close.count() and await close.first.is_visible():
            await close.first.click()
            await self.page.locator(S.SIGNIN_MODAL).first.wait_for(state="detached", timeout=self.timeout_ms)

    async def load_more(self) -> bool:
        """Click "Show more jobs" once and wait for the new rows; ``False`` when there is no more."""
        page = self.page
        await self.close_modal()
        button = page.get_by_role("button", name=S.LOAD_MORE_NAME)
        if not await button.count() or not await button.is_visible():
            return False
        await page.locator(S.LOAD_MORE_IDLE).wait_for(state="attached", timeout=self.timeout_ms)
        before = await page.locator(S.JOB_ROW).count()
        is_graph = lambda response: urlsplit(response.url).path == S.GRAPH_PATH  # noqa: E731
        async with page.expect_response(is_graph, timeout=self.timeout_ms) as answered:
            await button.click()
        await self._check_graph(await answered.value)
        try:
            await page.locator(S.JOB_ROW).nth(before).wait_for(state="attached", timeout=self.timeout_ms)
        except TIMEOUT_ERRORS as exc:
            within = self.wait.timeout.total_seconds()
            raise StepTimeout(f"Glassdoor showed no new listings within {within:g}s") from exc
        await self.close_modal()
        return True

    async def _check_graph(self, response: Response) -> None:
        """Raise what a failed ``/graph`` answer means (429, a challenge, a refused token)."""
        if response.status < 400:
            return
        text = ""
        with contextlib.suppress(*DRIVER_ERRORS):
            text = await response.text()
        headers = await response.all_headers()
        challenge = any(marker in text for marker in S.CHALLENGE_MARKERS)
        S.WALLS.check(Answer(response.url, response.url, response.status, headers, page_title(text), challenge))
        raise SiteChanged(f"Glassdoor's {S.GRAPH_PATH} refused the page's request: HTTP {response.status}")

    async def listings(self) -> int:
        """How many distinct listings the page shows (a listing repeated on a later page counts once)."""
        return len(set(await self._row_ids()))

    async def _row_ids(self) -> list[str]:
        ids: list[str] = await self.page.locator(S.JOB_ROW).evaluate_all(
            "(rows, attr) => rows.map(r => r.getAttribute(attr))", S.JOB_ROW_ID
        )
        return ids

    async def collect(self) -> Rendered:
        """The rows in order, the jobviews the page received, DOM cards for rows without one."""
        page = self.page
        ids = await self._row_ids()
        views = {str(v["job"]["listingId"]): v for v in apollo_views(await self._next_data()) if v.get("job")}
        for response in self._graph:
            try:
                answer = await response.json()
            except DRIVER_ERRORS:
                continue  # the page navigated away before the body was read
            except ValueError:
                continue
            for operation in answer if isinstance(answer, list) else [answer]:
                listings = ((operation or {}).get("data") or {}).get("jobListings") or {}
                for item in listings.get("jobListings") or ():
                    view = item.get("jobview") or {}
                    if view.get("job"):
                        views[str(view["job"]["listingId"])] = view
        rendered = Rendered(row_ids=ids, views=views)
        missing = [i for i in ids if i not in views]
        if missing:
            fields = await page.locator(S.JOB_ROW).evaluate_all(_CARD_FIELDS, _SELECTORS)
            rendered.cards = {f["listing_id"]: Card(**f) for f in fields if f["listing_id"] in missing}
        return rendered

    async def _next_data(self) -> str | None:
        script = self.page.locator(S.NEXT_DATA)
        return await script.first.text_content() if await script.count() else None
