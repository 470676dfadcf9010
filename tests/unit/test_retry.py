"""The retry module: exact delays for list and exponential backoff, what is retried, the executor loop."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest

from jobflow.clock import FakeClock
from jobflow.engine.retry import delay_for, describe_retry, is_retryable, matches, run_with_retry
from jobflow.errors import (
    AlreadyApplied,
    BrowserCrashed,
    Checkpoint,
    ExpressionError,
    LoginRequired,
    NetworkError,
    RateLimited,
    SiteChanged,
    StepError,
    StepTimeout,
)
from jobflow.spec.models import RetryPolicy


def policy(**data: Any) -> RetryPolicy:
    return RetryPolicy.model_validate(data)


RNG = random.Random(0)


def test_no_policy_means_one_attempt() -> None:
    assert delay_for(None, 1, NetworkError("x"), RNG) is None


def test_list_backoff_last_repeats_and_attempts_bounded() -> None:
    p = policy(max_attempts=5, backoff=["60s", "120s", "300s"], retry_on=["network"])
    got = [delay_for(p, n, NetworkError("x"), RNG) for n in range(1, 6)]
    assert got == [60.0, 120.0, 300.0, 300.0, None]


def test_exponential_backoff_capped() -> None:
    p = policy(max_attempts=6, backoff={"initial": "5s", "factor": 2, "max": "30s"}, retry_on=["network"])
    assert [delay_for(p, n, NetworkError("x"), RNG) for n in range(1, 7)] == [5.0, 10.0, 20.0, 30.0, 30.0, None]


@pytest.mark.parametrize(("jitter", "low", "high"), [("full", 0.0, 40.0), ("equal", 20.0, 40.0)])
def test_jitter_bounds_and_reproducible(jitter: str, low: float, high: float) -> None:
    p = policy(max_attempts=10, backoff={"initial": "10s", "factor": 2, "jitter": jitter})
    values = [delay_for(p, 3, NetworkError("x"), random.Random(seed)) for seed in range(200)]
    assert all(v is not None and low <= v <= high for v in values)
    assert len(set(values)) > 100  # really random
    assert delay_for(p, 3, NetworkError("x"), random.Random(42)) == delay_for(
        p, 3, NetworkError("x"), random.Random(42)
    )


def test_full_jitter_exact_with_seeded_rng() -> None:
    p = policy(max_attempts=3, backoff={"initial": "10s", "jitter": "full"})
    expected = random.Random(5).uniform(0.0, 10.0)
    assert delay_for(p, 1, NetworkError("x"), random.Random(5)) == expected


def test_without_retry_on_the_class_decides() -> None:
    p = policy(max_attempts=3, backoff=["1s"])
    assert delay_for(p, 1, NetworkError("x"), RNG) == 1.0
    assert delay_for(p, 1, StepTimeout("x"), RNG) == 1.0
    assert delay_for(p, 1, BrowserCrashed("x"), RNG) == 1.0
    assert delay_for(p, 1, LoginRequired("x"), RNG) is None
    assert delay_for(p, 1, SiteChanged("x"), RNG) is None
    assert delay_for(p, 1, StepError("x"), RNG) is None


def test_retry_on_by_code_and_class_name() -> None:
    p = policy(max_attempts=3, backoff=["1s"], retry_on=["timeout", "SiteChanged"])
    assert delay_for(p, 1, StepTimeout("x"), RNG) == 1.0
    assert delay_for(p, 1, SiteChanged("x"), RNG) == 1.0
    assert delay_for(p, 1, NetworkError("x"), RNG) is None  # retryable class, but not listed


def test_retry_on_matches_subclasses() -> None:
    class LinkedInThrottle(RateLimited):
        code = "li_throttle"

    assert matches(LinkedInThrottle("x"), ["rate_limited"])
    assert matches(LinkedInThrottle("x"), ["RateLimited"])
    assert not matches(LinkedInThrottle("x"), ["network"])


def test_generic_error_code_matches_only_wrapped_errors() -> None:
    assert matches(StepError("wrapped ValueError"), ["error"])
    assert not matches(NetworkError("x"), ["error"])
    assert matches(NetworkError("x"), ["StepError"])


def test_never_retry_on_wins() -> None:
    p = policy(max_attempts=3, backoff=["1s"], retry_on=["network", "already_applied"], never_retry_on=["network"])
    assert delay_for(p, 1, NetworkError("x"), RNG) is None
    assert delay_for(p, 1, AlreadyApplied("x"), RNG) == 1.0


def test_checkpoint_never_retried() -> None:
    p = policy(max_attempts=5, backoff=["1s"], retry_on=["StepError"])
    assert is_retryable(p, NetworkError("x"))
    assert not is_retryable(p, Checkpoint("captcha page"))
    assert delay_for(p, 1, Checkpoint("captcha page"), RNG) is None


def test_non_step_errors_never_retried() -> None:
    p = policy(max_attempts=5, backoff=["1s"], retry_on=["StepError"])
    assert delay_for(p, 1, ExpressionError("x"), RNG) is None
    assert delay_for(p, 1, ValueError("x"), RNG) is None


def test_rate_limited_retry_after_raises_the_delay() -> None:
    p = policy(max_attempts=3, backoff=["60s"])
    assert delay_for(p, 1, RateLimited("429", retry_after=timedelta(seconds=90)), RNG) == 90.0
    assert delay_for(p, 1, RateLimited("429", retry_after=timedelta(seconds=5)), RNG) == 60.0
    assert delay_for(p, 1, RateLimited("429"), RNG) == 60.0


async def test_run_with_retry_waits_exact_delays_on_the_clock() -> None:
    clock = FakeClock()
    seen: list[tuple[int, str, float | None]] = []

    async def attempt(n: int) -> str:
        if n < 3:
            raise NetworkError(f"down {n}")
        return f"ok after {n}"

    async def on_failure(n: int, error: Exception, delay: float | None) -> None:
        seen.append((n, str(error), delay))

    p = policy(max_attempts=4, backoff=["60s", "120s", "300s"], retry_on=["network"])
    result = await run_with_retry(p, attempt, clock=clock, rng=RNG, on_failure=on_failure)
    assert result == "ok after 3"
    assert clock.sleeps == [60.0, 120.0]
    assert seen == [(1, "down 1", 60.0), (2, "down 2", 120.0)]


async def test_run_with_retry_gives_up_with_last_error() -> None:
    clock = FakeClock()
    calls: list[int] = []

    async def attempt(n: int) -> None:
        calls.append(n)
        raise StepTimeout(f"slow {n}")

    p = policy(max_attempts=3, backoff={"initial": "2s", "factor": 3})
    with pytest.raises(StepTimeout, match="slow 3"):
        await run_with_retry(p, attempt, clock=clock, rng=RNG)
    assert calls == [1, 2, 3]
    assert clock.sleeps == [2.0, 6.0]


async def test_run_with_retry_without_policy_calls_once() -> None:
    clock = FakeClock()
    calls: list[int] = []

    async def attempt(n: int) -> None:
        calls.append(n)
        raise NetworkError("x")

    with pytest.raises(NetworkError):
        await run_with_retry(None, attempt, clock=clock, rng=RNG)
    assert calls == [1]
    assert clock.sleeps == []


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (None, "1 attempt (no retry)"),
        (
            {"max_attempts": 3, "backoff": ["60s", "120s", "300s"], "retry_on": ["timeout", "network"]},
            "3 attempts, backoff 1m, 2m, 5m, retry on timeout, network",
        ),
        (
            {"max_attempts": 4, "backoff": {"initial": "5s", "factor": 2, "max": "2m", "jitter": "full"}},
            "4 attempts, backoff 5s x2 up to 2m, full jitter, retry on retryable errors",
        ),
        (
            {"max_attempts": 2, "backoff": ["1s"], "never_retry_on": ["auth"]},
            "2 attempts, backoff 1s, retry on retryable errors, never on auth",
        ),
    ],
)
def test_describe_retry(data: dict[str, Any] | None, text: str) -> None:
    assert describe_retry(policy(**data) if data is not None else None) == text
