"""Daily limits per site (migration ``0004``): how often each limit was used on each local day.

``day`` is the user's local calendar date (the time zone of the machine running the step), so a limit
such as ``applications_per_day: 25`` resets at the user's midnight, not at UTC's.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jobflow.store.models.base import Base
from jobflow.store.types import UTCDateTime

__all__ = ["DailyLimitCount"]


class DailyLimitCount(Base):
    """Uses of one site's limit on one local day; the row is created by the day's first use."""

    __tablename__ = "daily_limits"
    __table_args__ = (UniqueConstraint("site", "name", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(100))
    """The limit's name in the workflow's ``sites.<site>.limits`` (``applications_per_day``)."""
    day: Mapped[date] = mapped_column(Date)
    count: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
