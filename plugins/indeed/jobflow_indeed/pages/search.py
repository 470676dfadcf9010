"""Indeed's search page (``/jobs?q=&l=&start=``): its URL, and its results read two ways.

* :meth:`SearchPage.fetch`: the server HTML through the request API; the results are the
  ``window.mosaic.providerData["mosaic-provider-jobcards"]`` JSON the page embeds (no rendering);
* :meth:`SearchPage.render`: a leased browser page, the same JSON read from the page's JavaScript world.

Either way an empty result list counts as "no results" only when the page says so ("did not match any
jobs"); a page with neither results nor that message raises ``SiteChanged``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from jobflow.browser.driver import APIRequestContext, Page, evaluate_in_page
from jobflow.browser.fetch import fetch, open_checked, read_json_after
from jobflow.errors import SiteChanged
from jobflow.postings.parse.markup import parse_markup
from jobflow.spec.models import WaitSpec
from jobflow_indeed import selectors as S

__all__ = ["SearchFilters", "SearchPage", "SearchResults"]


@dataclass(frozen=True)
class SearchFilters:
    """A search in Indeed's own terms."""

    query: str = ""
    location: str = ""
    radius: int | None = None
    remote: bool = False
    job_type: str | None = None
    experience: str | None = None
    """Indeed's level code (``SENIOR_LEVEL``)."""
    fromage: int | None = None
    easy_apply: bool = False
    sort_by_date: bool = False

    def params(self, start: int) -> dict[str, str]:
        """The query parameters of the page starting at result ``start``."""
        params: dict[str, str] = {"q": self.query, "l": self.location}
        if self.radius is not None:
            params["radius"] = str(self.radius)
        if self.sort_by_date:
            params["sort"] = "date"
        if self.fromage is not None:
            params["fromage"] = str(self.fromage)
        attrs = (
            (S.REMOTE_FILTER if self.remote else "")
            + (S.EXPERIENCE_FILTER.format(self.experience) if self.experience else "")
            + (S.JOB_TYPE_FILTER.format(self.job_type) if self.job_type else "")
        )
        if attrs:
            params["sc"] = f"0kf:{attrs};"
        if self.easy_apply:
            params["iafilter"] = "1"
        if start:
            params["start"] = str(start)
        return params


@dataclass
class SearchResults:
    """One search page: its mosaic results, whether a next page exists, and whether Indeed said "none"."""

    results: list[dict[str, Any]] = field(default_factory=list)
    has_next: bool = False
    no_results: bool = False


def _results_of(provider: object, url: str) -> list[dict[str, Any]]:
    node: Any = provider
    for key in S.MOSAIC_RESULTS_PATH:
        node = node.get(key) if isinstance(node, dict) else None
    if not isinstance(node, list):
        raise SiteChanged(f"Indeed's search page {url} has no {S.MOSAIC_PROVIDER} results list: the page changed")
    return [r for r in node if isinstance(r, dict) and r.get("jobkey")]


def _checked(results: SearchResults, provider: object, url: str) -> SearchResults:
    if provider is None and not results.no_results:
        raise SiteChanged(f"Indeed's search page {url} carries no {S.MOSAIC_PROVIDER} data: the page changed")
    if provider is not None:
        results.results = _results_of(provider, url)
    if not results.results and not results.no_results:
        raise SiteChanged(f"Indeed's search page {url} shows no results and no 'no results' message")
    return results


class SearchPage:
    """The search page of one Indeed origin (``base``)."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")

    def url(self, filters: SearchFilters, start: int = 0) -> str:
        """The page's URL."""
        return f"{self.base}{S.SEARCH_PATH}?{urlencode(filters.params(start))}"

    async def fetch(self, http: APIRequestContext, url: str, within: timedelta) -> SearchResults:
        """Read the page's server HTML through the request API."""
        page = await fetch(http, url, within, S.WALLS)
        provider = read_json_after(S.MOSAIC_ASSIGNMENT, page.text)
        document = parse_markup(page.text)
        no_results = document.select_one(S.NO_RESULTS) is not None or S.NO_RESULTS_TEXT in document.text()
        results = SearchResults(has_next=document.select_one(S.NEXT_PAGE) is not None, no_results=no_results)
        return _checked(results, provider, url)

    async def render(self, page: Page, url: str, wait: WaitSpec) -> SearchResults:
        """Load the page in the browser and read the results from its JavaScript world."""
        await open_checked(page, url, wait, S.WALLS)
        provider = await evaluate_in_page(page, S.MOSAIC_GLOBAL)
        no_results = await page.get_by_text(S.NO_RESULTS_TEXT).count() > 0
        results = SearchResults(has_next=await page.locator(S.NEXT_PAGE).count() > 0, no_results=no_results)
        return _checked(results, provider, url)
