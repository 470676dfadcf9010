"""A LinkedIn job search as URL parameters (sites/README.md §1.1, §1.4), shared by guest and member search.

``f_WT`` work type (1 on-site, 2 remote, 3 hybrid), ``f_JT`` job type (F, P, C, T, I, V, O), ``f_E``
experience (1 internship … 6 executive), ``f_TPR`` posted within ``r<seconds>``, ``f_AL`` Easy Apply
only, ``distance`` in miles, ``sortBy`` ``DD`` (most recent) or ``R`` (relevance).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal
from urllib.parse import urlencode

from pydantic import Field, field_validator

from jobflow import StepParams
from jobflow.postings import JobType
from jobflow.spec.models import Duration

__all__ = [
    "EXPERIENCE_CODES",
    "GUEST_PAGE_SIZE",
    "GUEST_SEARCH_PATH",
    "JOB_TYPE_CODES",
    "MAX_START",
    "MEMBER_PAGE_SIZE",
    "MEMBER_SEARCH_PATH",
    "WORK_MODEL_CODES",
    "SearchParams",
    "guest_search_url",
    "member_search_url",
    "search_parameters",
]

GUEST_SEARCH_PATH = "/jobs-guest/jobs/api/seeMoreJobPostings/search"
MEMBER_SEARCH_PATH = "/jobs/search/"
GUEST_PAGE_SIZE = 10
"""Cards per guest endpoint call today (older: 25); paging advances by the cards actually received."""
MEMBER_PAGE_SIZE = 25
MAX_START = 1000
"""LinkedIn serves no result past offset 1000."""

WorkModelName = Literal["onsite", "remote", "hybrid"]
Experience = Literal["internship", "entry", "associate", "mid_senior", "director", "executive"]
WORK_MODEL_CODES: dict[str, str] = {"onsite": "1", "remote": "2", "hybrid": "3"}
JOB_TYPE_CODES: dict[JobType, str] = {
    JobType.FULLTIME: "F", JobType.PARTTIME: "P", JobType.CONTRACT: "C", JobType.TEMPORARY: "T",
    JobType.INTERNSHIP: "I", JobType.VOLUNTEER: "V", JobType.OTHER: "O",
}  # fmt: skip
EXPERIENCE_CODES: dict[str, str] = {
    "internship": "1", "entry": "2", "associate": "3", "mid_senior": "4", "director": "5", "executive": "6",
}  # fmt: skip


def _listify(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


class SearchParams(StepParams):
    """``with:`` of ``linkedin.search``."""

    keywords: str = ""
    location: str = ""
    distance: int | None = Field(default=None, ge=0, le=500, description="miles around the location")
    remote: bool = Field(default=False, description="remote jobs only (f_WT=2)")
    work_model: list[WorkModelName] = Field(default_factory=list, description="onsite, remote, hybrid (f_WT)")
    job_type: list[JobType] = Field(default_factory=list, description="fulltime, parttime, contract, ... (f_JT)")
    experience_level: list[Experience] = Field(
        default_factory=list, description="internship, entry, associate, mid_senior, director, executive (f_E)"
    )
    posted_within: Duration | None = Field(default=None, description="e.g. 24h, 7d (f_TPR)")
    easy_apply: bool = Field(default=False, description="Easy Apply jobs only (f_AL)")
    sort: Literal["relevance", "recent"] | None = None
    limit: int = Field(default=25, ge=1, le=MAX_START)
    mode: Literal["auto", "guest", "member"] = Field(
        default="auto", description="auto: the member search when a signed-in session is stored, else guest"
    )

    _lists = field_validator("work_model", "job_type", "experience_level", mode="before")(_listify)

    def work_codes(self) -> list[str]:
        models = list(dict.fromkeys([*(["remote"] if self.remote else []), *self.work_model]))
        return [WORK_MODEL_CODES[m] for m in models]


def _seconds(window: timedelta) -> int:
    return max(1, int(window.total_seconds()))


def search_parameters(params: SearchParams) -> dict[str, str]:
    """The search's query parameters, without paging."""
    query: dict[str, str] = {"keywords": params.keywords, "location": params.location}
    if params.distance is not None:
        query["distance"] = str(params.distance)
    if codes := params.work_codes():
        query["f_WT"] = ",".join(codes)
    if params.job_type:
        query["f_JT"] = ",".join(JOB_TYPE_CODES[t] for t in params.job_type)
    if params.experience_level:
        query["f_E"] = ",".join(EXPERIENCE_CODES[e] for e in params.experience_level)
    if params.posted_within is not None:
        query["f_TPR"] = f"r{_seconds(params.posted_within)}"
    if params.easy_apply:
        query["f_AL"] = "true"
    if params.sort is not None:
        query["sortBy"] = "DD" if params.sort == "recent" else "R"
    return query


def guest_search_url(base_url: str, query: dict[str, str], start: int) -> str:
    """The guest endpoint's URL for the cards from offset ``start``."""
    return f"{base_url.rstrip('/')}{GUEST_SEARCH_PATH}?{urlencode({**query, 'start': str(start)})}"


def member_search_url(base_url: str, query: dict[str, str], page: int) -> str:
    """The member search page ``page`` (0-based; 25 cards a page)."""
    paging = {"start": str(page * MEMBER_PAGE_SIZE)} if page else {}
    return f"{base_url.rstrip('/')}{MEMBER_SEARCH_PATH}?{urlencode({**query, **paging})}"
