"""The member (signed-in) two-pane search page: occluded cards de-occluded, then read (§1.4).

Only cards near the viewport have content; the rest are empty ``li[data-occludable-job-id]`` until the list
scrolls them into view. Each empty card is scrolled into view and its content awaited, then every card is
read in one pass (both inside the page: one round trip each). A page that shows the guest layout or a wall
means the session is gone: ``LoginRequired``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jobflow.browser.driver import TIMEOUT_ERRORS, Page
from jobflow.browser.waits import goto
from jobflow.errors import LoginRequired, SiteChanged
from jobflow.postings import ApplicationStatus, JobPosting
from jobflow.postings.parse import clean_text, clean_title, parse_location
from jobflow.spec.models import WaitSpec
from jobflow_linkedin import selectors as S
from jobflow_linkedin.pages.guest_search import job_url
from jobflow_linkedin.walls import WALL_MESSAGE, check_url

__all__ = ["MemberSearchPage", "member_posting"]

CARD_TIMEOUT_MS = 10_000
"""How long one occluded card may take to render once scrolled into view."""
_READ_CARDS = """(items, s) => items.map((li) => {
  const text = (el) => (el ? el.textContent : "");
  const link = li.querySelector(s.title);
  const footer = Array.from(li.querySelectorAll(s.footer)).map((el) => text(el).trim());
  return {
    id: li.getAttribute(s.idAttr),
    title: link ? (link.getAttribute("aria-label") || text(link)) : "",
    titleText: text(link),
    company: text(li.querySelector(s.company)),
    location: text(li.querySelector(s.location)),
    state: text(li.querySelector(s.state)),
    footer: footer,
  };
})"""
_DEOCCLUDE = """async (list, s) => {
  const frame = () => new Promise((done) => requestAnimationFrame(() => done()));
  for (const li of Array.from(list.querySelectorAll(s.item))) {
    if (li.querySelector(s.card)) continue;
    li.scrollIntoView({ block: "center" });
    const started = performance.now();
    while (!li.querySelector(s.card)) {
      if (performance.now() - started > s.timeout) return li.getAttribute(s.idAttr);
      await frame();
    }
  }
  list.scrollTo(0, 0);
  return null;
}"""
_STATES = {status.value: status for status in ApplicationStatus}


def member_posting(card: dict[str, Any], *, base_url: str, now: datetime) -> JobPosting:
    """A JobPosting from one card's raw values (as :data:`_READ_CARDS` returns them)."""
    native_id = str(card.get("id") or "")
    title = clean_title(card["title"]) or clean_title(card["titleText"])
    if not native_id.isdigit() or not title:
        raise SiteChanged(f"a LinkedIn member search card has no {'job id' if title else 'title'}: the markup changed")
    place = parse_location(card["location"])
    footer = [clean_text(item) for item in card["footer"]]
    return JobPosting(
        site="linkedin",
        native_id=native_id,
        url=job_url(base_url, native_id),
        title=title,
        company=clean_text(card["company"]) or None,
        location=place.location if place else None,
        is_remote=place.is_remote if place else None,
        work_model=place.work_model if place else None,
        easy_apply=S.EASY_APPLY_TEXT in footer,
        promoted=S.PROMOTED_TEXT in footer,
        application_status=_STATES.get(clean_text(card["state"]).lower()),
        scraped_at=now,
    )


class MemberSearchPage:
    """One leased page driving the member search."""

    def __init__(self, page: Page, wait: WaitSpec, *, base_url: str) -> None:
        self.page = page
        self.wait = wait
        self.base_url = base_url

    async def open(self, url: str) -> int:
        """Load a results page; returns how many cards it lists (0: the no-results banner).

        Raises ``LoginRequired`` when LinkedIn shows the guest page or a wall, ``Checkpoint`` on a security
        check, ``RateLimited`` on 429/999, ``SiteChanged`` when neither cards nor the banner appear.
        """
        await goto(self.page, url, self.wait)
        check_url(self.page.url)
        if not await self.page.locator(S.MEMBER_MARKER).count():
            raise LoginRequired(WALL_MESSAGE.format(url=self.page.url))
        ready = self.page.locator(S.MEMBER_RESULTS).first
        try:
            await ready.wait_for(state="attached", timeout=self.wait.timeout.total_seconds() * 1000)
        except TIMEOUT_ERRORS as exc:
            raise SiteChanged(f"LinkedIn's member search at {url} shows neither job cards nor 'no results'") from exc
        return await self.page.locator(S.MEMBER_ITEM).count()

    async def _deocclude(self) -> None:
        """Scroll each empty card into view and wait (frame by frame, in the page) until it has content."""
        arg = {"item": S.MEMBER_ITEM, "card": S.MEMBER_CARD, "idAttr": S.MEMBER_ITEM_ID, "timeout": CARD_TIMEOUT_MS}
        stuck = await self.page.locator(S.MEMBER_LIST).first.evaluate(_DEOCCLUDE, arg)
        if stuck:
            raise SiteChanged(f"LinkedIn member search card {stuck} never rendered when scrolled into view")

    async def cards(self, now: datetime) -> list[JobPosting]:
        """Every card of the page (scrolled into view first), in page order."""
        await self._deocclude()
        selectors = {
            "title": S.MEMBER_TITLE_LINK, "footer": S.MEMBER_FOOTER_ITEM, "company": S.MEMBER_COMPANY,
            "location": S.MEMBER_LOCATION, "state": S.MEMBER_FOOTER_STATE, "idAttr": S.MEMBER_ITEM_ID,
        }  # fmt: skip
        raw = await self.page.locator(S.MEMBER_ITEM).evaluate_all(_READ_CARDS, selectors)
        return [member_posting(card, base_url=self.base_url, now=now) for card in raw]

    async def has_page(self, number: int) -> bool:
        """Whether the pagination offers page ``number`` (1-based)."""
        return await self.page.locator(S.page_button(number)).count() > 0
