"""Applications: added by hand (``jobflow applications add``) or recorded by a workflow (``applications.record``).

Every status change appends ``{"status", "at", "note"}`` to the application's ``history``, so the date of
each step (applied, interviewing, offer, ...) stays known; ``applied_at`` is set the first time the status
becomes ``applied`` (or given explicitly).
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from jobflow.applications import check_status
from jobflow.errors import NotFound
from jobflow.store.models import Application
from jobflow.store.repository import Repository

__all__ = ["APPLICATIONS", "ApplicationRepository", "ApplicationRow", "application_row"]

APPLICATIONS = cast(Table, Application.__table__)


@dataclass(frozen=True, slots=True)
class ApplicationRow:
    """One application as stored in ``applications``. Times are aware UTC."""

    id: int
    site: str | None
    site_job_id: str | None
    title: str
    company: str | None
    url: str | None
    status: str
    applied_at: datetime | None
    status_changed_at: datetime
    history: tuple[dict[str, Any], ...]
    notes: str
    created_by: str
    created_at: datetime
    updated_at: datetime

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: times as ISO 8601 strings, history as a list."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = value.isoformat() if isinstance(value, datetime) else value
        out["history"] = [dict(entry) for entry in self.history]
        return out


def application_row(row: RowMapping) -> ApplicationRow:
    """An ``applications`` row as a record."""
    return ApplicationRow(**{**row, "history": tuple(row["history"] or ())})


def _entry(status: str, at: datetime, note: str | None) -> dict[str, Any]:
    return {"status": status, "at": at.isoformat(), "note": note or ""}


def _posting(site: str, site_job_id: str) -> ColumnElement[bool]:
    return (APPLICATIONS.c.site == site) & (APPLICATIONS.c.site_job_id == site_job_id)


class ApplicationRepository(Repository):
    """Applications in the ``applications`` table (``ApplicationRepository(store)``)."""

    noun = "applications"

    async def add(
        self,
        *,
        title: str,
        company: str | None = None,
        url: str | None = None,
        site: str | None = None,
        site_job_id: str | None = None,
        status: str = "planned",
        notes: str = "",
        applied_at: datetime | None = None,
        created_by: str = "cli",
    ) -> ApplicationRow:
        """A new application. A posting (``site`` + ``site_job_id``) already recorded is refused with
        :class:`jobflow.errors.StoreError`; :meth:`record` updates it instead."""
        check_status(status)
        values = {
            "title": title, "company": company, "url": url, "site": site, "site_job_id": site_job_id,
            "status": status, "notes": notes, "applied_at": applied_at, "created_by": created_by,
        }  # fmt: skip
        async with self._write("add an application") as connection:
            return await self._insert(connection, values)

    async def record(
        self,
        *,
        title: str,
        company: str | None = None,
        url: str | None = None,
        site: str | None = None,
        site_job_id: str | None = None,
        status: str = "applied",
        notes: str = "",
        applied_at: datetime | None = None,
        created_by: str = "cli",
    ) -> tuple[ApplicationRow, bool]:
        """Create the application of a posting, or update the one already recorded for it.

        The posting is found by ``site`` + ``site_job_id`` (else by ``url``). Returns the row and whether
        it was created. A changed status is appended to the history; empty values never blank a field.
        """
        check_status(status)
        values = {
            "title": title, "company": company, "url": url, "site": site, "site_job_id": site_job_id,
            "status": status, "notes": notes, "applied_at": applied_at, "created_by": created_by,
        }  # fmt: skip
        async with self._write("record an application") as connection:
            found = await self._find(connection, site, site_job_id, url)
            if found is None:
                return await self._insert(connection, values), True
            now = self.clock.now()
            changes: dict[str, Any] = {
                key: values[key]
                for key in ("title", "company", "url", "notes")
                if values[key] and values[key] != found[key]
            }
            if status != found["status"]:
                changes.update(self._status_change(found, status, None, applied_at or now))
            if applied_at is not None and found["applied_at"] is None:
                changes["applied_at"] = applied_at
            if changes:
                changes["updated_at"] = now
                await connection.execute(update(APPLICATIONS).where(APPLICATIONS.c.id == found["id"]).values(changes))
            return await self._get(connection, found["id"]), False

    async def set_status(
        self, application_id: int, *, status: str | None = None, note: str | None = None, at: datetime | None = None
    ) -> ApplicationRow:
        """Move an application to ``status`` (or keep it) and add a dated history entry with ``note``.

        :raises NotFound: no application has this id.
        """
        if status is not None:
            check_status(status)
        async with self._write(f"update application {application_id}") as connection:
            found = (
                (
                    await connection.execute(
                        select(APPLICATIONS).where(APPLICATIONS.c.id == application_id).with_for_update()
                    )
                )
                .mappings()
                .first()
            )
            if found is None:
                raise NotFound(f"no application has id {application_id} (see `jobflow applications`)")
            when = at or self.clock.now()
            changes = self._status_change(found, status or found["status"], note, when)
            changes["updated_at"] = self.clock.now()
            await connection.execute(update(APPLICATIONS).where(APPLICATIONS.c.id == application_id).values(changes))
            return await self._get(connection, application_id)

    async def get(self, application_id: int) -> ApplicationRow | None:
        """The application with this id, or ``None``."""
        async with self._read() as connection:
            row = (await connection.execute(select(APPLICATIONS).where(APPLICATIONS.c.id == application_id))).mappings()
            found = row.first()
        return None if found is None else application_row(found)

    async def find(self, site: str, site_job_id: str) -> ApplicationRow | None:
        """The application of the posting ``site_job_id`` on ``site`` (the oldest, should there be two), or
        ``None``."""
        query = select(APPLICATIONS).where(_posting(site, site_job_id)).order_by(APPLICATIONS.c.id).limit(1)
        async with self._read() as connection:
            found = (await connection.execute(query)).mappings().first()
        return None if found is None else application_row(found)

    async def list(
        self,
        *,
        status: str | None = None,
        site: str | None = None,
        company: str | None = None,
        limit: int = 100,
    ) -> builtins.list[ApplicationRow]:
        """Applications, most recently updated first; ``company`` matches case-insensitively as a substring."""
        query = select(APPLICATIONS)
        if status is not None:
            query = query.where(APPLICATIONS.c.status == status)
        if site is not None:
            query = query.where(APPLICATIONS.c.site == site)
        if company is not None:
            query = query.where(APPLICATIONS.c.company.ilike(f"%{company}%"))
        query = query.order_by(APPLICATIONS.c.updated_at.desc(), APPLICATIONS.c.id.desc()).limit(limit)
        async with self._read() as connection:
            rows = (await connection.execute(query)).mappings().all()
        return [application_row(row) for row in rows]

    # ------------------------------------------------------------------------------------ internals

    async def _insert(self, connection: AsyncConnection, given: dict[str, Any]) -> ApplicationRow:
        now = self.clock.now()
        status = given["status"]
        applied_at = given["applied_at"] or (now if status == "applied" else None)
        values = {name: given[name] for name in ("title", "company", "url", "site", "site_job_id", "created_by")}
        values.update(
            status=status,
            notes=given["notes"] or "",
            applied_at=applied_at,
            status_changed_at=now,
            history=[_entry(status, now, None)],
            created_at=now,
            updated_at=now,
        )
        result = await connection.execute(insert(APPLICATIONS).values(values).returning(APPLICATIONS.c.id))
        return await self._get(connection, result.scalar_one())

    @staticmethod
    def _status_change(found: RowMapping, status: str, note: str | None, at: datetime) -> dict[str, Any]:
        changes: dict[str, Any] = {"history": [*(found["history"] or ()), _entry(status, at, note)]}
        if status != found["status"]:
            changes.update(status=status, status_changed_at=at)
            if status == "applied" and found["applied_at"] is None:
                changes["applied_at"] = at
        return changes

    @staticmethod
    async def _find(
        connection: AsyncConnection, site: str | None, site_job_id: str | None, url: str | None
    ) -> RowMapping | None:
        where: ColumnElement[bool]
        if site and site_job_id:
            where = _posting(site, site_job_id)
        elif url:
            where = APPLICATIONS.c.url == url
        else:
            return None
        query = select(APPLICATIONS).where(where).order_by(APPLICATIONS.c.id).limit(1).with_for_update()
        return (await connection.execute(query)).mappings().first()

    @staticmethod
    async def _get(connection: AsyncConnection, application_id: int) -> ApplicationRow:
        row = (await connection.execute(select(APPLICATIONS).where(APPLICATIONS.c.id == application_id))).mappings()
        return application_row(row.one())
