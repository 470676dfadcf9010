"""Glassdoor's search: the results page (``/Job/jobs.htm``) and the ``/graph`` pages behind "Show more jobs".

The first 30 listings are server-rendered, with their jobviews in ``script#__NEXT_DATA__`` (the Apollo
cache) and the CSRF token in the page; the next pages come from ``POST /graph`` (``JobSearchResultsQuery``,
header ``gd-csrf-token``), exactly what the page's own button fetches. :class:`SearchApi` reads them
without rendering; :mod:`jobflow_glassdoor.pages.results` drives the button in a browser.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import quote, urlencode

from jobflow.browser.driver import APIRequestContext
from jobflow.browser.fetch import fetch
from jobflow.errors import SiteChanged
from jobflow.postings.parse.markup import parse_markup
from jobflow_glassdoor import selectors as S

__all__ = ["FirstPage", "GraphPage", "SearchApi", "SearchFilters", "apollo_views", "json_headers"]


@dataclass(frozen=True)
class SearchFilters:
    """A search in Glassdoor's own terms."""

    keyword: str = ""
    location: str = ""
    remote: bool = False
    easy_apply: bool = False
    fromage: int | None = None
    job_type: str | None = None
    seniority: str | None = None
    """Glassdoor's ``seniorityType`` value (``midseniorlevel``)."""
    sort_by_date: bool = False

    def page_params(self) -> dict[str, str]:
        """The results page's query parameters."""
        params = {"sc.keyword": self.keyword, "locKeyword": self.location}
        params.update({f["filterKey"]: f["values"] for f in self.filter_params()})
        if self.sort_by_date:
            params["sortBy"] = "date_desc"
        return params

    def filter_params(self) -> list[dict[str, str]]:
        """GraphQL ``filterParams`` (the same filters as the page's query)."""
        pairs = [
            ("fromAge", str(self.fromage) if self.fromage else ""),
            ("remoteWorkType", "1" if self.remote else ""),
            ("applicationType", "1" if self.easy_apply else ""),
            ("jobType", self.job_type or ""),
            ("seniorityType", self.seniority or ""),
        ]
        return [{"filterKey": key, "values": value} for key, value in pairs if value]


def apollo_views(next_data: str | None) -> list[dict[str, Any]]:
    """The jobviews of ``__NEXT_DATA__``'s Apollo cache, in page order (``[]`` when there are none)."""
    if not next_data:
        return []
    try:
        node: Any = json.loads(next_data)
    except ValueError:
        return []
    for key in S.APOLLO_CACHE_PATH:
        node = node.get(key) if isinstance(node, dict) else None
    if not isinstance(node, dict):
        return []
    return [v for k, v in node.items() if k.startswith(S.APOLLO_LISTING_PREFIX) and isinstance(v, dict)]


@dataclass
class FirstPage:
    """The server-rendered results page: its jobviews, row ids, CSRF token, and what it says is next."""

    views: list[dict[str, Any]] = field(default_factory=list)
    row_ids: list[str] = field(default_factory=list)
    token: str | None = None
    no_results: bool = False
    more: bool = False


@dataclass
class GraphPage:
    """One ``JobSearchResultsQuery`` answer."""

    views: list[dict[str, Any]]
    next_cursor: str | None
    total: int | None


