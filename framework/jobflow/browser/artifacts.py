"""Failure evidence: a screenshot with secrets masked and the page's HTML, saved where the engine says.

The engine calls :func:`capture_failure` when a browser step fails, with
``JOBFLOW_HOME/artifacts/<run>/<step>/`` as the directory, and links the files from the step's record.
Password fields and other secret inputs are painted over in the screenshot (the page is not changed);
the HTML keeps no input values, since the DOM serialisation carries attributes, not typed text.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

import structlog

from jobflow.browser.driver import DRIVER_ERRORS, TIMEOUT_ERRORS, Page, first_line

__all__ = ["SECRET_INPUTS", "FailureArtifacts", "capture_failure"]

log = structlog.get_logger("jobflow.browser.artifacts")

SECRET_INPUTS = (
    "input[type=password]",
    "input[autocomplete*=password]",
    "input[autocomplete^=cc-]",
    "input[autocomplete=one-time-code]",
    "[data-jobflow-secret]",
)
"""Selectors masked in every failure screenshot; a plugin may pass more."""
MASK_COLOR = "#FF00FF"


@dataclass(frozen=True)
class FailureArtifacts:
    """The files saved for one failure (``None`` for what could not be captured)."""

    screenshot: Path | None
    html: Path | None
    errors: list[str] = field(default_factory=list)

    def paths(self) -> list[Path]:
        return [p for p in (self.screenshot, self.html) if p is not None]


async def capture_failure(
    page: Page, directory: Path, *, mask: tuple[str, ...] = SECRET_INPUTS, within: float = 10.0
) -> FailureArtifacts:
    """Save ``screenshot.png`` (secret inputs masked) and ``page.html`` of ``page`` into ``directory``.

    Never raises for a page that cannot be captured (a crashed one, say): the step's own error matters
    more. What failed is logged and listed in ``errors``.
    """
    await asyncio.to_thread(directory.mkdir, parents=True, exist_ok=True)
    errors: list[str] = []
    screenshot_path, html_path = directory / "screenshot.png", directory / "page.html"
    screenshot: Path | None = screenshot_path
    html: Path | None = html_path
    try:
        await page.screenshot(
            path=screenshot_path,
            full_page=True,
            mask=[page.locator(selector) for selector in mask],
            mask_color=MASK_COLOR,
            timeout=within * 1000,
            animations="disabled",
        )
    except DRIVER_ERRORS + TIMEOUT_ERRORS as exc:
        errors.append(f"screenshot: {first_line(exc)}")
        screenshot = None
    try:
        content = await page.content()
        await asyncio.to_thread(html_path.write_text, content, encoding="utf-8")
    except DRIVER_ERRORS as exc:
        errors.append(f"html: {first_line(exc)}")
        html = None
    if errors:
        log.warning("failure_capture_incomplete", directory=str(directory), errors=errors)
    return FailureArtifacts(screenshot, html, errors)
