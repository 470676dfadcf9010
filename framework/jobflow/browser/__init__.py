"""The browser layer: the pool (the only place a browser is launched), stealth, waits, input, politeness.

Site plugins use the Playwright API on pages leased from the pool; ``playwright`` (or its drop-in
``patchright``) is imported only inside this package.
"""

from __future__ import annotations

from jobflow.browser.artifacts import EvidenceTarget, FailureArtifacts, capture_failure, record_failure
from jobflow.browser.contexts import PoolLimits
from jobflow.browser.discovery import BrowserChoice, Candidate, candidates, find_browser, install_hint
from jobflow.browser.extract import FieldRule, extract_records, follow_next
from jobflow.browser.pool import BrowserPool
from jobflow.browser.ratelimit import DailyLimit, InMemoryDailyLimit, RateLimiter, TokenBucket
from jobflow.browser.timeouts import PoolTimeouts
from jobflow.browser.waits import goto, wait_until

__all__ = [
    "BrowserChoice",
    "BrowserPool",
    "Candidate",
    "DailyLimit",
    "EvidenceTarget",
    "FailureArtifacts",
    "FieldRule",
    "InMemoryDailyLimit",
    "PoolLimits",
    "PoolTimeouts",
    "RateLimiter",
    "TokenBucket",
    "candidates",
    "capture_failure",
    "extract_records",
    "find_browser",
    "follow_next",
    "goto",
    "install_hint",
    "record_failure",
    "wait_until",
]
