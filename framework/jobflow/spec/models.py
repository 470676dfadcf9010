"""The workflow format as strict pydantic models (unknown keys rejected everywhere).

``jobflow.spec.loader`` turns a YAML file into these models and maps every pydantic error back to the
file, line and column of the offending node. Step ``with:`` blocks stay plain dicts here: they are checked
against each step's own params model by ``jobflow.spec.checks``.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainSerializer,
    Tag,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from jobflow.errors import NEVER_RETRIED, error_codes
from jobflow.spec.durations import Rate, check_cron, format_duration, parse_duration, parse_rate

__all__ = [
    "Backoff",
    "BrowserOptions",
    "CronTrigger",
    "DateTrigger",
    "Defaults",
    "Duration",
    "InputSpec",
    "IntervalTrigger",
    "RateValue",
    "RetryPolicy",
    "SchedulePolicy",
    "SecretRef",
    "SiteConfig",
    "Step",
    "Trigger",
    "WaitSpec",
    "Workflow",
]

Duration = Annotated[
    timedelta,
    BeforeValidator(parse_duration),
    PlainSerializer(format_duration, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^(\d+(\.\d+)?(ms|s|m|h|d|w))+$", "examples": ["500ms", "60s"]}),
]
RateValue = Annotated[
    Rate,
    BeforeValidator(parse_rate),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^\d+(\.\d+)?/\d*(ms|s|sec|m|min|h|hour|d|day)$"}),
]
CronExpr = Annotated[str, BeforeValidator(check_cron)]

IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
STEP_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False)


# --------------------------------------------------------------------------------------------- triggers


class CronTrigger(_Model):
    """Fire on a cron schedule in a timezone, optionally spread by a random ``jitter``."""

    cron: CronExpr
    timezone: str = "UTC"
    jitter: Duration | None = None

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown timezone {value!r} (use an IANA name such as Europe/Berlin)") from None
        return value


class IntervalTrigger(_Model):
    """Fire every ``every`` (``6h``), starting at ``start`` or when the schedule is first registered."""

    every: Duration
    start: datetime | None = None
    jitter: Duration | None = None

    @field_validator("every")
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value.total_seconds() < 1:
            raise ValueError("interval must be at least 1s")
        return value


class DateTrigger(_Model):
    """Fire once at ``at`` (an ISO 8601 time with its UTC offset)."""

    at: datetime

    @field_validator("at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("'at' needs a UTC offset or Z, e.g. 2026-12-01T09:00:00+01:00")
        return value


def _trigger_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        for key in ("cron", "every", "at"):
            if key in value:
                return key
        return None
    return getattr(value, "_kind", None)


Trigger = Annotated[
    Annotated[CronTrigger, Tag("cron")] | Annotated[IntervalTrigger, Tag("every")] | Annotated[DateTrigger, Tag("at")],
    Discriminator(
        _trigger_kind,
        custom_error_type="trigger_kind",
        custom_error_message="a trigger needs one of 'cron', 'every' or 'at'",
    ),
]


class SchedulePolicy(_Model):
    """How the daemon runs this workflow's triggers: overlapping runs, and catch-up after downtime."""

    overlap: Literal["skip", "queue", "allow"] = Field(
        default="skip",
        description=(
            "A fire time due while a run is in flight: `skip` it (recorded), `queue` one to run next, "
            "or `allow` up to `max_instances` runs at once."
        ),
    )
    max_instances: int = Field(default=1, ge=1, le=100, description="Concurrent runs with `overlap: allow`.")
    catch_up: Literal["coalesce", "all"] = Field(
        default="coalesce",
        description=(
            "Fire times missed while the daemon was down: `coalesce` them into one run (their number and "
            "range recorded), or run the newest `catch_up_max` one after another (older ones recorded missed)."
        ),
    )
    catch_up_max: int = Field(default=3, ge=1, le=100, description="Catch-up runs with `catch_up: all`.")


# ---------------------------------------------------------------------------------------------- inputs

InputType = Literal["string", "integer", "number", "boolean", "list", "object"]


class InputSpec(_Model):
    """A workflow input: typed, with a default; ``--input k=v`` overrides it."""

    type: InputType = "string"
    default: Any = None
    required: bool = False
    description: str = ""
    choices: list[Any] | None = None


class SecretRef(_Model):
    """Where a secret comes from: an environment variable or a file. Never a literal."""

    env: str | None = None
    file: str | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> SecretRef:
        if (self.env is None) == (self.file is None):
            raise ValueError("a secret needs exactly one of 'env' or 'file'")
        return self


# ----------------------------------------------------------------------------------------- policies


class Backoff(_Model):
    """Exponential backoff: ``initial * factor**(n-1)``, capped at ``max``, with optional jitter."""

    initial: Duration
    factor: float = Field(default=2.0, ge=1.0)
    max: Duration | None = None
    jitter: Literal["none", "full", "equal"] = "none"


