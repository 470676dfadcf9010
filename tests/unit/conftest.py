"""Fixtures of the engine unit tests (``engine_support`` holds the throwaway steps and helpers)."""

from __future__ import annotations

import pytest
from engine_support import Recorder, StepsPlugin

from jobflow.clock import FakeClock


@pytest.fixture
def steps() -> StepsPlugin:
    """Throwaway ``t.*`` steps that record what they were given."""
    return StepsPlugin()


@pytest.fixture
def recorder() -> Recorder:
    """A plugin recording every lifecycle hook call."""
    return Recorder()


@pytest.fixture
def clock() -> FakeClock:
    """A clock that moves only when the engine sleeps."""
    return FakeClock()
