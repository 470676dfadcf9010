"""Switchable hostile behaviour of one local site, and the per-site state tests inspect.

Set it from Python (``sites.linkedin.set(rate_limit_after=3)``) or over HTTP
(``POST /__jobflow__/behaviour`` with a JSON object of the fields to change; ``POST /__jobflow__/reset``
restores the defaults and clears the state; ``GET /__jobflow__/state`` shows counters and submissions).
Assignments are single attribute writes, so a test thread may change a server running in another thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["SiteBehaviour", "SiteState"]


class SiteBehaviour(BaseModel):
    """How a local site misbehaves. The defaults are the sites' normal (already messy) behaviour."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    latency: tuple[float, float] = Field(default=(0.0, 0.0), description="seconds added to every page/data answer")
    late_xhr: float = Field(
        default=0.0,
        ge=0,
        description="when > 0, search pages ship without results and fetch them by XHR; XHR data answers "
        "(infinite scroll, panes, /graph) wait this many seconds",
    )
    rate_limit_after: int | None = Field(
        default=None, ge=0, description="after this many page/data requests, answer rate_limit_status"
    )
    rate_limit_status: Literal[429, 999] = Field(default=429, description="999 is LinkedIn's own block")
    retry_after: int = Field(default=60, ge=0, description="Retry-After seconds of a 429; the block lasts that long")
    server_error: bool = Field(default=False, description="every page and data request answers an HTTP 500 error page")
    login_wall: bool = Field(default=False, description="guest pages redirect to the site's login/auth wall")
    checkpoint: bool = Field(
        default=False,
        description="every page is a CAPTCHA/verification page (LinkedIn checkpoint, Cloudflare for the others)",
    )
    empty: bool = Field(default=False, description="every search has no results (with the site's no-results markup)")
    malformed: bool = Field(default=False, description="some postings carry unparseable salaries, dates, locations")
    shadow_root: bool = Field(
        default=False, description="LinkedIn's Easy Apply modal renders inside an open shadow root"
    )
    daily_limit: bool = Field(default=False, description="LinkedIn's Easy Apply shows the daily limit message")
    daily_limit_after: int | None = Field(
        default=None, ge=0, description="LinkedIn shows the daily limit message after this many submissions"
    )
    show_more_after: int = Field(
        default=3, ge=0, description="LinkedIn guest page: infinite-scroll loads before 'See more jobs' must be clicked"
    )
    signin_modal_after: int | None = Field(
        default=1, ge=0, description="Glassdoor: load-more clicks before the sign-in modal (0: on load, None: never)"
    )
    login_variant: Literal["classic", "2026"] = Field(
        default="classic", description="LinkedIn login page: classic ids/names, or the 2026 React form with SSO buttons"
    )
    credentials: tuple[str, str] = Field(
        default=("jobseeker@example.com", "correct horse battery staple"),
        description="the LinkedIn member login that succeeds",
    )

    def changed(self) -> dict[str, Any]:
        """The fields that differ from the defaults."""
        return self.model_dump(exclude_defaults=True)


@dataclass
class SiteState:
    """What happened on one site since the last reset."""

    requests: int = 0
    """Page and data requests (static files and control calls not counted)."""
    blocked_until: float | None = None
    log: list[tuple[str, str, int]] = field(default_factory=list)
    """``(method, target, status)`` of every counted request."""
    sessions: set[str] = field(default_factory=set)
    submissions: list[dict[str, Any]] = field(default_factory=list)
    """Easy Apply submissions: ``{"job_id", "answers", "resume", "follow_company"}``."""

    def snapshot(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "blocked": self.blocked_until is not None,
            "log": [list(entry) for entry in self.log],
            "sessions": len(self.sessions),
            "submissions": self.submissions,
        }
