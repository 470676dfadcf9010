"""The state one run shares among its steps (built by the engine, read by the step executor)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jobflow.clock import Clock
from jobflow.config import Settings
from jobflow.events import RunInfo, StepInfo
from jobflow.plugins import Plugins
from jobflow.redact import Redactor
from jobflow.spec.expressions import Evaluator

__all__ = ["RunState"]


@dataclass(slots=True)
class RunState:
    """Services and records of one run in progress."""

    run: RunInfo
    plugins: Plugins
    settings: Settings
    clock: Clock
    rng: random.Random
    evaluator: Evaluator
    redactor: Redactor
    secrets: dict[str, str]
    workflow_dir: Path
    store: Any = None
    browser: Any = None
    """The run's ``jobflow.browser.BrowserPool`` (lazy: Chromium starts on the first lease)."""
    records: list[StepInfo] = field(default_factory=list)
    """Every finished attempt (and every skipped step), in the order they ended."""
    step_attempt_base: int = 0
    """The highest step attempt recorded for this run before this run attempt (0 on a first attempt):
    step attempts are numbered after it, so a retried run never overwrites an earlier attempt's records."""
