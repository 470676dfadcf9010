"""The one module that executes retry policy (STYLE.md guideline 6).

A :class:`jobflow.spec.models.RetryPolicy` is data: ``max_attempts``, a backoff (a list of durations whose
last one repeats, or ``Backoff{initial, factor, max, jitter}``), ``retry_on`` and ``never_retry_on``.
This module decides, for an attempt that failed with an error, whether another attempt follows and after
how long (:func:`delay_for`, pure), and runs the attempts (:func:`run_with_retry`) waiting on an injected
clock, so tests never really sleep.

Decision order for an error: only ``StepError`` is ever retried; ``Checkpoint`` (code ``captcha``) never
is; ``never_retry_on`` wins over everything else; then ``retry_on`` when the policy lists it, else the
error class's own ``retryable``. ``RateLimited.retry_after`` raises the delay to at least that.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

from jobflow.clock import Clock
from jobflow.errors import NEVER_RETRIED, Checkpoint, RateLimited, StepError, error_codes
from jobflow.spec.durations import format_duration
from jobflow.spec.models import Backoff, RetryPolicy

__all__ = ["base_delay", "delay_for", "describe_retry", "is_retryable", "matches", "run_with_retry"]

T = TypeVar("T")


def matches(error: StepError, names: Iterable[str]) -> bool:
    """Whether ``error`` is one of ``names`` (codes such as ``network`` or class names such as
    ``NetworkError``). A code or class matches its subclasses too; the generic code ``error`` matches
    only errors whose own code is ``error`` (wrapped exceptions), while the class name ``StepError``
    matches every step error.
    """
    known = error_codes()
    for name in names:
        if error.code == name:
            return True
        cls = known.get(name)
        if cls is None or (cls is StepError and name != StepError.__name__):
            continue
        if isinstance(error, cls):
            return True
    return False


def is_retryable(policy: RetryPolicy, error: BaseException) -> bool:
    """Whether ``policy`` allows another attempt after ``error`` (ignoring the attempt count)."""
    if not isinstance(error, StepError) or isinstance(error, Checkpoint) or error.code in NEVER_RETRIED:
        return False
    if matches(error, policy.never_retry_on):
        return False
    if policy.retry_on is None:
        return error.retryable
    return matches(error, policy.retry_on)


def base_delay(policy: RetryPolicy, attempt: int, rng: random.Random) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1-based), before any ``retry_after``."""
    backoff = policy.backoff
    if isinstance(backoff, list):
        return backoff[min(attempt, len(backoff)) - 1].total_seconds()
    delay = backoff.initial.total_seconds() * backoff.factor ** (attempt - 1)
    if backoff.max is not None:
        delay = min(delay, backoff.max.total_seconds())
    if backoff.jitter == "full":
        return rng.uniform(0.0, delay)
    if backoff.jitter == "equal":
        return delay / 2 + rng.uniform(0.0, delay / 2)
    return delay


def delay_for(policy: RetryPolicy | None, attempt: int, error: BaseException, rng: random.Random) -> float | None:
    """Seconds until the next attempt after attempt ``attempt`` failed with ``error``; ``None``: give up.

    No policy means one attempt. ``rng`` is only drawn from for jitter.
    """
    if policy is None or attempt >= policy.max_attempts or not is_retryable(policy, error):
        return None
    delay = base_delay(policy, attempt, rng)
    if isinstance(error, RateLimited) and error.retry_after is not None:
        delay = max(delay, error.retry_after.total_seconds())
    return delay


async def run_with_retry(
    policy: RetryPolicy | None,
    attempt: Callable[[int], Awaitable[T]],
    *,
    clock: Clock,
    rng: random.Random,
    on_failure: Callable[[int, Exception, float | None], Awaitable[None]] | None = None,
) -> T:
    """Call ``attempt(1)``, ``attempt(2)``, ... until one returns, the policy gives up, or it is cancelled.

    :param on_failure: awaited after each failed attempt with its number, the error and the delay before
        the next attempt (``None`` when this was the last); the engine records the attempt there.
    :returns: the first successful attempt's result. Raises the last attempt's error when giving up.
    """
    number = 1
    while True:
        try:
            return await attempt(number)
        except Exception as error:
            delay = delay_for(policy, number, error, rng)
            if on_failure is not None:
                await on_failure(number, error, delay)
            if delay is None:
                raise
            wait = delay
        await clock.sleep(wait)
        number += 1


def describe_retry(policy: RetryPolicy | None) -> str:
    """The policy in words: ``3 attempts, backoff 1m, 2m, 5m, retry on timeout, network``."""
    if policy is None or policy.max_attempts == 1:
        return "1 attempt (no retry)"
    parts = [f"{policy.max_attempts} attempts"]
    backoff = policy.backoff
    if isinstance(backoff, Backoff):
        text = f"backoff {format_duration(backoff.initial)} x{backoff.factor:g}"
        if backoff.max is not None:
            text += f" up to {format_duration(backoff.max)}"
        if backoff.jitter != "none":
            text += f", {backoff.jitter} jitter"
        parts.append(text)
    else:
        parts.append("backoff " + ", ".join(format_duration(d) for d in backoff))
    if policy.retry_on is None:
        parts.append("retry on retryable errors")
    else:
        parts.append("retry on " + ", ".join(policy.retry_on))
    if policy.never_retry_on:
        parts.append("never on " + ", ".join(policy.never_retry_on))
    return ", ".join(parts)
