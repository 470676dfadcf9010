"""Pages per second and peak memory of the browser pool on a local job board (see ``bench/job_site.py``).

    .venv/bin/python bench/pool.py [--pages 200] [--fixed-pages 30] [--contexts 2,4,8] [--no-crawlee]

Modes, each with a fresh pool (browser launch included in the time, stealth on):

* ``fixed 2s``: one page at a time, ``load`` then a fixed 2 s sleep (the old way, measured as a baseline
  on ``--fixed-pages`` pages: it is slow by design);
* ``smart``: one page at a time, waiting until the details are visible (``until: selector``);
* ``pool@N``: N leases at once from one pool, smart waits;
* ``crawlee@N``: Crawlee's PlaywrightCrawler on the same pages with N concurrent pages, in its own
  virtual environment ``bench/.venv-crawlee`` (created here on first use; if it cannot be installed,
  the reason is printed).

Peak memory is the sum of the resident sets of the whole process tree (Python, the driver, Chromium and
its helpers), sampled every 200 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import structlog
from job_site import READY_SELECTOR, job_site

from jobflow.browser import BrowserPool
from jobflow.browser.extract import FieldRule, extract_records
from jobflow.browser.waits import goto
from jobflow.config import Settings
from jobflow.spec.models import BrowserOptions, WaitSpec

HERE = Path(__file__).resolve().parent
CRAWLEE_VENV = HERE / ".venv-crawlee"
FIELDS = {
    "title": FieldRule("h1.title"),
    "company": FieldRule(".company"),
    "description": FieldRule(".description"),
}
SMART = WaitSpec(until="selector", selector=READY_SELECTOR, timeout=timedelta(seconds=30))
LOAD = WaitSpec(until="load", timeout=timedelta(seconds=30))


@dataclass
class Figure:
    mode: str
    pages: int
    seconds: float
    peak_mb: float
    note: str = ""

    @property
    def rate(self) -> float:
        return self.pages / self.seconds


# ------------------------------------------------------------------------------------------------ memory


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_mb(root: int) -> float:
    """Resident memory of ``root`` and every process below it, in MB."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat[stat.rindex(")") + 2 :].split()[1])
    tree, grew = {root}, True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return sum(_rss_kb(pid) for pid in tree) / 1024


class PeakMemory:
    """Samples a process tree's memory in a thread while the block runs."""

    def __init__(self, root: int) -> None:
        self.root, self.peak = root, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, tree_rss_mb(self.root))

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


# ------------------------------------------------------------------------------------------------ jobflow


async def crawl(urls: list[str], contexts: int, *, fixed_sleep: bool, home: Path) -> tuple[float, int]:
    """Read every URL with ``contexts`` leases at once; returns (seconds, pages read)."""
    settings = Settings(jobflow_home=home, jobflow_browser_ws_endpoint=None)
    pending = iter(urls)
    read = 0

    async def worker(pool: BrowserPool) -> None:
        nonlocal read
        for url in pending:
            async with pool.page("bench") as page:
                if fixed_sleep:
                    await goto(page, url, LOAD)
                    await asyncio.sleep(2)  # noqa: TID251 - the old way, measured here as the baseline
                else:
                    await goto(page, url, SMART)
                records = await extract_records(page, "main.job", FIELDS)
            if not records or not records[0]["description"]:
                raise SystemExit(f"no job read from {url}")
            read += 1

    started = time.perf_counter()
    async with BrowserPool(settings, BrowserOptions(contexts=contexts)) as pool:
        await asyncio.gather(*(worker(pool) for _ in range(contexts)))
    return time.perf_counter() - started, read


def measure(mode: str, urls: list[str], contexts: int, *, fixed_sleep: bool = False) -> Figure:
    with tempfile.TemporaryDirectory() as home, PeakMemory(os.getpid()) as memory:
        seconds, pages = asyncio.run(crawl(urls, contexts, fixed_sleep=fixed_sleep, home=Path(home)))
    return Figure(mode, pages, seconds, memory.peak)


