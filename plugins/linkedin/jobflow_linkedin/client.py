"""What every LinkedIn step reads from its context, and the guest HTTP client.

Guest endpoints answer with HTML fragments that need no rendering, so they are fetched through the site
context's request API (:meth:`StepContext.request`, :func:`jobflow.browser.fetch.fetch`): the same cookies,
headers, identity and rate limit as the site's pages, at a fraction of a page's cost; a failed step keeps
the last answer as its evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from jobflow import StepContext
from jobflow.browser.driver import APIRequestContext
from jobflow.browser.fetch import Fetched, fetch
from jobflow.spec.models import WaitSpec
from jobflow_linkedin.site import SITE
from jobflow_linkedin.walls import check_response

__all__ = ["Answer", "GuestClient", "base_url", "has_session_cookie", "pool", "site_wait"]

SESSION_COOKIE = "li_at"


def base_url(ctx: StepContext) -> str:
    """The effective base URL (``sites.linkedin.base_url`` in the workflow, else the plugin's)."""
    configured = ctx.site.base_url if ctx.site is not None else None
    return (configured or SITE.base_url).rstrip("/")


def site_wait(ctx: StepContext) -> WaitSpec:
    """The step's effective wait strategy (step > workflow site > defaults > the plugin's)."""
    wait = ctx.extras.get("wait") or (ctx.site.wait if ctx.site is not None else None)
    return wait if isinstance(wait, WaitSpec) else SITE.wait


def pool(ctx: StepContext) -> Any:
    """The run's browser pool (``throttle``, ``spend``)."""
    return ctx.extras["browser"]


async def has_session_cookie(http: APIRequestContext, base: str) -> bool:
    """Whether the context holds LinkedIn's session cookie (``li_at``) for ``base``'s host."""
    from urllib.parse import urlsplit

    host = urlsplit(base).hostname or ""
    state = await http.storage_state()
    return any(
        c["name"] == SESSION_COOKIE and host.endswith(c["domain"].lstrip(".")) and c["value"] for c in state["cookies"]
    )


@dataclass(frozen=True)
class Answer:
    """An HTTP answer worth reading: its status, final URL and body."""

    status: int
    url: str
    text: str


class GuestClient:
    """GETs on LinkedIn's guest endpoints with typed errors; the first request uses the lease's rate token,
    every later one takes its own."""

    def __init__(self, http: APIRequestContext, ctx: StepContext, *, timeout: timedelta) -> None:
        self.http = http
        self.ctx = ctx
        self.timeout = timeout
        self.sent = 0

    async def get(self, url: str) -> Answer:
        """GET ``url``: raises ``RateLimited``, ``LoginRequired``, ``Checkpoint``, ``NetworkError`` or
        ``StepTimeout``; returns 2xx, 400 and 404 answers."""
        if self.sent:
            await pool(self.ctx).throttle(SITE.name)
        self.sent += 1
        answer = await fetch(self.http, url, self.timeout, _check, site="LinkedIn")
        self.ctx.log.debug("linkedin_get", url=url, status=answer.status, bytes=len(answer.text))
        return Answer(answer.status, answer.url, answer.text)


def _check(asked: str, answer: Fetched) -> None:
    check_response(answer.status, answer.url, answer.headers, asked=asked)
