"""Which browser the pool uses, found in DESIGN.md's order, and the command that installs one when none is.

1. ``JOBFLOW_BROWSER_WS_ENDPOINT``: a remote browser. ``ws://host:port/...`` is a Playwright server
   (``playwright run-server``); ``http://host:port`` or a ``ws://.../devtools/browser/...`` URL is a
   Chromium DevTools (CDP) endpoint.
2. ``JOBFLOW_BROWSER_EXECUTABLE``: a Chromium or Chrome binary.
3. Playwright's own download (``python -m playwright install chromium``).
4. The system's Chromium or Chrome (``/usr/bin/chromium``, ``google-chrome``, ...).

A source the user set (1 or 2) must work: when it does not, the pool stops with a ``ConfigError`` rather
than quietly using another browser. :func:`candidates` lists every source for ``jobflow doctor``; nothing
is launched and the driver is not imported here.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import sys
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from jobflow.config import Settings
from jobflow.errors import ConfigError

__all__ = [
    "BrowserChoice",
    "Candidate",
    "candidates",
    "find_browser",
    "install_hint",
    "install_hints",
    "mask_endpoint",
    "pick",
]

Kind = Literal["ws_endpoint", "executable", "playwright", "system"]

_SYSTEM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
_SYSTEM_PATHS = (
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Google\Chrome\Application\chrome.exe",
)
_DOWNLOAD_BINARIES = (
    "chrome-linux64/chrome",
    "chrome-linux/chrome",
    "chrome-mac-arm64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing",
    "chrome-mac-x64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing",
    "chrome-mac/Chromium.app/Contents/MacOS/Chromium",
    "chrome-win64/chrome.exe",
    "chrome-win/chrome.exe",
)


@dataclass(frozen=True)
class BrowserChoice:
    """The browser found: ``kind`` says where from; ``path`` (a binary) or ``endpoint`` (a remote URL)."""

    kind: Kind
    path: Path | None = None
    endpoint: str | None = None

    @property
    def is_cdp(self) -> bool:
        """A remote DevTools endpoint rather than a Playwright server."""
        url = self.endpoint or ""
        return url.startswith(("http://", "https://")) or "/devtools/browser/" in url

    def describe(self) -> str:
        """One line for ``jobflow doctor``."""
        if self.kind == "ws_endpoint":
            what = "Chromium DevTools endpoint" if self.is_cdp else "Playwright server"
            return f"remote {what} {mask_endpoint(self.endpoint or '')} (JOBFLOW_BROWSER_WS_ENDPOINT)"
        source = {
            "executable": "JOBFLOW_BROWSER_EXECUTABLE",
            "playwright": "Playwright's download",
            "system": "system browser",
        }[self.kind]
        return f"{self.path} ({source})"


def install_hint() -> str:
    """The exact command that installs a browser jobflow can use."""
    return f"{shlex.quote(sys.executable)} -m playwright install chromium"


def install_hints() -> list[str]:
    """Every command that installs a usable browser here (Playwright's download first)."""
    return [install_hint(), *(["apt-get install -y chromium"] if sys.platform.startswith("linux") else [])]


def mask_endpoint(endpoint: str) -> str:
    """``endpoint`` without user, password or query (tokens): fit for logs and ``jobflow doctor``."""
    parts = urlsplit(endpoint)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, netloc, parts.path, "…" if parts.query else "", ""))


def _browsers_dir() -> Path:
    env = os.environ.get("PLAYWRIGHT_BROWSERS_PATH")
    if env == "0":  # browsers installed inside the playwright package
        spec = find_spec("playwright")
        origin = Path(spec.origin).parent if spec is not None and spec.origin else Path(".")
        return origin / "driver" / "package" / ".local-browsers"
    if env:
        return Path(env).expanduser()
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "ms-playwright"
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA", str(Path.home()))) / "ms-playwright"
    return Path(os.environ.get("XDG_CACHE_HOME", str(Path.home() / ".cache"))) / "ms-playwright"


