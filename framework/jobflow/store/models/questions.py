"""The queue of application questions no answer was found for (migration ``0005``).

An apply step that meets a required question its profile cannot answer skips the job and queues the
question here, once per site and normalised key; the user answers it later (``jobflow questions``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from jobflow.store.models.base import Base
from jobflow.store.types import JSONType, UTCDateTime

__all__ = ["PendingQuestion"]


class PendingQuestion(Base):
    """One unanswered question of a site's application form."""

    __tablename__ = "pending_questions"
    __table_args__ = (UniqueConstraint("site", "question_key"), Index(None, "answered"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site: Mapped[str] = mapped_column(String(64))
    question: Mapped[str] = mapped_column(Text)
    """The question as the form shows it."""
    question_key: Mapped[str] = mapped_column(String(255))
    """The normalised question (the answer bank's key); unique per site."""
    input_type: Mapped[str] = mapped_column(String(32))
    """``text``, ``numeric``, ``select``, ``radio``, ``checkbox``, ``textarea``, ``date``, ``file`` ..."""
    options: Mapped[list[Any]] = mapped_column(JSONType)
    """The choices of a select or radio question (``[]`` otherwise)."""
    first_job_id: Mapped[str | None] = mapped_column(String(255))
    """The site job id of the posting the question was first seen with."""
    count: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    """How many applications met the question."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
