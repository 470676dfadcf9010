"""A PostgreSQL database whose disk is full, for real: a tablespace on a small tmpfs of its own holds every
table and index of a fresh database, and :meth:`FullTablespace.fill` fills that filesystem with a ballast
file, so the next write that needs a new page fails with the server's own ``could not extend file ...: No
space left on device`` (SQLSTATE 53100); :meth:`FullTablespace.free` deletes the ballast.

The write-ahead log and the system catalogs stay on the server's own disk (a full WAL disk makes PostgreSQL
stop, which is not this test's to do to a shared server). Mounting needs root and a server on this
machine: :func:`full_tablespace` skips, saying why, where either is missing (:mod:`jobflow.testing.disks`).
"""

from __future__ import annotations

import contextlib
import pwd
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from jobflow.store import async_url
from jobflow.testing.disks import fill, small_filesystem

SIZE_MB = 16
LOCAL_HOSTS = {None, "", "127.0.0.1", "localhost", "::1"}


class FullTablespace:
    """A fresh database whose tables live on a ``SIZE_MB`` tmpfs (see the module docstring)."""

    def __init__(self, url: str, name: str, mount: Path) -> None:
        self.url = url
        self.name = name
        self.mount = mount
        self.ballast = mount / "ballast"

    async def move_tables(self) -> None:
        """Move every table and index of the database (created by now) onto the tablespace."""
        engine = create_async_engine(self.url, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as connection:
                await connection.execute(text(f'ALTER TABLE ALL IN TABLESPACE pg_default SET TABLESPACE "{self.name}"'))
                await connection.execute(text(f'ALTER INDEX ALL IN TABLESPACE pg_default SET TABLESPACE "{self.name}"'))
                query = text(
                    "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i') AND c.reltablespace = 0"
                )
                left = (await connection.execute(query)).scalar_one()
        finally:
            await engine.dispose()
        assert left == 0, f"{left} tables or indexes stayed on the server's disk"

    def fill(self) -> None:
        """Use up every free block of the tablespace's filesystem."""
        fill(self.ballast)

    def free(self) -> None:
        """Space returns."""
        self.ballast.unlink(missing_ok=True)


@contextlib.asynccontextmanager
async def full_tablespace(base_url: str) -> AsyncIterator[FullTablespace]:
    """A :class:`FullTablespace` (not full yet): its tmpfs, tablespace and database are removed at the end."""
    url = make_url(async_url(base_url))
    if url.host not in LOCAL_HOSTS:
        pytest.skip(f"the PostgreSQL server at {url.host} is not on this machine: its tablespace cannot be mounted")
    try:
        owner = pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("no 'postgres' system user owns the local PostgreSQL server's files")
    token = uuid.uuid4().hex[:12]
    name, database = f"jf_tiny_{token}", f"jf_full_{token}"
    with small_filesystem(SIZE_MB, owner=(owner.pw_uid, owner.pw_gid)) as mount:
        admin = create_async_engine(url, isolation_level="AUTOCOMMIT")
        try:
            async with admin.connect() as connection:
                await connection.execute(text(f"CREATE TABLESPACE \"{name}\" LOCATION '{mount}'"))
                await connection.execute(text(f'CREATE DATABASE "{database}"'))
            yield FullTablespace(url.set(database=database).render_as_string(hide_password=False), name, mount)
        finally:
            with contextlib.suppress(OSError):
                (mount / "ballast").unlink(missing_ok=True)
            async with admin.connect() as connection:
                await connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
                await connection.execute(text(f'DROP TABLESPACE IF EXISTS "{name}"'))
            await admin.dispose()