# ------------------------------------------------------------------------------------------------ crawlee


def crawlee_python() -> tuple[Path | None, str]:
    """The Crawlee environment's interpreter (created on first use), or ``None`` and why not."""
    python = CRAWLEE_VENV / "bin" / "python"
    check = [str(python), "-c", "import crawlee.crawlers, playwright"]
    if python.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return python, ""
    print(f"creating {CRAWLEE_VENV} with crawlee[playwright] (once) ...", flush=True)
    steps = [
        [sys.executable, "-m", "venv", str(CRAWLEE_VENV)],
        [str(python), "-m", "pip", "install", "--quiet", "crawlee[playwright]"],
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True)
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            return None, f"`{' '.join(step)}` failed: {' / '.join(tail)}"
    return python, ""


def measure_crawlee(python: Path, urls: list[str], concurrency: int, executable: str) -> Figure:
    config = json.dumps({"urls": urls, "concurrency": concurrency, "executable": executable})
    with tempfile.TemporaryDirectory() as storage:
        env = {**os.environ, "CRAWLEE_STORAGE_DIR": storage, "CRAWLEE_PURGE_ON_START": "true"}
        process = subprocess.Popen(
            [str(python), str(HERE / "crawlee_run.py"), config],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        with PeakMemory(process.pid) as memory:
            out, err = process.communicate(timeout=1800)
    if process.returncode != 0:
        return Figure(f"crawlee@{concurrency}", 0, 1.0, memory.peak, f"failed: {err.strip().splitlines()[-1:]}")
    result = json.loads(out.strip().splitlines()[-1])
    note = f"{result['failed']} failed" if result["failed"] else ""
    return Figure(f"crawlee@{concurrency}", result["pages"], result["seconds"], memory.peak, note)


# ------------------------------------------------------------------------------------------------ main


def main() -> None:
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--fixed-pages", type=int, default=30, help="pages for the slow fixed-sleep baseline")
    parser.add_argument("--contexts", default="2,4,8")
    parser.add_argument("--no-crawlee", action="store_true")
    args = parser.parse_args()
    levels = [int(n) for n in args.contexts.split(",")]
    from jobflow.browser.discovery import find_browser

    executable = str(find_browser(Settings(jobflow_browser_ws_endpoint=None)).path or "/usr/bin/chromium")
    print(f"{os.cpu_count()} CPUs; browser {executable}; {args.pages} job pages, half with late XHR content")
    figures: list[Figure] = []
    with job_site() as server:
        urls = [server.url(f"/job?id={n}") for n in range(args.pages)]
        figures.append(measure("fixed 2s", urls[: args.fixed_pages], 1, fixed_sleep=True))
        figures.append(measure("smart", urls, 1))
        figures += [measure(f"pool@{n}", urls, n) for n in levels]
        if not args.no_crawlee:
            python, why = crawlee_python()
            if python is None:
                print(f"crawlee not measured: {why}")
            else:
                figures += [measure_crawlee(python, urls, n, executable) for n in (max(levels),)]
    print(f"\n{'mode':<12}{'pages':>7}{'seconds':>10}{'pages/s':>10}{'peak MB':>10}")
    for f in figures:
        print(f"{f.mode:<12}{f.pages:>7}{f.seconds:>10.1f}{f.rate:>10.2f}{f.peak_mb:>10.0f}  {f.note}")
    by = {f.mode: f for f in figures}
    smart, fixed = by["smart"].rate, by["fixed 2s"].rate
    print(f"\nsmart / fixed = {smart / fixed:.1f}x (target >= 4x)")
    top = f"pool@{max(levels)}"
    print(f"{top} / smart = {by[top].rate / smart:.1f}x (target >= 3x)")
    crawlee = by.get(f"crawlee@{max(levels)}")
    if crawlee is not None and crawlee.pages:
        print(f"{top} / crawlee@{max(levels)} = {by[top].rate / crawlee.rate:.2f}x (target >= 1x)")


if __name__ == "__main__":
    main()
