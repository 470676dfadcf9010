"""Turn whatever a driver raised into one short, password-free reason for a :class:`StoreError`."""

from __future__ import annotations

import errno
import shutil
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError, StatementError

from jobflow.errors import StoreError

__all__ = ["describe", "failing_as", "full_disk_hint"]

DRIVERS = frozenset({"sqlite3", "aiosqlite", "asyncpg", "psycopg", "pymysql", "aiomysql", "asyncmy"})
"""Modules whose exception messages read well on their own; anything else is named by its class."""


def describe(exc: BaseException, *, secret: str | None = None) -> str:
    """A one-line reason: ``connection refused``, ``host not found``, or the driver's first line.

    :param secret: a password to blank out should the driver have echoed it.
    """
    orig: BaseException = exc.orig if isinstance(exc, StatementError) and exc.orig is not None else exc
    text = str(orig).strip()
    if isinstance(orig, socket.gaierror):
        reason = "host not found"
    elif isinstance(orig, TimeoutError):
        reason = "connection timed out"
    elif (
        isinstance(orig, ConnectionRefusedError)
        or getattr(orig, "errno", None) == errno.ECONNREFUSED
        or "connect call failed" in text.lower()
        or "connection refused" in text.lower()
    ):
        reason = "connection refused"
    elif isinstance(orig, ModuleNotFoundError):
        reason = f"the database driver {orig.name!r} is not installed"
    else:
        reason = text.splitlines()[0] if text else type(orig).__name__
        if not (isinstance(exc, SQLAlchemyError) or type(orig).__module__.split(".")[0] in DRIVERS):
            reason = f"{type(orig).__name__}: {reason}"
    if secret:
        reason = reason.replace(secret, "***")
    return reason


@contextmanager
def failing_as(message: str, *, secret: str | None = None) -> Iterator[None]:
    """Re-raise any failure inside the block as ``StoreError(f"{message}: {reason}")``.

    A :class:`StoreError` raised inside passes through unchanged; cancellation is never caught.
    """
    try:
        yield
    except StoreError:
        raise
    except Exception as exc:
        raise StoreError(f"{message}: {describe(exc, secret=secret)}") from exc


LOW_SPACE = 64 * 1024
"""Free bytes under which a SQLite file's disk is called full (SQLite needs room for its journal files)."""


def full_disk_hint(path: Path) -> str | None:
    """``the disk holding DIR is full (N bytes free)`` when the disk holding ``path`` is, else ``None``:
    SQLite reports a full disk at open time only as ``disk I/O error``."""
    try:
        free = shutil.disk_usage(path.parent).free
    except OSError:
        return None
    return f"the disk holding {path.parent} is full: {free:,} bytes free" if free < LOW_SPACE else None
