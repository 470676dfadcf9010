"""Failure evidence: a screenshot with secrets masked, the page's HTML and (when on) a trace.

A lease given an :class:`EvidenceTarget` (the engine's ``StepContext`` is one) calls
:func:`record_failure` when the step fails while holding the page; the files go to the target's
``JOBFLOW_HOME/artifacts/<run>/<step>[-<iteration>]/attempt-<n>/`` and are linked from the attempt's
record. Password fields and other secret inputs are painted over in the screenshot (the page is not
changed); the HTML keeps no input values, since the DOM serialisation carries attributes, not typed text.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import structlog

from jobflow.browser.driver import DRIVER_ERRORS, TIMEOUT_ERRORS, Page, first_line

__all__ = [
    "EVIDENCE_WITHIN",
    "SECRET_INPUTS",
    "EvidenceTarget",
    "FailureArtifacts",
    "capture_failure",
    "record_failure",
]

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
EVIDENCE_WITHIN = 15.0
"""Seconds a failure's screenshot, HTML and trace may take together."""


class EvidenceTarget(Protocol):
    """Where a failure's files go and who keeps their paths: a step attempt (``StepContext`` is one)."""

    @property
    def artifacts_dir(self) -> Path:
        """``JOBFLOW_HOME/artifacts/<run>/<step>[-<iteration>]/attempt-<n>/``."""
        ...

    def add_artifacts(self, paths: list[Path]) -> None:
        """Link ``paths`` from the attempt's record."""
        ...


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


async def record_failure(
    page: Page,
    target: EvidenceTarget,
    *,
    site: str,
    error: BaseException | None,
    trace: Callable[[Path], Awaitable[Path | None]] | None = None,
) -> list[Path]:
    """Save the evidence of a failure on ``page`` for ``target`` (with the trace, when ``trace`` saves one).

    Bounded by :data:`EVIDENCE_WITHIN`; returns the files saved (linked from ``target`` too), ``[]`` when
    the capture ran out of time.
    """
    directory = target.artifacts_dir
    try:
        async with asyncio.timeout(EVIDENCE_WITHIN):
            paths = (await capture_failure(page, directory, within=EVIDENCE_WITHIN / 2)).paths()
            saved_trace = await trace(directory / "trace.zip") if trace is not None else None
    except TimeoutError:
        log.warning("failure_capture_timeout", site=site, directory=str(directory))
        return []
    paths += [saved_trace] if saved_trace is not None else []
    target.add_artifacts(paths)
    what = type(error).__name__ if error is not None else None
    log.info("failure_evidence", site=site, error=what, files=[str(p) for p in paths])
    return paths
