"""Crawlee's PlaywrightCrawler on the benchmark's pages; run by ``bench/pool.py`` inside ``bench/.venv-crawlee``.

    .venv-crawlee/bin/python crawlee_run.py '{"urls": [...], "concurrency": 8, "executable": "/usr/bin/chromium"}'

Each page is opened by the crawler (``load``), then the handler waits for the details selector and reads
the same fields as jobflow's pool does. Prints one JSON line: pages, failed, seconds (the crawl, browser
launch included, Python start-up excluded).
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from crawlee import ConcurrencySettings
from crawlee.crawlers import PlaywrightCrawler, PlaywrightCrawlingContext

READ = """() => ({
  title: document.querySelector('h1.title')?.textContent.trim(),
  company: document.querySelector('.company')?.textContent.trim(),
  description: document.querySelector('#details .description')?.textContent.length,
})"""


async def main(config: dict[str, object]) -> None:
    urls = [str(u) for u in config["urls"]]  # type: ignore[attr-defined]
    concurrency = int(config["concurrency"])  # type: ignore[call-overload]
    done: list[dict[str, object]] = []
    crawler = PlaywrightCrawler(
        headless=True,
        browser_type="chromium",
        # As jobflow's launch (Playwright's default): no sandbox, which Chromium refuses to run as root.
        browser_launch_options={"executable_path": config["executable"], "chromium_sandbox": False},
        concurrency_settings=ConcurrencySettings(
            min_concurrency=concurrency, desired_concurrency=concurrency, max_concurrency=concurrency
        ),
        max_request_retries=1,
        configure_logging=False,
    )

    @crawler.router.default_handler
    async def handler(context: PlaywrightCrawlingContext) -> None:
        await context.page.wait_for_selector("#details .description", state="visible", timeout=30_000)
        record = await context.page.evaluate(READ)
        if not record["description"]:
            raise RuntimeError(f"no description on {context.request.url}")
        done.append(record)

    started = time.perf_counter()
    stats = await crawler.run(urls)
    seconds = time.perf_counter() - started
    print(json.dumps({"pages": len(done), "failed": stats.requests_failed, "seconds": seconds}))


if __name__ == "__main__":
    asyncio.run(main(json.loads(sys.argv[1])))
