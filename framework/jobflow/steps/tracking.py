"""Core steps ``applications.record`` and ``reminders.schedule``: keep track of applications from a workflow.

::

    - id: track
      uses: applications.record
      with: {job: "${{ job }}", status: applied}
    - uses: reminders.schedule
      with: {application: "${{ steps.track.application_id }}", type: follow_up, after: 7d}

Both are idempotent: recording the same posting again updates its application, and scheduling the same
reminder again keeps the first one (``replace: true`` reschedules it), so a retried run changes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import Field, model_validator

from jobflow.applications import ApplicationStatus, ReminderType
from jobflow.errors import NotFound, StepError
from jobflow.hookspecs import hookimpl
from jobflow.spec.models import Duration
from jobflow.steptype import StepContext, StepOutputs, StepParams, StepType, step

__all__ = ["RecordParams", "ScheduleParams", "record", "schedule"]


class RecordParams(StepParams):
    job: dict[str, Any] | None = Field(
        default=None, description="a posting (an item of a search step's `postings`): site, native_id, url, title"
    )
    title: str | None = Field(default=None, description="the job's title (default: the posting's)")
    company: str | None = None
    url: str | None = None
    site: str | None = None
    site_job_id: str | None = Field(default=None, description="the site's own id of the posting")
    status: ApplicationStatus = "applied"
    notes: str = ""

    @model_validator(mode="after")
    def _from_job(self) -> RecordParams:
        job = self.job or {}
        for name, key in (("title", "title"), ("company", "company"), ("url", "url"), ("site", "site")):
            if getattr(self, name) is None and job.get(key) is not None:
                setattr(self, name, str(job[key]))
        if self.site_job_id is None:
            native = job.get("native_id", job.get("site_job_id"))
            self.site_job_id = None if native is None else str(native)
        if not self.title:
            raise ValueError("give `title` or a `job` with a title")
        return self


class RecordOutputs(StepOutputs):
    application_id: int = 0
    created: bool = False
    status: str = ""


def _store(ctx: StepContext) -> Any:
    if ctx.store is None:
        raise StepError(f"{ctx.uses} needs the store: run it with a database configured")
    return ctx.store


@step("applications.record", params=RecordParams, outputs=RecordOutputs)
async def record(ctx: StepContext, params: RecordParams) -> RecordOutputs:
    """Create the application of a posting, or update the one recorded before (status, notes, dates)."""
    from jobflow.store.applications import ApplicationRepository

    row, created = await ApplicationRepository(_store(ctx)).record(
        title=params.title or "",
        company=params.company,
        url=params.url,
        site=params.site,
        site_job_id=params.site_job_id,
        status=params.status,
        notes=params.notes,
        created_by=f"run:{ctx.run_id}",
    )
    ctx.log.info("application recorded", application_id=row.id, created=created, status=row.status)
    return RecordOutputs(application_id=row.id, created=created, status=row.status)


class ScheduleParams(StepParams):
    application: int | str = Field(description="the application's id, e.g. `${{ steps.track.application_id }}`")
    type: ReminderType
    after: Duration | None = Field(default=None, description="due this long from now, e.g. 7d")
    at: datetime | None = Field(default=None, description="due at this time (ISO 8601 with a time zone)")
    note: str = ""
    replace: bool = Field(default=False, description="reschedule the reminder if it exists (even if it fired)")

    @model_validator(mode="after")
    def _one_time(self) -> ScheduleParams:
        if (self.after is None) == (self.at is None):
            raise ValueError("give exactly one of `after` (a duration) and `at` (a time)")
        if self.at is not None and self.at.utcoffset() is None:
            raise ValueError("`at` needs a time zone, e.g. 2026-05-04T09:00:00+02:00")
        return self


class ScheduleOutputs(StepOutputs):
    reminder_id: str = ""
    due_at: str = ""
    state: str = ""


@step("reminders.schedule", params=ScheduleParams, outputs=ScheduleOutputs)
async def schedule(ctx: StepContext, params: ScheduleParams) -> ScheduleOutputs:
    """Schedule a reminder (follow_up, check_status, interview_prep) of an application; adding it twice is harmless."""
    from jobflow.reminders import add_reminder, get_reminder

    store = _store(ctx)
    due = params.at if params.at is not None else ctx.clock.now() + (params.after or timedelta())
    try:
        rid = await add_reminder(
            store,
            application_id=params.application,
            type=params.type,
            due_at=due,
            note=params.note,
            created_by=f"run:{ctx.run_id}",
            replace=params.replace,
        )
    except NotFound as exc:
        raise StepError(str(exc)) from exc
    row = await get_reminder(store, rid)
    if row is None:  # its application was deleted in between (reminders go with it)
        raise StepError(f"reminder {rid} vanished: was application {params.application} deleted?")
    ctx.log.info("reminder scheduled", reminder_id=rid, due_at=row.due_at.isoformat(), state=row.state)
    return ScheduleOutputs(reminder_id=rid, due_at=row.due_at.isoformat(), state=row.state)


STEPS: tuple[StepType[Any, Any], ...] = (record, schedule)


@hookimpl
def register_steps(register: Any) -> None:
    for step_type in STEPS:
        register(step_type)
