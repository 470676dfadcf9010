"""Postings per second of the site plugins against the bundled local sites.

Run with ``.venv/bin/python bench/sites.py``. Three figures per task:

* **through the pool, not rendered**: the steps as a workflow runs them, reading through the browser
  context's request API (the default modes: ``indeed.search``/``indeed.job`` ``request``,
  ``glassdoor.*`` ``api``, ``linkedin.*`` guest);
* **through the pool, rendered**: the same steps with ``mode: browser`` (pages rendered in Chromium);
* **browser-less floor**: the plugins' own page objects and parsers over plain ``urllib``, no browser.

Tasks: searching 3 x 100 postings (100 per site), and fetching 100 detail pages per site (``for_each``
over the found postings, 4 at a time, through a pool of 4 contexts). Politeness is off (``rate: 1000/s``)
and the browser is started before timing; the local sites add no latency.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import structlog

from jobflow.config import Settings
from jobflow.engine import RunResult
from jobflow.testing.sites import LocalSites, start_local_sites
from jobflow.testing.workflows import run_workflow

PER_SITE = 100
CONCURRENCY = 4
SEARCH = {"linkedin": "linkedin.search", "indeed": "indeed.search", "glassdoor": "glassdoor.search"}
DETAIL = {"linkedin": "linkedin.job", "indeed": "indeed.job", "glassdoor": "glassdoor.job"}
RENDERED = {"indeed": {"mode": "browser"}, "glassdoor": {"mode": "browser"}}
"""Sites whose steps can render (LinkedIn's rendered search is the member one: it needs a login)."""


class _Response:
    def __init__(self, url: str, status: int, headers: dict[str, str], body: bytes) -> None:
        self.url, self.status, self.headers, self._body = url, status, headers, body

    async def text(self) -> str:
        return self._body.decode("utf-8", "replace")


class UrllibHttp:
    """The request API's shape (``get``/``fetch`` -> status, url, headers, ``text()``) over plain urllib."""

    async def get(self, url: str, **options: Any) -> _Response:
        return await self.fetch(url, method="GET", **options)

    async def fetch(self, url: str, *, method: str = "GET", data: Any = None, headers: Any = None, **_: Any) -> Any:
        body = json.dumps(data).encode() if data is not None and not isinstance(data, bytes) else data
        request = urllib.request.Request(url, data=body, headers=dict(headers or {}), method=method)

        def send() -> _Response:
            try:
                with urllib.request.urlopen(request, timeout=30) as answer:
                    return _Response(answer.url, answer.status, dict(answer.headers), answer.read())
            except urllib.error.HTTPError as exc:
                return _Response(url, exc.code, dict(exc.headers), exc.read())

        return await asyncio.to_thread(send)


def _quiet() -> None:
    logging.disable(logging.WARNING)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.ERROR))


def _seconds(result: RunResult, step_id: str) -> float:
    attempts = [s for s in result.steps if s.step_id == step_id]
    if not result.ok or not attempts:
        raise SystemExit(f"benchmark step {step_id} failed: {result.run.error_class}: {result.run.error_message}")
    end = max(s.finished_at or s.started_at for s in attempts)
    return (end - min(s.started_at for s in attempts)).total_seconds()


async def _run(sites: LocalSites, home: Path, steps: list[dict[str, Any]], available: set[str]) -> RunResult:
    config = {name: {"base_url": sites[name].base_url, "rate": "1000/s"} for name in SEARCH}
    warm = [{"id": f"warm_{n}", "uses": SEARCH[n], "with": {"limit": 1}} for n in SEARCH if SEARCH[n] in available]
    workflow = {
        "version": 1, "name": "bench-sites", "browser": {"contexts": CONCURRENCY}, "sites": config,
        "defaults": {"timeout": "10m"}, "steps": [*warm, *steps],
    }  # fmt: skip
    path = home / "bench.yaml"
    path.write_text(json.dumps(workflow))
    sites.reset()
    return await run_workflow(path, settings=Settings(jobflow_home=home, jobflow_browser_ws_endpoint=None))


async def through_pool(sites: LocalSites, home: Path, rendered: bool, available: set[str]) -> dict[str, Any]:
    names = [n for n in SEARCH if SEARCH[n] in available and (not rendered or n in RENDERED)]
    extra = {n: RENDERED.get(n, {}) if rendered else {} for n in names}
    steps: list[dict[str, Any]] = [
        {"id": f"search_{n}", "uses": SEARCH[n], "with": {"limit": PER_SITE, **extra[n]}} for n in names
    ]
    steps += [
        {"id": f"detail_{n}", "uses": DETAIL[n], "for_each": f"${{{{ steps.search_{n}.postings }}}}", "as": "job",
         "concurrency": CONCURRENCY, "with": {"job": "${{ job }}", **extra[n]}}
        for n in names if DETAIL[n] in available
    ]  # fmt: skip
    result = await _run(sites, home, steps, available)
    figures: dict[str, Any] = {"sites": names}
    for n in names:
        figures[f"search_{n}"] = (len(result.outputs[f"search_{n}"]["postings"]), _seconds(result, f"search_{n}"))
        if DETAIL[n] in available:
            figures[f"detail_{n}"] = (len(result.outputs[f"detail_{n}"]["results"]), _seconds(result, f"detail_{n}"))
    return figures


