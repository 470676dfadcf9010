"""The scheduler's settings in one typed record, read from :class:`jobflow.config.Settings`."""

from __future__ import annotations

from dataclasses import dataclass

from jobflow.config import Settings
from jobflow.errors import ConfigError
from jobflow.spec.durations import parse_duration

__all__ = ["CLAIM_LEAD", "LEASE_NAME", "SchedulerConfig"]

LEASE_NAME = "scheduler"
"""The lease row every jobflow scheduler on a database competes for."""
CLAIM_LEAD = 1.0
"""The daemon's :attr:`SchedulerConfig.claim_lead`: long enough for a record-and-claim transaction on a
busy machine, short enough that an occurrence's schedule state (overlap, run limits) is judged close to
its time."""


def _backoff(text: str) -> tuple[float, ...]:
    try:
        delays = tuple(parse_duration(part.strip()).total_seconds() for part in text.split(",") if part.strip())
    except ValueError as exc:
        raise ConfigError(f"environment variable SCHEDULER_RETRY_BACKOFF: {exc}") from exc
    return delays


@dataclass(frozen=True, slots=True)
class SchedulerConfig:
    """How the daemon schedules: grace, backoff, lease, zombie search, drain, reload, run slots."""

    misfire_grace: float = 60.0
    backoff: tuple[float, ...] = (60.0, 120.0, 300.0)
    lease_seconds: float = 30.0
    zombie_interval: float = 300.0
    heartbeat_timeout: float = 120.0
    drain_timeout: float = 30.0
    reload_interval: float = 2.0
    max_runs: int = 4
    claim_batch: int = 500
    """Occurrences claimed per transaction."""
    claim_ahead: int = 20_000
    """Occurrences claimed but not started yet, at most (they wait for a run slot, leased)."""
    claim_lead: float = 0.0
    """Seconds ahead of their time that occurrences are recorded and claimed, so each is handed over on a
    loop timer exactly when due instead of after a database round trip (0: claimed once due). The daemon
    uses :data:`CLAIM_LEAD`."""
    persistence: bool = True
    jobstore_url: str | None = None
    jobstore_table: str = "apscheduler_jobs"

    @classmethod
    def from_settings(cls, settings: Settings) -> SchedulerConfig:
        """The scheduler's part of ``settings`` (``SCHEDULER_*``)."""
        from jobflow.store.urls import sync_url

        return cls(
            misfire_grace=float(settings.scheduler_misfire_grace_time),
            backoff=_backoff(settings.scheduler_retry_backoff),
            lease_seconds=settings.scheduler_lease_seconds,
            zombie_interval=settings.scheduler_zombie_interval,
            heartbeat_timeout=settings.scheduler_heartbeat_timeout,
            drain_timeout=settings.scheduler_drain_timeout,
            reload_interval=settings.scheduler_reload_interval,
            max_runs=settings.scheduler_max_runs,
            claim_lead=CLAIM_LEAD,
            persistence=settings.scheduler_persistence_enabled,
            jobstore_url=settings.scheduler_jobstore_url or sync_url(settings.effective_database_url),
            jobstore_table=settings.scheduler_jobstore_tablename,
        )