class SearchApi:
    """Glassdoor's search read without rendering, through the request API."""

    def __init__(self, base: str, timeout: timedelta) -> None:
        self.base = base.rstrip("/")
        self.timeout = timeout

    def url(self, filters: SearchFilters) -> str:
        """The results page's URL."""
        return f"{self.base}{S.SEARCH_PATH}?{urlencode(filters.page_params())}"

    async def first_page(self, http: APIRequestContext, filters: SearchFilters) -> FirstPage:
        """The results page: its listings, token and whether more pages exist."""
        url = self.url(filters)
        page = await fetch(http, url, self.timeout, S.WALLS)
        token = S.CSRF_TOKEN.search(page.text)
        document = parse_markup(page.text)
        script = document.select_one(S.NEXT_DATA)
        button = document.select_one(S.LOAD_MORE)
        found = FirstPage(
            views=apollo_views(script.raw_text() if script is not None else None),
            row_ids=[row.attr(S.JOB_ROW_ID) or "" for row in document.select(S.JOB_ROW)],
            token=token.group(1) if token else None,
            no_results=document.select_one(S.NO_RESULTS) is not None,
            more=button is not None and button.attr("hidden") is None,
        )
        if found.token is None:
            raise SiteChanged(f"Glassdoor's results page {url} carries no CSRF token: the page changed")
        if not found.row_ids and not found.no_results and not found.more:
            raise SiteChanged(f"Glassdoor's results page {url} shows no listings and no 'no results' message")
        return found

    async def location(self, http: APIRequestContext, text: str) -> dict[str, Any] | None:
        """Glassdoor's location id for ``text`` (``findPopularLocationAjax``), or ``None`` when unknown."""
        url = f"{self.base}{S.LOCATIONS_PATH}?maxLocationsToReturn=10&term={quote(text)}"
        answer = await fetch(http, url, self.timeout, S.WALLS)
        try:
            found = json.loads(answer.text)
        except ValueError:
            return None
        return found[0] if isinstance(found, list) and found and isinstance(found[0], dict) else None

    async def graph_page(
        self,
        http: APIRequestContext,
        token: str,
        filters: SearchFilters,
        number: int,
        cursor: str | None,
        place: dict[str, Any] | None,
    ) -> GraphPage:
        """Page ``number`` of the search through ``POST /graph``."""
        variables: dict[str, Any] = {
            "excludeJobListingIds": [],
            "keyword": filters.keyword,
            "locationKeyword": filters.location,
            "numJobsToShow": S.PAGE_SIZE,
            "filterParams": filters.filter_params(),
            "sort": "date" if filters.sort_by_date else "relevance",
            "pageNumber": number,
            "pageCursor": cursor,
        }
        if filters.fromage:
            variables["fromage"] = filters.fromage
        if place is not None:
            kinds = {"C": "CITY", "S": "STATE", "N": "COUNTRY"}
            variables["locationId"] = place.get("locationId")
            variables["locationType"] = kinds.get(str(place.get("locationType")), "CITY")
        body = [{"operationName": S.SEARCH_OPERATION, "variables": variables, "query": S.SEARCH_QUERY}]
        url = f"{self.base}{S.GRAPH_PATH}"
        answer = await fetch(http, url, self.timeout, S.WALLS, method="POST", data=body, headers=json_headers(token))
        listings = _listings(answer.text, answer.status, url)
        views = [item["jobview"] for item in listings.get("jobListings") or () if isinstance(item, dict)]
        cursors = {c.get("pageNumber"): c.get("cursor") for c in listings.get("paginationCursors") or ()}
        total = listings.get("totalJobsCount")
        return GraphPage(views, cursors.get(number + 1), total if isinstance(total, int) else None)


def json_headers(token: str) -> dict[str, str]:
    """The headers of a ``POST /graph``: JSON, and the page's CSRF token."""
    return {"Content-Type": "application/json", S.CSRF_HEADER: token}


def _listings(text: str, status: int, url: str) -> dict[str, Any]:
    """``[0].data.jobListings`` of a ``/graph`` answer; non-fatal ``errors`` beside it are ignored."""
    try:
        answer = json.loads(text)
    except ValueError as exc:
        raise SiteChanged(f"Glassdoor's {url} answered HTTP {status} without JSON: the API changed") from exc
    first = answer[0] if isinstance(answer, list) and answer else answer
    data = first.get("data") if isinstance(first, dict) else None
    listings = data.get("jobListings") if isinstance(data, dict) else None
    if not isinstance(listings, dict):
        errors = first.get("errors") if isinstance(first, dict) else None
        detail = errors[0].get("message") if isinstance(errors, list) and errors else f"HTTP {status}"
        raise SiteChanged(f"Glassdoor's {url} gave no jobListings ({detail}): the API changed")
    return listings
