"""The base of the three local sites: routing, the hostile-behaviour gates, control endpoints, static files.

A site subclasses :class:`SiteApp`, registers its routes in :meth:`SiteApp.setup` and renders the
walls its own way (:meth:`checkpoint_page`, :meth:`login_wall`). Gates run before every page or data
route in this order: rate limit (429 with ``Retry-After``, or 999), server error (500), checkpoint, login
wall; then the handler; then the latency.
"""

from __future__ import annotations

import base64
import hashlib
import random
import secrets
from datetime import datetime
from importlib import resources
from typing import Any, ClassVar

from jobflow.clock import Clock, SystemClock
from jobflow.testing.sites.behaviour import SiteBehaviour, SiteState
from jobflow.testing.sites.http import Handler, Request, Response, Router

__all__ = ["SiteApp"]

_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
SERVER_ERROR_PAGE = (
    '<!DOCTYPE html><html><head><title>Server error</title><link rel="stylesheet" href="/static/missing.css">'
    '</head><body><h1 id="server-error">Something went wrong on our side</h1><p>Error 500: try again later.</p>'
    "</body></html>"
)
"""What every page answers while ``server_error`` is on (its stylesheet is a request a rendering must not make)."""
SERVER_ERROR_COOKIE = "visit=server-error-cookie-value"
"""The tracking cookie the error page sets (failure evidence must not keep it)."""
_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".png": "image/png"}


class SiteApp:
    """One local site: its data, behaviour, state and routes."""

    name: ClassVar[str] = ""

    def __init__(self, data: dict[str, Any], *, clock: Clock | None = None, seed: int | None = None) -> None:
        self.data = data
        self.behaviour = SiteBehaviour()
        self.state = SiteState()
        self.clock: Clock = clock or SystemClock()
        self.rng = random.Random(seed)
        self.deploy = secrets.token_hex(3)
        """Changes per start: hashed class names (``JobCard_jobTitle__x1y2z``) change with it."""
        self.base_url = ""
        self.now = datetime.fromisoformat(data["now"])
        self.router = Router()
        self._guest: set[Handler] = set()
        self._xhr: set[Handler] = set()
        self.setup()

    # ------------------------------------------------------------------------------------------- API

    def set(self, **changes: Any) -> SiteBehaviour:
        """Change behaviour fields (validated); the others keep their values."""
        merged = self.behaviour.model_dump() | changes
        self.behaviour = SiteBehaviour.model_validate(merged)
        return self.behaviour

    def reset(self) -> None:
        """Default behaviour and a fresh state (sessions, counters, submissions)."""
        self.behaviour = SiteBehaviour()
        self.state = SiteState()

    def route(self, method: str, pattern: str, handler: Handler, *, guest: bool = False, xhr: bool = False) -> None:
        """Register a route. ``guest``: behind the login wall; ``xhr``: delayed by ``late_xhr``."""
        self.router.add(method, pattern, handler)
        if guest:
            self._guest.add(handler)
        if xhr:
            self._xhr.add(handler)

    def link(self, path: str) -> str:
        """An absolute URL on this site for a path or a data URL on the real origin (pages carry absolute
        links, as the real ones do); other URLs unchanged."""
        origin = self.data["origin"]
        if path.startswith(origin):
            return self.base_url + path[len(origin) :]
        return self.base_url + path if path.startswith("/") else path

    def hashed(self, name: str) -> str:
        """A CSS-module class name with this deploy's hash suffix."""
        return f"{name}__{hashlib.sha1(f'{self.deploy}:{name}'.encode()).hexdigest()[:5]}"

    # ---------------------------------------------------------------------------------- site hooks

    def setup(self) -> None:
        """Register the site's routes."""

    def checkpoint_page(self, request: Request) -> Response:
        """The answer to every page while ``checkpoint`` is on."""
        return Response.html("<title>Security check</title><div data-test='captcha'>Are you a robot?</div>", 403)

    def login_wall(self, request: Request) -> Response | None:
        """The answer to guest pages while ``login_wall`` is on (``None``: let this request through)."""
        return Response.redirect("/login")

    def exempt(self, request: Request) -> bool:
        """Pages the checkpoint does not cover (the checkpoint page itself)."""
        return False

    # ------------------------------------------------------------------------------------ dispatch

    async def __call__(self, request: Request) -> Response:
        if request.path.startswith("/__jobflow__/"):
            return self._control(request)
        if request.path.startswith("/static/"):
            return self._static(request.path.removeprefix("/static/"))
        resolved = self.router.resolve(request.method, request.path)
        if resolved is None:
            return Response.html("<h1>Page not found</h1>", 404)
        handler, request.params = resolved
        self.state.requests += 1
        response = self._gate(request, handler)
        if response is None:
            if handler in self._xhr and self.behaviour.late_xhr:
                await self.clock.sleep(self.behaviour.late_xhr)
            response = await handler(request)
        low, high = self.behaviour.latency
        if high > 0:
            await self.clock.sleep(self.rng.uniform(low, max(low, high)))
        self.state.log.append((request.method, request.target, response.status))
        return response

    def _gate(self, request: Request, handler: Handler) -> Response | None:
        behaviour, state = self.behaviour, self.state
        if state.blocked_until is not None and self.clock.monotonic() >= state.blocked_until:
            state.blocked_until, state.requests = None, 1
        if behaviour.rate_limit_after is not None and (
            state.blocked_until is not None or state.requests > behaviour.rate_limit_after
        ):
            if state.blocked_until is None:
                state.blocked_until = self.clock.monotonic() + behaviour.retry_after
            if behaviour.rate_limit_status == 999:
                return Response.html("<html><body>Request denied</body></html>", 999)
            return Response(429, "Too Many Requests", "text/plain", [("Retry-After", str(behaviour.retry_after))])
        if behaviour.server_error:
            failed = Response.html(SERVER_ERROR_PAGE, 500)
            failed.headers.append(("Set-Cookie", f"{SERVER_ERROR_COOKIE}; Path=/; HttpOnly"))
            return failed
        if behaviour.checkpoint and not self.exempt(request):
            return self.checkpoint_page(request)
        if behaviour.login_wall and handler in self._guest:
            return self.login_wall(request)
        return None

    def _control(self, request: Request) -> Response:
        action = request.path.removeprefix("/__jobflow__/")
        if action == "behaviour" and request.method == "POST":
            try:
                self.set(**(request.json() or {}))
            except (ValueError, TypeError) as exc:
                return Response.json({"error": str(exc)}, 400)
        elif action == "reset" and request.method == "POST":
            self.reset()
        elif action == "state":
            return Response.json(self.state.snapshot())
        elif action != "behaviour":
            return Response.json({"error": f"unknown control {action!r}"}, 404)
        return Response.json(self.behaviour.model_dump(mode="json"))

    def _static(self, name: str) -> Response:
        if name.startswith("logos/"):
            return Response(200, _PNG, "image/png")
        candidate = resources.files(f"jobflow.testing.sites.{self.name}.static") / name
        if "/" in name or not name.endswith(tuple(_TYPES)) or not candidate.is_file():
            return Response.text("not found", 404)
        return Response(200, candidate.read_bytes(), _TYPES[name[name.rfind(".") :]])
