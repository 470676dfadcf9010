"""jobflow: declarative YAML workflows that automate job-search work in a real browser.

The public API is re-exported here and imported lazily, so ``jobflow --help`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    "hookimpl": "jobflow.hookspecs",
    "hookspec": "jobflow.hookspecs",
    "step": "jobflow.steptype",
    "StepContext": "jobflow.steptype",
    "StepOutputs": "jobflow.steptype",
    "StepParams": "jobflow.steptype",
    "StepType": "jobflow.steptype",
    "SiteSpec": "jobflow.sites",
    "RunInfo": "jobflow.events",
    "StepInfo": "jobflow.events",
    "Settings": "jobflow.config",
    "get_settings": "jobflow.config",
    "JobflowError": "jobflow.errors",
    "StepError": "jobflow.errors",
    "StepTimeout": "jobflow.errors",
    "NetworkError": "jobflow.errors",
    "RateLimited": "jobflow.errors",
    "LoginRequired": "jobflow.errors",
    "Checkpoint": "jobflow.errors",
    "SiteChanged": "jobflow.errors",
    "AlreadyApplied": "jobflow.errors",
    "DailyLimitReached": "jobflow.errors",
    "BrowserCrashed": "jobflow.errors",
    "WorkflowInvalid": "jobflow.errors",
    "PluginError": "jobflow.errors",
}

__all__ = [
    "AlreadyApplied",
    "BrowserCrashed",
    "Checkpoint",
    "DailyLimitReached",
    "JobflowError",
    "LoginRequired",
    "NetworkError",
    "PluginError",
    "RateLimited",
    "RunInfo",
    "Settings",
    "SiteChanged",
    "SiteSpec",
    "StepContext",
    "StepError",
    "StepInfo",
    "StepOutputs",
    "StepParams",
    "StepTimeout",
    "StepType",
    "WorkflowInvalid",
    "__version__",
    "get_settings",
    "hookimpl",
    "hookspec",
    "step",
]

if TYPE_CHECKING:
    from jobflow.config import Settings, get_settings
    from jobflow.errors import (
        AlreadyApplied,
        BrowserCrashed,
        Checkpoint,
        DailyLimitReached,
        JobflowError,
        LoginRequired,
        NetworkError,
        PluginError,
        RateLimited,
        SiteChanged,
        StepError,
        StepTimeout,
        WorkflowInvalid,
    )
    from jobflow.events import RunInfo, StepInfo
    from jobflow.hookspecs import hookimpl, hookspec
    from jobflow.sites import SiteSpec
    from jobflow.steptype import StepContext, StepOutputs, StepParams, StepType, step


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'jobflow' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
