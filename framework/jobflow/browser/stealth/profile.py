"""What a stealth profile is, and the profile that turns every measure off.

A profile decides the driver, the launch flags, the context options and what is done to each new page.
The pool asks the profile and never patches anything itself, so a profile is replaceable: pass another
object with these members to ``BrowserPool(stealth=...)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from jobflow.browser.driver import BrowserContext, DriverName, Page
    from jobflow.browser.stealth.identity import BrowserIdentity

__all__ = ["BASE_ARGS", "NoStealth", "StealthProfile"]

BASE_ARGS: tuple[str, ...] = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
)
"""Flags every launch gets, stealth or not: no calls home to Google services, no first-run UI."""


class StealthProfile(Protocol):
    """A replaceable set of anti-detection measures."""

    name: str
    enabled: bool
    driver: DriverName
    """``patchright`` (no ``Runtime.enable`` leak) or ``playwright``."""

    def launch_args(self, identity: BrowserIdentity | None) -> list[str]:
        """Extra command-line flags for a local launch (``identity`` is ``None`` when the version is unknown)."""

    def ignore_default_args(self) -> list[str]:
        """Driver default flags to leave out."""

    def context_options(self) -> dict[str, Any]:
        """Keyword arguments for ``browser.new_context``."""

    async def prepare_context(self, context: BrowserContext, identity: BrowserIdentity) -> None:
        """Called once for each new context, before its first page."""

    async def prepare_page(self, page: Page, identity: BrowserIdentity) -> None:
        """Called for each page the pool opens, before it is leased."""


class NoStealth:
    """``ANTI_DETECTION_ENABLED=false``: plain Playwright, its defaults, nothing changed."""

    name = "off"
    enabled = False
    driver: DriverName = "playwright"

    def launch_args(self, identity: BrowserIdentity | None) -> list[str]:
        return []

    def ignore_default_args(self) -> list[str]:
        return []

    def context_options(self) -> dict[str, Any]:
        return {}

    async def prepare_context(self, context: BrowserContext, identity: BrowserIdentity) -> None:
        return None

    async def prepare_page(self, page: Page, identity: BrowserIdentity) -> None:
        return None
