"""Reading a site without rendering, and telling blocked from empty: what every request-mode step shares.

:func:`fetch` sends one request through a browser context's request API (same cookies, headers, identity
and rate limit as the site's pages; no layout, scripts or images), turns transport failures into
``StepTimeout`` / ``NetworkError``, notes the answer as failure evidence
(:func:`jobflow.browser.artifacts.note_response`) and hands it to the site's check. A site's blocked
pages are data, a :class:`Walls`, interpreted by :meth:`Walls.check` the same way for a fetched answer and
for a rendered page (both described as an :class:`Answer`)::

    HTTP 429 / 999 ............................ RateLimited (retry_after from Retry-After)
    challenge marker, title or header ......... Checkpoint (Cloudflare / CAPTCHA: never retried, never solved)
    redirected to a sign-in path .............. LoginRequired
    any other HTTP 403 (refuse_403) ........... Checkpoint (a bot block)
    HTTP 5xx .................................. NetworkError
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from html import unescape
from typing import Any
from urllib.parse import urlsplit

from jobflow.browser.artifacts import ResponseSnapshot, note_response
from jobflow.browser.driver import DRIVER_ERRORS, TIMEOUT_ERRORS, APIRequestContext, Page, first_line
from jobflow.browser.waits import goto
from jobflow.errors import Checkpoint, LoginRequired, NetworkError, RateLimited, StepTimeout
from jobflow.spec.models import WaitSpec

__all__ = ["Answer", "Fetched", "Walls", "fetch", "open_checked", "page_title", "read_json_after", "retry_after"]

_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Answer:
    """What a request or a navigation got back."""

    url: str
    """The URL asked for."""
    final_url: str
    """Where redirects ended."""
    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    title: str = ""
    challenge: bool = False
    """A challenge or CAPTCHA element is on the page."""


Fetched = ResponseSnapshot
"""An answer read through the request API (its final URL, status, text and headers)."""


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


@dataclass(frozen=True)
class Walls:
    """How one site says "blocked" (its plugin's markers), and the typed error each way means."""

    site: str
    """The site's name as messages show it (``"Indeed"``)."""
    login_paths: tuple[str, ...] = ()
    """Paths of the sign-in page a blocked request is redirected to."""
    challenge_title: str = "just a moment"
    """The start of a challenge page's lower-cased ``<title>`` (Cloudflare's "Just a moment...")."""
    challenge_header: str | None = None
    """A header set to ``challenge`` on a challenge answer (Cloudflare's ``cf-mitigated``)."""
    challenge_markers: tuple[str, ...] = ()
    """Text in an HTTP 403 body that marks a challenge page."""
    html_403_is_challenge: bool = False
    """Any HTML answer with HTTP 403 is a challenge (a JSON 403 is the API's own answer)."""
    refuse_403: bool = False
    """Any other HTTP 403 is a bot block (``Checkpoint``) rather than an answer to read."""
    challenge_selector: str = ""
    """CSS of a challenge or CAPTCHA element on a rendered page."""

    def fetched(self, url: str, answer: Fetched) -> Answer:
        """``answer`` (fetched for ``url``) described for :meth:`check`."""
        html = answer.html
        challenge = answer.status == 403 and (
            (self.html_403_is_challenge and html) or any(marker in answer.text for marker in self.challenge_markers)
        )
        title = page_title(answer.text) if html else ""
        return Answer(url, answer.url, answer.status, answer.headers, title, challenge)

    def check(self, answer: Answer) -> None:
        """Raise the error ``answer`` stands for (see the module docstring); return for answers to read."""
        headers = {k.lower(): v for k, v in answer.headers.items()}
        site = self.site
        if answer.status in (429, 999):
            delay = retry_after(headers.get("retry-after"))
            wait = f" (retry after {delay.total_seconds():g}s)" if delay is not None else ""
            raise RateLimited(f"{site} rate-limited {answer.url}: HTTP {answer.status}{wait}", retry_after=delay)
        challenged = self.challenge_header is not None and headers.get(self.challenge_header) == "challenge"
        if answer.challenge or answer.title.strip().lower().startswith(self.challenge_title) or challenged:
            raise Checkpoint(
                f"{site} answered {answer.url} with a Cloudflare/CAPTCHA check (HTTP {answer.status}): "
                "solve it in a browser or try later; jobflow never solves it"
            )
        path = urlsplit(answer.final_url).path
        if any(path.startswith(p) for p in self.login_paths):
            raise LoginRequired(f"{site} sent {answer.url} to its sign-in page ({path}): log in or try later")
        if answer.status == 403 and self.refuse_403:
            raise Checkpoint(
                f"{site} refused {answer.url} (HTTP 403, a bot block): try later; jobflow never bypasses it"
            )
        if answer.status >= 500:
            raise NetworkError(f"{site} answered {answer.url} with HTTP {answer.status}")

    async def rendered(self, page: Page, url: str, status: int, headers: Mapping[str, str]) -> Answer:
        """``page`` (navigated to ``url``, answered ``status`` with ``headers``) described for :meth:`check`."""
        selector = self.challenge_selector
        challenge = bool(selector) and await page.locator(selector).count() > 0
        return Answer(url, page.url, status, headers, await page.title(), challenge)


async def open_checked(page: Page, url: str, wait: WaitSpec, walls: Walls) -> int:
    """Navigate ``page`` to ``url`` (waiting per ``wait``) and raise what ``walls`` says a blocked page
    means; the HTTP status (200 when the navigation had no response)."""
    response = await goto(page, url, wait, check_status=False)
    status = response.status if response is not None else 200
    headers = await response.all_headers() if response is not None else {}
    walls.check(await walls.rendered(page, url, status, headers))
    return status


Check = Callable[[str, Fetched], None]
"""A site's own check of a fetched answer: ``(URL asked, answer)``; raises what a blocked answer means."""


async def fetch(
    http: APIRequestContext,
    url: str,
    within: timedelta,
    check: Walls | Check,
    *,
    site: str = "",
    method: str = "GET",
    **options: Any,
) -> Fetched:
    """Send ``method`` ``url`` through ``http`` and check the answer with ``check`` (a :class:`Walls` or a
    site's own function); raises what the check raises, ``StepTimeout`` or ``NetworkError``.

    ``site`` names the site in messages (default: the walls' name). ``options`` go to Playwright's
    ``APIRequestContext.fetch`` (``data``, ``headers``…). Every answer is noted as the request client's
    failure evidence before it is checked.
    """
    site = site or (check.site if isinstance(check, Walls) else "the site")
    try:
        response = await http.fetch(
            url, method=method, fail_on_status_code=False, timeout=within.total_seconds() * 1000, **options
        )
        text = await response.text()
    except TIMEOUT_ERRORS as exc:
        raise StepTimeout(f"{site} did not answer {url} within {within.total_seconds():g}s") from exc
    except DRIVER_ERRORS as exc:
        message = first_line(exc)
        if "timeout" in message.lower():
            raise StepTimeout(f"{site} did not answer {url} within {within.total_seconds():g}s") from exc
        raise NetworkError(f"cannot reach {site} at {url}: {message}") from exc
    answer = Fetched(response.url, response.status, text, response.headers)
    note_response(http, answer)
    if isinstance(check, Walls):
        check.check(check.fetched(url, answer))
    else:
        check(url, answer)
    return answer
