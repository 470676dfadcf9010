"""jobflow's settings, read from the environment (pydantic-settings). The names are part of the spec.

Every field carries its documentation in ``description``; ``docs/configuration.md`` lists each one and a
test keeps the two in step.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from jobflow.errors import ConfigError

__all__ = ["Settings", "get_settings"]


def _default_home() -> Path:
    return Path(os.path.expanduser("~")) / ".jobflow"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", case_sensitive=False)

    jobflow_home: Path = Field(
        default_factory=_default_home,
        description="Directory for jobflow's database, browser sessions and failure artifacts.",
    )
    database_url: str | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL of the store. Default: SQLite file `jobflow.db` in JOBFLOW_HOME. "
            "Async drivers are used (`sqlite+aiosqlite`, `postgresql+asyncpg`); a plain "
            "`postgresql://` or `sqlite://` URL is given its async driver."
        ),
    )
    anti_detection_enabled: bool = Field(
        default=True, description="Stealth layer of the browser pool; `false` turns every measure off."
    )
    scheduler_persistence_enabled: bool = Field(
        default=True, description="Keep scheduled jobs in the database; `false` uses memory (logged)."
    )
    scheduler_jobstore_url: str | None = Field(
        default=None, description="Sync SQLAlchemy URL of the job store. Default: derived from DATABASE_URL."
    )
    scheduler_jobstore_tablename: str = Field(
        default="apscheduler_jobs", description="Table of the APScheduler job store."
    )
    scheduler_misfire_grace_time: int = Field(
        default=60, ge=0, description="Seconds a job may start late before it counts as missed."
    )
    scheduler_retry_backoff: str = Field(
        default="60s,120s,300s",
        description=(
            "Delays before a missed occurrence is tried again, comma-separated durations; their number is how "
            "often (then it is marked failed and the user notified). Crashed runs use it too when the workflow "
            "sets no `defaults.retry`."
        ),
    )
    scheduler_lease_seconds: float = Field(
        default=30.0,
        ge=1,
        description=(
            "Seconds the active scheduler's lease lasts without renewal; it renews every third of that. "
            "A standby daemon takes over once it expires (at once when the holder's process is gone)."
        ),
    )
    scheduler_zombie_interval: float = Field(
        default=300.0, gt=0, description="Seconds between two searches for crashed runs (also done on start-up)."
    )
    scheduler_heartbeat_timeout: float = Field(
        default=120.0,
        gt=0,
        description="A running run whose last heartbeat is older than this many seconds counts as crashed.",
    )
    scheduler_drain_timeout: float = Field(
        default=30.0,
        ge=0,
        description="Seconds a stopping daemon lets in-flight runs finish before marking them interrupted.",
    )
    scheduler_reload_interval: float = Field(
        default=2.0, gt=0, description="Seconds between two looks for changed workflow files in the daemon."
    )
    scheduler_max_runs: int = Field(default=4, ge=1, description="Runs the daemon executes at the same time.")
    jobflow_browser_executable: Path | None = Field(
        default=None, description="Chromium executable to launch instead of the discovered one."
    )
    jobflow_browser_ws_endpoint: str | None = Field(
        default=None, description="WebSocket endpoint of a remote Playwright server to connect to."
    )
    jobflow_typing_delay: float = Field(
        default=0.1,
        ge=0,
        le=2,
        description=(
            "Mean seconds between two key presses when a step types like a person (each key ±35 %). "
            "Lower it only against local test sites: real sites watch typing speed."
        ),
    )
    jobflow_log_format: Literal["console", "json"] = Field(
        default="console", description="`console` for people, `json` (one object a line) for machines."
    )
    jobflow_log_level: Literal["debug", "info", "warning", "error"] = Field(
        default="info", description="Lowest level of log lines shown."
    )
    jobflow_load_plugins: str | None = Field(
        default=None,
        description="Comma-separated entry-point names: load only these plugins (core defaults always load).",
    )
    jobflow_disable_plugin_autoload: bool = Field(
        default=False,
        description="Load no entry-point plugins at all, except those named in JOBFLOW_LOAD_PLUGINS.",
    )
    jobflow_heartbeat_interval: float = Field(
        default=10.0, gt=0, description="Seconds between heartbeats written on a running run."
    )
    jobflow_notify_config: Path | None = Field(
        default=None,
        description="Notification channels file (see docs/notifications.md). Default: `notify.yaml` in JOBFLOW_HOME.",
    )
    jobflow_notify_max_attempts: int = Field(
        default=6, ge=1, description="Delivery attempts of a notification before it is marked failed."
    )
    jobflow_notify_timeout: float = Field(
        default=30.0, gt=0, description="Seconds one channel may take to deliver one notification."
    )
    jobflow_notify_poll_interval: float = Field(
        default=5.0, gt=0, description="Seconds between two looks at the notification outbox in the daemon."
    )

    @property
    def home(self) -> Path:
        return self.jobflow_home.expanduser()

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.home / 'jobflow.db'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once. Tests call ``get_settings.cache_clear()`` after changing env."""
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "setting"
        raise ConfigError(f"environment variable {name}: {first['msg']}") from exc
