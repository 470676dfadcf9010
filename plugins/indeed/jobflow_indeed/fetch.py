"""Reading Indeed without rendering: a GET through the browser context's request API, checked for walls.

The request API shares the context's cookies, headers and identity, and the pool's rate limit, so a page
read this way looks like the same browser asking; it just skips layout, scripts and images.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import timedelta
from html import unescape

from jobflow.browser.driver import DRIVER_ERRORS, APIRequestContext, first_line
from jobflow.errors import NetworkError, StepTimeout
from jobflow_indeed import selectors as S
from jobflow_indeed.walls import Answer, check

__all__ = ["Fetched", "fetch", "page_title", "read_json_after"]

_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Fetched:
    """A page read through the request API: its final URL, status and text."""

    url: str
    status: int
    text: str


def page_title(html: str) -> str:
    """The ``<title>`` of a document (``""`` without one)."""
    match = _TITLE.search(html[:20_000])
    return unescape(match.group(1)).strip() if match else ""


async def fetch(http: APIRequestContext, url: str, within: timedelta) -> Fetched:
    """GET ``url``; raises what :func:`jobflow_indeed.walls.check` raises, ``NetworkError`` or ``StepTimeout``."""
    try:
        response = await http.get(url, fail_on_status_code=False, timeout=within.total_seconds() * 1000)
        text = await response.text()
    except DRIVER_ERRORS as exc:
        message = first_line(exc)
        if "Timeout" in type(exc).__name__ or "timeout" in message.lower():
            raise StepTimeout(f"Indeed did not answer {url} within {within.total_seconds():g}s") from exc
        raise NetworkError(f"cannot reach Indeed at {url}: {message}") from exc
    challenge = response.status == 403 and any(marker in text for marker in S.CHALLENGE_MARKERS)
    check(Answer(url, response.url, response.status, response.headers, page_title(text), challenge))
    return Fetched(response.url, response.status, text)


def read_json_after(pattern: re.Pattern[str], text: str) -> object | None:
    """The JSON value assigned right after ``pattern`` in ``text`` (``raw_decode``: a ``};`` inside a
    string does not end it); ``None`` when the assignment is missing or not JSON."""
    match = pattern.search(text)
    if match is None:
        return None
    try:
        value: object = json.JSONDecoder().raw_decode(text, match.end())[0]
    except ValueError:
        return None
    return value
