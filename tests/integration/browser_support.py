"""Helpers for the browser tests: settings in a temporary home, process inspection through /proc."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from jobflow.config import Settings


def settings_for(home: Path, **overrides: object) -> Settings:
    """Settings with ``JOBFLOW_HOME`` in ``home`` and no remote browser, whatever the environment says."""
    values: dict[str, object] = {
        "jobflow_home": home,
        "jobflow_browser_ws_endpoint": None,
        "jobflow_browser_executable": None,
        "anti_detection_enabled": True,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def _stat(pid: int) -> tuple[int, str] | None:
    """(parent pid, state) of ``pid``, or ``None`` when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), fields[0]


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie counts as gone)."""
    stat = _stat(pid)
    return stat is not None and stat[1] != "Z"


def descendants(root: int) -> set[int]:
    """``root`` and every live process below it."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(int(entry))
            if stat is not None and stat[1] != "Z":
                parents[int(entry)] = stat[0]
    found = {root} if root in parents else set()
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in found and pid not in found:
                found.add(pid)
                grew = True
    return found


async def wait_for_exit(pid: int, within: float = 10.0) -> None:
    """Wait (without sleeping) until ``pid`` has exited: a pidfd becomes readable when it does."""
    fd = os.pidfd_open(pid)
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    loop.add_reader(fd, lambda: done.done() or done.set_result(None))
    try:
        await asyncio.wait_for(done, within)
    finally:
        loop.remove_reader(fd)
        os.close(fd)
