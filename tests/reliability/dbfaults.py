"""Database faults for the daemon scenarios (RELIABILITY.md #11): another session holding a write lock, and
a TCP proxy in front of a real PostgreSQL that can be taken down (new connections refused, open ones cut)
and brought back, so "PostgreSQL stopped" is played without stopping the machine's server.

Plus the checks every daemon scenario of this kind makes: the invariant read from the database and the
logs, and the event loop's worst lateness as the daemon logged it when it stopped.
"""

from __future__ import annotations

import contextlib
import socket
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import psycopg
from procs import Daemons, Proc, as_time
from sqlalchemy.engine import make_url

TERMINAL = {"succeeded", "failed", "missed", "skipped", "cancelled"}


# ------------------------------------------------------------------------------------------- locks


@contextlib.contextmanager
def write_locked(daemons: Daemons) -> Iterator[None]:
    """Hold the database's write lock from another session until the block ends: SQLite ``BEGIN
    EXCLUSIVE``; PostgreSQL ``LOCK TABLE occurrences IN EXCLUSIVE MODE`` (plain reads still pass, every
    claim, record and ``SELECT ... FOR UPDATE`` of an occurrence waits)."""
    url = make_url(daemons.db_url)
    if url.get_backend_name() == "sqlite":
        connection = sqlite3.connect(url.database or "", timeout=30, isolation_level=None)
        try:
            connection.execute("BEGIN EXCLUSIVE")
            yield
            connection.execute("ROLLBACK")
        finally:
            connection.close()
        return
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn) as pg:  # leaving the block commits, which releases the lock
        pg.execute("LOCK TABLE occurrences IN EXCLUSIVE MODE")
        yield


# ------------------------------------------------------------------------------------------- proxy


class Proxy:
    """A TCP proxy on 127.0.0.1 (a port of its own) to ``upstream``; :meth:`down` closes the port and
    cuts every open connection, :meth:`up` listens again on the same port."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.port = 0
        self.accepted = 0
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self.up()

    def up(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self._lock:
            cut, self._open = self._open, set()
        for sock in cut:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def close(self) -> None:
        self.down()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # down
            try:
                server = socket.create_connection(self.upstream, timeout=5)
                server.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._listener is not listener:
                    client.close()
                    server.close()
                    return
                self._open |= {client, server}
                self.accepted += 1
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            with self._lock:
                self._open -= {source, sink}


# ------------------------------------------------------------------------------------------- checks


def check_invariant(daemons: Daemons) -> Counter[str]:
    """Every occurrence has exactly one terminal state, at most one run row, and each (run, attempt) was
    executed at most once (the ``mark`` log lines); returns the states."""
    occs = daemons.occurrences()
    open_ = [f"{o['id']}:{o['state']}" for o in occs if o["state"] not in TERMINAL]
    assert not open_, f"occurrences without a terminal state: {open_[:5]}"
    rows = daemons.rows("SELECT occurrence_id, COUNT(*) AS n FROM workflow_runs GROUP BY occurrence_id")
    assert all(r["n"] == 1 for r in rows if r["occurrence_id"] is not None), rows
    executions = Counter(tuple(m["event"].split()[1:3]) for m in daemons.marks())
    twice = [key for key, n in executions.items() if n > 1]
    assert not twice, f"executed more than once: {twice}"
    return Counter(o["state"] for o in occs)


def stopped_lag_ms(daemons: Daemons, proc: Proc) -> int:
    """The worst event-loop lateness the daemon logged when it stopped (``scheduler stopped``)."""
    (line,) = [line for line in daemons.lines(proc) if line.get("event") == "scheduler stopped"]
    return int(line["loop_lag_max_ms"])


def logged_between(daemons: Daemons, text: str, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Log lines containing ``text`` in their event, written between ``start`` and ``end``."""
    return [
        line
        for line in daemons.lines()
        if text in str(line.get("event", "")) and start <= as_time(line["timestamp"]) <= end
    ]
