"""Real servers and throwaway channels for the notification tests.

``HookServer``: a stdlib HTTP server in a thread that records each POST and answers 500 for the first
``fail_times`` requests. ``SmtpServer``: aiosmtpd in its own thread, optionally with AUTH and STARTTLS (a
self-signed certificate made with ``openssl``), optionally refusing the first mails with a 451.
``TestChannels``: a plugin registering channel types that raise, that are ``async def``, that block (run in
a thread), and that hang.
"""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
import subprocess
import textwrap
import threading
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message as EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from jobflow.clock import FakeClock
from jobflow.config import Settings
from jobflow.hookspecs import hookimpl
from jobflow.notify import Message, NotifierOptions, NotifierType
from jobflow.notify.outbox import OutboxWorker
from jobflow.plugins import Plugins, build_plugins
from jobflow.store import Store


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# ----------------------------------------------------------------------------------------------- webhook


class HookServer:
    """Records POSTs (path, headers, JSON body); the first ``fail_times`` get HTTP 500. ``port``: listen on
    this one (a server that was down comes back where its channel points); default: any free port."""

    def __init__(self, fail_times: int = 0, status: int = 200, port: int = 0) -> None:
        self.fail_times = fail_times
        self.status = status
        self.requests: list[dict[str, Any]] = []
        self.attempts = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                server.attempts += 1
                if server.attempts <= server.fail_times:
                    self.send_response(500)
                    self.end_headers()
                    return
                server.requests.append({"path": self.path, "headers": dict(self.headers), "json": json.loads(body)})
                self.send_response(server.status)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/hooks/T0KEN-abcdef123456"

    def __enter__(self) -> HookServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# -------------------------------------------------------------------------------------------------- SMTP


@dataclass
class Collector:
    """aiosmtpd handler keeping every accepted mail and every login; the first ``refuse`` mails are answered
    with a temporary failure (451)."""

    mails: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    refuse: int = 0
    refused: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refused < self.refuse:
            self.refused += 1
            return "451 4.3.0 Try again later"
        self.mails.append(message_from_bytes(envelope.content))
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for ``localhost``/``127.0.0.1`` (``openssl``); returns (cert, key)."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


class SmtpServer:
    """A real SMTP server on 127.0.0.1 (aiosmtpd's threaded controller)."""

    def __init__(
        self, *, login: tuple[str, str] | None = None, tls: tuple[Path, Path] | None = None, refuse: int = 0
    ) -> None:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult

        self.collector = Collector(refuse=refuse)
        self.logins: list[str] = []
        kwargs: dict[str, Any] = {}
        if login is not None:

            def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
                ok = (data.login.decode(), data.password.decode()) == login
                if ok:
                    self.logins.append(data.login.decode())
                return AuthResult(success=ok, handled=False)  # a refusal answers 535

            kwargs.update(authenticator=authenticate, auth_require_tls=tls is not None)
        if tls is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(tls[0]), str(tls[1]))
            kwargs.update(tls_context=context, require_starttls=True)
        self.port = free_port()
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port, **kwargs)

    @property
    def mails(self) -> list[EmailMessage]:
        return self.collector.mails

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


# ---------------------------------------------------------------------------------------- test channels


class NoOptions(NotifierOptions):
    pass


class TokenOptions(NotifierOptions):
    token: SecretStr


@dataclass
class Journal:
    """What the test channels saw: message titles by channel, and the thread each ran on."""

    sent: dict[str, list[str]] = field(default_factory=dict)
    threads: dict[str, list[str]] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)
    arrived: asyncio.Event | None = None

    def note(self, channel: str, message: Message) -> None:
        self.calls[channel] = self.calls.get(channel, 0) + 1
        self.sent.setdefault(channel, []).append(message.title)
        self.threads.setdefault(channel, []).append(threading.current_thread().name)


class TestChannels:
    """Channel types ``raising``, ``async``, ``blocking``, ``hanging`` and ``leaky`` (raises with its token)."""

    __test__ = False

    def __init__(self) -> None:
        self.journal = Journal()

    @hookimpl
    def register_notifiers(self, register: Any) -> None:
        journal = self.journal

        class Raising:
            def __init__(self, name: str, options: NoOptions) -> None:
                self.name = name

            async def send(self, message: Message) -> None:
                journal.calls[self.name] = journal.calls.get(self.name, 0) + 1
                raise RuntimeError("channel exploded")

        class Async:
            def __init__(self, name: str, options: NoOptions) -> None:
                self.name = name

            async def send(self, message: Message) -> None:
                loop = asyncio.get_running_loop()
                turn = loop.create_future()
                loop.call_soon(turn.set_result, None)
                await turn  # a real suspension point: this channel is async
                journal.note(self.name, message)
                if journal.arrived is not None:
                    journal.arrived.set()

        class Blocking:
            def __init__(self, name: str, options: NoOptions) -> None:
                self.name = name

            def send(self, message: Message) -> None:
                journal.note(self.name, message)

        class Hanging:
            def __init__(self, name: str, options: NoOptions) -> None:
                self.name = name

            async def send(self, message: Message) -> None:
                await asyncio.Event().wait()

        class Leaky:
            def __init__(self, name: str, options: TokenOptions) -> None:
                self.token = options.token.get_secret_value()

            def send(self, message: Message) -> None:
                raise ConnectionError(f"auth failed for token {self.token}")

        register(NotifierType("raising", NoOptions, Raising))
        register(NotifierType("async", NoOptions, Async))
        register(NotifierType("blocking", NoOptions, Blocking))
        register(NotifierType("hanging", NoOptions, Hanging))
        register(NotifierType("leaky", TokenOptions, Leaky))


# ---------------------------------------------------------------------------------------------- wiring


class StillClock(FakeClock):
    """A fake clock whose ``sleep`` never returns: the engine's heartbeat waits instead of moving time on, so a
    step reading ``now`` sees exactly what the test set (the test moves time with ``advance``)."""

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        await asyncio.Event().wait()


def notify_settings(home: Path, config: str | None = None, **values: Any) -> Settings:
    """Settings with ``home`` as JOBFLOW_HOME and, when given, ``config`` written to ``home/notify.yaml``."""
    home.mkdir(parents=True, exist_ok=True)
    if config is not None:
        (home / "notify.yaml").write_text(textwrap.dedent(config))
    values.setdefault("jobflow_notify_max_attempts", 4)
    return Settings(jobflow_home=home, **values)


def plugins_with(channels: TestChannels | None = None) -> Plugins:
    """jobflow's defaults plus the test channel types (no entry point loaded)."""
    return build_plugins(disable_autoload=True, extra=[("test-channels", channels or TestChannels())])


def make_worker(store: Store, settings: Settings, channels: TestChannels | None = None) -> OutboxWorker:
    """An outbox worker on the store's own (fake) clock."""
    return OutboxWorker(store, plugins_with(channels), store.clock, settings=settings)


async def stored_text(store: Store) -> str:
    """Every value of every notification row, as one string (for "no secret in the database" checks)."""
    from sqlalchemy import text

    async with store.engine.connect() as connection:
        rows = (await connection.execute(text("SELECT * FROM notifications"))).all()
    return "\n".join(" | ".join(str(value) for value in row) for row in rows)
