"""Where a Chromium can come from, in the order the browser pool tries them (for ``jobflow doctor``).

1. ``JOBFLOW_BROWSER_WS_ENDPOINT``: a remote Playwright server;
2. ``JOBFLOW_BROWSER_EXECUTABLE``: a Chromium binary named by the user;
3. Playwright's own download (``PLAYWRIGHT_BROWSERS_PATH``, default ``~/.cache/ms-playwright`` on Linux);
4. the system Chromium, ``/usr/bin/chromium``.

Only the file system is looked at: nothing is launched and ``playwright`` is not imported.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from jobflow.config import Settings

__all__ = ["SYSTEM_CHROMIUM", "Candidate", "find_browsers", "install_hints", "playwright_browsers_dir"]

SYSTEM_CHROMIUM = Path("/usr/bin/chromium")
_BINARIES = (
    "chromium-*/chrome-linux*/chrome",
    "chromium-*/chrome-mac*/Chromium.app/Contents/MacOS/Chromium",
    "chromium-*/chrome-win*/chrome.exe",
    "chromium_headless_shell-*/chrome-*/headless_shell",
    "chromium_headless_shell-*/chrome-*/chrome-headless-shell",
)


@dataclass(frozen=True)
class Candidate:
    """One place a browser may come from. ``configured``: the user set it, so it must work."""

    source: str
    usable: bool
    detail: str
    configured: bool = False


def install_hints() -> list[str]:
    """The exact commands that install a Chromium jobflow can use."""
    return [f"{sys.executable} -m playwright install chromium", "apt-get install -y chromium"]


def playwright_browsers_dir() -> Path | None:
    """Where Playwright keeps its downloaded browsers on this machine."""
    configured = os.environ.get("PLAYWRIGHT_BROWSERS_PATH")
    if configured == "0":  # browsers installed inside the playwright package
        spec = importlib.util.find_spec("playwright")
        if spec is None or spec.origin is None:
            return None
        return Path(spec.origin).parent / "driver" / "package" / ".local-browsers"
    if configured:
        return Path(configured).expanduser()
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "ms-playwright"
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local")) / "ms-playwright"
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "ms-playwright"


def _revision(path: Path, root: Path) -> int:
    found = re.search(r"-(\d+)$", path.relative_to(root).parts[0])
    return int(found.group(1)) if found else 0


def _executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def _mask(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, netloc, parts.path, "…" if parts.query else "", ""))


def find_browsers(settings: Settings) -> list[Candidate]:
    """Every source in the pool's order, each saying whether it is usable and why."""
    out: list[Candidate] = []
    endpoint = settings.jobflow_browser_ws_endpoint
    if endpoint:
        ok = endpoint.startswith(("ws://", "wss://"))
        detail = _mask(endpoint) if ok else f"{_mask(endpoint)}: not a ws:// or wss:// URL"
        out.append(Candidate("JOBFLOW_BROWSER_WS_ENDPOINT", ok, detail, configured=True))
    else:
        out.append(Candidate("JOBFLOW_BROWSER_WS_ENDPOINT", False, "not set"))

    executable = settings.jobflow_browser_executable
    if executable is not None:
        path = executable.expanduser()
        ok = _executable(path)
        detail = str(path) if ok else f"{path}: no such executable file"
        out.append(Candidate("JOBFLOW_BROWSER_EXECUTABLE", ok, detail, configured=True))
    else:
        out.append(Candidate("JOBFLOW_BROWSER_EXECUTABLE", False, "not set"))

    root = playwright_browsers_dir()
    found = sorted(
        (p for pattern in _BINARIES for p in (root.glob(pattern) if root and root.is_dir() else ()) if _executable(p)),
        key=lambda p: _revision(p, root) if root else 0,
        reverse=True,
    )
    if found:
        out.append(Candidate("Playwright's Chromium", True, str(found[0])))
    else:
        out.append(Candidate("Playwright's Chromium", False, f"not found in {root}" if root else "not found"))

    ok = _executable(SYSTEM_CHROMIUM)
    out.append(Candidate("system Chromium", ok, str(SYSTEM_CHROMIUM) if ok else f"{SYSTEM_CHROMIUM} not found"))
    return out
