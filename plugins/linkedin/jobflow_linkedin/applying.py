"""Applying to one posting through the Easy Apply modal, from the profile only.

Per step of the modal: every question is answered from the profile (:mod:`jobflow_linkedin.answers`) or
left as LinkedIn prefilled it; a required question with neither makes the job ``skipped_unknown_question``
(the question is queued, the modal discarded). The resume is uploaded where the form asks for one. At the
submit button a dry run takes the review's screenshot and discards; ``submit: true`` sends, records the
application and schedules the follow-up. LinkedIn's daily-limit message raises ``DailyLimitReached``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from pydantic import BaseModel, Field

from jobflow import StepContext
from jobflow.browser.driver import Page
from jobflow.errors import DailyLimitReached, SiteChanged
from jobflow_linkedin import records
from jobflow_linkedin import selectors as S
from jobflow_linkedin.answers import find_answer, fit
from jobflow_linkedin.client import base_url, pool, site_wait
from jobflow_linkedin.pages.easy_apply import EasyApplyModal
from jobflow_linkedin.pages.fields import FormField, fill
from jobflow_linkedin.pages.guest_search import job_url
from jobflow_linkedin.pages.job_page import JobPage
from jobflow_linkedin.profile import Profile
from jobflow_linkedin.refs import Resolved
from jobflow_linkedin.site import APPLICATIONS_PER_DAY, SITE

__all__ = ["ApplyOptions", "ApplyResult", "SiteDailyLimit", "Status", "apply_one"]

Status = Literal[
    "applied", "dry_run", "skipped_unknown_question", "already_applied", "not_easy_apply", "daily_limit", "failed"
]


class SiteDailyLimit(DailyLimitReached):
    """LinkedIn itself said the day's Easy Apply limit is reached (not the workflow's own cap)."""


class ApplyResult(BaseModel):
    """What happened to one posting."""

    job_id: str
    url: str
    title: str | None = None
    company: str | None = None
    status: Status
    detail: str = ""
    questions: list[str] = Field(default_factory=list, description="required questions the profile cannot answer")
    screenshot: str | None = Field(default=None, description="the review page (dry run)")
    application_id: int | None = None
    reminder_id: str | None = None


@dataclass(frozen=True)
class ApplyOptions:
    """What every posting of one ``linkedin.easy_apply`` step shares."""

    profile: Profile
    submit: bool
    follow_company: bool
    follow_up: timedelta | None
    max_steps: int


async def _answer_step(ctx: StepContext, modal: EasyApplyModal, profile: Profile) -> list[FormField]:
    """Fill the step's questions; returns the required ones nothing answers."""
    unknown: list[FormField] = []
    for field in await modal.fields():
        answer = find_answer(profile, field.label)
        value = fit(field, answer.value) if answer is not None else None
        if answer is not None and value is None:
            ctx.log.warning("profile_answer_does_not_fit", question=field.label, kind=field.kind, source=answer.source)
        if value is None:
            if field.required and not field.filled:
                unknown.append(field)
            continue
        if value != field.value:
            await fill(modal.dialog, field, value)
    return unknown


async def _resume(modal: EasyApplyModal, profile: Profile) -> str | None:
    """Upload the profile's resume where the step asks for one; a problem's description, else ``None``."""
    if not await modal.has_resume_upload():
        return None
    if profile.resume is None:
        return None if await modal.selected_resume() else "the form asks for a resume: add `resume:` to the profile"
    if await modal.selected_resume() != profile.resume.name:
        await modal.upload_resume(profile.resume)
    errors = await modal.errors()
    return f"LinkedIn rejected the resume: {'; '.join(errors)}" if errors else None


async def _limit(modal: EasyApplyModal) -> None:
    message = await modal.limit_message()
    if message is not None:
        await modal.close()
        raise SiteDailyLimit(f"LinkedIn's daily Easy Apply limit is reached: {message}")


async def _send(ctx: StepContext, modal: EasyApplyModal, options: ApplyOptions) -> str | None:
    """Submit the application; a problem's description, else ``None`` (sent)."""
    if ctx.site is not None and APPLICATIONS_PER_DAY in ctx.site.limits:
        try:
            await pool(ctx).spend(SITE.name, APPLICATIONS_PER_DAY)
        except DailyLimitReached:
            await modal.close()
            raise
    await modal.set_follow_company(options.follow_company)
    await modal.press(S.SUBMIT_NAME)
    await _limit(modal)
    if not await modal.sent():
        return "LinkedIn did not confirm the application: " + ("; ".join(await modal.errors()) or "no message")
    await modal.close()
    return None


