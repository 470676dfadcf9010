"""Talking to Glassdoor without rendering, and telling blocked from empty.

:func:`check` turns what came back into ``RateLimited`` (HTTP 429, ``Retry-After``), ``Checkpoint``
(Cloudflare "Just a moment..." / CAPTCHA, or an HTML page refused with 403: never retried),
``LoginRequired`` (a redirect to the sign-in page) or ``NetworkError`` (HTTP 5xx). :func:`get` and
:func:`post_json` go through the browser context's request API (same cookies, identity and rate limit as
its pages) and check every answer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from html import unescape
from typing import Any
from urllib.parse import urlsplit

from jobflow.browser.driver import DRIVER_ERRORS, APIRequestContext, first_line
from jobflow.errors import Checkpoint, LoginRequired, NetworkError, RateLimited, StepTimeout
from jobflow_glassdoor import selectors as S

__all__ = ["Answer", "Fetched", "check", "get", "page_title", "post_json", "retry_after"]

_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Answer:
    """What a request or a navigation got back."""

    url: str
    final_url: str
    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    title: str = ""
    challenge: bool = False


@dataclass(frozen=True)
class Fetched:
    """An answer read through the request API."""

    url: str
    status: int
    text: str


def page_title(html: str) -> str:
    """The ``<title>`` of a document (``""`` without one)."""
    match = _TITLE.search(html[:20_000])
    return unescape(match.group(1)).strip() if match else ""


def retry_after(value: str | None) -> timedelta | None:
    """A ``Retry-After`` header (seconds or an HTTP date) as a delay; ``None`` when absent or unreadable."""
    text = (value or "").strip()
    if text.isdigit():
        return timedelta(seconds=int(text))
    try:
        return max(timedelta(0), parsedate_to_datetime(text) - datetime.now(UTC)) if text else None
    except (TypeError, ValueError):
        return None


def check(answer: Answer) -> None:
    """Raise the error ``answer`` stands for (see the module docstring)."""
    headers = {k.lower(): v for k, v in answer.headers.items()}
    if answer.status in (429, 999):
        delay = retry_after(headers.get("retry-after"))
        wait = f" (retry after {delay.total_seconds():g}s)" if delay is not None else ""
        raise RateLimited(f"Glassdoor rate-limited {answer.url}: HTTP {answer.status}{wait}", retry_after=delay)
    if answer.challenge or answer.title.strip().lower().startswith(S.CHALLENGE_TITLE):
        raise Checkpoint(
            f"Glassdoor answered {answer.url} with a Cloudflare/CAPTCHA check (HTTP {answer.status}): "
            "solve it in a browser or try later; jobflow never solves it"
        )
    path = urlsplit(answer.final_url).path
    if any(path.startswith(p) for p in S.LOGIN_PATHS):
        raise LoginRequired(f"Glassdoor sent {answer.url} to its sign-in page ({path}): log in or try later")
    if answer.status >= 500:
        raise NetworkError(f"Glassdoor answered {answer.url} with HTTP {answer.status}")


async def _send(http: APIRequestContext, method: str, url: str, within: timedelta, **options: Any) -> Fetched:
    try:
        response = await http.fetch(
            url, method=method, fail_on_status_code=False, timeout=within.total_seconds() * 1000, **options
        )
        text = await response.text()
    except DRIVER_ERRORS as exc:
        message = first_line(exc)
        if "Timeout" in type(exc).__name__ or "timeout" in message.lower():
            raise StepTimeout(f"Glassdoor did not answer {url} within {within.total_seconds():g}s") from exc
        raise NetworkError(f"cannot reach Glassdoor at {url}: {message}") from exc
    html = "html" in response.headers.get("content-type", "")
    challenge = html and response.status == 403  # an HTML 403 is Cloudflare's block (a /graph 403 is JSON)
    check(Answer(url, response.url, response.status, response.headers, page_title(text) if html else "", challenge))
    return Fetched(response.url, response.status, text)


async def get(http: APIRequestContext, url: str, within: timedelta) -> Fetched:
    """GET ``url``, checked."""
    return await _send(http, "GET", url, within)


async def post_json(
    http: APIRequestContext, url: str, body: Any, within: timedelta, headers: Mapping[str, str]
) -> Fetched:
    """POST ``body`` as JSON to ``url`` with ``headers``, checked."""
    return await _send(http, "POST", url, within, data=body, headers={"Content-Type": "application/json", **headers})
