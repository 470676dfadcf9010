"""The browser pool: the only place a browser is launched. Steps lease pages from it::

    async with BrowserPool(settings, workflow.browser, sites=sites) as pool:
        async with pool.page("linkedin") as page:
            await goto(page, url, wait)

One driver and one browser per pool, started on the first lease (a workflow without a browser step never
starts Chromium). One context per site identity, its session kept in ``JOBFLOW_HOME/sessions``. At most
``options.contexts`` leases run at once and at most that many contexts stay open (idle ones are closed,
least recently used first). A browser or context that dies is replaced; the lease that saw it die raises
``BrowserCrashed``, which the engine retries. ``aclose()`` closes everything: no Chromium process is left.

``pool.request(site)`` leases the site context's HTTP client instead of a page. Every lease takes one of
the site's rate tokens (``throttle`` takes more); ``spend`` counts the site's daily limits. A lease given
an evidence target saves a failure's screenshot, HTML and trace (:mod:`jobflow.browser.artifacts`). A page
lease that is cancelled (a step's ``timeout:``) retires its context, which closes once its last lease ends.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, cast

import structlog

from jobflow.browser.artifacts import EvidenceTarget, forget_response, record_failure, record_response_failure
from jobflow.browser.contexts import PoolLimits, SiteContext
from jobflow.browser.discovery import find_browser
from jobflow.browser.driver import DRIVER_ERRORS, APIRequestContext, Page, first_line
from jobflow.browser.launcher import LaunchedBrowser, launch
from jobflow.browser.ratelimit import DailyLimit, InMemoryDailyLimit, RateLimiter
from jobflow.browser.sessions import SessionStore
from jobflow.browser.stealth import StealthProfile, select_profile
from jobflow.browser.timeouts import PoolTimeouts, named_timeout
from jobflow.clock import Clock, SystemClock
from jobflow.config import Settings
from jobflow.errors import BrowserCrashed, ConfigError, JobflowError, StepTimeout
from jobflow.spec.models import BrowserOptions, SiteConfig

if TYPE_CHECKING:
    from playwright.async_api import StorageState

__all__ = ["BrowserPool"]

log = structlog.get_logger("jobflow.browser")
_CRASH_WORDS = ("has been closed", "crashed", "Target closed", "disconnected", "Connection closed")
_STOP_ERRORS: tuple[type[BaseException], ...] = (*DRIVER_ERRORS, StepTimeout)


class BrowserPool:
    """Leases pages of a shared, stealthy browser; an async context manager."""

    def __init__(
        self,
        settings: Settings,
        options: BrowserOptions,
        *,
        sites: Mapping[str, SiteConfig] | None = None,
        clock: Clock | None = None,
        stealth: StealthProfile | None = None,
        timeouts: PoolTimeouts | None = None,
        limits: PoolLimits | None = None,
        daily: DailyLimit | None = None,
    ) -> None:
        self.settings = settings
        self.options = options
        self.profile = stealth or select_profile(settings, options)
        self.timeouts = timeouts or PoolTimeouts()
        self.limits = limits or PoolLimits()
        self.sessions = SessionStore(settings.home)
        self._sites = dict(sites or {})
        self._clock = clock or SystemClock()
        self._rates = RateLimiter({name: site.rate for name, site in self._sites.items()}, self._clock)
        self._daily = daily or InMemoryDailyLimit()
        self._slots = asyncio.Semaphore(options.contexts)
        self._lock = asyncio.Lock()
        self._browser: LaunchedBrowser | None = None
        self._contexts: dict[str, SiteContext] = {}
        self._closed = False
        self._announced = False

    # ------------------------------------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> BrowserPool:
        self._announce()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    def _announce(self) -> None:
        if self._announced:
            return
        self._announced = True
        if not self.profile.enabled:
            reason = "ANTI_DETECTION_ENABLED=false" if not self.settings.anti_detection_enabled else "browser.stealth"
            log.warning("stealth_disabled", reason=reason, detail="every anti-detection measure is off")

    @property
    def started(self) -> bool:
        """Whether a browser is running (the pool launches lazily)."""
        return self._browser is not None and self._browser.alive

    @property
    def browser_pid(self) -> int | None:
        """The local browser's process id, ``None`` before the first lease or for a remote browser."""
        return self._browser.pid if self._browser else None

    async def aclose(self) -> None:
        """Save every session, close every context, the browser and the driver."""
        self._closed = True
        async with self._lock:
            for entry in list(self._contexts.values()):
                await entry.close(self.sessions)
            self._contexts.clear()
            if self._browser is not None:
                await self._browser.close(self.timeouts)
                self._browser = None

    # ------------------------------------------------------------------------------------------ leasing

    def page(self, site: str, *, evidence: EvidenceTarget | None = None) -> AbstractAsyncContextManager[Page]:
        """Lease a page of ``site``'s context: ``async with pool.page("linkedin") as page:``.

        With ``evidence`` (the step's :class:`~jobflow.browser.artifacts.EvidenceTarget`), an error raised
        while the page is held saves a screenshot, the HTML and (``browser.trace``) the trace first.
        """
        self.sessions.path(site)  # validates the name before anything starts
        return self._lease_page(site, evidence)

    def request(
        self, site: str, *, evidence: EvidenceTarget | None = None
    ) -> AbstractAsyncContextManager[APIRequestContext]:
        """Lease ``site``'s HTTP client: its context's ``APIRequestContext`` (same cookies, headers, identity).

        The lease takes one rate token, as a page lease does; call :meth:`throttle` before each further
        request inside it. With ``evidence``, an error raised while the client is held saves the last
        answer it got (:func:`~jobflow.browser.artifacts.record_response_failure`).
        """
        self.sessions.path(site)
        return self._lease_request(site, evidence)

    @asynccontextmanager
    async def _lease_page(self, site: str, evidence: EvidenceTarget | None) -> AsyncIterator[Page]:
        async with self._slot(site):
            entry, page = await self._acquire(site, with_page=True)
            assert page is not None
            ok = False
            try:
                yield page
                ok = True
            except (Exception, asyncio.CancelledError) as exc:
                if evidence is not None:
                    if not isinstance(exc, Exception):
                        await self._stop_loading(entry, page)
                    trace = entry.save_trace if entry.tracing else None
                    await record_failure(page, evidence, site=entry.site, error=exc, trace=trace)
                if isinstance(exc, Exception):
                    self._raise_crash(entry, page, exc)
                else:  # cancelled (a step timeout): its page may still be loading, so the context is recycled
                    entry.retired = True
                raise
            finally:
                await self._release(entry, page, ok=ok)

    @asynccontextmanager
    async def _lease_request(self, site: str, evidence: EvidenceTarget | None) -> AsyncIterator[APIRequestContext]:
        async with self._slot(site):
            entry, _ = await self._acquire(site, with_page=False)
            ok = False
            forget_response(entry.context.request)
            try:
                yield entry.context.request
                ok = True
            except Exception as exc:
                if evidence is not None and not entry.broken:
                    await record_response_failure(entry.context, evidence, site=entry.site, error=exc)
                self._raise_crash(entry, None, exc)
                raise
            finally:
                entry.leased -= 1
                await self._release(entry, None, ok=ok)

    @asynccontextmanager
    async def _slot(self, site: str) -> AsyncIterator[None]:
        if self._closed:
            raise JobflowError("the browser pool is closed")
        async with self._slots:
            await self._rates.acquire(site)
            yield

    async def _stop_loading(self, entry: SiteContext, page: Page) -> None:
        """Stop a navigation still in flight (a step timed out on a page that never loaded): until it commits,
        the driver holds every call on the page, so the failure's screenshot and HTML could not be taken."""
        try:
            async with named_timeout("PageTimeout", self.timeouts.page, f"stopping a page of {entry.site}"):
                session = await entry.context.new_cdp_session(page)
                await session.send("Page.stopLoading")
                await session.detach()
        except _STOP_ERRORS as exc:  # best effort: a remote or dead browser may refuse
            log.debug("page_stop_failed", site=entry.site, error=first_line(exc))

    def _raise_crash(self, entry: SiteContext, page: Page | None, exc: Exception) -> None:
        # A driver error says so itself; a wrapped one (NetworkError, StepTimeout) only by the state.
        if self._crashed(entry, page, exc, by_message=isinstance(exc, DRIVER_ERRORS)):
            raise BrowserCrashed(f"the browser crashed while {entry.site} was in use: {first_line(exc)}") from exc

    async def capture(self, page: Page, target: EvidenceTarget) -> list[Path]:
        """Capture ``page`` (released by the step, still open) for ``target``; ``[]`` when it is gone."""
        entry = next((e for e in self._contexts.values() if e.context is page.context), None)
        if page.is_closed() or entry is None or entry.broken:
            return []
        return await record_failure(page, target, site=entry.site, error=None)

    async def _acquire(self, site: str, *, with_page: bool) -> tuple[SiteContext, Page | None]:
        for attempt in (1, 2, 3):
            async with self._lock:
                entry = await self._context(site)
                entry.leased += 1  # reserved: not evicted while its page opens
            if not with_page:
                return entry, None
            try:
                return entry, await entry.take_page()
            except DRIVER_ERRORS as exc:
                log.warning("page_open_failed", site=site, attempt=attempt, error=first_line(exc))
                self._crashed(entry, None, exc, force=True, restart=attempt >= 2)
        raise BrowserCrashed(f"could not open a page for {site}: the browser keeps failing")

    def _crashed(
        self,
        entry: SiteContext,
        page: Page | None,
        exc: BaseException,
        *,
        force: bool = False,
        restart: bool = False,
        by_message: bool = True,
    ) -> bool:
        """Decide whether ``exc`` came from a dead browser, context or page, and schedule the replacement."""
        browser = self._browser
        dead_browser = restart or browser is None or not browser.alive
        message = str(exc)
        dead = force or dead_browser or entry.broken or (page is not None and not entry.page_healthy(page))
        dead = dead or (by_message and any(word in message for word in _CRASH_WORDS))
        if dead_browser and browser is not None:
            browser.crashed = True
        if dead:
            entry.retired = entry.broken = True
            log.warning("browser_crashed", site=entry.site, browser=dead_browser, error=first_line(exc))
        return dead

    async def _release(self, entry: SiteContext, page: Page | None, *, ok: bool) -> None:
        healthy = entry.page_healthy(page) if page is not None else not entry.broken
        if page is not None:
            await entry.give_back(page, reuse=ok)
        entry.last_used = self._clock.monotonic()
        if ok and healthy:
            entry.save_soon(self.sessions, entry.last_used)
            await entry.restart_trace()
        if (entry.retired or entry.broken) and not entry.busy:
            async with self._lock:
                if self._contexts.get(entry.site) is entry:
                    del self._contexts[entry.site]
            await entry.close(None if entry.broken else self.sessions)

    # ------------------------------------------------------------------------------------------ internals

    async def _ensure_browser(self) -> LaunchedBrowser:
        if self._browser is not None and self._browser.alive:
            return self._browser
        if self._browser is not None:
            log.warning("browser_replaced", reason="the previous browser died")
            await self._browser.close(self.timeouts)
            self._contexts.clear()
        self._announce()
        self._browser = await launch(
            find_browser(self.settings), self.profile, headless=self.options.headless, timeouts=self.timeouts
        )
        return self._browser

    async def _context(self, site: str) -> SiteContext:
        """The site's live context (the lock is held), creating it and evicting idle ones as needed."""
        launched = await self._ensure_browser()
        entry = self._contexts.get(site)
        if entry is not None:
            if not entry.retired and not entry.broken:
                return entry
            del self._contexts[site]
            if not entry.busy:  # a busy one closes when its last lease ends
                await entry.close(None if entry.broken else self.sessions)
        while len(self._contexts) >= self.options.contexts:
            idle = [e for e in self._contexts.values() if not e.busy]
            if not idle:
                break
            oldest = min(idle, key=lambda e: e.last_used)
            del self._contexts[oldest.site]
            await oldest.close(None if oldest.broken else self.sessions)
        state = self.sessions.load(site)
        async with named_timeout("ContextTimeout", self.timeouts.context, f"creating the {site} context"):
            context = await launched.browser.new_context(
                storage_state=cast("StorageState | None", state), **self.profile.context_options()
            )
            await self.profile.prepare_context(context, launched.identity)
            entry = SiteContext(site, context, self.profile, launched.identity, self.limits, self.timeouts)
            if self.options.trace:
                await entry.start_trace()
        self._contexts[site] = entry
        return entry

    # ------------------------------------------------------------------------------------------ politeness

    async def throttle(self, site: str) -> float:
        """Take one of ``site``'s rate tokens (waits on the clock); call it before each further navigation."""
        return await self._rates.acquire(site)

    async def spend(self, site: str, name: str) -> int:
        """Count one use of ``site``'s daily limit ``name`` (``applications_per_day``); returns the count.

        Raises ``DailyLimitReached`` when the day's limit is spent, ``ConfigError`` for an unknown name.
        """
        config = self._sites.get(site)
        limit = config.limits.get(name) if config else None
        if limit is None:
            raise ConfigError(f"site {site!r} has no daily limit {name!r}")
        return await self._daily.spend(site, name, self._clock.now().astimezone().date(), limit)