async def _skip_unknown(
    ctx: StepContext, modal: EasyApplyModal, result: ApplyResult, unknown: list[FormField]
) -> ApplyResult:
    for field in unknown:
        await records.queue_question(
            ctx.store, question=field.label, input_type=field.kind, options=field.options, native_id=result.job_id
        )
    await modal.close()
    detail = "queued for `jobflow questions`" if ctx.store is not None else "no store: not queued"
    update = {"status": "skipped_unknown_question", "questions": [f.label for f in unknown], "detail": detail}
    return result.model_copy(update=update)


async def _dry_run(ctx: StepContext, modal: EasyApplyModal, result: ApplyResult) -> ApplyResult:
    shot = await modal.screenshot(ctx.artifacts_dir / f"easy-apply-{result.job_id}-review.png")
    ctx.add_artifacts([shot])
    await modal.close()
    app_id = await records.record_application(
        ctx.store, native_id=result.job_id, title=result.title or "", company=result.company, url=result.url,
        run_id=ctx.run_id, status="ready", note="dry run: stopped at the review",
    )  # fmt: skip
    return result.model_copy(update={"status": "dry_run", "screenshot": str(shot), "application_id": app_id})


async def _next(modal: EasyApplyModal, button: str) -> str | None:
    """Go to the next step; LinkedIn's complaint about an answer, else ``None``."""
    await modal.press(button)
    errors = await modal.errors()
    return f"LinkedIn rejected an answer: {'; '.join(errors)}" if errors else None


async def _walk(ctx: StepContext, modal: EasyApplyModal, result: ApplyResult, options: ApplyOptions) -> ApplyResult:
    for _ in range(options.max_steps):
        await _limit(modal)
        unknown = await _answer_step(ctx, modal, options.profile)
        if unknown:
            return await _skip_unknown(ctx, modal, result, unknown)
        problem = await _resume(modal, options.profile)
        button = await modal.primary()
        if problem is None and button is None:
            raise SiteChanged("LinkedIn's Easy Apply dialog shows no Next, Review or Submit button")
        if problem is None and button == S.SUBMIT_NAME:
            if not options.submit:
                return await _dry_run(ctx, modal, result)
            problem = await _send(ctx, modal, options)
            if problem is None:
                return await _recorded(ctx, result, options)
        elif problem is None and button is not None:
            problem = await _next(modal, button)
        if problem is not None:
            await modal.close()
            return result.model_copy(update={"status": "failed", "detail": problem})
    await modal.close()
    raise SiteChanged(f"LinkedIn's Easy Apply took more than {options.max_steps} steps")


async def _recorded(ctx: StepContext, result: ApplyResult, options: ApplyOptions) -> ApplyResult:
    update: dict[str, Any] = {"status": "applied"}
    app_id = await records.record_application(
        ctx.store, native_id=result.job_id, title=result.title or "", company=result.company, url=result.url,
        run_id=ctx.run_id,
    )  # fmt: skip
    update["application_id"] = app_id
    if app_id is not None and options.follow_up is not None:
        due = ctx.clock.now() + options.follow_up
        update["reminder_id"] = await records.schedule_follow_up(
            ctx.store, application_id=app_id, due_at=due, run_id=ctx.run_id
        )
    return result.model_copy(update=update)


async def apply_one(ctx: StepContext, page: Page, ref: Resolved, options: ApplyOptions) -> ApplyResult:
    """Apply to one posting on a leased page (see the module docstring)."""
    base = base_url(ctx)
    screen = JobPage(page, site_wait(ctx), base_url=base)
    state = await screen.open(ref.native_id)
    given = ref.posting
    result = ApplyResult(
        job_id=ref.native_id,
        url=job_url(base, ref.native_id),
        title=(given.title if given else None) or state.title or None,
        company=(given.company if given else None) or state.company or None,
        status="failed",
    )
    if state.offer == "applied":
        app_id = await records.record_application(
            ctx.store, native_id=result.job_id, title=result.title or "", company=result.company, url=result.url,
            run_id=ctx.run_id, note="seen as applied on LinkedIn",
        )  # fmt: skip
        return result.model_copy(update={"status": "already_applied", "application_id": app_id})
    if state.offer == "external":
        detail = "the posting applies on the company site"
        return result.model_copy(update={"status": "not_easy_apply", "detail": detail})
    modal = await screen.start_easy_apply()
    return await _walk(ctx, modal, result, options)
