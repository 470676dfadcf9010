"""Database URLs: the async driver jobflow runs on, the sync twin the job store needs, a masked form to show.

Every mapping goes through SQLAlchemy's own URL object (``make_url`` + ``URL.set``), so credentials
(special characters in passwords included), query strings and absolute SQLite paths survive untouched.

=========================================  =====================================
``async_url``                              ``sync_url``
=========================================  =====================================
``sqlite://``, ``sqlite+pysqlite://``      ``sqlite+aiosqlite://`` -> ``sqlite://``
``postgresql://``, ``postgres://``,        ``postgresql+asyncpg://`` -> ``postgresql+psycopg://``
``postgresql+psycopg2://``
``mysql://``, ``mysql+pymysql://``,        ``mysql+aiomysql://`` -> ``mysql+pymysql://``
``mysql+mysqldb://``
=========================================  =====================================

Any other driver (``postgresql+psycopg`` works both ways) is kept as given.
"""

from __future__ import annotations

import re

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from jobflow.errors import ConfigError

__all__ = ["async_url", "parse_url", "safe_url", "sync_url"]

_ASYNC_DRIVERS: dict[str, str] = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+pysqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+psycopg2": "postgresql+asyncpg",
    "mysql": "mysql+aiomysql",
    "mysql+pymysql": "mysql+aiomysql",
    "mysql+mysqldb": "mysql+aiomysql",
}

_SYNC_DRIVERS: dict[str, str] = {
    "sqlite+aiosqlite": "sqlite",
    "postgres": "postgresql+psycopg",
    "postgresql": "postgresql+psycopg",
    "postgresql+asyncpg": "postgresql+psycopg",
    "mysql": "mysql+pymysql",
    "mysql+aiomysql": "mysql+pymysql",
    "mysql+asyncmy": "mysql+pymysql",
}

_RAW_PASSWORD = re.compile(r"(://[^:/@]*:)[^@]*@")


def parse_url(url: str | URL) -> URL:
    """Parse ``url`` with SQLAlchemy; a malformed one raises :class:`ConfigError` (password masked)."""
    if isinstance(url, URL):
        return url
    try:
        return make_url(url)
    except ArgumentError as exc:
        raise ConfigError(f"invalid database URL {_mask_raw(url)!r}") from exc


def _mask_raw(url: str) -> str:
    return _RAW_PASSWORD.sub(r"\1***@", url)


def _render(url: URL) -> str:
    return url.render_as_string(hide_password=False)


def async_url(url: str) -> str:
    """``url`` with an async driver: a plain or sync ``sqlite``/``postgresql``/``mysql`` URL gets
    ``aiosqlite``/``asyncpg``/``aiomysql``; a URL that names another driver is returned as it is."""
    parsed = parse_url(url)
    driver = _ASYNC_DRIVERS.get(parsed.drivername)
    return _render(parsed.set(drivername=driver)) if driver else _render(parsed)


def sync_url(url: str) -> str:
    """The sync twin of ``url`` for APScheduler's job store (``sqlite+aiosqlite`` -> ``sqlite``,
    ``postgresql+asyncpg`` -> ``postgresql+psycopg``, ``mysql+aiomysql`` -> ``mysql+pymysql``)."""
    parsed = parse_url(url)
    driver = _SYNC_DRIVERS.get(parsed.drivername)
    return _render(parsed.set(drivername=driver)) if driver else _render(parsed)


def safe_url(url: str | URL) -> str:
    """``url`` fit to show: the password replaced by ``***`` (the rest kept, so the database is named)."""
    try:
        parsed = parse_url(url)
    except ConfigError:
        return _mask_raw(str(url))
    return parsed.render_as_string(hide_password=True)
