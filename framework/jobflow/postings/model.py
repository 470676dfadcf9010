"""The unified job posting: one JSON-able model for every site (sites/README.md §5).

Site plugins fill what their page exposes and leave the rest ``None`` (or empty); a search card and a
detail page of the same posting are combined with :meth:`JobPosting.merged`. Every value is cleaned
(whitespace collapsed, entities decoded) and normalised by :mod:`jobflow.postings.parse`; the raw site
text is kept beside the parsed value where parsing loses information (``date_posted_raw``,
``salary.raw``, ``location.raw``, ``applicants_raw``).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "ApplicationStatus",
    "Interval",
    "JobPosting",
    "JobType",
    "Location",
    "Salary",
    "SalarySource",
    "WorkModel",
]


class Interval(StrEnum):
    """The period a salary amount is paid for."""

    YEARLY = "yearly"
    MONTHLY = "monthly"
    WEEKLY = "weekly"
    DAILY = "daily"
    HOURLY = "hourly"


class SalarySource(StrEnum):
    """Where a salary comes from: stated by the employer, estimated by the site, or found in the text."""

    DIRECT = "direct"
    ESTIMATE = "estimate"
    DESCRIPTION = "description"


class WorkModel(StrEnum):
    """Where the work happens."""

    ONSITE = "onsite"
    REMOTE = "remote"
    HYBRID = "hybrid"


class JobType(StrEnum):
    """Employment type, the union of what the sites offer."""

    FULLTIME = "fulltime"
    PARTTIME = "parttime"
    CONTRACT = "contract"
    TEMPORARY = "temporary"
    INTERNSHIP = "internship"
    VOLUNTEER = "volunteer"
    PERDIEM = "perdiem"
    OTHER = "other"


class ApplicationStatus(StrEnum):
    """The member's own state for a posting, as member views show it."""

    APPLIED = "applied"
    VIEWED = "viewed"
    SAVED = "saved"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Salary(_Model):
    """A pay range. ``min_amount == max_amount`` for a single value; one bound for "From"/"Up to"."""

    min_amount: float | None = None
    max_amount: float | None = None
    interval: Interval | None = None
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$", description="ISO 4217 code")
    source: SalarySource | None = None
    raw: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Salary:
        if self.min_amount is not None and self.max_amount is not None and self.min_amount > self.max_amount:
            raise ValueError(f"salary min {self.min_amount} is above max {self.max_amount}")
        return self


class Location(_Model):
    """A place: ``raw`` is the site's text; the parts are what could be read from it.

    ``state`` is a region code where one exists (US states, Canadian provinces: ``CA``, ``ON``),
    ``country`` an ISO 3166-1 alpha-2 code (``US``, ``GB``, ``DE``).
    """

    raw: str | None = None
    city: str | None = None
    state: str | None = None
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    postal_code: str | None = None


class JobPosting(_Model):
    """One posting on one site, identified by ``(site, native_id)``."""

    site: str = Field(description="the site plugin's name: linkedin, indeed, glassdoor, ...")
    native_id: str = Field(description="the site's own id: LinkedIn jobPosting id, Indeed jk, Glassdoor listingId")
    url: str = Field(description="canonical posting URL on the site, tracking parameters dropped")
    title: str
    company: str | None = None
    company_url: str | None = Field(default=None, description="the company's page on the site")
    company_logo: str | None = None
    company_industry: str | None = None
    company_rating: float | None = None
    company_reviews_count: int | None = None
    location: Location | None = None
    is_remote: bool | None = None
    work_model: WorkModel | None = None
    date_posted: date | None = Field(default=None, description="UTC date the posting was published")
    date_posted_raw: str | None = Field(default=None, description="the site's text, e.g. '3 days ago', '30d+'")
    reposted: bool | None = None
    salary: Salary | None = None
    job_type: list[JobType] = Field(default_factory=list)
    job_level: str | None = None
    job_function: str | None = None
    description_html: str | None = Field(default=None, description="cleaned HTML (parse.html.clean_html)")
    description_markdown: str | None = None
    criteria: dict[str, str] = Field(default_factory=dict, description="LinkedIn's job criteria, heading -> value")
    skills: list[str] = Field(default_factory=list)
    benefits: list[str] = Field(default_factory=list)
    emails: list[str] = Field(default_factory=list)
    apply_url: str | None = Field(default=None, description="direct (employer/ATS) application URL")
    easy_apply: bool | None = Field(default=None, description="applying happens on the site itself")
    promoted: bool | None = None
    application_status: ApplicationStatus | None = None
    applicants: int | None = None
    applicants_raw: str | None = None
    scraped_at: datetime | None = None
    raw: dict[str, Any] = Field(default_factory=dict, description="site-specific leftovers (JSON values)")

    @property
    def key(self) -> tuple[str, str]:
        """The identity used to fold duplicates and to store the posting: ``(site, native_id)``."""
        return (self.site, self.native_id)

    def merged(self, other: JobPosting) -> JobPosting:
        """This posting completed by ``other`` (same key): ``other``'s set values win, empty ones do not."""
        if other.key != self.key:
            raise ValueError(f"cannot merge {other.key} into {self.key}")
        update = {
            name: value
            for name, value in other
            if value is not None and value != [] and value != {} and name not in ("site", "native_id")
        }
        if self.raw and other.raw:
            update["raw"] = {**self.raw, **other.raw}
        return self.model_copy(update=update)

    def comparable(self) -> dict[str, Any]:
        """The JSON dump without the fields that vary between runs (``scraped_at``, ``raw``)."""
        return self.model_dump(mode="json", exclude={"scraped_at", "raw"})
