"""Job postings: the unified :class:`JobPosting` model and the shared parsers (:mod:`jobflow.postings.parse`)."""

from __future__ import annotations

from jobflow.postings.model import (
    ApplicationStatus,
    Interval,
    JobPosting,
    JobType,
    Location,
    Salary,
    SalarySource,
    WorkModel,
)

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
