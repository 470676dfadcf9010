"""Named timeouts around every launch, context and page operation of the pool.

Each name appears in the error, so a log line says which bound was hit::

    StepTimeout: LaunchTimeout: launching the browser took longer than 60s
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from jobflow.errors import StepTimeout

__all__ = ["PoolTimeouts", "named_timeout"]


@dataclass(frozen=True)
class PoolTimeouts:
    """Upper bounds, in seconds, of the pool's own operations (a step's navigation has its ``WaitSpec``)."""

    launch: float = 60.0
    """``LaunchTimeout``: start the driver and launch or connect to the browser."""
    context: float = 20.0
    """``ContextTimeout``: create a browser context (with its stored session) or save and close one."""
    page: float = 20.0
    """``PageTimeout``: open a page in a context and prepare it."""
    close: float = 20.0
    """``CloseTimeout``: close the browser and stop the driver."""


@asynccontextmanager
async def named_timeout(name: str, seconds: float, what: str) -> AsyncIterator[None]:
    """Run the block within ``seconds``; else raise ``StepTimeout("<name>: <what> took longer than <n>s")``."""
    try:
        async with asyncio.timeout(seconds):
            yield
    except TimeoutError as exc:
        raise StepTimeout(f"{name}: {what} took longer than {seconds:g}s") from exc
