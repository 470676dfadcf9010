"""The notification outbox (migration ``0003``): every notification is a row before any channel sees it.

A row is delivered to its channel (or to every enabled channel when ``channel`` is ``all``); the channels
already served are kept in ``delivered``, so a retry after a partial failure never sends twice to the
same channel. ``dedupe_key`` is unique: enqueuing the same key again does nothing ("notified once").
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jobflow.store.models.base import Base
from jobflow.store.types import JSONType, UTCDateTime

__all__ = ["Notification"]


class Notification(Base):
    """One notification in the outbox: ``pending`` until every target channel took it, then ``sent``;
    ``failed`` after the last allowed attempt."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("dedupe_key"), Index(None, "state", "next_attempt_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSONType)
    dedupe_key: Mapped[str] = mapped_column(String(512))
    channel: Mapped[str] = mapped_column(String(64))
    """A channel name, or ``all``."""
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    delivered: Mapped[list[str]] = mapped_column(JSONType)
    """Names of the channels that accepted the notification."""
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
