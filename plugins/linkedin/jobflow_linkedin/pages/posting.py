"""The guest posting (``jobs-guest/jobs/api/jobPosting/{id}`` or ``/jobs/view/{id}``) to a JobPosting (§1.2).

Top card (title, company, location, posted, applicants, apply button), compensation, description (HTML
cleaned, Markdown, e-mails) and the job criteria. The external apply URL sits in an HTML comment inside
``code#applyUrl`` when LinkedIn still sends it.
"""

from __future__ import annotations

import re
from datetime import datetime

from jobflow.errors import SiteChanged
from jobflow.postings import JobPosting, JobType
from jobflow.postings.parse import (
    absolute_url,
    clean_html,
    clean_title,
    extract_emails,
    html_to_markdown,
    html_to_text,
    parse_location,
    parse_posted,
    parse_salary,
    query_param,
    without_query,
)
from jobflow.postings.parse.markup import Node, parse_markup
from jobflow_linkedin import selectors as S
from jobflow_linkedin.pages.guest_search import job_url

__all__ = ["EMPLOYMENT_TYPES", "parse_posting"]

EMPLOYMENT_TYPES: dict[str, JobType] = {
    "full-time": JobType.FULLTIME, "part-time": JobType.PARTTIME, "contract": JobType.CONTRACT,
    "temporary": JobType.TEMPORARY, "internship": JobType.INTERNSHIP, "volunteer": JobType.VOLUNTEER,
    "other": JobType.OTHER, "per diem": JobType.PERDIEM,
}  # fmt: skip
"""LinkedIn's "Employment type" criterion to the unified job type."""
_NUMBER = re.compile(r"\d[\d,]*")


def _text(root: Node, selector: str) -> str:
    node = root.select_one(selector)
    return node.text() if node else ""


def _company(root: Node, base_url: str) -> tuple[str | None, str | None]:
    link = root.select_one(S.DETAIL_COMPANY_LINK)
    if link is not None:
        return link.text() or None, without_query(absolute_url(link.attr("href") or "", base_url))
    plain = next((n for n in root.select(S.DETAIL_FLAVOR) if S.DETAIL_FLAVOR_BULLET not in n.classes), None)
    return (plain.text() or None) if plain else None, None


def _apply_url(root: Node) -> str | None:
    holder = root.select_one(S.DETAIL_APPLY_URL)
    for comment in holder.all_comments() if holder else []:
        target = comment.strip().strip('"').strip()
        if target:
            return query_param(target, "url") or target
    return None


def _applicants(text: str) -> int | None:
    match = _NUMBER.search(text)
    return int(match.group(0).replace(",", "")) if match else None


def _criteria(root: Node) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in root.select(S.CRITERIA_ITEM):
        heading, value = _text(item, S.CRITERIA_HEADING), _text(item, S.CRITERIA_VALUE)
        if heading and value:
            found[heading] = value
    return found


def _easy_apply(root: Node) -> bool | None:
    if root.select_one(S.DETAIL_EASY_APPLY):
        return True
    return False if root.select_one(S.DETAIL_OFFSITE_APPLY) else None


def parse_posting(markup: str, *, native_id: str, base_url: str, now: datetime) -> JobPosting:
    """The posting in ``markup``; ``SiteChanged`` when the top card or its title is missing."""
    root = parse_markup(markup)
    top = root.select_one(S.DETAIL_TOP_CARD)
    title = clean_title(_text(top, S.DETAIL_TITLE)) if top else ""
    if top is None or not title:
        raise SiteChanged(f"LinkedIn's posting {native_id} has no {'title' if top else 'top card'}: the markup changed")
    company, company_url = _company(top, base_url)
    logo = top.select_one(S.LOGO)
    place = parse_location(_text(top, S.DETAIL_LOCATION))
    raw_posted = _text(top, S.DETAIL_POSTED)
    posted = parse_posted(raw_posted, now)
    applicants = _text(top, S.DETAIL_APPLICANTS)
    markup_node = root.select_one(S.DETAIL_DESCRIPTION)
    description = clean_html(markup_node.inner_html()) if markup_node else ""
    criteria = _criteria(root)
    job_type = EMPLOYMENT_TYPES.get(criteria.get("Employment type", "").lower())
    return JobPosting(
        site="linkedin",
        native_id=native_id,
        url=job_url(base_url, native_id),
        title=title,
        company=company,
        company_url=company_url,
        company_logo=absolute_url(logo.attr(S.LOGO_URL) or "", base_url) if logo else None,
        company_industry=criteria.get("Industries"),
        location=place.location if place else None,
        is_remote=place.is_remote if place else None,
        work_model=place.work_model if place else None,
        date_posted=posted.date if posted else None,
        date_posted_raw=raw_posted or None,
        reposted=posted.reposted if posted else None,
        salary=parse_salary(_text(root, S.DETAIL_SALARY)),
        job_type=[job_type] if job_type else [],
        job_level=criteria.get("Seniority level"),
        job_function=criteria.get("Job function"),
        description_html=description or None,
        description_markdown=html_to_markdown(description) or None,
        criteria=criteria,
        emails=extract_emails(html_to_text(description)),
        apply_url=_apply_url(top),
        easy_apply=_easy_apply(top),
        applicants=_applicants(applicants) if applicants else None,
        applicants_raw=applicants or None,
        scraped_at=now,
    )
