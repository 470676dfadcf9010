"""Which browser the pool uses, found in DESIGN.md's order, and the command that installs one when none is.

1. ``JOBFLOW_BROWSER_WS_ENDPOINT``: a remote browser. ``ws://host:port/...`` is a Playwright server
   (``playwright run-server``); ``http://host:port`` or a ``ws://.../devtools/browser/...`` URL is a
   Chromium DevTools (CDP) endpoint.
2. ``JOBFLOW_BROWSER_EXECUTABLE``: a Chromium or Chrome binary.
3. Playwright's own download (``python -m playwright install chromium``).
4. The system's Chromium or Chrome (``/usr/bin/chromium``, ``google-chrome``, ...).
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sys
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import Literal

from jobflow.config import Settings
from jobflow.errors import ConfigError

__all__ = ["BrowserChoice", "find_browser", "install_hint"]

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
            return f"remote {what} {self.endpoint} (JOBFLOW_BROWSER_WS_ENDPOINT)"
        source = {
            "executable": "JOBFLOW_BROWSER_EXECUTABLE",
            "playwright": "Playwright's download",
            "system": "system browser",
        }[self.kind]
        return f"{self.path} ({source})"


def install_hint() -> str:
    """The exact command that installs a browser jobflow can use."""
    return f"{shlex.quote(sys.executable)} -m playwright install chromium"


def _browsers_dir() -> Path:
    env = os.environ.get("PLAYWRIGHT_BROWSERS_PATH")
    if env and env != "0":
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


def _playwright_download() -> Path | None:
    revision = _playwright_revision()
    if revision is None:
        return None
    folder = _browsers_dir() / f"chromium-{revision}"
    for relative in _DOWNLOAD_BINARIES:
        candidate = folder / relative
        if candidate.is_file():
            return candidate
    return None


def _system_browser() -> Path | None:
    for name in _SYSTEM_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return next((Path(p) for p in _SYSTEM_PATHS if Path(p).is_file()), None)


def find_browser(settings: Settings) -> BrowserChoice:
    """The browser to use, in DESIGN.md's order; ``ConfigError`` (with :func:`install_hint`) when none."""
    if settings.jobflow_browser_ws_endpoint:
        endpoint = settings.jobflow_browser_ws_endpoint.strip()
        if not endpoint.startswith(("ws://", "wss://", "http://", "https://")):
            raise ConfigError(f"JOBFLOW_BROWSER_WS_ENDPOINT must be a ws:// or http:// URL, got {endpoint!r}")
        return BrowserChoice("ws_endpoint", endpoint=endpoint)
    if settings.jobflow_browser_executable is not None:
        path = settings.jobflow_browser_executable.expanduser()
        if not path.is_file() or not os.access(path, os.X_OK):
            raise ConfigError(f"JOBFLOW_BROWSER_EXECUTABLE {str(path)!r} is not an executable file")
        return BrowserChoice("executable", path=path)
    download = _playwright_download()
    if download is not None:
        return BrowserChoice("playwright", path=download)
    system = _system_browser()
    if system is not None:
        return BrowserChoice("system", path=system)
    raise ConfigError(f"no Chromium or Chrome found; install one with: {install_hint()}")
