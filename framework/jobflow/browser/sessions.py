"""Logged-in sessions: each site identity's storage state (cookies, local storage) in ``JOBFLOW_HOME``.

``JOBFLOW_HOME/sessions/<site>.json`` is Playwright's storage-state format, written atomically and
readable by the user only (it holds login cookies). A file that cannot be read is ignored with a
warning: the site then asks for a login again, which its plugin handles.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import structlog

from jobflow.errors import PluginError

__all__ = ["SessionStore"]

_SITE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
log = structlog.get_logger("jobflow.browser.sessions")


class SessionStore:
    """Storage state per site under ``<home>/sessions``."""

    def __init__(self, home: Path) -> None:
        self.directory = home / "sessions"

    def path(self, site: str) -> Path:
        """Where ``site``'s storage state lives; the name must be a plain identifier."""
        if not _SITE.match(site):
            raise PluginError(f"invalid site name {site!r}: use letters, digits, '.', '_' and '-'")
        return self.directory / f"{site}.json"

    def load(self, site: str) -> dict[str, Any] | None:
        """The stored state of ``site``, or ``None`` when there is none (or it is unreadable)."""
        path = self.path(site)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.warning("session_unreadable", site=site, path=str(path), error=str(exc))
            return None
        if not isinstance(data, dict) or not isinstance(data.get("cookies", []), list):
            log.warning("session_unreadable", site=site, path=str(path), error="not a storage state")
            return None
        return data

    def save(self, site: str, state: dict[str, Any]) -> None:
        """Write ``site``'s state atomically, mode 0600."""
        path = self.path(site)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(state, handle)
        os.replace(tmp, path)

    def delete(self, site: str) -> None:
        """Forget ``site``'s session (a logout)."""
        self.path(site).unlink(missing_ok=True)
