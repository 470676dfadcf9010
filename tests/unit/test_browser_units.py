"""The browser layer's parts that need no browser: discovery, politeness, identity, sessions, the sleep ban."""

from __future__ import annotations

import asyncio
import os
import random
import re
from datetime import date
from pathlib import Path

import pytest

from jobflow.browser.discovery import find_browser, install_hint
from jobflow.browser.human import key_delays
from jobflow.browser.ratelimit import InMemoryDailyLimit, RateLimiter, TokenBucket
from jobflow.browser.sessions import SessionStore
from jobflow.browser.stealth import ChromiumStealth, NoStealth, select_profile
from jobflow.browser.stealth.identity import BrowserIdentity, headful_user_agent
from jobflow.clock import FakeClock
from jobflow.config import Settings
from jobflow.errors import ConfigError, DailyLimitReached, PluginError
from jobflow.spec.durations import parse_rate
from jobflow.spec.models import BrowserOptions

FRAMEWORK = Path(__file__).resolve().parents[2] / "framework" / "jobflow"


def test_only_the_waits_module_waits_on_time() -> None:
    # Ruff's banned-api cannot see `page.wait_for_timeout(...)` on an instance; this test can.
    offenders = [
        str(path.relative_to(FRAMEWORK))
        for path in FRAMEWORK.rglob("*.py")
        if path.name != "waits.py" and re.search(r"\.wait_for_timeout\(", path.read_text())
    ]
    assert offenders == []


def test_playwright_is_imported_only_in_the_browser_package() -> None:
    pattern = re.compile(r"^\s*(from|import)\s+(playwright|patchright)\b", re.MULTILINE)
    offenders = [
        str(path.relative_to(FRAMEWORK))
        for path in FRAMEWORK.rglob("*.py")
        if "browser" not in path.relative_to(FRAMEWORK).parts and pattern.search(path.read_text())
    ]
    assert offenders == []


def _settings(tmp_path: Path, **values: object) -> Settings:
    base: dict[str, object] = {"jobflow_home": tmp_path, "jobflow_browser_ws_endpoint": None}
    return Settings(**{**base, **values})  # type: ignore[arg-type]


def test_discovery_order_and_hint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    remote = find_browser(_settings(tmp_path, jobflow_browser_ws_endpoint="ws://10.0.0.5:3000/"))
    assert remote.kind == "ws_endpoint"
    assert not remote.is_cdp
    assert find_browser(_settings(tmp_path, jobflow_browser_ws_endpoint="http://127.0.0.1:9222")).is_cdp
    with pytest.raises(ConfigError, match="ws:// or http://"):
        find_browser(_settings(tmp_path, jobflow_browser_ws_endpoint="10.0.0.5:3000"))

    binary = tmp_path / "my-chrome"
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    chosen = find_browser(_settings(tmp_path, jobflow_browser_executable=binary))
    assert chosen.kind == "executable"
    assert chosen.path == binary
    assert "JOBFLOW_BROWSER_EXECUTABLE" in chosen.describe()
    with pytest.raises(ConfigError, match="not an executable"):
        find_browser(_settings(tmp_path, jobflow_browser_executable=tmp_path / "missing"))

    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "no-downloads"))
    with pytest.raises(ConfigError) as caught:
        find_browser(_settings(tmp_path))
    assert install_hint() in str(caught.value)
    assert install_hint().endswith("-m playwright install chromium")

    download = tmp_path / "no-downloads" / "chromium-0" / "chrome-linux64" / "chrome"
    monkeypatch.setattr("jobflow.browser.discovery._playwright_revision", lambda: "0")
    download.parent.mkdir(parents=True)
    download.write_text("")
    assert find_browser(_settings(tmp_path)).kind == "playwright"


async def test_token_bucket_spaces_requests_on_the_clock() -> None:
    clock = FakeClock()
    bucket = TokenBucket(parse_rate("20/min"), clock)
    assert await bucket.acquire() == 0.0
    assert await bucket.acquire() == pytest.approx(3.0)
    clock.advance(10)
    assert await bucket.acquire() == 0.0  # refilled, but never above the burst of one
    assert await bucket.acquire() == pytest.approx(3.0)


async def test_rate_limiter_serves_concurrent_waiters_in_turn() -> None:
    clock = FakeClock()
    limiter = RateLimiter({"a": parse_rate("1/s"), "b": None}, clock)
    waits = await asyncio.gather(*(limiter.acquire("a") for _ in range(4)))
    assert sorted(waits) == [0.0, 1.0, 1.0, 1.0]
    assert clock.monotonic() == pytest.approx(3.0)
    assert await limiter.acquire("b") == 0.0
    assert limiter.bucket("b") is None


async def test_in_memory_daily_limit() -> None:
    daily = InMemoryDailyLimit()
    today = date(2026, 3, 2)
    assert await daily.spend("site", "applications_per_day", today, 2) == 1
    assert await daily.spend("site", "applications_per_day", today, 2) == 2
    with pytest.raises(DailyLimitReached):
        await daily.spend("site", "applications_per_day", today, 2)
    assert await daily.used("site", "applications_per_day", today) == 2
    assert await daily.spend("site", "applications_per_day", date(2026, 3, 3), 2) == 1


def test_key_delays_jitter_around_the_mean() -> None:
    delays = key_delays(500, random.Random(1))
    assert all(0.065 <= d <= 0.135 for d in delays)
    assert abs(sum(delays) / len(delays) - 0.1) < 0.005


def test_identity_keeps_the_real_browser_and_os() -> None:
    ua = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36"
    assert headful_user_agent(ua).count("Chrome/156.0.0.0") == 1
    assert "Headless" not in headful_user_agent(ua)
    remote = BrowserIdentity.from_browser(ua, "156.0.8078.108")
    assert remote.os_name == "Linux"
    assert remote.metadata()["fullVersion"] == "156.0.8078.108"
    assert "brands" not in remote.metadata()  # the browser fills in its own
    mac = BrowserIdentity.from_browser(ua.replace("X11; Linux x86_64", "Macintosh; Intel Mac OS X 10_15_7"), "156.0")
    assert mac.os_name == "macOS"


def test_profile_follows_the_flag(tmp_path: Path) -> None:
    assert isinstance(select_profile(_settings(tmp_path)), ChromiumStealth)
    assert isinstance(select_profile(_settings(tmp_path, anti_detection_enabled=False)), NoStealth)
    assert isinstance(select_profile(_settings(tmp_path), BrowserOptions(stealth=False)), NoStealth)


def test_sessions_are_private_and_named_safely(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    with pytest.raises(PluginError):
        store.path("../etc")
    store.save("board", {"cookies": [], "origins": []})
    assert os.stat(store.path("board")).st_mode & 0o777 == 0o600
    assert store.load("board") == {"cookies": [], "origins": []}
    store.path("broken").write_text("{not json")
    assert store.load("broken") is None
    store.delete("board")
    assert store.load("board") is None
