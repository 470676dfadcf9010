"""Starting the three local sites: :func:`start_local_sites` and the :class:`LocalSites` handle.

Each site has its own server (its own origin, so cookies and paths stay apart), all on 127.0.0.1 with
random ports and one event loop. Use it either way::

    with start_local_sites() as sites:          # servers on a background thread (sync code, the CLI demo)
        sites.linkedin.base_url

    async with start_local_sites() as sites:    # servers on the running loop (async code)
        sites.indeed.set(rate_limit_after=2)
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future
from datetime import datetime
from types import TracebackType
from typing import Any

from jobflow.clock import Clock
from jobflow.postings.model import JobPosting
from jobflow.testing.sites.app import SiteApp
from jobflow.testing.sites.behaviour import SiteBehaviour, SiteState
from jobflow.testing.sites.http import HttpServer
from jobflow.testing.sites.tables import SITES, expected_postings, expected_searches, load_data, reference_now

__all__ = ["LocalSites", "SiteServer", "start_local_sites"]


def _apps() -> dict[str, type[SiteApp]]:
    from jobflow.testing.sites.glassdoor.app import GlassdoorApp
    from jobflow.testing.sites.indeed.app import IndeedApp
    from jobflow.testing.sites.linkedin.app import LinkedInApp

    return {"linkedin": LinkedInApp, "indeed": IndeedApp, "glassdoor": GlassdoorApp}


class SiteServer:
    """One running local site: its URL, behaviour switches, state and expected table."""

    def __init__(self, name: str, app: SiteApp) -> None:
        self.name = name
        self.app = app
        self.server = HttpServer(app)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return self.server.base_url

    def url(self, path: str) -> str:
        """An absolute URL on this site."""
        return self.base_url + path

    @property
    def behaviour(self) -> SiteBehaviour:
        return self.app.behaviour

    @property
    def state(self) -> SiteState:
        return self.app.state

    def set(self, **changes: Any) -> SiteBehaviour:
        """Switch behaviour (``latency=(0.1, 0.3)``, ``rate_limit_after=3``, ``checkpoint=True`` ...)."""
        return self.app.set(**changes)

    def reset(self) -> None:
        """Normal behaviour, fresh state."""
        self.app.reset()

    def expected(self, view: str, *, malformed: bool = False) -> dict[str, JobPosting]:
        """The postings a correct plugin extracts from ``view`` of this server, by native id."""
        return expected_postings(self.name, view, self.base_url, malformed=malformed)

    def searches(self) -> list[dict[str, Any]]:
        """The documented searches and the ids they return."""
        return expected_searches(self.name)


class LocalSites:
    """The three local sites. A sync or async context manager; see the module docstring."""

    def __init__(self, *, clock: Clock | None = None, seed: int | None = 0) -> None:
        apps = _apps()
        self.sites: dict[str, SiteServer] = {
            name: SiteServer(name, apps[name](load_data(name), clock=clock, seed=seed)) for name in SITES
        }
        self.now: datetime = reference_now()
        """The reference time of the sites' relative dates: inject it as the clock's ``now``."""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def linkedin(self) -> SiteServer:
        return self.sites["linkedin"]

    @property
    def indeed(self) -> SiteServer:
        return self.sites["indeed"]

    @property
    def glassdoor(self) -> SiteServer:
        return self.sites["glassdoor"]

    def __getitem__(self, name: str) -> SiteServer:
        return self.sites[name]

    def base_urls(self) -> dict[str, str]:
        """``{site: base_url}``, e.g. for a workflow's ``sites.<name>.base_url``."""
        return {name: site.base_url for name, site in self.sites.items()}

    def reset(self) -> None:
        """Every site back to normal behaviour and a fresh state."""
        for site in self.sites.values():
            site.reset()

    # ----------------------------------------------------------------------------- in the loop

    async def start(self) -> LocalSites:
        """Start the servers on the running loop."""
        for site in self.sites.values():
            await site.server.start()
            site.app.base_url = site.base_url
        return self

    async def close(self) -> None:
        """Stop the servers."""
        for site in self.sites.values():
            await site.server.close()

    async def __aenter__(self) -> LocalSites:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # --------------------------------------------------------------------------- on a thread

    def start_in_thread(self) -> LocalSites:
        """Start the servers on a daemon thread with its own loop; returns once they listen."""
        ready: Future[None] = Future()
        loop = asyncio.new_event_loop()

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self.start())
            except BaseException as exc:  # handed to the starting thread
                ready.set_exception(exc)
                return
            ready.set_result(None)
            loop.run_forever()

        self._loop, self._thread = loop, threading.Thread(target=run, name="jobflow-local-sites", daemon=True)
        self._thread.start()
        ready.result(timeout=30)
        return self

    def stop_thread(self) -> None:
        """Stop servers started by :meth:`start_in_thread`."""
        if self._loop is None or self._thread is None:
            return
        asyncio.run_coroutine_threadsafe(self.close(), self._loop).result(timeout=30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)
        self._loop.close()
        self._loop = self._thread = None

    def __enter__(self) -> LocalSites:
        return self.start_in_thread()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop_thread()


def start_local_sites(*, clock: Clock | None = None, seed: int | None = 0) -> LocalSites:
    """The local LinkedIn, Indeed and Glassdoor, ready to enter (``with`` or ``async with``)."""
    return LocalSites(clock=clock, seed=seed)
