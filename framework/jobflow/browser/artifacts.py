"""Failure evidence: a screenshot with secrets masked, the page's HTML and (when on) a trace.

A lease given an :class:`EvidenceTarget` (the engine's ``StepContext`` is one) calls
:func:`record_failure` when the step fails while holding the page; the files go to the target's
``JOBFLOW_HOME/artifacts/<run>/<step>[-<iteration>]/attempt-<n>/`` and are linked from the attempt's
record. Password fields and other secret inputs are painted over in the screenshot (the page is not
changed); the HTML keeps no input values, since the DOM serialisation carries attributes, not typed text.

A request lease (no page) has no page to capture: :func:`note_response` keeps the last answer each
request client got (:mod:`jobflow.browser.fetch` notes every one), and :func:`record_response_failure`
saves it (the body as it came, ``response-meta.json`` with status, URL and headers minus cookies and
credentials) and a screenshot of an HTML body rendered in a throwaway page of the same context, with every
request of that page blocked.
"""

from __future__ import annotations

import asyncio
import json
import weakref
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import structlog

from jobflow.browser.driver import DRIVER_ERRORS, TIMEOUT_ERRORS, APIRequestContext, BrowserContext, Page, first_line

__all__ = [
    "EVIDENCE_WITHIN",
    "SECRET_INPUTS",
    "EvidenceTarget",
    "FailureArtifacts",
    "ResponseSnapshot",
    "capture_failure",
    "forget_response",
    "note_response",
    "record_failure",
    "record_response_failure",
    "safe_headers",
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


async def _screenshot(page: Page, path: Path, mask: tuple[str, ...], within: float) -> str | None:
    """Save ``page``'s full-page screenshot with ``mask`` painted over; what went wrong, else ``None``."""
    try:
        await page.screenshot(
            path=path,
            full_page=True,
            mask=[page.locator(selector) for selector in mask],
            mask_color=MASK_COLOR,
            timeout=within * 1000,
            animations="disabled",
        )
    except DRIVER_ERRORS + TIMEOUT_ERRORS as exc:
        return f"screenshot: {first_line(exc)}"
    return None


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
    problem = await _screenshot(page, screenshot_path, mask, within)
    if problem is not None:
        errors.append(problem)
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


# ------------------------------------------------------------------------------ request-mode evidence

SECRET_HEADER_WORDS = ("cookie", "auth", "token", "csrf", "secret", "session", "key")
"""A header whose lower-cased name contains one of these is left out of the saved evidence."""


@dataclass(frozen=True)
class ResponseSnapshot:
    """An answer a request client got (its final URL, status, headers and text): what a request-mode step
    reads, and what its failure evidence shows."""

    url: str
    status: int
    text: str
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def content_type(self) -> str:
        return next((v for k, v in self.headers.items() if k.lower() == "content-type"), "").lower()

    @property
    def html(self) -> bool:
        return "html" in self.content_type


_LAST: weakref.WeakKeyDictionary[APIRequestContext, ResponseSnapshot] = weakref.WeakKeyDictionary()


def note_response(http: APIRequestContext, answer: ResponseSnapshot) -> None:
    """Remember ``answer`` as the last one ``http`` got (the evidence should a request lease fail)."""
    _LAST[http] = answer


def forget_response(http: APIRequestContext) -> ResponseSnapshot | None:
    """Drop (and return) the last answer noted for ``http``."""
    return _LAST.pop(http, None)


def safe_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """``headers`` without cookies, credentials and tokens (:data:`SECRET_HEADER_WORDS`)."""
    return {k: v for k, v in headers.items() if not any(word in k.lower() for word in SECRET_HEADER_WORDS)}


def _body_name(answer: ResponseSnapshot) -> str:
    return "response.html" if answer.html else "response.json" if "json" in answer.content_type else "response.txt"


async def _render(context: BrowserContext, html: str, path: Path, within: float) -> str | None:
    """Screenshot ``html`` set into a new page of ``context`` that may load nothing; a problem, else ``None``."""
    page: Page | None = None
    try:
        page = await context.new_page()
        await page.route("**/*", lambda route: route.abort())
        await page.set_content(html, wait_until="domcontentloaded", timeout=within * 1000)
        return await _screenshot(page, path, SECRET_INPUTS, within)
    except DRIVER_ERRORS + TIMEOUT_ERRORS as exc:
        return f"render: {first_line(exc)}"
    finally:
        if page is not None:
            try:
                await page.close()
            except DRIVER_ERRORS as exc:
                log.debug("evidence_page_close_failed", error=first_line(exc))


async def record_response_failure(
    context: BrowserContext, target: EvidenceTarget, *, site: str, error: BaseException | None
) -> list[Path]:
    """Save the last answer ``context``'s request client got (see the module docstring) for ``target``.

    ``[]`` when no answer was noted (the request never got one) or the capture ran out of time
    (:data:`EVIDENCE_WITHIN`); never raises for what cannot be saved.
    """
    answer = forget_response(context.request)
    if answer is None:
        return []
    directory = target.artifacts_dir
    body, meta = directory / _body_name(answer), directory / "response-meta.json"
    described = {"url": answer.url, "status": answer.status, "headers": safe_headers(answer.headers)}
    what = type(error).__name__ if error is not None else None
    described["error"] = what

    def write() -> None:
        directory.mkdir(parents=True, exist_ok=True)
        body.write_text(answer.text, encoding="utf-8")
        meta.write_text(json.dumps(described, indent=2), encoding="utf-8")

    await asyncio.to_thread(write)
    paths = [body, meta]
    if body.suffix == ".html":
        shot = directory / "screenshot.png"
        try:
            async with asyncio.timeout(EVIDENCE_WITHIN):
                problem = await _render(context, answer.text, shot, EVIDENCE_WITHIN / 2)
        except TimeoutError:
            problem = "render: timed out"
        if problem is None:
            paths.insert(0, shot)
        else:
            log.warning("failure_capture_incomplete", directory=str(directory), errors=[problem])
    target.add_artifacts(paths)
    log.info("failure_evidence", site=site, error=what, files=[str(p) for p in paths])
    return paths
