"""The member job page (``/jobs/view/{id}/``): what it offers (Easy Apply, already applied, external) (§1.4)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from jobflow.browser import human
from jobflow.browser.driver import TIMEOUT_ERRORS, Page
from jobflow.browser.waits import goto
from jobflow.errors import LoginRequired, SiteChanged
from jobflow.postings.parse import clean_text, clean_title
from jobflow.spec.models import WaitSpec
from jobflow_linkedin import selectors as S
from jobflow_linkedin.pages.easy_apply import EasyApplyModal
from jobflow_linkedin.walls import WALL_MESSAGE, check_url

__all__ = ["JobPage", "JobPageState"]

Offer = Literal["easy_apply", "applied", "external"]


@dataclass(frozen=True)
class JobPageState:
    """What the job page shows the member."""

    offer: Offer
    title: str
    company: str


class JobPage:
    """One leased page on a member job page."""

    def __init__(self, page: Page, wait: WaitSpec, *, base_url: str) -> None:
        self.page = page
        self.wait = wait
        self.base_url = base_url
        self.timeout_ms = wait.timeout.total_seconds() * 1000

    async def open(self, native_id: str) -> JobPageState:
        """Load the job; raises ``LoginRequired`` for a guest view, ``SiteChanged`` when no apply control shows."""
        await goto(self.page, f"{self.base_url}/jobs/view/{native_id}/", self.wait)
        check_url(self.page.url)
        details = self.page.locator(S.JOB_DETAILS)
        if not await details.count():
            if await self.page.locator(S.MEMBER_MARKER).count():
                raise SiteChanged(f"LinkedIn's job page {self.page.url} shows no job details")
            raise LoginRequired(WALL_MESSAGE.format(url=self.page.url))
        try:
            await self.page.locator(S.JOB_PAGE_READY).first.wait_for(state="visible", timeout=self.timeout_ms)
        except TIMEOUT_ERRORS as exc:
            raise SiteChanged(f"LinkedIn's job page {self.page.url} shows no apply button") from exc
        titles = await details.first.locator(S.JOB_TITLE).all_text_contents()
        companies = await details.first.locator(S.JOB_COMPANY).all_text_contents()
        title, company = clean_title(titles[0] if titles else ""), clean_text(companies[0] if companies else "")
        offer: Offer = "external"
        if await self.page.locator(S.APPLIED_NOTICE).count():
            offer = "applied"
        elif await self.page.locator(S.EASY_APPLY_BUTTON).count():
            offer = "easy_apply"
        return JobPageState(offer, title, company)

    async def start_easy_apply(self) -> EasyApplyModal:
        """Click "Easy Apply" and wait for the modal (light DOM or the 2026 shadow root)."""
        await human.click(self.page.locator(S.EASY_APPLY_BUTTON).first)
        modal = EasyApplyModal(self.page, timeout_ms=self.timeout_ms)
        await modal.wait_open()
        return modal