class RetryPolicy(_Model):
    """How often a step is attempted and how long to wait between attempts."""

    max_attempts: int = Field(default=1, ge=1, le=100)
    backoff: list[Duration] | Backoff = Field(
        default_factory=lambda: [timedelta(seconds=60), timedelta(seconds=120), timedelta(seconds=300)]
    )
    retry_on: list[str] | None = None
    never_retry_on: list[str] = Field(default_factory=list)

    @field_validator("backoff")
    @classmethod
    def _non_empty(cls, value: list[timedelta] | Backoff) -> list[timedelta] | Backoff:
        if isinstance(value, list) and not value:
            raise ValueError("backoff list must not be empty")
        return value

    @field_validator("retry_on", "never_retry_on")
    @classmethod
    def _known_codes(cls, value: list[str] | None, info: ValidationInfo) -> list[str] | None:
        if value is None:
            return value
        known = error_codes()
        for code in value:
            if code not in known:
                from difflib import get_close_matches

                close = get_close_matches(code, list(known), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                codes = ", ".join(sorted(c for c in known if c.islower()))
                raise ValueError(f"unknown error class {code!r}{hint} (known: {codes})")
            if info.field_name == "retry_on" and known[code].code in NEVER_RETRIED:
                raise ValueError(f"{code!r} is never retried: CAPTCHAs and checkpoints need the user")
        return value


class WaitSpec(_Model):
    """When a page counts as ready: a load state or a selector, a timeout, an optional short settle."""

    until: Literal["load", "domcontentloaded", "networkidle", "selector"] = "load"
    timeout: Duration = timedelta(seconds=30)
    settle: Duration | None = None
    selector: str | None = None
    stable_count: bool = False

    @model_validator(mode="after")
    def _check(self) -> WaitSpec:
        if self.until == "selector" and not self.selector:
            raise ValueError("wait 'until: selector' needs a 'selector'")
        if self.settle is not None and self.settle > timedelta(seconds=1):
            raise ValueError("'settle' is at most 1s: wait on a condition, not on time")
        return self


class Defaults(_Model):
    """Workflow-wide defaults; sites and steps override them (the most specific wins)."""

    timeout: Duration | None = None
    retry: RetryPolicy | None = None
    misfire_grace: Duration | None = None
    wait: WaitSpec | None = None


class BrowserOptions(_Model):
    """The shared browser pool for this workflow."""

    stealth: bool = True
    contexts: int = Field(default=4, ge=1, le=32)
    headless: bool = True
    trace: bool = False


class SiteConfig(_Model):
    """Per-site behaviour as data: base URL, wait strategy, politeness, retry, timeout."""

    base_url: str | None = None
    wait: WaitSpec | None = None
    rate: RateValue | None = None
    limits: dict[str, int] = Field(default_factory=dict)
    retry: RetryPolicy | None = None
    timeout: Duration | None = None


# -------------------------------------------------------------------------------------------- steps


class Step(_Model):
    """One step: ``uses`` a registered step type ``with`` its params."""

    id: str | None = None
    name: str | None = None
    uses: str
    with_: dict[str, Any] = Field(default_factory=dict, alias="with")
    if_: str | bool | None = Field(default=None, alias="if")
    for_each: str | list[Any] | None = None
    as_: str = Field(default="item", alias="as")
    concurrency: int = Field(default=1, ge=1, le=64)
    timeout: Duration | None = None
    retry: RetryPolicy | None = None
    wait: WaitSpec | None = None
    site: str | None = None
    continue_on_error: bool = False

    @field_validator("id", "as_")
    @classmethod
    def _identifier(cls, value: str | None) -> str | None:
        if value is not None and not IDENT.match(value):
            raise ValueError(
                f"{value!r} is not a valid identifier: use letters, digits and underscores, not starting with a digit"
            )
        return value

    @field_validator("uses")
    @classmethod
    def _step_name(cls, value: str) -> str:
        if not STEP_NAME.match(value):
            raise ValueError(f"{value!r} is not a step name: expected PLUGIN.STEP such as linkedin.search")
        return value


class Workflow(_Model):
    """A whole workflow file."""

    version: Literal[1]
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=100)
    description: str = ""
    triggers: list[Trigger] = Field(default_factory=list)
    schedule: SchedulePolicy = Field(default_factory=SchedulePolicy)
    inputs: dict[str, InputSpec] = Field(default_factory=dict)
    secrets: dict[str, SecretRef] = Field(default_factory=dict)
    defaults: Defaults = Field(default_factory=Defaults)
    browser: BrowserOptions = Field(default_factory=BrowserOptions)
    sites: dict[str, SiteConfig] = Field(default_factory=dict)
    steps: list[Step] = Field(min_length=1)

    def step_ids(self) -> list[str]:
        """Each step's id; a step without one is ``step<N>`` (1-based position)."""
        return [s.id or f"step{n}" for n, s in enumerate(self.steps, start=1)]
