"""The table of job postings found by searches (migration ``0005``).

One row per posting, identified by ``(site, site_job_id)`` (``JobPosting.site`` and ``.native_id``).
``posting`` holds the whole :class:`jobflow.postings.JobPosting` JSON; the columns beside it are copies of
the fields people filter and sort on (``jobflow jobs``), kept in step with it on every save.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, Float, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jobflow.store.models.base import Base
from jobflow.store.types import JSONType, UTCDateTime

__all__ = ["JobPostingRow"]


class JobPostingRow(Base):
    """One posting on one site, with when it was first and last seen by a search."""

    __tablename__ = "job_postings"
    __table_args__ = (
        UniqueConstraint("site", "site_job_id"),
        Index(None, "first_seen"),
        Index(None, "last_seen"),
        Index(None, "company"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site: Mapped[str] = mapped_column(String(64))
    site_job_id: Mapped[str] = mapped_column(String(255))
    """The site's own id of the posting (``JobPosting.native_id``)."""
    title: Mapped[str] = mapped_column(Text)
    company: Mapped[str | None] = mapped_column(String(255))
    location: Mapped[str | None] = mapped_column(Text)
    """The site's location text (``JobPosting.location.raw``)."""
    url: Mapped[str] = mapped_column(Text)
    is_remote: Mapped[bool | None] = mapped_column(Boolean)
    date_posted: Mapped[date | None] = mapped_column(Date)
    salary_min: Mapped[float | None] = mapped_column(Float)
    salary_max: Mapped[float | None] = mapped_column(Float)
    salary_interval: Mapped[str | None] = mapped_column(String(16))
    salary_currency: Mapped[str | None] = mapped_column(String(3))
    posting: Mapped[dict[str, Any]] = mapped_column(JSONType)
    """The :class:`~jobflow.postings.JobPosting` as JSON; later saves complete it (set values win)."""
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    times_seen: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    first_run_id: Mapped[str | None] = mapped_column(String(64))
    """The run that saved it first (``None`` when saved outside a run)."""
    last_run_id: Mapped[str | None] = mapped_column(String(64))
