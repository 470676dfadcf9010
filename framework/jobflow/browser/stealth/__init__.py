"""Stealth as a replaceable profile: :class:`ChromiumStealth` by default, :class:`NoStealth` when off."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobflow.browser.stealth.chromium import ChromiumStealth
from jobflow.browser.stealth.identity import BrowserIdentity
from jobflow.browser.stealth.profile import BASE_ARGS, NoStealth, StealthProfile

if TYPE_CHECKING:
    from jobflow.config import Settings
    from jobflow.spec.models import BrowserOptions

__all__ = ["BASE_ARGS", "BrowserIdentity", "ChromiumStealth", "NoStealth", "StealthProfile", "select_profile"]


def select_profile(settings: Settings, options: BrowserOptions | None = None) -> StealthProfile:
    """Stealth on unless ``ANTI_DETECTION_ENABLED=false`` or the workflow's ``browser.stealth: false``."""
    if not settings.anti_detection_enabled or (options is not None and not options.stealth):
        return NoStealth()
    return ChromiumStealth()
