"""Blocked is not empty: LinkedIn's throttles, walls and checkpoints as typed errors (sites/README.md §1.6).

* HTTP 429 (with ``Retry-After``) and LinkedIn's own 999 -> ``RateLimited``;
* ``/checkpoint/challenge…`` (a security check or CAPTCHA) -> ``Checkpoint``: never retried, never solved;
* ``/authwall``, ``/signup``, ``/login`` where a page was expected, or HTTP 401 -> ``LoginRequired``;
* HTTP 403 (the session or address is challenged) -> ``Checkpoint``;
* HTTP 5xx -> ``NetworkError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from urllib.parse import urlsplit

from jobflow.errors import Checkpoint, LoginRequired, NetworkError, RateLimited
from jobflow_linkedin import selectors as S

__all__ = ["check_response", "check_url", "is_checkpoint", "is_wall", "retry_after"]

CHECKPOINT_MESSAGE = (
    "LinkedIn shows a security checkpoint (CAPTCHA or verification) at {url}: solve it yourself in a browser, "
    "then run again; jobflow never solves or retries it"
)
WALL_MESSAGE = (
    "LinkedIn asks to sign in (redirected to {url}): run a `linkedin.login` step first, "
    "or search as a guest (`mode: guest`)"
)


def _path(url: str) -> str:
    return urlsplit(url).path


def is_checkpoint(url: str) -> bool:
    """Whether ``url`` is one of LinkedIn's security checkpoint pages."""
    return _path(url).startswith(S.CHECKPOINT_PATHS)


def is_wall(url: str) -> bool:
    """Whether ``url`` is a login wall, sign-up wall or the login page."""
    return _path(url).startswith(S.AUTHWALL_PATHS)


def retry_after(headers: Mapping[str, str]) -> timedelta | None:
    """The ``Retry-After`` header as a delay (seconds form only; LinkedIn sends no dates)."""
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), "").strip()
    return timedelta(seconds=int(value)) if value.isdigit() else None


def check_url(url: str) -> None:
    """Raise ``Checkpoint`` or ``LoginRequired`` when ``url`` (where a request or navigation ended) is a wall."""
    if is_checkpoint(url):
        raise Checkpoint(CHECKPOINT_MESSAGE.format(url=url))
    if is_wall(url):
        raise LoginRequired(WALL_MESSAGE.format(url=url))


def check_response(status: int, url: str, headers: Mapping[str, str], *, asked: str) -> None:
    """Raise the typed error an answer means; return for answers worth reading (2xx, 400, 404).

    ``asked`` is the URL requested, ``url`` where the answer came from after redirects.
    """
    if status in (429, 999):
        delay = retry_after(headers)
        hint = f"; retry after {int(delay.total_seconds())}s" if delay else ""
        raise RateLimited(f"LinkedIn throttled {asked} (HTTP {status}){hint}", retry_after=delay)
    check_url(url)
    if status == 401:
        raise LoginRequired(WALL_MESSAGE.format(url=url))
    if status == 403:
        raise Checkpoint(f"LinkedIn refused {asked} (HTTP 403): the session or IP is challenged; try later")
    if status >= 500:
        raise NetworkError(f"LinkedIn answered HTTP {status} for {asked}")
