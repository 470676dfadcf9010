"""Application questions no answer was found for (``pending_questions``): queued by apply steps, listed and
answered by the user with ``jobflow questions``.

A question is one row per site and normalised key (``question_key``, computed by the site plugin): meeting
it again adds to ``count`` and, when it had been answered (into a profile the step did not use), reopens it.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, select, update
from sqlalchemy.engine import RowMapping

from jobflow.errors import NotFound
from jobflow.store.models import PendingQuestion
from jobflow.store.repository import Repository, insert_if_absent

__all__ = ["QUESTIONS", "QuestionRepository", "QuestionRow"]

QUESTIONS = cast(Table, PendingQuestion.__table__)


@dataclass(frozen=True, slots=True)
class QuestionRow:
    """One queued question. ``created_at`` is aware UTC."""

    id: int
    site: str
    question: str
    question_key: str
    input_type: str
    options: tuple[str, ...]
    first_job_id: str | None
    count: int
    created_at: datetime
    answered: bool

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: the time as ISO 8601, options as a list."""
        out: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        out["created_at"] = self.created_at.isoformat()
        out["options"] = list(self.options)
        return out


def _row(row: RowMapping) -> QuestionRow:
    return QuestionRow(**{**row, "options": tuple(str(o) for o in row["options"] or ())})


class QuestionRepository(Repository):
    """The question queue (``QuestionRepository(store)``)."""

    noun = "questions"

    async def ask(
        self,
        *,
        site: str,
        question: str,
        question_key: str,
        input_type: str,
        options: Sequence[str] = (),
        job_id: str | None = None,
    ) -> QuestionRow:
        """Queue ``question`` of ``site`` (or count one more sighting of it, reopening it if answered)."""
        values = {
            "site": site, "question": question, "question_key": question_key, "input_type": input_type,
            "options": list(options), "first_job_id": job_id, "count": 1, "created_at": self.clock.now(),
            "answered": False,
        }  # fmt: skip
        key = (QUESTIONS.c.site == site) & (QUESTIONS.c.question_key == question_key)
        async with self._write(f"queue a {site} question") as connection:
            dialect = connection.dialect.name
            inserted = await connection.execute(insert_if_absent(dialect, QUESTIONS, values, ("site", "question_key")))
            if inserted.rowcount == 0:
                changes = {"count": QUESTIONS.c.count + 1, "answered": False, "options": list(options)}
                await connection.execute(update(QUESTIONS).where(key).values(changes))
            found = (await connection.execute(select(QUESTIONS).where(key))).mappings().one()
        return _row(found)

    async def list(
        self, *, answered: bool | None = False, site: str | None = None, limit: int = 200
    ) -> builtins.list[QuestionRow]:
        """Questions, oldest first; ``answered=None`` lists them all."""
        query = select(QUESTIONS)
        if answered is not None:
            query = query.where(QUESTIONS.c.answered == answered)
        if site is not None:
            query = query.where(QUESTIONS.c.site == site)
        query = query.order_by(QUESTIONS.c.created_at, QUESTIONS.c.id).limit(limit)
        async with self._read() as connection:
            rows = (await connection.execute(query)).mappings().all()
        return [_row(row) for row in rows]

    async def get(self, question_id: int) -> QuestionRow | None:
        """The question with this id, or ``None``."""
        async with self._read() as connection:
            found = (await connection.execute(select(QUESTIONS).where(QUESTIONS.c.id == question_id))).mappings()
            row = found.first()
        return None if row is None else _row(row)

    async def mark_answered(self, question_id: int, answered: bool = True) -> QuestionRow:
        """Mark the question answered (or open again).

        :raises NotFound: no question has this id.
        """
        async with self._write(f"update question {question_id}") as connection:
            where = QUESTIONS.c.id == question_id
            result = await connection.execute(update(QUESTIONS).where(where).values(answered=answered))
            if result.rowcount == 0:
                raise NotFound(f"no question has id {question_id} (see `jobflow questions`)")
            row = (await connection.execute(select(QUESTIONS).where(where))).mappings().one()
        return _row(row)
