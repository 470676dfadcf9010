"""One delivery to one channel, whatever the channel does (awaited, threaded, timed out, never raising), and
the backoff between attempts."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from jobflow.notify.config import Channel
from jobflow.notify.redaction import scrub
from jobflow.notify.types import Message

__all__ = ["BACKOFF", "backoff", "send_to"]

BACKOFF: tuple[float, ...] = (30.0, 120.0, 600.0, 3600.0)
"""Seconds before retry 1, 2, 3, 4 of a notification; every later retry waits the last value."""


def backoff(attempt: int) -> timedelta:
    """How long to wait after failed attempt ``attempt`` (1-based) before the next one."""
    return timedelta(seconds=BACKOFF[min(max(attempt, 1), len(BACKOFF)) - 1])


async def _call(channel: Channel, message: Message) -> None:
    send: Any = channel.notifier.send
    if inspect.iscoroutinefunction(send):
        await send(message)
        return
    # A plain function may block (smtplib, requests): it runs in a worker thread, off the event loop.
    result = await asyncio.to_thread(send, message)
    if inspect.isawaitable(result):
        await result


async def send_to(channel: Channel, message: Message, limit: float, secrets: Iterable[str] = ()) -> str | None:
    """Send ``message`` through ``channel`` within ``limit`` seconds.

    :returns: ``None`` on success, else one line ``channel: Error: message`` with secret values masked.
        Cancellation of the caller passes through; every other exception becomes the returned line.
    """
    try:
        await asyncio.wait_for(_call(channel, message), limit)
    except TimeoutError:
        return f"{channel.name}: timed out after {limit:g}s"
    except Exception as exc:
        text = " ".join(str(exc).split()) or "no message"
        return scrub(f"{channel.name}: {type(exc).__name__}: {text}", secrets)
    return None
