"""``linkedin.job``: a posting's full details from the guest posting endpoint (one HTTP request, no rendering).

Description as cleaned HTML and Markdown, the criteria (seniority, employment type, function, industry),
the salary with interval and currency, applicants, the direct (employer) apply URL when LinkedIn sends it,
Easy Apply or not, and e-mail addresses found in the description. A posting given as JSON (from
``linkedin.search``) comes back completed by the details.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from jobflow import StepContext, StepOutputs, StepParams, step
from jobflow.errors import StepError
from jobflow.postings import JobPosting
from jobflow_linkedin.client import GuestClient, base_url, site_wait
from jobflow_linkedin.pages.posting import parse_posting
from jobflow_linkedin.refs import JobRef, resolve
from jobflow_linkedin.site import SITE

__all__ = ["POSTING_PATH", "JobOutputs", "JobParams", "job"]

POSTING_PATH = "/jobs-guest/jobs/api/jobPosting/{id}"


class JobParams(StepParams):
    """``with:`` of ``linkedin.job``: one ``job`` or a list of ``jobs`` (postings, ids or URLs)."""

    job: JobRef | None = None
    jobs: list[JobRef] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one(self) -> JobParams:
        if self.job is None and not self.jobs:
            raise ValueError("give 'job' (a posting, an id or a URL) or 'jobs' (a list of them)")
        return self


class JobOutputs(StepOutputs):
    """Outputs of ``linkedin.job``."""

    posting: dict[str, Any] | None = Field(default=None, description="the details of `job` (JobPosting JSON)")
    postings: list[dict[str, Any]] = Field(default_factory=list, description="the details of every job, in order")


@step("linkedin.job", params=JobParams, outputs=JobOutputs, site=SITE.name)
async def job(ctx: StepContext, params: JobParams) -> JobOutputs:
    """Fetch LinkedIn postings' full details (description, criteria, salary, apply URL, e-mails)."""
    refs = [resolve(r) for r in ([params.job] if params.job is not None else []) + params.jobs]
    base = base_url(ctx)
    details: list[JobPosting] = []
    async with ctx.request(SITE.name) as http:
        client = GuestClient(http, ctx, timeout=site_wait(ctx).timeout)
        for ref in refs:
            answer = await client.get(base + POSTING_PATH.format(id=ref.native_id))
            if answer.status == 404:
                raise StepError(f"LinkedIn has no posting {ref.native_id} (HTTP 404): it was removed or never existed")
            if answer.status != 200:
                raise StepError(f"LinkedIn answered HTTP {answer.status} for posting {ref.native_id}")
            found = parse_posting(answer.text, native_id=ref.native_id, base_url=base, now=ctx.clock.now())
            details.append(ref.posting.merged(found) if ref.posting else found)
    dumped = [p.model_dump(mode="json") for p in details]
    return JobOutputs(posting=dumped[0] if params.job is not None else None, postings=dumped)
