"""Glassdoor's job page (``/job-listing/j?jl=``) and its ``JobDetailQuery``.

The page shows the title, employer, location, salary, apply button and description; the employer's id
(its overview URL), its rating and the structured pay come from ``POST /graph`` ``JobDetailQuery``, sent
with the CSRF token the page itself carries. The page is read from server HTML (:meth:`JobPage.fetch`) or
rendered (:meth:`JobPage.render`); the query goes through the request API either way.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from jobflow.browser.driver import APIRequestContext, Page
from jobflow.browser.fetch import fetch, open_checked
from jobflow.errors import SiteChanged, StepError
from jobflow.postings.parse.markup import Node, parse_markup
from jobflow.spec.models import WaitSpec
from jobflow_glassdoor import selectors as S
from jobflow_glassdoor.pages.search import json_headers
from jobflow_glassdoor.parse import Detail

__all__ = ["JobGone", "JobPage"]


class JobGone(StepError):
    """The listing is no longer on Glassdoor (expired or removed)."""

    code = "not_found"


def _text(node: Node | None) -> str:
    return node.raw_text() if node is not None else ""


class JobPage:
    """The job page of one Glassdoor origin (``base``)."""

    def __init__(self, base: str, timeout: timedelta) -> None:
        self.base = base.rstrip("/")
        self.timeout = timeout

    def url(self, listing_id: str) -> str:
        """The page's URL."""
        return f"{self.base}{S.LISTING_PATH}?jl={listing_id}"

    async def fetch(self, http: APIRequestContext, listing_id: str) -> tuple[Detail, str | None]:
        """The page from its server HTML, and the CSRF token it carries."""
        url = self.url(listing_id)
        page = await fetch(http, url, self.timeout, S.WALLS)
        if page.status in (404, 410):
            raise JobGone(f"Glassdoor listing {listing_id} is gone (HTTP {page.status}: expired or removed)")
        document = parse_markup(page.text)
        title = document.select_one(S.DETAIL_TITLE)
        if title is None:
            raise SiteChanged(f"Glassdoor's job page {url} has no title ({S.DETAIL_TITLE}): the page changed")
        apply = document.select_one(S.EXTERNAL_APPLY)
        description = document.select_one(S.DETAIL_DESCRIPTION)
        token = S.CSRF_TOKEN.search(page.text)
        detail = Detail(
            listing_id=listing_id,
            title=title.raw_text(),
            company=_text(document.select_one(S.DETAIL_EMPLOYER)),
            location=_text(document.select_one(S.DETAIL_LOCATION)),
            salary=_text(document.select_one(S.DETAIL_SALARY)),
            description_html=description.inner_html() if description is not None else "",
            easy_apply=document.select_one(S.EASY_APPLY) is not None,
            apply_href=apply.attr("href") if apply is not None else None,
        )
        return detail, token.group(1) if token else None

    async def render(self, page: Page, listing_id: str, wait: WaitSpec) -> tuple[Detail, str | None]:
        """The page rendered in the browser and read with locators, and its CSRF token."""
        url = self.url(listing_id)
        status = await open_checked(page, url, wait, S.WALLS)
        if status in (404, 410):
            raise JobGone(f"Glassdoor listing {listing_id} is gone (HTTP {status}: expired or removed)")
        title = page.locator(S.DETAIL_TITLE)
        if await title.count() == 0:
            raise SiteChanged(f"Glassdoor's job page {url} has no title ({S.DETAIL_TITLE}): the page changed")

        async def text(selector: str) -> str:
            found = page.locator(selector)
            return await found.first.text_content() or "" if await found.count() else ""

        apply = page.locator(S.EXTERNAL_APPLY)
        description = page.locator(S.DETAIL_DESCRIPTION)
        token = S.CSRF_TOKEN.search(await page.content())
        detail = Detail(
            listing_id=listing_id,
            title=await title.first.text_content() or "",
            company=await text(S.DETAIL_EMPLOYER),
            location=await text(S.DETAIL_LOCATION),
            salary=await text(S.DETAIL_SALARY),
            description_html=await description.first.inner_html() if await description.count() else "",
            easy_apply=await page.locator(S.EASY_APPLY).count() > 0,
            apply_href=await apply.first.get_attribute("href") if await apply.count() else None,
        )
        return detail, token.group(1) if token else None

    async def jobview(self, http: APIRequestContext, listing_id: str, token: str) -> dict[str, Any] | None:
        """The listing's ``JobDetailQuery`` jobview (``None`` when the API has none for it)."""
        variables = {"jl": int(listing_id), "queryString": "q", "pageTypeEnum": "SERP"}
        body = [{"operationName": S.DETAIL_OPERATION, "variables": variables, "query": S.DETAIL_QUERY}]
        url = f"{self.base}{S.GRAPH_PATH}"
        answer = await fetch(http, url, self.timeout, S.WALLS, method="POST", data=body, headers=json_headers(token))
        try:
            data = json.loads(answer.text)
        except ValueError as exc:
            raise SiteChanged(f"Glassdoor's {url} answered HTTP {answer.status} without JSON: the API changed") from exc
        first = data[0] if isinstance(data, list) and data else data
        view = ((first or {}).get("data") or {}).get("jobview") if isinstance(first, dict) else None
        return view if isinstance(view, dict) else None
