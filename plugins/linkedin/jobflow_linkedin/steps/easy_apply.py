"""``linkedin.easy_apply``: apply to postings through LinkedIn's Easy Apply modal, from a profile YAML.

Dry run by default: the modal is walked and answered up to its submit button, the review is screenshotted
(``JOBFLOW_HOME/artifacts/<run>/<step>/…``), the modal discarded and the application recorded as ``ready``
(``jobflow applications`` lists it). ``submit: true`` sends it and records it as ``applied`` (the same
application a dry run recorded) and, with ``follow_up: 7d``, schedules a ``follow_up`` reminder.

Statuses per posting: ``applied``, ``dry_run``, ``skipped_unknown_question`` (queued for ``jobflow
questions``), ``already_applied`` (in the store or on LinkedIn), ``not_easy_apply``, ``daily_limit``,
``failed`` (LinkedIn rejected an answer; the detail says which). LinkedIn's daily-limit message ends
applying for the day: the rest of a ``jobs`` list is ``daily_limit``; a single ``job`` raises
``DailyLimitReached``, as does every later call that day. ``sites.linkedin.limits.applications_per_day``
caps submissions through the browser pool's daily counter.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from jobflow import StepContext, StepOutputs, StepParams, step
from jobflow.errors import DailyLimitReached
from jobflow.spec.models import Duration
from jobflow_linkedin.applying import ApplyOptions, ApplyResult, SiteDailyLimit, Status, apply_one
from jobflow_linkedin.client import base_url
from jobflow_linkedin.daily import DailyStop
from jobflow_linkedin.pages.guest_search import job_url
from jobflow_linkedin.profile import load_profile
from jobflow_linkedin.records import applied_job_ids
from jobflow_linkedin.refs import JobRef, resolve
from jobflow_linkedin.site import SITE

__all__ = ["EasyApplyOutputs", "EasyApplyParams", "easy_apply"]


class EasyApplyParams(StepParams):
    """``with:`` of ``linkedin.easy_apply``."""

    job: JobRef | None = Field(default=None, description="a posting (from linkedin.search), a job id or URL")
    jobs: list[JobRef] = Field(default_factory=list)
    profile: str = Field(description="the profile YAML (docs/profile.md), relative to the workflow")
    submit: bool = Field(default=False, description="send the application; otherwise stop at the review")
    follow_up: Duration | None = Field(default=None, description="schedule a follow_up reminder this long after")
    follow_company: bool | None = Field(default=None, description="keep 'Follow <company>' ticked (profile default)")
    max_steps: int = Field(default=12, ge=1, le=50, description="give up on a modal with more steps")

    @model_validator(mode="after")
    def _one(self) -> EasyApplyParams:
        if self.job is None and not self.jobs:
            raise ValueError("give 'job' (a posting, an id or a URL) or 'jobs' (a list of them)")
        return self


class EasyApplyOutputs(StepOutputs):
    """Outputs of ``linkedin.easy_apply``."""

    results: list[dict[str, Any]] = Field(default_factory=list, description="one ApplyResult per posting")
    status: str | None = Field(default=None, description="the status of `job`")
    applied: int = 0
    dry_run: int = 0
    skipped: int = 0
    daily_limit_reached: bool = False


@step("linkedin.easy_apply", params=EasyApplyParams, outputs=EasyApplyOutputs, site=SITE.name)
async def easy_apply(ctx: StepContext, params: EasyApplyParams) -> EasyApplyOutputs:
    """Apply through LinkedIn Easy Apply from a profile; stops at the review unless `submit: true`."""
    profile = load_profile(ctx.resolve_path(params.profile))
    refs = [resolve(r) for r in ([params.job] if params.job is not None else []) + params.jobs]
    today = ctx.clock.now().astimezone().date()
    stop = DailyStop(ctx.settings.home)
    stop.check(today)
    options = ApplyOptions(
        profile=profile,
        submit=params.submit,
        follow_company=profile.follow_companies if params.follow_company is None else params.follow_company,
        follow_up=params.follow_up,
        max_steps=params.max_steps,
    )
    known = await applied_job_ids(ctx.store, (r.native_id for r in refs))
    base = base_url(ctx)
    results = {r.native_id: _skipped(base, r.native_id, "already_applied") for r in refs if r.native_id in known}
    todo = [r for r in refs if r.native_id not in results]
    limited = False
    if todo:
        async with ctx.page(SITE.name) as page:
            for ref in todo:
                if limited:
                    results[ref.native_id] = _skipped(base, ref.native_id, "daily_limit")
                    continue
                try:
                    result = await apply_one(ctx, page, ref, options)
                except DailyLimitReached as exc:
                    if isinstance(exc, SiteDailyLimit):
                        stop.mark(today, str(exc))
                    ctx.log.warning("linkedin_daily_limit", detail=str(exc))
                    if params.job is not None and not params.jobs:
                        raise
                    limited, result = True, _skipped(base, ref.native_id, "daily_limit")
                ctx.log.info("linkedin_easy_apply", job_id=result.job_id, status=result.status, detail=result.detail)
                results[ref.native_id] = result
    ordered = [results[r.native_id] for r in refs]
    return EasyApplyOutputs(
        results=[r.model_dump(mode="json") for r in ordered],
        status=ordered[0].status if params.job is not None else None,
        applied=sum(r.status == "applied" for r in ordered),
        dry_run=sum(r.status == "dry_run" for r in ordered),
        skipped=sum(r.status not in ("applied", "dry_run") for r in ordered),
        daily_limit_reached=limited,
    )


def _skipped(base: str, native_id: str, status: Status) -> ApplyResult:
    return ApplyResult(job_id=native_id, url=job_url(base, native_id), status=status)
