"""A small HTTP/1.1 server on ``asyncio.start_server`` with a tiny router (stdlib only).

Enough for the local sites and a real browser: keep-alive, ``Content-Length`` bodies, query strings,
cookies, redirects and any status code (LinkedIn's ``999`` included). Not a general web server: no
chunked uploads, no TLS, loopback only.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlsplit

__all__ = ["Handler", "HttpServer", "Request", "Response", "Router"]

_REASONS = {999: "Request denied"}
_log = logging.getLogger(__name__)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


_MAX_HEADER_LINES = 100


@dataclass
class Request:
    """One parsed request. ``query`` holds the first value of each parameter; header names are lower-case."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes = b""
    params: dict[str, str] = field(default_factory=dict)
    """Values captured by the route pattern (``{id}``)."""

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for key, value in parse_qsl(urlsplit(self.target).query, keep_blank_values=True):
            found.setdefault(key, value)
        return found

    @property
    def cookies(self) -> dict[str, str]:
        jar: SimpleCookie = SimpleCookie()
        with contextlib.suppress(Exception):
            jar.load(self.headers.get("cookie", ""))
        return {key: morsel.value for key, morsel in jar.items()}

    def json(self) -> Any:
        """The body decoded as JSON (``None`` when empty)."""
        return json.loads(self.body) if self.body else None

    def form(self) -> dict[str, str]:
        """The body decoded as ``application/x-www-form-urlencoded``."""
        return dict(parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))


@dataclass
class Response:
    """What a handler returns."""

    status: int = 200
    body: bytes | str = b""
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def html(cls, body: str, status: int = 200) -> Response:
        return cls(status, body)

    @classmethod
    def json(cls, value: Any, status: int = 200) -> Response:
        return cls(status, json.dumps(value, ensure_ascii=False), "application/json; charset=utf-8")

    @classmethod
    def text(cls, body: str, status: int = 200, content_type: str = "text/plain; charset=utf-8") -> Response:
        return cls(status, body, content_type)

    @classmethod
    def redirect(cls, location: str, status: int = 302) -> Response:
        return cls(status, "", headers=[("Location", location)])

    def encoded(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


Handler = Callable[[Request], Awaitable[Response]]


class Router:
    """Routes by method and path pattern; ``{name}`` captures one segment, ``{name:.*}`` a regex."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []

    def add(self, method: str, pattern: str, handler: Handler) -> None:
        def group(match: re.Match[str]) -> str:
            name, _, regex = match.group(1).partition(":")
            return f"(?P<{name}>{regex or '[^/]+'})"

        regex = re.compile("^" + re.sub(r"\{([^}]+)\}", group, pattern) + "$")
        self._routes.append((method.upper(), regex, handler))

    def resolve(self, method: str, path: str) -> tuple[Handler, dict[str, str]] | None:
        """The handler and captured values for ``method path``; ``None`` when nothing matches."""
        for route_method, regex, handler in self._routes:
            match = regex.match(path)
            if match and route_method in (method.upper(), "*"):
                return handler, match.groupdict()
        return None


class HttpServer:
    """Serves ``app`` on ``host`` and a free port until :meth:`close`."""

    def __init__(self, app: Handler, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self.host = host
        self.port = port
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.StreamWriter] = set()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        if self._server is None:
            return
        self._server.close()
        for writer in list(self._connections):
            writer.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._server.wait_closed(), 5)
        self._server = None

    async def _read(self, reader: asyncio.StreamReader) -> Request | None:
        line = await reader.readline()
        if not line.strip():
            return None
        method, target, _version = line.decode("latin-1").split(" ", 2)
        headers: dict[str, str] = {}
        for _ in range(_MAX_HEADER_LINES):
            raw = await reader.readline()
            if raw in (b"\r\n", b"\n", b""):
                break
            name, _, value = raw.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0") or 0)
        body = await reader.readexactly(length) if length else b""
        return Request(method.upper(), target, headers, body)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._connections.add(writer)
        try:
            while True:
                request = await self._read(reader)
                if request is None:
                    break
                try:
                    response = await self.app(request)
                except Exception as exc:  # a bug in a local site must show, not hang the browser
                    _log.exception("local site handler failed: %s %s", request.method, request.target)
                    response = Response.text(f"local site error: {exc!r}", 500)
                body = response.encoded()
                reason = _REASONS.get(response.status) or _phrase(response.status)
                head = [f"HTTP/1.1 {response.status} {reason}", f"Content-Type: {response.content_type}"]
                head += [f"Content-Length: {len(body)}", "Cache-Control: no-store"]
                head += [f"{name}: {value}" for name, value in response.headers]
                keep = request.headers.get("connection", "").lower() != "close"
                head.append("Connection: keep-alive" if keep else "Connection: close")
                writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
                if request.method != "HEAD":
                    writer.write(body)
                await writer.drain()
                if not keep:
                    break
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            self._connections.discard(writer)
            writer.close()
