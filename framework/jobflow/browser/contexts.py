"""One browser context per site identity, with its pages: opened, reused, recycled and closed here.

A :class:`SiteContext` hands out pages (tabs of the same context share the site's cookies), keeps idle
pages for reuse until they have served ``page_uses`` leases, and is retired after it opened
``context_pages`` pages; a retired context closes (its storage state saved first) once its last lease ends.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import structlog

from jobflow.browser.driver import DRIVER_ERRORS, BrowserContext, Page, first_line
from jobflow.browser.timeouts import PoolTimeouts, named_timeout
from jobflow.errors import JobflowError

if TYPE_CHECKING:
    from pathlib import Path

    from jobflow.browser.sessions import SessionStore
    from jobflow.browser.stealth import BrowserIdentity, StealthProfile

__all__ = ["PoolLimits", "SiteContext"]

log = structlog.get_logger("jobflow.browser")


@dataclass(frozen=True)
class PoolLimits:
    """When pages and contexts are recycled."""

    page_uses: int = 20
    """A page is closed after serving this many leases (a fresh tab clears leaked listeners and memory)."""
    context_pages: int = 100
    """A context is retired after opening this many pages (its session is saved and reloaded)."""
    session_save_every: float = 5.0
    """Seconds between two saves of a site's session while leases run; closing a context always saves it."""


@dataclass(eq=False)
class SiteContext:
    """A site's browser context and its pages."""

    site: str
    context: BrowserContext
    profile: StealthProfile
    identity: BrowserIdentity
    limits: PoolLimits
    timeouts: PoolTimeouts
    idle: list[Page] = field(default_factory=list)
    uses: dict[Page, int] = field(default_factory=dict)
    crashed_pages: set[Page] = field(default_factory=set)
    leased: int = 0
    pages_opened: int = 0
    retired: bool = False
    broken: bool = False
    last_used: float = 0.0
    tracing: bool = False
    """A Playwright trace is being recorded (``browser.trace: true``), one chunk per quiet period."""
    _saving: asyncio.Task[None] | None = field(default=None, repr=False)
    _saved_at: float = float("-inf")

    def __post_init__(self) -> None:
        self.context.on("close", lambda _: self._mark_broken())

    def _mark_broken(self) -> None:
        self.broken = True

    @property
    def busy(self) -> bool:
        return self.leased > 0

    async def take_page(self) -> Page:
        """An idle page, or a new prepared one (within ``PageTimeout``).

        The caller reserved the context first (``leased`` counts it, so it is not evicted meanwhile); a
        failure here ends the reservation.
        """
        try:
            return await self._take_page()
        except BaseException:
            self.leased -= 1
            raise

    async def _take_page(self) -> Page:
        while self.idle:
            page = self.idle.pop()
            if not page.is_closed() and page not in self.crashed_pages:
                return page
        async with named_timeout("PageTimeout", self.timeouts.page, f"opening a page for {self.site}"):
            page = await self.context.new_page()
            page.on("crash", lambda crashed: self.crashed_pages.add(crashed))
            await self.profile.prepare_page(page, self.identity)
        self.pages_opened += 1
        if self.pages_opened >= self.limits.context_pages:
            self.retired = True
        self.uses[page] = 0
        return page

    def page_healthy(self, page: Page) -> bool:
        return not page.is_closed() and page not in self.crashed_pages and not self.broken

    async def give_back(self, page: Page, *, reuse: bool) -> None:
        """End a lease: keep the page for the next one or close it."""
        self.leased -= 1
        self.uses[page] = self.uses.get(page, 0) + 1
        if reuse and not self.retired and self.page_healthy(page) and self.uses[page] < self.limits.page_uses:
            self.idle.append(page)
            return
        self.uses.pop(page, None)
        self.crashed_pages.discard(page)
        if not page.is_closed():
            try:
                async with named_timeout("PageTimeout", self.timeouts.page, f"closing a page of {self.site}"):
                    await page.close()
            except DRIVER_ERRORS as exc:
                log.debug("page_close_failed", site=self.site, error=first_line(exc))

    async def start_trace(self) -> None:
        """Record a trace of this context (screenshots and DOM snapshots), kept until a lease fails."""
        await self.context.tracing.start(screenshots=True, snapshots=True)
        self.tracing = True

    async def save_trace(self, path: Path) -> Path | None:
        """Write the trace since the last quiet moment to ``path`` and start a new chunk; ``None`` on failure."""
        try:
            await self.context.tracing.stop_chunk(path=path)
            await self.context.tracing.start_chunk()
        except DRIVER_ERRORS as exc:
            log.warning("trace_save_failed", site=self.site, error=first_line(exc))
            return None
        return path

    async def restart_trace(self) -> None:
        """Drop the trace recorded so far when no lease is running (a success needs no evidence)."""
        if not self.tracing or self.busy or self.broken:
            return
        try:
            await self.context.tracing.stop_chunk()
            await self.context.tracing.start_chunk()
        except DRIVER_ERRORS as exc:
            log.debug("trace_restart_failed", site=self.site, error=first_line(exc))

    def save_soon(self, sessions: SessionStore, now: float) -> None:
        """After a lease: save the session in the background, at most every ``session_save_every`` seconds.

        The lease does not wait for the save. A change not saved yet is saved by a later lease or when the
        context closes (which always saves); ``now`` is the pool clock's monotonic time.
        """
        running = self._saving is not None and not self._saving.done()
        if running or now - self._saved_at < self.limits.session_save_every:
            return
        self._saved_at = now
        self._saving = asyncio.create_task(self._save_quietly(sessions), name=f"jobflow-save-{self.site}")

    async def _save_quietly(self, sessions: SessionStore) -> None:
        try:
            await self.save(sessions)
        except (JobflowError, OSError) as exc:  # a timeout or a full disk: the next save tries again
            log.warning("session_save_failed", site=self.site, error=str(exc))

    async def save(self, sessions: SessionStore) -> None:
        """Write the context's storage state (cookies, local storage) to the site's session file."""
        if self.broken:
            return
        try:
            async with named_timeout("ContextTimeout", self.timeouts.context, f"saving the {self.site} session"):
                state = await self.context.storage_state()
        except DRIVER_ERRORS as exc:
            log.warning("session_save_failed", site=self.site, error=first_line(exc))
            return
        sessions.save(self.site, dict(state))

    async def close(self, sessions: SessionStore | None) -> None:
        """Save the session (when given a store) and close the context with its pages."""
        if self._saving is not None:
            await self._saving
        if sessions is not None:
            await self.save(sessions)
        self.idle.clear()
        try:
            async with named_timeout("ContextTimeout", self.timeouts.context, f"closing the {self.site} context"):
                await self.context.close()
        except DRIVER_ERRORS as exc:
            log.debug("context_close_failed", site=self.site, error=first_line(exc))
        self.broken = True
