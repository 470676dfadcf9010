"""Human-like input, in one module every plugin calls: typing with a human rhythm, clearing, clicking.

Keys go down about every 100 ms with jitter (setting ``JOBFLOW_TYPING_DELAY``; the delay lives in the
driver's key press, so nothing here sleeps); a field is cleared with select-all and Backspace, as a person
does; a click scrolls the element into view and hovers it first, so the page sees the pointer arrive.
"""

from __future__ import annotations

import random
from typing import Protocol, cast

from jobflow.browser.driver import Locator, Page
from jobflow.config import get_settings

__all__ = ["KEY_DELAY", "KEY_JITTER", "clear", "click", "key_delays", "type_text"]

KEY_DELAY = 0.1
"""Mean seconds between two key presses by default (the setting ``JOBFLOW_TYPING_DELAY`` changes it)."""
KEY_JITTER = 0.35
"""Relative spread of each key's delay: 0.35 gives 65-135 ms around 100 ms."""


class _Random(Protocol):
    def uniform(self, a: float, b: float) -> float: ...


def key_delays(count: int, rng: _Random, *, mean: float = KEY_DELAY, jitter: float = KEY_JITTER) -> list[float]:
    """``count`` delays in seconds, each ``mean`` give or take ``jitter`` of it."""
    return [mean * rng.uniform(1.0 - jitter, 1.0 + jitter) for _ in range(count)]


def _split(target: Page | Locator) -> tuple[Page, Locator | None]:
    # Duck-typed: the driver in use (Playwright or patchright) has its own classes.
    if hasattr(target, "keyboard"):
        return cast(Page, target), None
    locator: Locator = target
    return locator.page, locator


async def type_text(
    target: Page | Locator,
    text: str,
    *,
    rng: _Random | None = None,
    mean: float | None = None,
    jitter: float = KEY_JITTER,
) -> None:
    """Type ``text`` key by key into ``target`` (a locator, focused first, or the page's focused element).

    Each key is held for its delay (``mean`` ± ``jitter``), so key-downs come about ``mean`` apart;
    ``mean`` defaults to the setting ``JOBFLOW_TYPING_DELAY`` (:data:`KEY_DELAY` unless changed).
    """
    if mean is None:
        mean = get_settings().jobflow_typing_delay
    page, locator = _split(target)
    if locator is not None:
        await locator.focus()
    delays = key_delays(len(text), rng or random.SystemRandom(), mean=mean, jitter=jitter)
    for char, delay in zip(text, delays, strict=True):
        await page.keyboard.type(char, delay=delay * 1000)


async def clear(locator: Locator) -> None:
    """Empty an input the way a person does: focus, select all, Backspace."""
    await locator.focus()
    await locator.press("ControlOrMeta+a")
    await locator.press("Backspace")


async def click(locator: Locator, *, within: float | None = None) -> None:
    """Scroll ``locator`` into view, hover it, then click it (``within`` seconds for each; default: the page's)."""
    ms = within * 1000 if within is not None else None
    await locator.scroll_into_view_if_needed(timeout=ms)
    await locator.hover(timeout=ms)
    await locator.click(timeout=ms)
