"""URL mapping of the store: async drivers for jobflow, sync twins for the job store, masked display."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from jobflow.errors import ConfigError
from jobflow.store import async_url, safe_url, sync_url


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:////var/lib/jobflow/jobflow.db", "sqlite+aiosqlite:////var/lib/jobflow/jobflow.db"),
        ("sqlite:///relative/jobflow.db", "sqlite+aiosqlite:///relative/jobflow.db"),
        ("sqlite+pysqlite:////abs.db", "sqlite+aiosqlite:////abs.db"),
        ("sqlite://", "sqlite+aiosqlite://"),
        ("postgresql://u:p@db.example:5433/jobs", "postgresql+asyncpg://u:p@db.example:5433/jobs"),
        ("postgres://u:p@db.example/jobs", "postgresql+asyncpg://u:p@db.example/jobs"),
        ("postgresql+psycopg2://u@h/jobs", "postgresql+asyncpg://u@h/jobs"),
        ("mysql://u:p@h:3306/jobs?charset=utf8mb4", "mysql+aiomysql://u:p@h:3306/jobs?charset=utf8mb4"),
        ("mysql+pymysql://u:p@h/jobs", "mysql+aiomysql://u:p@h/jobs"),
        # already async, or a driver that works both ways: kept as given
        ("sqlite+aiosqlite:////abs.db", "sqlite+aiosqlite:////abs.db"),
        ("postgresql+asyncpg://u@h/jobs", "postgresql+asyncpg://u@h/jobs"),
        ("postgresql+psycopg://u@h/jobs", "postgresql+psycopg://u@h/jobs"),
    ],
)
def test_async_url_gives_plain_and_sync_urls_their_async_driver(given: str, expected: str) -> None:
    assert async_url(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite+aiosqlite:////home/me/.jobflow/jobflow.db", "sqlite:////home/me/.jobflow/jobflow.db"),
        ("sqlite+aiosqlite:///relative.db", "sqlite:///relative.db"),
        ("postgresql+asyncpg://u:p@h:5432/jobs", "postgresql+psycopg://u:p@h:5432/jobs"),
        ("postgresql://u:p@h/jobs", "postgresql+psycopg://u:p@h/jobs"),
        ("postgres://u:p@h/jobs", "postgresql+psycopg://u:p@h/jobs"),
        ("mysql+aiomysql://u:p@h/jobs", "mysql+pymysql://u:p@h/jobs"),
        ("mysql+asyncmy://u:p@h/jobs", "mysql+pymysql://u:p@h/jobs"),
        ("sqlite:////abs.db", "sqlite:////abs.db"),
        ("postgresql+psycopg://u@h/jobs", "postgresql+psycopg://u@h/jobs"),
    ],
)
def test_sync_url_maps_each_async_driver_to_its_sync_twin(given: str, expected: str) -> None:
    assert sync_url(given) == expected


@pytest.mark.parametrize("mapping", [async_url, sync_url])
def test_special_characters_in_the_password_survive_both_mappings(mapping: object) -> None:
    password = "p@ss:w/rd%#?&="
    url = make_url("postgresql+asyncpg://jobflow@db.example:5432/jobs").set(password=password)
    given = url.render_as_string(hide_password=False)
    assert callable(mapping)
    mapped = make_url(mapping(given))
    assert mapped.password == password
    assert (mapped.username, mapped.host, mapped.port, mapped.database) == ("jobflow", "db.example", 5432, "jobs")


def test_query_strings_are_kept_with_every_value() -> None:
    given = "postgresql+asyncpg://u:p@h/jobs?ssl=require&application_name=jobflow%20daemon"
    mapped = make_url(sync_url(given))
    assert mapped.drivername == "postgresql+psycopg"
    assert dict(mapped.query) == {"ssl": "require", "application_name": "jobflow daemon"}
    assert dict(make_url(async_url(sync_url(given))).query) == dict(mapped.query)


def test_absolute_sqlite_paths_stay_absolute_round_trip() -> None:
    given = "sqlite:////srv/jobflow data/jobflow.db"
    there = async_url(given)
    assert make_url(there).database == "/srv/jobflow data/jobflow.db"
    assert make_url(sync_url(there)).database == "/srv/jobflow data/jobflow.db"


def test_safe_url_masks_the_password_and_names_the_database() -> None:
    shown = safe_url("postgresql+asyncpg://jobflow:hunter2%40x@db.example:5432/jobs?ssl=require")
    assert "hunter2" not in shown
    assert shown == "postgresql+asyncpg://jobflow:***@db.example:5432/jobs?ssl=require"
    assert safe_url("sqlite+aiosqlite:////abs.db") == "sqlite+aiosqlite:////abs.db"


def test_a_malformed_url_is_a_config_error_without_the_password() -> None:
    with pytest.raises(ConfigError, match="invalid database URL") as caught:
        async_url("not a url://user:hunter2@host")
    assert "hunter2" not in str(caught.value)
    assert "hunter2" not in safe_url("not a url://user:hunter2@host")
