"""Indeed's data to :class:`JobPosting`: a mosaic search result (card) and a job page (detail).

Both read through the shared parsers (:mod:`jobflow.postings.parse`), so dates, salaries, locations and
text are cleaned exactly as on the other sites. ``base`` is the site's origin (``https://www.indeed.com``
or a local imitation); ``now`` resolves relative dates ("Just posted", "3 days ago").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from jobflow.postings.model import JobPosting, JobType, SalarySource
from jobflow.postings.parse import (
    absolute_url,
    clean_html,
    clean_text,
    clean_title,
    date_from_epoch_ms,
    extract_emails,
    html_to_markdown,
    html_to_text,
    parse_iso_date,
    parse_location,
    parse_posted,
    parse_salary,
    salary_from_range,
    without_query,
)

__all__ = ["Detail", "card_posting", "detail_posting", "job_types", "job_url"]


def job_url(base: str, jk: str) -> str:
    """The canonical URL of a posting: ``{base}/viewjob?jk={jk}``."""
    return f"{base.rstrip('/')}/viewjob?jk={jk}"


def job_types(labels: list[str] | tuple[str, ...]) -> list[JobType]:
    """Indeed's job-type labels ("Full-time", "Part-time", "Contract", ...) as :class:`JobType`, in order."""
    out: list[JobType] = []
    for label in labels:
        key = re.sub(r"[^a-z]", "", clean_text(label).lower())
        if key in JobType.__members__.values() and JobType(key) not in out:
            out.append(JobType(key))
    return out


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def card_posting(result: dict[str, Any], base: str, now: datetime) -> JobPosting:
    """One ``results[]`` object of ``window.mosaic.providerData["mosaic-provider-jobcards"]``."""
    jk = str(result["jobkey"])
    place = parse_location(result.get("formattedLocation"), remote=bool(result.get("remoteLocation")))
    location = place.location if place else None
    if location is not None:
        parts = {"city": "jobLocationCity", "state": "jobLocationState", "postal_code": "jobLocationPostal"}
        fill = {k: clean_text(result[v]) for k, v in parts.items() if getattr(location, k) is None and result.get(v)}
        location = location.model_copy(update=fill) if fill else location
    snippet = result.get("salarySnippet") or {}
    raw_salary = clean_text(snippet.get("text")) or None
    currency = snippet.get("currency") or None
    salary = salary_from_range(result.get("extractedSalary"), currency=currency, raw=raw_salary)
    if salary is None and raw_salary:
        salary = parse_salary(raw_salary, currency=currency, source=SalarySource.DIRECT)
    relative = clean_text(result.get("formattedRelativeTime")) or None
    posted = date_from_epoch_ms(result["pubDate"]) if _number(result.get("pubDate")) is not None else None
    if posted is None and relative:
        parsed = parse_posted(relative, now)
        posted = parsed.date if parsed else None
    benefits = [
        clean_text(attribute.get("label"))
        for group in result.get("taxonomyAttributes") or ()
        if group.get("label") == "benefits"
        for attribute in group.get("attributes") or ()
        if clean_text(attribute.get("label"))
    ]
    overview = result.get("companyOverviewLink")
    logo = (result.get("companyBrandingAttributes") or {}).get("logoUrl")
    return JobPosting(
        site="indeed",
        native_id=jk,
        url=job_url(base, jk),
        title=clean_title(result.get("displayTitle") or result.get("title")),
        company=clean_text(result.get("company")) or None,
        company_url=without_query(absolute_url(overview, base)) if overview else None,
        company_logo=absolute_url(logo, base) if logo else None,
        company_rating=_number(result.get("companyRating")),
        company_reviews_count=int(result["companyReviewCount"]) if _number(result.get("companyReviewCount")) else None,
        location=location,
        is_remote=place.is_remote if place else bool(result.get("remoteLocation")),
        work_model=place.work_model if place else None,
        date_posted=posted,
        date_posted_raw=relative,
        salary=salary,
        job_type=job_types(result.get("jobTypes") or []),
        benefits=benefits,
        easy_apply=bool(result.get("indeedApplyable")),
        promoted=bool(result.get("sponsored")),
        scraped_at=now,
    )


@dataclass
class Detail:
    """What a job page shows, read from server HTML or from the rendered page alike."""

    jk: str
    title: str = ""
    company: str = ""
    company_href: str | None = None
    location: str = ""
    salary_text: str = ""
    job_type_text: str = ""
    description_html: str = ""
    indeed_apply: bool = False
    apply_href: str | None = None
    date_posted: str = ""
    """The JSON-LD ``datePosted`` (ISO)."""
    initial: dict[str, Any] = field(default_factory=dict)
    """``window._initialData``."""


def detail_posting(detail: Detail, base: str, now: datetime) -> JobPosting:
    """A job page (``/viewjob?jk=``) as a posting."""
    info = (detail.initial.get("jobInfoWrapperModel") or {}).get("jobInfoModel") or {}
    header = info.get("jobInfoHeaderModel") or {}
    title = clean_title(header.get("jobTitle") or detail.title)
    place = parse_location(header.get("formattedLocation") or detail.location)
    markup = clean_html(info.get("sanitizedJobDescription") or detail.description_html) or None
    relative = clean_text((detail.initial.get("hiringInsightsModel") or {}).get("age")) or None
    posted = parse_iso_date(detail.date_posted) if detail.date_posted else None
    if posted is None and relative:
        parsed = parse_posted(relative, now)
        posted = parsed.date if parsed else None
    kinds = [part.strip() for part in clean_text(detail.job_type_text).strip(" -").split(",")]
    return JobPosting(
        site="indeed",
        native_id=detail.jk,
        url=job_url(base, detail.jk),
        title=title,
        company=clean_text(header.get("companyName") or detail.company) or None,
        company_url=without_query(absolute_url(detail.company_href, base)) if detail.company_href else None,
        location=place.location if place else None,
        is_remote=place.is_remote if place else None,
        work_model=place.work_model if place else None,
        date_posted=posted,
        date_posted_raw=relative,
        salary=parse_salary(detail.salary_text, source=SalarySource.DIRECT) if detail.salary_text else None,
        job_type=job_types([k for k in kinds if k]),
        description_html=markup,
        description_markdown=html_to_markdown(markup) if markup else None,
        emails=extract_emails(html_to_text(markup)) if markup else [],
        apply_url=absolute_url(detail.apply_href, base) if detail.apply_href and not detail.indeed_apply else None,
        easy_apply=detail.indeed_apply,
        scraped_at=now,
    )