def _playwright_revision() -> str | None:
    spec = find_spec("playwright")
    if spec is None or not spec.submodule_search_locations:
        return None
    browsers = Path(next(iter(spec.submodule_search_locations))) / "driver" / "package" / "browsers.json"
    try:
        data = json.loads(browsers.read_text())
    except (OSError, ValueError):
        return None
    for entry in data.get("browsers", []):
        if entry.get("name") == "chromium":
            return str(entry.get("revision"))
    return None


def _revision_number(folder: Path) -> int:
    found = re.search(r"-(\d+)$", folder.name)
    return int(found.group(1)) if found else -1


def _playwright_download() -> Path | None:
    """The Chromium of the installed Playwright's own revision, else the newest downloaded one."""
    root = _browsers_dir()
    if not root.is_dir():
        return None
    wanted = _playwright_revision()
    folders = sorted(root.glob("chromium-*"), key=_revision_number, reverse=True)
    folders.sort(key=lambda folder: folder.name != f"chromium-{wanted}")  # stable: the exact revision first
    for folder in folders:
        for relative in _DOWNLOAD_BINARIES:
            if (folder / relative).is_file():
                return folder / relative
    return None


def _system_browser() -> Path | None:
    for name in _SYSTEM_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return next((Path(p) for p in _SYSTEM_PATHS if Path(p).is_file()), None)


@dataclass(frozen=True)
class Candidate:
    """One source of a browser, as ``jobflow doctor`` lists them; ``configured``: the user set it."""

    source: str
    usable: bool
    detail: str
    configured: bool = False
    choice: BrowserChoice | None = None


def _endpoint(settings: Settings) -> Candidate:
    source = "JOBFLOW_BROWSER_WS_ENDPOINT"
    endpoint = (settings.jobflow_browser_ws_endpoint or "").strip()
    if not endpoint:
        return Candidate(source, False, "not set")
    if not endpoint.startswith(("ws://", "wss://", "http://", "https://")):
        return Candidate(source, False, f"{mask_endpoint(endpoint)}: not a ws:// or http:// URL", True)
    return Candidate(source, True, mask_endpoint(endpoint), True, BrowserChoice("ws_endpoint", endpoint=endpoint))


def _executable(settings: Settings) -> Candidate:
    source = "JOBFLOW_BROWSER_EXECUTABLE"
    if settings.jobflow_browser_executable is None:
        return Candidate(source, False, "not set")
    path = settings.jobflow_browser_executable.expanduser()
    if not path.is_file() or not os.access(path, os.X_OK):
        return Candidate(source, False, f"{path}: not an executable file", True)
    return Candidate(source, True, str(path), True, BrowserChoice("executable", path=path))


def candidates(settings: Settings) -> list[Candidate]:
    """Every source in the order the pool tries them, each saying whether it is usable and why."""
    download, system = _playwright_download(), _system_browser()
    return [
        _endpoint(settings),
        _executable(settings),
        Candidate("Playwright's Chromium", True, str(download), choice=BrowserChoice("playwright", path=download))
        if download
        else Candidate("Playwright's Chromium", False, f"not found in {_browsers_dir()}"),
        Candidate("system Chromium", True, str(system), choice=BrowserChoice("system", path=system))
        if system
        else Candidate("system Chromium", False, "no chromium or google-chrome on PATH"),
    ]


def pick(found: list[Candidate]) -> Candidate | None:
    """The source the pool uses: the first one set or usable (a source the user set must work: no fallback)."""
    return next((c for c in found if c.usable or c.configured), None)


def find_browser(settings: Settings) -> BrowserChoice:
    """The browser to use, in DESIGN.md's order; ``ConfigError`` (with :func:`install_hint`) when none."""
    chosen = pick(candidates(settings))
    if chosen is None:
        raise ConfigError(f"no Chromium or Chrome found; install one with: {' or '.join(install_hints())}")
    if chosen.choice is None:
        raise ConfigError(f"{chosen.source} is set but unusable: {chosen.detail}")
    return chosen.choice
