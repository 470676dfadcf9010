"""The store's tables, one module per area; importing this package registers every table on ``Base``.

Adding an area (postings, applications, reminders, scheduler): write ``models/<area>.py``, import it
here, then add a migration under ``store/migrations/versions/``.
"""

from __future__ import annotations

from jobflow.store.models.applications import Application, ReminderExecution, ReminderJob
from jobflow.store.models.base import NAMING_CONVENTION, Base
from jobflow.store.models.limits import DailyLimitCount
from jobflow.store.models.notifications import Notification
from jobflow.store.models.postings import JobPostingRow
from jobflow.store.models.questions import PendingQuestion
from jobflow.store.models.runs import NO_ITERATION, StepRun, WorkflowRun
from jobflow.store.models.scheduler import Occurrence, Schedule, SchedulerEvent, SchedulerLease, SetAsideJob

__all__ = [
    "NAMING_CONVENTION",
    "NO_ITERATION",
    "Application",
    "Base",
    "DailyLimitCount",
    "JobPostingRow",
    "Notification",
    "Occurrence",
    "PendingQuestion",
    "ReminderExecution",
    "ReminderJob",
    "Schedule",
    "SchedulerEvent",
    "SchedulerLease",
    "SetAsideJob",
    "StepRun",
    "WorkflowRun",
]
