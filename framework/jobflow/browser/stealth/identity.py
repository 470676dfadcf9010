"""The browser's real identity: product, version, OS and CPU, read from the binary and the running browser.

Stealth never invents an identity: the user agent is the one the browser itself reports, with only the
headless marker (``HeadlessChrome``) replaced by ``Chrome``, and the client-hint metadata describes the same
OS, CPU and version. Brand lists are left to the browser, which fills its own.
"""

from __future__ import annotations

import asyncio
import platform
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["BrowserIdentity", "headful_user_agent", "probe_version", "reduced_user_agent"]

_VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)\.(\d+)")
_PLATFORM_TOKENS = {
    "Linux": "X11; Linux x86_64",
    "macOS": "Macintosh; Intel Mac OS X 10_15_7",
    "Windows": "Windows NT 10.0; Win64; x64",
    "Chrome OS": "X11; CrOS x86_64 14541.0.0",
}


def _local_platform() -> str:
    system = platform.system()
    return {"Darwin": "macOS", "Windows": "Windows"}.get(system, "Linux")


def _cpu(machine: str) -> tuple[str, str]:
    machine = machine.lower()
    arch = "arm" if machine.startswith(("arm", "aarch")) else "x86"
    bits = "64" if machine.endswith("64") or machine in ("arm64", "aarch64") else "32"
    return arch, bits


def headful_user_agent(user_agent: str) -> str:
    """``user_agent`` with the headless marker removed: ``HeadlessChrome/156...`` -> ``Chrome/156...``."""
    return user_agent.replace("HeadlessChrome/", "Chrome/")


def reduced_user_agent(major: int, os_name: str) -> str:
    """The reduced user-agent string Chrome ``major`` itself sends on ``os_name`` (its frozen form)."""
    token = _PLATFORM_TOKENS.get(os_name, _PLATFORM_TOKENS["Linux"])
    return f"Mozilla/5.0 ({token}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{major}.0.0.0 Safari/537.36"


async def probe_version(executable: Path, within: float = 20.0) -> str | None:
    """The full version printed by ``<executable> --version`` (``156.0.8078.108``), or ``None``."""
    try:
        process = await asyncio.create_subprocess_exec(
            str(executable),
            "--version",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
    except OSError:
        return None
    try:
        async with asyncio.timeout(within):
            out, _ = await process.communicate()
    except TimeoutError:
        process.kill()
        await process.wait()
        return None
    match = _VERSION.search(out.decode(errors="replace"))
    return match.group(0) if match else None


@dataclass(frozen=True)
class BrowserIdentity:
    """What the browser is, as pages should see it."""

    user_agent: str
    full_version: str
    os_name: str
    architecture: str
    bitness: str

    @classmethod
    def local(cls, full_version: str) -> BrowserIdentity:
        """The identity of a local binary of ``full_version`` on this machine."""
        os_name = _local_platform()
        arch, bits = _cpu(platform.machine())
        return cls(reduced_user_agent(int(full_version.split(".")[0]), os_name), full_version, os_name, arch, bits)

    @classmethod
    def from_browser(cls, user_agent: str, full_version: str) -> BrowserIdentity:
        """The identity of a running (possibly remote) browser from its own user agent and version."""
        keywords = (("CrOS", "Chrome OS"), ("Macintosh", "macOS"), ("Windows", "Windows"))
        os_name = next((name for keyword, name in keywords if keyword in user_agent), "Linux")
        machine = "arm64" if re.search(r"aarch64|arm64|armv8", user_agent) else "x86_64"
        arch, bits = _cpu(machine)
        return cls(headful_user_agent(user_agent), full_version, os_name, arch, bits)

    def metadata(self) -> dict[str, Any]:
        """Client-hint metadata for ``Emulation.setUserAgentOverride``; brand lists are the browser's own."""
        return {
            "platform": self.os_name,
            "platformVersion": platform.mac_ver()[0] if self.os_name == "macOS" else "",
            "architecture": self.architecture,
            "model": "",
            "mobile": False,
            "bitness": self.bitness,
            "wow64": False,
            "fullVersion": self.full_version,
        }
