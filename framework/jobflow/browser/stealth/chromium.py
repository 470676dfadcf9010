"""The default stealth profile: launch flags and DevTools-protocol settings, no injected scripts.

Measured against jobflow's detection page (``jobflow doctor --stealth``): injected JavaScript patches are
themselves detectable (non-native getters, Proxy-wrapped ``toString``, workers that contradict the page),
so this profile changes nothing in the page's JavaScript world. It:

* runs on patchright when installed, whose driver never enables the ``Runtime`` domain (the console
  serialisation side channel), and keeps ``--enable-automation`` off (``navigator.webdriver`` false);
* sets the browser's own user agent, with ``HeadlessChrome`` replaced by ``Chrome``, as a launch flag, so
  the HTTP header, pages, iframes, dedicated and service workers all agree;
* restores the client-hint metadata (which the flag empties) on every page through
  ``Emulation.setUserAgentOverride``, describing the real OS, CPU and full version; the browser fills in
  its own brand lists;
* sizes screen, work area and window with flags (``--screen-info``, ``--window-size``): a maximised window
  below a desktop's top bar, whose viewport is the window less the browser's own toolbar, with no
  viewport emulation at all;
* exposes the browser's fake capture devices, as a desktop with a camera and microphone has.

The WebGL renderer is left alone: on a GPU-less host it is SwiftShader, a documented limit.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import TYPE_CHECKING, Any

from jobflow.browser.driver import DRIVER_ERRORS, patchright_available

if TYPE_CHECKING:
    from jobflow.browser.driver import BrowserContext, DriverName, Page
    from jobflow.browser.stealth.identity import BrowserIdentity

__all__ = ["ChromiumStealth"]

_TOP_BAR = 32
"""Pixels of the desktop's top bar (GNOME's), outside the work area a maximised window fills."""


class ChromiumStealth:
    """Flags and protocol settings that make a headless Chromium look like the same Chromium, headful."""

    name = "chromium"
    enabled = True

    def __init__(self, screen: tuple[int, int] = (1366, 768), *, driver: DriverName | None = None) -> None:
        self.screen = screen
        self.driver: DriverName = driver or ("patchright" if patchright_available() else "playwright")
        self._prepared: weakref.WeakKeyDictionary[Page, asyncio.Future[None]] = weakref.WeakKeyDictionary()

    def launch_args(self, identity: BrowserIdentity | None) -> list[str]:
        width, height = self.screen
        args = [
            "--disable-blink-features=AutomationControlled",
            "--use-fake-device-for-media-stream",
            f"--screen-info={{{width}x{height} workAreaTop={_TOP_BAR}}}",
            f"--window-position=0,{_TOP_BAR}",
            f"--window-size={width},{height - _TOP_BAR}",
        ]
        if identity is not None:
            args.append(f"--user-agent={identity.user_agent}")
        return args

    def ignore_default_args(self) -> list[str]:
        return ["--enable-automation"]

    def context_options(self) -> dict[str, Any]:
        return {"no_viewport": True}

    async def prepare_context(self, context: BrowserContext, identity: BrowserIdentity) -> None:
        async def on_page(page: Page) -> None:
            try:
                await self.prepare_page(page, identity)
            except DRIVER_ERRORS:
                return  # the popup closed before it could be prepared

        context.on("page", on_page)

    async def prepare_page(self, page: Page, identity: BrowserIdentity) -> None:
        # Called by the pool for its pages and by the context's "page" event for every page (popups
        # included): whichever comes first does the work, the other waits for it.
        done = self._prepared.get(page)
        if done is None:
            done = asyncio.ensure_future(self._override(page, identity))
            self._prepared[page] = done
        await asyncio.shield(done)

    async def _override(self, page: Page, identity: BrowserIdentity) -> None:
        # The session must stay attached: an override ends when its session detaches.
        session = await page.context.new_cdp_session(page)
        await session.send(
            "Emulation.setUserAgentOverride",
            {"userAgent": identity.user_agent, "userAgentMetadata": identity.metadata()},
        )
