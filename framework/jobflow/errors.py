"""Every error jobflow raises on purpose, in one tree.

::

    JobflowError                      base; the CLI prints ``str(exc)`` on one line, exit code ``exit_code``
    ├── ConfigError                   bad settings or environment (exit 2)
    ├── WorkflowInvalid               the workflow failed validation; carries every Problem (exit 2)
    ├── PluginError                   a plugin failed to import, register or declared a bad hook (exit 2)
    │   └── DuplicateStep             two plugins registered the same step name
    ├── StoreError                    the database could not be opened, migrated or written
    ├── SchedulerBusy                 another scheduler holds this database's scheduler lease
    ├── NotFound                      a run (job, application, ...) named by the user does not exist (exit 2)
    ├── ExpressionError               a ``${{ }}`` expression failed at run time (names step + expression)
    ├── SecretError                   a secret reference could not be resolved (never shows the value)
    └── StepError                     raised by a step; ``code`` is what ``retry_on`` lists match
        ├── StepTimeout               the step's timeout elapsed (code ``timeout``)
        ├── NetworkError              connection refused/reset, DNS, HTTP 5xx (code ``network``)
        ├── RateLimited               HTTP 429/999 or a site's own throttle message; ``retry_after``
        ├── LoginRequired             a login or auth wall (code ``auth``; not retried by default)
        ├── Checkpoint                CAPTCHA or verification page (code ``captcha``; never retried)
        ├── SiteChanged               an expected element is missing: the page structure drifted
        ├── AlreadyApplied            the posting was applied to before (code ``already_applied``)
        ├── DailyLimitReached         a site's or the user's daily limit is spent (not retried today)
        └── BrowserCrashed            the browser or its context died; the pool replaced it

Who raises what: the spec package raises ``WorkflowInvalid``; the plugin manager ``PluginError``; the
store ``StoreError``; the expression evaluator ``ExpressionError``; steps (site plugins, core steps)
raise ``StepError`` subclasses; the engine wraps anything else a step raises as ``StepError`` with
code ``error``. Who handles what: the retry module (``jobflow.engine.retry``) decides on ``code``;
the engine records class and message; the CLI turns every ``JobflowError`` into one line and its
``exit_code`` (tracebacks only with ``--debug``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

__all__ = [
    "AlreadyApplied",
    "BrowserCrashed",
    "Checkpoint",
    "ConfigError",
    "DailyLimitReached",
    "DuplicateStep",
    "ExpressionError",
    "JobflowError",
    "LoginRequired",
    "NetworkError",
    "NotFound",
    "PluginError",
    "Problem",
    "RateLimited",
    "SchedulerBusy",
    "SecretError",
    "SiteChanged",
    "StepError",
    "StepTimeout",
    "StoreError",
    "WorkflowInvalid",
    "error_codes",
]


class JobflowError(Exception):
    """Base of every error jobflow raises on purpose."""

    exit_code: int = 1


class ConfigError(JobflowError):
    """Raised by ``jobflow.config`` for a bad setting; the CLI exits 2."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class Problem:
    """One validation problem at a position in a file (1-based line and column)."""

    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


class WorkflowInvalid(JobflowError):
    """Raised by ``jobflow.spec`` with every problem found; the CLI prints one per line, exit 2."""

    exit_code = 2

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.col, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))


class PluginError(JobflowError):
    """Raised by ``jobflow.plugins`` when a plugin cannot be loaded or registers something bad."""

    exit_code = 2


class DuplicateStep(PluginError):
    """Raised by the step registry when two plugins register the same step name."""


class StoreError(JobflowError):
    """Raised by ``jobflow.store`` when the database cannot be opened, migrated or written."""


class SchedulerBusy(JobflowError):
    """Raised by ``jobflow daemon`` when another scheduler is active on the same database (one at a time:
    the lease in ``scheduler_lease``); ``--standby`` waits and takes over instead."""


class NotFound(JobflowError):
    """Raised by the CLI when a run (job, application, reminder) the user named by id does not exist."""

    exit_code = 2


class SecretError(JobflowError):
    """Raised when a secret reference (``{env: NAME}``, ``{file: PATH}``) cannot be resolved."""

    exit_code = 2


class ExpressionError(JobflowError):
    """Raised by the expression evaluator; the message names the step and the expression."""


class StepError(JobflowError):
    """Base of errors raised by steps. ``code`` is what ``retry_on``/``never_retry_on`` match.

    ``retryable`` is the default when a retry policy does not list ``retry_on``.
    """

    code: str = "error"
    retryable: bool = False


class StepTimeout(StepError):
    """Raised by the engine when a step attempt exceeds its timeout."""

    code = "timeout"
    retryable = True


class NetworkError(StepError):
    """Raised by steps for connection failures and HTTP 5xx answers."""

    code = "network"
    retryable = True


class RateLimited(StepError):
    """Raised by site steps on HTTP 429/999 or a throttle page; the retry waits ``retry_after`` at least."""

    code = "rate_limited"
    retryable = True

    def __init__(self, message: str, retry_after: timedelta | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class LoginRequired(StepError):
    """Raised by site steps that hit a login or auth wall."""

    code = "auth"


class Checkpoint(StepError):
    """Raised on a CAPTCHA or verification page. Never retried, never solved: the user is told."""

    code = "captcha"


class SiteChanged(StepError):
    """Raised when an expected element is missing: the site's structure drifted from the plugin."""

    code = "site_changed"


class AlreadyApplied(StepError):
    """Raised by apply steps when the posting was applied to before."""

    code = "already_applied"


class DailyLimitReached(StepError):
    """Raised when a site's or the workflow's daily limit is spent."""

    code = "daily_limit"


class BrowserCrashed(StepError):
    """Raised by the browser pool when the browser or a context died; the pool has replaced it."""

    code = "browser_crashed"
    retryable = True


NEVER_RETRIED: frozenset[str] = frozenset({Checkpoint.code})


def error_codes() -> dict[str, type[StepError]]:
    """Every ``StepError`` code and class name, as ``retry_on`` accepts them."""
    found: dict[str, type[StepError]] = {}
    pending: list[type[StepError]] = [StepError]
    while pending:
        cls = pending.pop()
        found[cls.code] = found.get(cls.code, cls)
        found[cls.__name__] = cls
        pending.extend(cls.__subclasses__())
    return found
