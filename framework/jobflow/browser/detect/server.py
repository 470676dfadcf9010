"""A tiny HTTP server on 127.0.0.1 for local pages: the detection page, and test or benchmark pages.

It runs the standard library's threading HTTP server in a daemon thread, so it works beside any event
loop. Routes map a path (without the query string) to a handler that receives the request and returns a
:class:`Reply`::

    with LocalServer({"/": lambda req: Reply.html("<h1>hi</h1>")}) as server:
        await page.goto(server.url("/"))
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit

__all__ = ["LocalServer", "Reply", "Request"]


@dataclass(frozen=True)
class Request:
    """One request as a handler sees it; header names are lower-case."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Reply:
    """What a handler answers."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/plain; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def html(cls, text: str, status: int = 200) -> Reply:
        return cls(text.encode(), status, "text/html; charset=utf-8")

    @classmethod
    def js(cls, text: str) -> Reply:
        return cls(text.encode(), 200, "text/javascript; charset=utf-8")

    @classmethod
    def json(cls, value: Any, status: int = 200) -> Reply:
        return cls(json.dumps(value).encode(), status, "application/json")


Handler = Callable[[Request], Reply]


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("content-length") or 0)
        request = Request(
            method=self.command,
            path=parts.path,
            query=parts.query,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=self.rfile.read(length) if length else b"",
        )
        self.server.requests.append(request)
        handler = self.server.routes.get(parts.path)
        reply = handler(request) if handler else Reply(b"not found", 404)
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            try:
                self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):  # the browser moved on (a new navigation)
                self.close_connection = True

    do_GET = do_POST = do_HEAD = _serve

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: requests are kept in ``LocalServer.requests`` instead."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    routes: Mapping[str, Handler]
    requests: list[Request]


class LocalServer:
    """An HTTP server on ``127.0.0.1`` (a free port unless given) running in a daemon thread."""

    def __init__(self, routes: Mapping[str, Handler], port: int = 0) -> None:
        self._server = _Server(("127.0.0.1", port), _RequestHandler)
        self._server.routes = dict(routes)
        self._server.requests = []
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def requests(self) -> list[Request]:
        """Every request received so far, in order."""
        return self._server.requests

    def url(self, path: str = "/") -> str:
        """The absolute URL of ``path`` on this server."""
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, handler: Handler) -> None:
        """Add or replace the handler of ``path``."""
        self._server.routes = {**self._server.routes, path: handler}

    def start(self) -> Self:
        self._thread = threading.Thread(target=self._server.serve_forever, name="jobflow-local-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
