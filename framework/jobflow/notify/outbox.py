"""The outbox: :func:`enqueue` writes a notification row once per key; :class:`OutboxWorker` delivers due rows.

A delivery attempt sends to every target channel not yet served (``delivered`` remembers them), so a retry
never repeats a channel that already took the notification. A failing, raising, hanging (timeout) or
``async`` channel is all the same to the worker: the error is recorded (secrets masked), the attempt is
retried after :data:`BACKOFF`, and after ``JOBFLOW_NOTIFY_MAX_ATTEMPTS`` the row is ``failed`` and an error
is logged. Nothing a channel does propagates to the caller.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import structlog

from jobflow.notify.compose import notification_values
from jobflow.notify.config import ALL, Channel, Channels, config_path, load_channels
from jobflow.notify.delivery import BACKOFF, backoff, send_to
from jobflow.notify.redaction import scrub
from jobflow.notify.types import Message

if TYPE_CHECKING:
    from jobflow.clock import Clock
    from jobflow.config import Settings
    from jobflow.plugins import Plugins
    from jobflow.store import Store
    from jobflow.store.outbox import NotificationRow

__all__ = [
    "BACKOFF",
    "OutboxWorker",
    "background_delivery_active",
    "backoff",
    "enqueue",
    "notification_values",
    "wake_workers",
]

log = structlog.get_logger("jobflow.notify")

MIN_PAUSE = 0.5
"""Seconds between passes while due rows are held by another worker."""
FAILING_PAUSE = 30.0
"""Seconds at most between two passes while the store fails (the pause doubles from the poll interval)."""

_running: set[OutboxWorker] = set()


def background_delivery_active() -> bool:
    """Whether an :meth:`OutboxWorker.run_forever` loop (the daemon's) runs in this process."""
    return bool(_running)


def wake_workers() -> None:
    """Make every running worker look at the outbox now (after a notification was queued in-process)."""
    for worker in list(_running):
        worker.wake()


async def enqueue(
    store: Store,
    *,
    kind: str,
    title: str,
    body: str,
    data: dict[str, Any],
    dedupe_key: str,
    channel: str = ALL,
    settings: Settings | None = None,
) -> bool:
    """Queue a notification for ``channel`` (a channel name, or ``all``): idempotent per ``dedupe_key``.

    Secret values are masked first (see :func:`notification_values`); ``settings`` names the channel
    configuration whose secrets are masked (default: the process's settings).

    :returns: ``True`` when queued, ``False`` when the key was used before (nothing changes: "notified once").
    :raises StoreError: the row could not be written.
    """
    from jobflow.store.outbox import OutboxRepository

    values = notification_values(
        kind=kind, title=title, body=body, data=data, dedupe_key=dedupe_key, channel=channel, settings=settings
    )
    added = await OutboxRepository(store).add(values)
    log.debug("notification queued" if added else "notification already queued", key=values["dedupe_key"], kind=kind)
    if added:
        wake_workers()
    return added


def _message(row: NotificationRow) -> Message:
    return Message(row.kind, row.title, row.body, dict(row.data), row.dedupe_key, row.created_at, row.attempts)


class OutboxWorker:
    """Delivers due notifications to their channels; the daemon runs :meth:`run_forever`.

    :param plugins: where the channel types come from (``register_notifiers``).
    :param clock: the clock that stamps attempts and paces :meth:`run_forever`.
    :param settings: attempts, timeout, poll interval and ``notify.yaml``; default: the process's settings.
    :param channels: use these channels instead of reading ``notify.yaml`` (tests, embedding).
    """

    def __init__(
        self,
        store: Store,
        plugins: Plugins,
        clock: Clock,
        *,
        settings: Settings | None = None,
        channels: Channels | None = None,
        batch: int = 50,
    ) -> None:
        from jobflow.config import get_settings
        from jobflow.store.outbox import OutboxRepository

        self.store = store
        self.plugins = plugins
        self.clock = clock
        self.settings = settings or get_settings()
        self.batch = batch
        self.repo = OutboxRepository(store)
        self._fixed = channels
        self._loaded: tuple[tuple[int, int] | None, Channels] | None = None
        self._wake = asyncio.Event()
        self._full = False

    # ------------------------------------------------------------------------------------ channels

    def channels(self) -> Channels:
        """The configured channels, re-read when ``notify.yaml`` changed; problems are logged once."""
        if self._fixed is not None:
            return self._fixed
        path = config_path(self.settings)
        try:
            stat = path.stat()
            stamp: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = None
        if self._loaded is None or self._loaded[0] != stamp:
            loaded = load_channels(self.settings, self.plugins.notifiers)
            for problem in loaded.problems:
                log.error("notification channel unavailable", problem=scrub(problem))
            self._loaded = (stamp, loaded)
        return self._loaded[1]

    def _targets(self, row: NotificationRow, channels: Channels) -> tuple[list[Channel], str | None]:
        if row.channel == ALL:
            targets = [c for c in channels.by_name.values() if c.wants(row.kind)]
            if not targets and channels.problems:
                return [], f"no channel could be set up: {'; '.join(channels.problems)}"
            return targets, None
        channel = channels.by_name.get(row.channel)
        if channel is None:
            configured = ", ".join(channels.names()) or "none"
            return [], f"no channel named {row.channel!r} is configured (configured: {configured})"
        return ([channel] if channel.enabled else []), None

    # ------------------------------------------------------------------------------------ delivery

    async def run_once(self) -> int:
        """Deliver every due notification once; returns how many are now completely sent."""
        channels = self.channels()
        lease = timedelta(seconds=self.settings.jobflow_notify_timeout * (len(channels.by_name) + 1) + 30)
        rows = await self.repo.claim_due(lease, limit=self.batch)
        self._full = len(rows) >= self.batch
        if not rows:
            return 0
        results = await asyncio.gather(*(self._deliver(row, channels) for row in rows))
        return sum(1 for sent in results if sent)

    async def deliver(self, dedupe_key: str) -> NotificationRow | None:
        """Deliver the notification with this key now if it is pending and due (``notify.send`` outside the
        daemon); returns it as stored afterwards, ``None`` when there is no such notification."""
        channels = self.channels()
        lease = timedelta(seconds=self.settings.jobflow_notify_timeout * (len(channels.by_name) + 1) + 30)
        row = await self.repo.claim(dedupe_key, lease)
        if row is not None:
            await self._deliver(row, channels)
        return await self.repo.get(dedupe_key)

    async def _deliver(self, row: NotificationRow, channels: Channels) -> bool:
        targets, problem = self._targets(row, channels)
        delivered = set(row.delivered)
        errors = [problem] if problem else []
        message = _message(row)
        limit = self.settings.jobflow_notify_timeout
        for channel in targets:
            if channel.name in delivered:
                continue
            error = await send_to(channel, message, limit, channels.secrets)
            if error is None:
                delivered.add(channel.name)
            else:
                errors.append(error)
        fields = {"key": row.dedupe_key, "kind": row.kind, "attempt": row.attempts}
        try:
            if not errors:
                await self.repo.finish(row.id, state="sent", delivered=delivered)
                log.info("notification sent", channels=sorted(delivered), **fields)
                return True
            text = scrub("; ".join(errors), channels.secrets)
            if row.attempts >= self.settings.jobflow_notify_max_attempts:
                await self.repo.finish(row.id, state="failed", delivered=delivered, error=text)
                log.error("notification failed, giving up", error=text, **fields)
                return False
            delay = backoff(row.attempts)
            await self.repo.finish(
                row.id, state="pending", delivered=delivered, error=text, next_attempt_at=self.clock.now() + delay
            )
            log.warning("notification not delivered, will retry", error=text, retry_in=delay.total_seconds(), **fields)
        except Exception as exc:  # the store failed: the claim's lease brings the row back later
            log.error("cannot record a notification delivery", error=scrub(str(exc), channels.secrets), **fields)
        return False

    # ---------------------------------------------------------------------------------------- loop

    def wake(self) -> None:
        """Make :meth:`run_forever` look at the outbox now instead of at the end of its pause."""
        self._wake.set()

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Deliver due notifications until ``stop`` is set, pausing on the clock between passes (at most
        ``JOBFLOW_NOTIFY_POLL_INTERVAL``, less when a retry is due sooner). Store failures are logged."""
        _running.add(self)
        failing = 0
        try:
            while not stop.is_set():
                self._wake.clear()
                pause = self.settings.jobflow_notify_poll_interval
                try:
                    await self.run_once()
                    due = await self.repo.next_due()
                    failing = 0
                    if due is not None:
                        wait = (due - self.clock.now()).total_seconds()
                        # Due rows left over: a full batch goes on at once; rows locked elsewhere wait a little.
                        pause = min(pause, max(0.0 if self._full else MIN_PAUSE, wait))
                except Exception as exc:  # the store is down: look again later and later (up to 30 s)
                    failing += 1
                    pause = min(pause * 2 ** min(failing, 8), max(pause, FAILING_PAUSE))
                    log.error(
                        "notification outbox unavailable",
                        error=scrub(f"{type(exc).__name__}: {exc}"),
                        retry_in=round(pause, 2),
                    )
                await self._pause(stop, pause)
        finally:
            _running.discard(self)

    async def _pause(self, stop: asyncio.Event, seconds: float) -> None:
        waiters = [
            asyncio.ensure_future(stop.wait()),
            asyncio.ensure_future(self._wake.wait()),
            asyncio.ensure_future(self.clock.sleep(seconds)),
        ]
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
            await asyncio.gather(*waiters, return_exceptions=True)
