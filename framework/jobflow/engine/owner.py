"""Who runs a run: ``hostname:pid:boot_id:token``, written on the run record for zombie detection.

The boot id (``/proc/sys/kernel/random/boot_id``) tells a reboot apart from a live machine; the token,
random per process, tells a reused pid apart from the process that claimed the run. The scheduler asks
:func:`owner_state` whether the owner of a ``running`` run is still alive.
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

__all__ = ["Owner", "current_owner", "owner_state", "parse_owner"]

_BOOT_ID = Path("/proc/sys/kernel/random/boot_id")


@dataclass(frozen=True, slots=True)
class Owner:
    """The parts of an owner string."""

    host: str
    pid: int
    boot_id: str
    token: str

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}:{self.boot_id}:{self.token}"


@cache
def boot_id() -> str:
    """This machine's boot id, or ``-`` where the system does not expose one."""
    try:
        return _BOOT_ID.read_text().strip() or "-"
    except OSError:
        return "-"


@cache
def _owner_for(pid: int) -> Owner:
    host = socket.gethostname().replace(":", "_") or "localhost"
    return Owner(host, pid, boot_id(), secrets.token_hex(6))


def current_owner() -> str:
    """This process as an owner string; stable for the life of the process (a forked child gets its own)."""
    return str(_owner_for(os.getpid()))


def parse_owner(text: str) -> Owner | None:
    """The parts of an owner string, or ``None`` when ``text`` is not one."""
    parts = text.rsplit(":", 3)
    if len(parts) != 4 or not parts[1].isdigit():
        return None
    return Owner(parts[0], int(parts[1]), parts[2], parts[3])


def _pid_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def owner_state(text: str) -> Literal["alive", "dead", "unknown"]:
    """Whether the owner of a run is alive, as far as this machine can tell.

    ``dead``: same host and the machine rebooted, or the pid is gone, or the pid is this process but the
    token differs. ``unknown``: another host (use the heartbeat) or an unreadable owner.
    """
    owner = parse_owner(text)
    me = _owner_for(os.getpid())
    if owner is None or owner.host != me.host:
        return "unknown"
    if owner.boot_id != me.boot_id and "-" not in (owner.boot_id, me.boot_id):
        return "dead"
    if owner.pid == me.pid:
        return "alive" if owner.token == me.token else "dead"
    return "alive" if _pid_exists(owner.pid) else "dead"
