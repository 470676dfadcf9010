"""The guest search fragment (``seeMoreJobPostings/search``): ``<li>`` cards to JobPostings (§1.1).

Structured anchors first (``data-entity-urn``, ``time[datetime]``), visible text second; every value
cleaned by :mod:`jobflow.postings.parse`. A card without a job id is the markup drifting: ``SiteChanged``.
"""

from __future__ import annotations

from datetime import datetime

from jobflow.errors import SiteChanged
from jobflow.postings import JobPosting
from jobflow.postings.parse import (
    absolute_url,
    clean_title,
    parse_iso_date,
    parse_location,
    parse_posted,
    parse_salary,
    without_query,
)
from jobflow.postings.parse.markup import Node, parse_markup
from jobflow_linkedin import selectors as S

__all__ = ["job_url", "parse_card", "parse_search_fragment"]


def job_url(base_url: str, native_id: str) -> str:
    """The canonical posting URL: ``<base>/jobs/view/<id>``."""
    return f"{base_url.rstrip('/')}/jobs/view/{native_id}"


def _native_id(card: Node) -> str | None:
    urn = card.attr(S.GUEST_CARD_URN) or ""
    if urn.rsplit(":", 1)[-1].isdigit():
        return urn.rsplit(":", 1)[-1]
    link = card.select_one(S.GUEST_CARD_LINK)
    tail = (link.attr("href") or "").split("?")[0].rstrip("/").rsplit("-", 1)[-1] if link else ""
    return tail if tail.isdigit() else None


def _text(card: Node, selector: str) -> str:
    node = card.select_one(selector)
    return node.text() if node else ""


def parse_card(card: Node, *, base_url: str, now: datetime) -> JobPosting:
    """One card; raises ``SiteChanged`` when it has no job id or no title."""
    native_id = _native_id(card)
    title = clean_title(_text(card, S.GUEST_CARD_TITLE) or _text(card, S.GUEST_CARD_TITLE_FALLBACK))
    if native_id is None or not title:
        missing = "job id" if native_id is None else "title"
        raise SiteChanged(f"a LinkedIn guest search card has no {missing}: the card markup changed")
    company_link = card.select_one(S.GUEST_CARD_COMPANY_LINK)
    logo = card.select_one(S.LOGO)
    place = parse_location(_text(card, S.GUEST_CARD_LOCATION))
    time = card.select_one(S.GUEST_CARD_TIME)
    raw_date = time.text() if time else ""
    posted = parse_iso_date(time.attr("datetime") or "") if time else None
    if posted is None and raw_date:
        parsed = parse_posted(raw_date, now)
        posted = parsed.date if parsed else None
    benefit = _text(card, S.GUEST_CARD_BENEFIT)
    return JobPosting(
        site="linkedin",
        native_id=native_id,
        url=job_url(base_url, native_id),
        title=title,
        company=_text(card, S.GUEST_CARD_COMPANY) or None,
        company_url=without_query(absolute_url(company_link.attr("href") or "", base_url)) if company_link else None,
        company_logo=absolute_url(logo.attr(S.LOGO_URL) or "", base_url) if logo else None,
        location=place.location if place else None,
        is_remote=place.is_remote if place else None,
        work_model=place.work_model if place else None,
        date_posted=posted,
        date_posted_raw=raw_date or None,
        salary=parse_salary(_text(card, S.GUEST_CARD_SALARY)),
        benefits=[benefit] if benefit else [],
        scraped_at=now,
    )


def parse_search_fragment(markup: str, *, base_url: str, now: datetime) -> list[JobPosting]:
    """Every card of one endpoint answer, in page order (duplicates kept: the caller folds them).

    An answer with list items but no card in them is drifted markup (``SiteChanged``), not an empty page.
    """
    root = parse_markup(markup)
    cards = root.select(S.GUEST_CARD)
    if not cards and root.select("li"):
        raise SiteChanged("LinkedIn's guest search answer has list items but no job cards: the markup changed")
    return [parse_card(card, base_url=base_url, now=now) for card in cards]
