"""Blocked is not empty: Indeed's rate limits, Cloudflare challenges and login walls as typed errors.

Both ways of reading Indeed (the request API and a rendered page) describe what came back as an
:class:`Answer` and call :func:`check`, which raises ``RateLimited`` (HTTP 429, with ``Retry-After``),
``Checkpoint`` (Cloudflare "Just a moment..." or a CAPTCHA, or any other HTTP 403 block: never
retried), ``LoginRequired`` (a redirect to the sign-in page) or ``NetworkError`` (HTTP 5xx), and returns
quietly otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from jobflow.errors import Checkpoint, LoginRequired, NetworkError, RateLimited
from jobflow_indeed import selectors as S

__all__ = ["Answer", "check", "retry_after"]


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


def retry_after(value: str | None) -> timedelta | None:
    """A ``Retry-After`` header (seconds or an HTTP date) as a delay; ``None`` when absent or unreadable."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return timedelta(seconds=int(text))
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    from datetime import UTC, datetime

    return max(timedelta(0), moment - datetime.now(UTC))


def check(answer: Answer) -> None:
    """Raise the error ``answer`` stands for (see the module docstring)."""
    headers = {k.lower(): v for k, v in answer.headers.items()}
    if answer.status in (429, 999):
        delay = retry_after(headers.get("retry-after"))
        wait = f" (retry after {delay.total_seconds():g}s)" if delay is not None else ""
        raise RateLimited(f"Indeed rate-limited {answer.url}: HTTP {answer.status}{wait}", retry_after=delay)
    title = answer.title.strip().lower()
    if answer.challenge or title.startswith(S.CHALLENGE_TITLE) or headers.get(S.CHALLENGE_HEADER) == "challenge":
        raise Checkpoint(
            f"Indeed answered {answer.url} with a Cloudflare/CAPTCHA check (HTTP {answer.status}): "
            "solve it in a browser or try later; jobflow never solves it"
        )
    path = urlsplit(answer.final_url).path
    if any(path.startswith(p) for p in S.LOGIN_PATHS):
        raise LoginRequired(f"Indeed sent {answer.url} to its sign-in page ({path}): log in or try later")
    if answer.status == 403:
        raise Checkpoint(f"Indeed refused {answer.url} (HTTP 403, a bot block): try later; jobflow never bypasses it")
    if answer.status >= 500:
        raise NetworkError(f"Indeed answered {answer.url} with HTTP {answer.status}")
