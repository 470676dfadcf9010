"""The store's tables, one module per area; importing this package registers every table on ``Base``.

Adding an area (postings, applications, reminders, scheduler): write ``models/<area>.py``, import it
here, then add a migration under ``store/migrations/versions/``.
"""

from __future__ import annotations

from jobflow.store.models.base import NAMING_CONVENTION, Base
from jobflow.store.models.runs import NO_ITERATION, StepRun, WorkflowRun

__all__ = [
    "NAMING_CONVENTION",
    "NO_ITERATION",
    "Base",
    "StepRun",
    "WorkflowRun",
]
