"""What the search and details steps of every job-site plugin share: the step's base URL and wait, the
outputs of a search (postings, count, pages) and of a details step, the ``job``/``jobs`` parameters of a
details step, and turning each ``job`` (a posting, an id or a URL) into the site's id.

A plugin keeps only what is its own: its id's URL parameter (``jk``, ``jl``), how an id looks, its modes::

    class JobParams(JobsParams):
        job: JobRef | None = Field(default=None, validation_alias=AliasChoices("job", "jk"))
        mode: Literal["request", "browser"] = "request"

    refs = job_refs(params, site="indeed", id_param="jk", valid=S.JOB_KEY.fullmatch, what="a job key")
    base = site_base(ctx, params.base_url or posting_origin(refs, "jk"), "indeed")
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from pydantic import Field, model_validator

from jobflow.errors import StepError
from jobflow.postings.model import JobPosting
from jobflow.postings.parse import query_param
from jobflow.spec.models import WaitSpec
from jobflow.steptype import StepContext, StepOutputs, StepParams

__all__ = [
    "JobOutputs",
    "JobRef",
    "JobsParams",
    "SearchOutputs",
    "job_refs",
    "posting_origin",
    "site_base",
    "site_wait",
    "throttle",
    "whole_days",
]

JobRef = str | dict[str, Any]
"""A posting (JobPosting JSON from the site's search), the site's job id, or a job URL."""


def whole_days(within: timedelta | None) -> int | None:
    """A ``posted_within`` duration as the whole days the sites filter on (rounded up, at least 1)."""
    return None if within is None else max(1, math.ceil(within / timedelta(days=1)))


def site_wait(ctx: StepContext) -> WaitSpec:
    """The step's effective wait strategy (the step's, else the workflow's ``sites.<name>.wait``)."""
    spec = ctx.extras.get("wait") or (ctx.site.wait if ctx.site is not None else None)
    return spec if isinstance(spec, WaitSpec) else WaitSpec()


def site_base(ctx: StepContext, given: str | None, site: str) -> str:
    """``given``, else the site's configured base URL, without a trailing slash; ``StepError`` without one."""
    base = given or (ctx.site.base_url if ctx.site is not None else None)
    if not base:
        raise StepError(f"{site}: no base URL: set sites.{site}.base_url or the step's base_url")
    return base.rstrip("/")


async def throttle(ctx: StepContext, site: str) -> None:
    """Take one of ``site``'s rate tokens before a further request inside a lease (the lease took the first)."""
    pool = ctx.extras.get("browser")
    if pool is not None:
        await pool.throttle(site)


class SearchOutputs(StepOutputs):
    postings: list[dict[str, Any]] = Field(default_factory=list, description="JobPosting JSON, duplicates folded")
    count: int = 0
    pages: int = 0

    @classmethod
    def of(cls, postings: list[JobPosting], *, pages: int) -> SearchOutputs:
        """The outputs for ``postings`` (already folded and cut to the limit), read from ``pages`` pages."""
        return cls(postings=[p.model_dump(mode="json") for p in postings], count=len(postings), pages=pages)


class JobOutputs(StepOutputs):
    posting: dict[str, Any] | None = Field(default=None, description="the details of `job` (JobPosting JSON)")
    postings: list[dict[str, Any]] = Field(default_factory=list, description="the details of every job, in order")

    @classmethod
    def of(cls, details: list[JobPosting], *, single: bool) -> JobOutputs:
        """The outputs for ``details``; ``posting`` is set when the step was given one ``job``."""
        dumped = [p.model_dump(mode="json") for p in details]
        return cls(posting=dumped[0] if single else None, postings=dumped)


class JobsParams(StepParams):
    """``job`` or ``jobs``, and ``base_url``; a plugin redeclares ``job`` with its own aliases."""

    job: JobRef | None = Field(default=None, description="a posting from the site's search, an id or a job URL")
    jobs: list[JobRef] = Field(default_factory=list, description="several of them, read one after the other")
    base_url: str | None = None

    @model_validator(mode="after")
    def _some_job(self) -> JobsParams:
        if (self.job is None) == (not self.jobs):
            raise ValueError("give either 'job' (a posting, an id or a URL) or 'jobs' (a list of them)")
        return self


def job_refs(
    params: JobsParams, *, site: str, id_param: str, valid: Callable[[str], object], what: str
) -> list[tuple[str, JobPosting | None]]:
    """``(site id, the posting given)`` per job of ``params``, in order. A posting of another site, or a
    string that is neither an id (``valid``) nor a URL carrying ``id_param``, fails the step."""
    refs: list[tuple[str, JobPosting | None]] = []
    for value in [params.job] if params.job is not None else params.jobs:
        if isinstance(value, dict):
            posting = JobPosting.model_validate(value)
            if posting.site != site:
                raise StepError(f"{site}.job got a {posting.site} posting ({posting.native_id})")
            refs.append((posting.native_id, posting))
            continue
        key = query_param(value, id_param) or str(value).strip()
        if not valid(key):
            raise StepError(f"{site}.job: {value!r} is neither {what} nor a job URL with {id_param}=")
        refs.append((key, None))
    return refs


def posting_origin(refs: list[tuple[str, JobPosting | None]], id_param: str) -> str | None:
    """The origin (``scheme://host``) of the first given posting whose URL carries ``id_param``."""
    given = next((p for _, p in refs if p is not None and query_param(p.url, id_param)), None)
    if given is None:
        return None
    parts = urlsplit(given.url)
    return f"{parts.scheme}://{parts.netloc}"
