"""Start a driver and launch (or connect to) the browser the discovery found: the pool's only way in.

A :class:`LaunchedBrowser` owns the driver process and the browser; ``close()`` ends both, so no Chromium
process outlives it. A local browser's process id is read from the browser itself
(``SystemInfo.getProcessInfo``), for ``jobflow doctor`` and for tests that kill it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import structlog

from jobflow.browser.driver import DRIVER_ERRORS, Browser, Playwright, first_line, start_driver
from jobflow.browser.stealth import BASE_ARGS, BrowserIdentity, StealthProfile
from jobflow.browser.stealth.identity import probe_version
from jobflow.browser.timeouts import PoolTimeouts, named_timeout
from jobflow.errors import BrowserCrashed

if TYPE_CHECKING:
    from jobflow.browser.discovery import BrowserChoice

__all__ = ["LaunchedBrowser", "launch", "process_running"]

log = structlog.get_logger("jobflow.browser")


@dataclass
class LaunchedBrowser:
    """A running driver and its browser."""

    driver: Playwright
    browser: Browser
    identity: BrowserIdentity
    choice: BrowserChoice
    pid: int | None = None
    """The local browser process id (``None`` for a remote browser)."""
    crashed: bool = field(default=False)

    @property
    def alive(self) -> bool:
        """Connected, and (for a local browser) its process still runs: a kill is seen before the driver says so."""
        return not self.crashed and self.browser.is_connected() and (self.pid is None or process_running(self.pid))

    async def close(self, timeouts: PoolTimeouts) -> None:
        """Close the browser (a remote one is only disconnected) and stop the driver."""
        try:
            async with named_timeout("CloseTimeout", timeouts.close, "closing the browser"):
                if self.browser.is_connected():
                    await self.browser.close()
        except DRIVER_ERRORS as exc:
            log.debug("browser_close_failed", error=str(exc))
        finally:
            try:
                await self.driver.stop()
            except DRIVER_ERRORS as exc:  # the driver died with the browser
                log.debug("driver_stop_failed", error=str(exc))


def process_running(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            text = handle.read()
    except OSError:
        return True  # no /proc (macOS): kill(0) answered
    return text[text.rindex(")") + 2 :].split()[0] not in ("Z", "X")


async def _browser_pid(browser: Browser) -> int | None:
    try:
        session = await browser.new_browser_cdp_session()
        info = await session.send("SystemInfo.getProcessInfo")
        await session.detach()
    except DRIVER_ERRORS:
        return None
    return next((int(p["id"]) for p in info.get("processInfo", []) if p.get("type") == "browser"), None)


async def _identity(browser: Browser, local: BrowserIdentity | None) -> BrowserIdentity:
    if local is not None and local.full_version == browser.version:
        return local
    session = await browser.new_browser_cdp_session()
    version = await session.send("Browser.getVersion")
    await session.detach()
    return BrowserIdentity.from_browser(str(version["userAgent"]), browser.version)


async def launch(
    choice: BrowserChoice, profile: StealthProfile, *, headless: bool, timeouts: PoolTimeouts
) -> LaunchedBrowser:
    """Launch the chosen browser with ``profile``'s flags (or connect to a remote one) within ``LaunchTimeout``."""
    # A Playwright server speaks its own version's protocol: connect with Playwright itself. Everything
    # else runs on the profile's driver (patchright's changes live in the local driver, CDP included).
    driver_name = "playwright" if choice.kind == "ws_endpoint" and not choice.is_cdp else profile.driver
    async with named_timeout("LaunchTimeout", timeouts.launch, f"starting the browser ({choice.describe()})"):
        driver = await start_driver(driver_name)
        try:
            if choice.kind == "ws_endpoint":
                assert choice.endpoint is not None
                if choice.is_cdp:
                    browser = await driver.chromium.connect_over_cdp(choice.endpoint)
                else:
                    browser = await driver.chromium.connect(choice.endpoint)
                local = None
            else:
                assert choice.path is not None
                version = await probe_version(choice.path, within=timeouts.launch)
                local = BrowserIdentity.local(version) if version else None
                browser = await driver.chromium.launch(
                    executable_path=choice.path,
                    headless=headless,
                    args=[*BASE_ARGS, *profile.launch_args(local)],
                    ignore_default_args=profile.ignore_default_args(),
                    timeout=timeouts.launch * 1000,
                )
            identity = await _identity(browser, local)
            pid = await _browser_pid(browser) if choice.kind != "ws_endpoint" else None
        except DRIVER_ERRORS as exc:
            await driver.stop()
            raise BrowserCrashed(f"could not start the browser ({choice.describe()}): {first_line(exc)}") from exc
        except BaseException:
            await driver.stop()
            raise
    log.info(
        "browser_started",
        browser=choice.describe(),
        version=browser.version,
        driver=driver_name,
        stealth=profile.name,
        pid=pid,
    )
    return LaunchedBrowser(driver, browser, identity, choice, pid)
