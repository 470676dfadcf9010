"""Indeed's job page (``/viewjob?jk=``): header, salary and job type, apply button, description, and the
``window._initialData`` and JSON-LD the page embeds, read from server HTML or from the rendered page.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from jobflow.browser.driver import APIRequestContext, Page, evaluate_in_page
from jobflow.browser.fetch import fetch, open_checked, read_json_after
from jobflow.errors import SiteChanged, StepError
from jobflow.postings.parse.markup import Node, parse_markup
from jobflow.spec.models import WaitSpec
from jobflow_indeed import selectors as S
from jobflow_indeed.parse import Detail

__all__ = ["JobGone", "JobPage"]


class JobGone(StepError):
    """The posting is no longer on Indeed (expired or removed)."""

    code = "not_found"


def _date_posted(scripts: list[str]) -> str:
    for text in scripts:
        try:
            data = json.loads(text)
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict) and item.get("@type") == "JobPosting" and item.get("datePosted"):
                return str(item["datePosted"])
    return ""


def _split_pay(parts: list[str]) -> tuple[str, str]:
    """``#salaryInfoAndJobType``'s spans: the pay, then " -  Full-time" (either may be missing)."""
    pay, kind = "", ""
    for part in parts:
        if part.strip().startswith("-"):
            kind = part
        elif part.strip():
            pay = part
    return pay, kind


def _text(node: Node | None) -> str:
    return node.raw_text() if node is not None else ""


class JobPage:
    """The job page of one Indeed origin (``base``)."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")

    def url(self, jk: str) -> str:
        """The page's URL."""
        return f"{self.base}{S.VIEWJOB_PATH}?jk={jk}"

    def _gone(self, jk: str, status: int) -> JobGone:
        return JobGone(f"Indeed job {jk} is gone (HTTP {status}: expired or removed)")

    async def fetch(self, http: APIRequestContext, jk: str, within: timedelta) -> Detail:
        """Read the page's server HTML through the request API."""
        url = self.url(jk)
        page = await fetch(http, url, within, S.WALLS)
        if page.status in (404, 410):
            raise self._gone(jk, page.status)
        document = parse_markup(page.text)
        initial = read_json_after(S.INITIAL_DATA, page.text)
        title = document.select_one(S.TITLE)
        if title is None:
            raise SiteChanged(f"Indeed's job page {url} has no title ({S.TITLE}): the page changed")
        company = document.select_one(S.COMPANY_LINK)
        apply = document.select_one(S.EXTERNAL_APPLY)
        pay, kind = _split_pay([node.raw_text() for node in document.select(S.SALARY_AND_TYPE_PARTS)])
        description = document.select_one(S.DESCRIPTION)
        return Detail(
            jk=jk,
            title=title.raw_text(),
            company=_text(document.select_one(S.COMPANY)),
            company_href=company.attr("href") if company is not None else None,
            location=_text(document.select_one(S.LOCATION)),
            salary_text=pay,
            job_type_text=kind,
            description_html=description.inner_html() if description is not None else "",
            indeed_apply=document.select_one(S.INDEED_APPLY) is not None,
            apply_href=apply.attr("href") if apply is not None else None,
            date_posted=_date_posted([node.raw_text() for node in document.select(S.JSON_LD)]),
            initial=initial if isinstance(initial, dict) else {},
        )

    async def render(self, page: Page, jk: str, wait: WaitSpec) -> Detail:
        """Load the page in the browser and read it with locators."""
        url = self.url(jk)
        status = await open_checked(page, url, wait, S.WALLS)
        if status in (404, 410):
            raise self._gone(jk, status)
        title = page.locator(S.TITLE)
        if await title.count() == 0:
            raise SiteChanged(f"Indeed's job page {url} has no title ({S.TITLE}): the page changed")
        initial: Any = await evaluate_in_page(page, S.INITIAL_DATA_GLOBAL)
        company = page.locator(S.COMPANY_LINK)
        apply = page.get_by_role("link", name=S.EXTERNAL_APPLY_NAME)
        description = page.locator(S.DESCRIPTION)
        pay, kind = _split_pay(await page.locator(S.SALARY_AND_TYPE_PARTS).all_text_contents())
        return Detail(
            jk=jk,
            title=await title.first.text_content() or "",
            company=" ".join(await page.locator(S.COMPANY).all_text_contents()),
            company_href=await company.first.get_attribute("href") if await company.count() else None,
            location=" ".join((await page.locator(S.LOCATION).all_text_contents())[:1]),
            salary_text=pay,
            job_type_text=kind,
            description_html=await description.first.inner_html() if await description.count() else "",
            indeed_apply=await page.locator(S.INDEED_APPLY).count() > 0,
            apply_href=await apply.first.get_attribute("href") if await apply.count() else None,
            date_posted=_date_posted(await page.locator(S.JSON_LD).all_text_contents()),
            initial=initial if isinstance(initial, dict) else {},
        )
