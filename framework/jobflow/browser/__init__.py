"""The browser layer: the pool (the only place a browser is launched), stealth, waits, input, politeness.

Site plugins use the Playwright API on pages leased from the pool; ``playwright`` (or its drop-in
``patchright``) is imported only inside this package.
"""

from __future__ import annotations

from jobflow.browser.artifacts import FailureArtifacts, capture_failure
from jobflow.browser.contexts import PoolLimits
from jobflow.browser.discovery import BrowserChoice, find_browser, install_hint
from jobflow.browser.pool import BrowserPool
from jobflow.browser.ratelimit import DailyLimit, InMemoryDailyLimit, RateLimiter, TokenBucket
from jobflow.browser.timeouts import PoolTimeouts
from jobflow.browser.waits import goto, wait_until

__all__ = [
    "BrowserChoice",
    "BrowserPool",
    "DailyLimit",
    "FailureArtifacts",
    "InMemoryDailyLimit",
    "PoolLimits",
    "PoolTimeouts",
    "RateLimiter",
    "TokenBucket",
    "capture_failure",
    "find_browser",
    "goto",
    "install_hint",
    "wait_until",
]
