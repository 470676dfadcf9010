"""Glassdoor's data to :class:`JobPosting`: a ``jobview`` (GraphQL or the page's Apollo cache), a card read
from the DOM (when no jobview came with it), and a job page completed by its ``JobDetailQuery`` jobview.

``base`` is the site's origin; ``now`` turns ``ageInDays`` and "3d"/"24h" into dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from jobflow.postings.model import JobPosting, SalarySource
from jobflow.postings.parse import (
    absolute_url,
    clean_html,
    clean_text,
    clean_title,
    date_from_age_days,
    extract_emails,
    html_to_markdown,
    html_to_text,
    parse_location,
    parse_posted,
    parse_salary,
    salary_from_range,
)
from jobflow_glassdoor import selectors as S

__all__ = ["Card", "Detail", "card_posting", "detail_posting", "dom_card_posting", "job_url"]

_SOURCES = {"EMPLOYER_PROVIDED": SalarySource.DIRECT, "ESTIMATED": SalarySource.ESTIMATE}


def job_url(base: str, listing_id: str) -> str:
    """The canonical URL of a listing: ``{base}/job-listing/j?jl={id}``."""
    return f"{base.rstrip('/')}/job-listing/j?jl={listing_id}"


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _salary(header: dict[str, Any]) -> Any:
    raw = clean_text(header.get("salaryText")) or None
    source = _SOURCES.get(str(header.get("salarySource") or ""), SalarySource.DIRECT)
    salary = salary_from_range(
        header.get("payPeriodAdjustedPay"),
        low="p10",
        high="p90",
        interval=header.get("payPeriod") or None,
        currency=header.get("payCurrency") or None,
        source=source,
        raw=raw,
    )
    return salary if salary is not None or raw is None else parse_salary(raw, currency=header.get("payCurrency"))


def _employer(header: dict[str, Any], base: str) -> tuple[str | None, str | None]:
    employer = header.get("employer") or {}
    name = clean_text(header.get("employerNameFromSearch") or employer.get("name")) or None
    url = f"{base.rstrip('/')}/Overview/W-EI_IE{employer['id']}.htm" if employer.get("id") else None
    return name, url


def card_posting(view: dict[str, Any], base: str, now: datetime) -> JobPosting:
    """A ``jobListings[].jobview`` (``header``, ``job``, ``overview``) as a search-card posting."""
    header, job, overview = view.get("header") or {}, view.get("job") or {}, view.get("overview") or {}
    listing = str(job["listingId"])
    place = parse_location(header.get("locationName"))
    age = _number(header.get("ageInDays"))
    company, company_url = _employer(header, base)
    logo = overview.get("squareLogoUrl")
    return JobPosting(
        site="glassdoor",
        native_id=listing,
        url=job_url(base, listing),
        title=clean_title(header.get("jobTitleText") or job.get("jobTitleText")),
        company=company,
        company_url=company_url,
        company_logo=absolute_url(logo, base) if logo else None,
        company_rating=_number(header.get("rating")) or None,
        location=place.location if place else None,
        is_remote=place.is_remote if place else None,
        work_model=place.work_model if place else None,
        date_posted=date_from_age_days(int(age), now) if age is not None else None,
        date_posted_raw=clean_text(header.get("ageText")) or None,
        salary=_salary(header),
        skills=[clean_text(s) for s in header.get("skills") or () if clean_text(s)],
        easy_apply=bool(header.get("easyApply")),
        promoted=bool(header.get("sponsored")),
        scraped_at=now,
    )


@dataclass
class Card:
    """A search card as the DOM shows it (used only when no jobview came with the row)."""

    listing_id: str
    title: str = ""
    company: str = ""
    rating: str = ""
    location: str = ""
    salary: str = ""
    snippet: str = ""
    age: str = ""
    easy_apply: bool = False


def dom_card_posting(card: Card, base: str, now: datetime) -> JobPosting:
    """A DOM card as a posting: dates from "3d"/"24h" (a "30d+" is a lower bound), salary from its text."""
    place = parse_location(card.location)
    posted = parse_posted(card.age, now) if clean_text(card.age) else None
    snippet = clean_text(card.snippet)
    skills = snippet.split(S.SKILLS_PREFIX, 1)[1] if S.SKILLS_PREFIX in snippet else ""
    rating = clean_text(card.rating)
    return JobPosting(
        site="glassdoor",
        native_id=card.listing_id,
        url=job_url(base, card.listing_id),
        title=clean_title(card.title),
        company=clean_text(card.company) or None,
        company_rating=float(rating) if rating.replace(".", "", 1).isdigit() else None,
        location=place.location if place else None,
        is_remote=place.is_remote if place else None,
        work_model=place.work_model if place else None,
        date_posted=posted.date if posted else None,
        date_posted_raw=posted.raw if posted else None,
        salary=parse_salary(card.salary) if clean_text(card.salary) else None,
        skills=[s.strip() for s in skills.split(",") if s.strip()],
        easy_apply=card.easy_apply,
        scraped_at=now,
    )


@dataclass
class Detail:
    """What a job page (``/job-listing/j?jl=``) shows, read from server HTML or the rendered page."""

    listing_id: str
    title: str = ""
    company: str = ""
    location: str = ""
    salary: str = ""
    description_html: str = ""
    easy_apply: bool = False
    apply_href: str | None = None


def detail_posting(detail: Detail, view: dict[str, Any] | None, base: str, now: datetime) -> JobPosting:
    """A job page completed by its ``JobDetailQuery`` jobview (employer id, rating, structured pay)."""
    header = (view or {}).get("header") or {}
    job = (view or {}).get("job") or {}
    company, company_url = _employer(header, base) if header else (clean_text(detail.company) or None, None)
    place = parse_location(header.get("locationName") or detail.location)
    markup = clean_html(job.get("description") or detail.description_html) or None
    salary = _salary(header) if header.get("payPeriodAdjustedPay") else None
    if salary is None and clean_text(detail.salary):
        salary = parse_salary(detail.salary)
    return JobPosting(
        site="glassdoor",
        native_id=detail.listing_id,
        url=job_url(base, detail.listing_id),
        title=clean_title(detail.title or header.get("jobTitleText")),
        company=company,
        company_url=company_url,
        company_rating=_number(header.get("rating")) or None,
        location=place.location if place else None,
        is_remote=place.is_remote if place else None,
        work_model=place.work_model if place else None,
        salary=salary,
        description_html=markup,
        description_markdown=html_to_markdown(markup) if markup else None,
        emails=extract_emails(html_to_text(markup)) if markup else [],
        apply_url=absolute_url(detail.apply_href, base) if detail.apply_href and not detail.easy_apply else None,
        easy_apply=bool(header.get("easyApply", detail.easy_apply)) if header else detail.easy_apply,
        scraped_at=now,
    )