async def floor(sites: LocalSites) -> dict[str, Any]:
    """The same page objects and parsers without any browser: the fastest these pages can be read here."""
    from jobflow_glassdoor.pages.job import JobPage as GdJob
    from jobflow_glassdoor.pages.search import SearchApi, SearchFilters
    from jobflow_glassdoor.parse import card_posting as gd_card
    from jobflow_glassdoor.parse import detail_posting as gd_detail
    from jobflow_indeed.pages.job import JobPage as InJob
    from jobflow_indeed.pages.search import SearchFilters as InFilters
    from jobflow_indeed.pages.search import SearchPage
    from jobflow_indeed.parse import card_posting as in_card
    from jobflow_indeed.parse import detail_posting as in_detail

    http: Any = UrllibHttp()
    now, within = datetime.now(UTC), timedelta(seconds=30)
    gate = asyncio.Semaphore(CONCURRENCY)
    figures: dict[str, Any] = {"sites": ["indeed", "glassdoor"]}

    async def timed(key: str, work: Callable[[], Awaitable[list[Any]]]) -> list[Any]:
        start = time.perf_counter()
        found = await work()
        figures[key] = (len(found), time.perf_counter() - start)
        return found

    async def indeed_search() -> list[Any]:
        page, found, start = SearchPage(sites.indeed.base_url), {}, 0
        while len(found) < PER_SITE:
            results = await page.fetch(http, page.url(InFilters(), start), within)
            found.update({p.native_id: p for p in (in_card(r, page.base, now) for r in results.results)})
            start += 10
        return list(found.values())[:PER_SITE]

    async def glassdoor_search() -> list[Any]:
        api, filters = SearchApi(sites.glassdoor.base_url, within), SearchFilters()
        first = await api.first_page(http, filters)
        found = {p.native_id: p for p in (gd_card(v, api.base, now) for v in first.views)}
        number, cursor = 2, None
        while len(found) < PER_SITE and first.token:
            page = await api.graph_page(http, first.token, filters, number, cursor, None)
            found.update({p.native_id: p for p in (gd_card(v, api.base, now) for v in page.views)})
            number, cursor = number + 1, page.next_cursor
        return list(found.values())[:PER_SITE]

    async def each(keys: list[str], read: Callable[[str], Awaitable[Any]]) -> list[Any]:
        async def one(key: str) -> Any:
            async with gate:
                return await read(key)

        return list(await asyncio.gather(*(one(k) for k in keys)))

    in_page, gd_page = InJob(sites.indeed.base_url), GdJob(sites.glassdoor.base_url, within)

    async def gd_one(listing: str) -> Any:
        detail, token = await gd_page.fetch(http, listing)
        return gd_detail(detail, await gd_page.jobview(http, listing, token or ""), gd_page.base, now)

    indeed = await timed("search_indeed", indeed_search)
    glassdoor = await timed("search_glassdoor", glassdoor_search)

    async def in_one(key: str) -> Any:
        return in_detail(await in_page.fetch(http, key, within), in_page.base, now)

    await timed("detail_indeed", lambda: each([p.native_id for p in indeed], in_one))
    await timed("detail_glassdoor", lambda: each([p.native_id for p in glassdoor], gd_one))
    return figures


def _line(label: str, figures: dict[str, Any], kind: str) -> str:
    parts = [f"{n} {figures[f'{kind}_{n}'][0] / figures[f'{kind}_{n}'][1]:.0f}/s" for n in figures["sites"]
             if f"{kind}_{n}" in figures]  # fmt: skip
    count = sum(figures[f"{kind}_{n}"][0] for n in figures["sites"] if f"{kind}_{n}" in figures)
    seconds = sum(figures[f"{kind}_{n}"][1] for n in figures["sites"] if f"{kind}_{n}" in figures)
    return f"  {label:<34} {count:>4} in {seconds:6.2f}s = {count / seconds:7.1f} postings/s  ({', '.join(parts)})"


async def main() -> None:
    from jobflow.plugins import build_plugins

    _quiet()
    available = set(build_plugins().steps.names())
    with tempfile.TemporaryDirectory() as tmp, start_local_sites() as sites:
        home = Path(tmp)
        fast = await through_pool(sites, home, rendered=False, available=available)
        slow = await through_pool(sites, home, rendered=True, available=available)
        bare = await floor(sites)
    for kind, title in (("search", f"searching {PER_SITE} postings per site"), ("detail", "fetching detail pages")):
        print(f"{title}:")
        print(_line("through the pool, not rendered", fast, kind))
        print(_line("through the pool, rendered", slow, kind))
        print(_line("browser-less floor (urllib)", bare, kind))
    missing = sorted(set(SEARCH.values()) - available)
    if missing:
        print(f"(not installed: {', '.join(missing)})", file=sys.stderr)


if __name__ == "__main__":
    asyncio.run(main())
