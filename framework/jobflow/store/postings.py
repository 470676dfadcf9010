"""Job postings: saved by ``jobs.save`` (insert or update, one row per site and site job id), browsed with
``jobflow jobs``, and checked against ``applications`` by ``jobs.filter``.

A save is one write transaction for the whole batch: the rows already there are read first, the new ones
inserted (a row another process inserted meanwhile counts as seen), the known ones get ``last_seen``, the
run id and the posting completed by the new values (:meth:`JobPosting.merged`: set values win).
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, and_, or_, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from jobflow.postings.model import JobPosting
from jobflow.store.models import Application, JobPostingRow
from jobflow.store.repository import Repository, insert_if_absent

__all__ = ["APPLIED_STATUSES", "POSTINGS", "PostingRepository", "SaveResult", "SavedPosting"]

POSTINGS = cast(Table, JobPostingRow.__table__)
_APPLICATIONS = cast(Table, Application.__table__)
APPLIED_STATUSES: tuple[str, ...] = ("applied", "interviewing", "offer", "rejected", "withdrawn")
"""Application statuses that mean the posting was applied to (``planned`` does not)."""
_CHUNK = 400
"""Keys per ``IN`` list (SQLite allows 32766 bound parameters; PostgreSQL 65535)."""


@dataclass(frozen=True, slots=True)
class SavedPosting:
    """One row of ``job_postings``. Times are aware UTC; ``posting`` is the JobPosting JSON."""

    id: int
    site: str
    site_job_id: str
    title: str
    company: str | None
    location: str | None
    url: str
    is_remote: bool | None
    date_posted: date | None
    salary_min: float | None
    salary_max: float | None
    salary_interval: str | None
    salary_currency: str | None
    posting: dict[str, Any]
    first_seen: datetime
    last_seen: datetime
    times_seen: int
    first_run_id: str | None
    last_run_id: str | None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: dates and times as ISO 8601 strings."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = value.isoformat() if isinstance(value, date | datetime) else value
        return out


@dataclass
class SaveResult:
    """What a save found: postings never seen before and postings seen by an earlier save (JSON, in order)."""

    new: list[dict[str, Any]] = field(default_factory=list)
    seen: list[dict[str, Any]] = field(default_factory=list)


def _columns(posting: JobPosting) -> dict[str, Any]:
    salary = posting.salary
    return {
        "title": posting.title,
        "company": posting.company,
        "location": posting.location.raw if posting.location else None,
        "url": posting.url,
        "is_remote": posting.is_remote,
        "date_posted": posting.date_posted,
        "salary_min": salary.min_amount if salary else None,
        "salary_max": salary.max_amount if salary else None,
        "salary_interval": salary.interval.value if salary and salary.interval else None,
        "salary_currency": salary.currency if salary else None,
        "posting": posting.model_dump(mode="json"),
    }


def _row(row: RowMapping) -> SavedPosting:
    return SavedPosting(**{f.name: row[f.name] for f in fields(SavedPosting)})


class PostingRepository(Repository):
    """Postings in the ``job_postings`` table (``PostingRepository(store)``)."""

    noun = "job postings"

    async def save(self, postings: Sequence[JobPosting], *, run_id: str | None = None) -> SaveResult:
        """Insert the postings not stored yet and update the others; duplicates in ``postings`` are folded.

        Returns the postings (as stored after the save) split into ``new`` and ``seen``, in input order.
        """
        unique: dict[tuple[str, str], JobPosting] = {}
        for posting in postings:
            key = posting.key
            unique[key] = unique[key].merged(posting) if key in unique else posting
        result = SaveResult()
        if not unique:
            return result
        now = self.clock.now()
        async with self._write("save job postings") as connection:
            known = await self._existing(connection, list(unique))
            dialect = connection.dialect.name
            for key, posting in unique.items():
                found = known.get(key)
                if found is None:
                    values = {
                        "site": key[0], "site_job_id": key[1], **_columns(posting), "first_seen": now,
                        "last_seen": now, "times_seen": 1, "first_run_id": run_id, "last_run_id": run_id,
                    }  # fmt: skip
                    inserted = await connection.execute(
                        insert_if_absent(dialect, POSTINGS, values, ("site", "site_job_id"))
                    )
                    if inserted.rowcount:
                        result.new.append(values["posting"])
                        continue
                    found = (await self._existing(connection, [key]))[key]
                merged = JobPosting.model_validate(found["posting"]).merged(posting)
                changes = {**_columns(merged), "last_seen": now, "times_seen": found["times_seen"] + 1}
                changes["last_run_id"] = run_id
                await connection.execute(update(POSTINGS).where(POSTINGS.c.id == found["id"]).values(changes))
                result.seen.append(changes["posting"])
        return result

    async def get(self, site: str, site_job_id: str) -> SavedPosting | None:
        """The stored posting ``(site, site_job_id)``, or ``None``."""
        async with self._read() as connection:
            found = (await self._existing(connection, [(site, site_job_id)])).get((site, site_job_id))
        return None if found is None else _row(found)

    async def list(
        self,
        *,
        site: str | None = None,
        text: str | None = None,
        since: datetime | None = None,
        limit: int = 100,
    ) -> builtins.list[SavedPosting]:
        """Stored postings, most recently first seen first.

        :param text: every word must appear (case-insensitive) in the title, company or location.
        :param since: only postings first seen at or after this time.
        """
        query = select(POSTINGS)
        if site is not None:
            query = query.where(POSTINGS.c.site == site)
        if since is not None:
            query = query.where(POSTINGS.c.first_seen >= since)
        for word in (text or "").split():
            pattern = f"%{word}%"
            query = query.where(
                or_(
                    POSTINGS.c.title.ilike(pattern),
                    POSTINGS.c.company.ilike(pattern),
                    POSTINGS.c.location.ilike(pattern),
                )
            )
        query = query.order_by(POSTINGS.c.first_seen.desc(), POSTINGS.c.id.desc()).limit(limit)
        async with self._read() as connection:
            rows = (await connection.execute(query)).mappings().all()
        return [_row(row) for row in rows]

    async def applied(self, postings: Iterable[JobPosting]) -> set[tuple[str, str]]:
        """The keys of ``postings`` with an application past ``planned`` (matched by site and job id, or URL)."""
        wanted = {p.key: p for p in postings}
        if not wanted:
            return set()
        status = _APPLICATIONS.c.status.in_(APPLIED_STATUSES)
        found: set[tuple[str, str]] = set()
        async with self._read() as connection:
            for chunk in _chunks(list(wanted)):
                pairs = [
                    and_(_APPLICATIONS.c.site == site, _APPLICATIONS.c.site_job_id == job_id) for site, job_id in chunk
                ]
                query = select(_APPLICATIONS.c.site, _APPLICATIONS.c.site_job_id).where(status, or_(*pairs))
                found |= {(row[0], row[1]) for row in (await connection.execute(query)).all()}
            by_url = {p.url: key for key, p in wanted.items() if key not in found}
            for urls in _chunks(list(by_url)):
                query = select(_APPLICATIONS.c.url).where(status, _APPLICATIONS.c.url.in_(urls))
                found |= {by_url[row[0]] for row in (await connection.execute(query)).all()}
        return found

    @staticmethod
    async def _existing(
        connection: AsyncConnection, keys: builtins.list[tuple[str, str]]
    ) -> dict[tuple[str, str], RowMapping]:
        by_site: dict[str, builtins.list[str]] = {}
        for site, job_id in keys:
            by_site.setdefault(site, []).append(job_id)
        found: dict[tuple[str, str], RowMapping] = {}
        for site, ids in by_site.items():
            for chunk in _chunks(ids):
                query = select(POSTINGS).where(POSTINGS.c.site == site, POSTINGS.c.site_job_id.in_(chunk))
                for row in (await connection.execute(query)).mappings().all():
                    found[(row["site"], row["site_job_id"])] = row
        return found


def _chunks(items: builtins.list[Any]) -> Iterable[builtins.list[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]
