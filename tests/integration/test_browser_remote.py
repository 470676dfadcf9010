"""A remote browser through JOBFLOW_BROWSER_WS_ENDPOINT: a local Playwright server, and a CDP endpoint."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from browser_support import alive, descendants, settings_for

from jobflow.browser import BrowserPool, find_browser
from jobflow.browser.detect.server import LocalServer, Reply
from jobflow.spec.models import BrowserOptions

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_line(process: subprocess.Popen[str], needle: str) -> str:
    assert process.stdout is not None
    for line in process.stdout:
        if needle in line:
            return line
    raise AssertionError(f"process exited before printing {needle!r}")


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    with LocalServer({"/": lambda _: Reply.html("<h1 id=t>remote</h1>")}) as srv:
        yield srv


@pytest.fixture
def playwright_server() -> Iterator[str]:
    port = _free_port()
    cmd = [sys.executable, "-m", "playwright", "run-server", "--port", str(port), "--host", "127.0.0.1", "--unsafe"]
    # Its own session: `python -m playwright` runs a node child that must end with it.
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        _wait_for_line(process, "Listening on")
        # The server launches the browser the client asks for: here, the system Chromium.
        options = {"executablePath": CHROMIUM, "headless": True, "args": ["--disable-background-networking"]}
        yield f"ws://127.0.0.1:{port}/?launch-options={quote(json.dumps(options))}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        assert not any(alive(pid) for pid in descendants(process.pid))


@pytest.fixture
def cdp_endpoint(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    profile = tmp_path / "remote-profile"
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--remote-debugging-port=0",
        f"--user-data-dir={profile}",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        "about:blank",
    ]
    process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None
        line = _wait_for_line_stderr(process)
        yield line.split("DevTools listening on ", 1)[1].strip(), process
    finally:
        process.kill()
        process.wait(timeout=30)


def _wait_for_line_stderr(process: subprocess.Popen[str]) -> str:
    assert process.stderr is not None
    for line in process.stderr:
        if "DevTools listening on" in line:
            return line
    raise AssertionError("Chromium exited before opening its DevTools endpoint")


async def test_pool_on_a_playwright_server(tmp_path: Path, server: LocalServer, playwright_server: str) -> None:
    settings = settings_for(tmp_path, jobflow_browser_ws_endpoint=playwright_server)
    choice = find_browser(settings)
    assert choice.kind == "ws_endpoint"
    assert not choice.is_cdp
    assert "Playwright server" in choice.describe()
    async with BrowserPool(settings, BrowserOptions(contexts=2)) as pool:
        async with pool.page("remote") as page:
            await page.goto(server.url("/"))
            assert await page.text_content("#t") == "remote"
            assert "HeadlessChrome" not in await page.evaluate("navigator.userAgent")  # CDP override applies
        assert pool.browser_pid is None  # not ours to kill
    assert (tmp_path / "sessions" / "remote.json").is_file()


async def test_pool_on_a_cdp_endpoint(
    tmp_path: Path, server: LocalServer, cdp_endpoint: tuple[str, subprocess.Popen[str]]
) -> None:
    endpoint, process = cdp_endpoint
    settings = settings_for(tmp_path, jobflow_browser_ws_endpoint=endpoint)
    assert find_browser(settings).is_cdp
    async with BrowserPool(settings, BrowserOptions(contexts=1)) as pool, pool.page("remote") as page:
        await page.goto(server.url("/"))
        assert await page.text_content("#t") == "remote"
    assert alive(process.pid), "closing the pool must only disconnect from a remote browser"
