"""What ``linkedin.easy_apply`` writes to the store: applications (``ready`` after a dry run, ``applied``
after a submit: one application per posting), follow-up reminders, queued questions.

Without a store (no database configured) nothing is written and the step says so in its log; the Easy
Apply statuses are still returned.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from jobflow_linkedin.answers import question_key
from jobflow_linkedin.site import SITE

__all__ = ["applied_job_ids", "queue_question", "record_application", "schedule_follow_up"]


async def applied_job_ids(store: Any, job_ids: Iterable[str]) -> set[str]:
    """Those of ``job_ids`` the store knows as applied to (a status from ``applied`` on: not ``planned`` or
    ``ready``)."""
    if store is None:
        return set()
    from jobflow.store.applications import ApplicationRepository
    from jobflow.store.postings import APPLIED_STATUSES

    repository = ApplicationRepository(store)
    found = [await repository.find(SITE.name, job_id) for job_id in dict.fromkeys(job_ids)]
    return {row.site_job_id for row in found if row is not None and row.site_job_id and row.status in APPLIED_STATUSES}


async def record_application(
    store: Any,
    *,
    native_id: str,
    title: str,
    company: str | None,
    url: str,
    run_id: str,
    note: str = "",
    status: str = "applied",
) -> int | None:
    """Record the posting as ``status`` (``applied``, or ``ready`` for a dry run stopped at the review),
    creating its application or updating the one already recorded for it (found by site and job id, so a
    submit after a dry run moves the same application on). A ``ready`` never takes an application back
    from ``applied`` or later. Its application id, ``None`` without a store."""
    if store is None:
        return None
    from jobflow.store.applications import ApplicationRepository
    from jobflow.store.postings import APPLIED_STATUSES

    repository = ApplicationRepository(store)
    found = await repository.find(SITE.name, native_id)
    if found is not None and status not in APPLIED_STATUSES and found.status in APPLIED_STATUSES:
        return found.id
    row, _ = await repository.record(
        title=title or f"LinkedIn job {native_id}",
        company=company or None,
        url=url,
        site=SITE.name,
        site_job_id=native_id,
        status=status,
        notes=note,
        created_by=f"run:{run_id}",
    )
    return row.id


async def schedule_follow_up(store: Any, *, application_id: int, due_at: datetime, run_id: str) -> str:
    """Add the application's ``follow_up`` reminder (idempotent); its id ``reminder:<app>:follow_up``."""
    from jobflow.reminders import add_reminder

    return await add_reminder(
        store, application_id=application_id, type="follow_up", due_at=due_at, created_by=f"run:{run_id}"
    )


async def queue_question(
    store: Any, *, question: str, input_type: str, options: Sequence[str], native_id: str
) -> int | None:
    """Queue a question the profile cannot answer (``jobflow questions``); its id, ``None`` without a store."""
    if store is None:
        return None
    from jobflow.store.questions import QuestionRepository

    row = await QuestionRepository(store).ask(
        site=SITE.name,
        question=question,
        question_key=question_key(question)[:255],
        input_type=input_type,
        options=options,
        job_id=native_id,
    )
    return row.id
