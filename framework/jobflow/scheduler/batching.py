"""Many small writes, one transaction: concurrent callers' items are written together.

With hundreds of short runs a second, one commit per run start and per outcome would make the database
the bottleneck (SQLite has one writer). A :class:`Batcher` queues what callers submit while a write is
in progress and writes the whole queue with one ``write_many`` call next; each caller gets its own
item's result (or the batch's exception) back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

__all__ = ["Batcher"]

T = TypeVar("T")
R = TypeVar("R")


class Batcher(Generic[T, R]):
    """Writes submitted items in batches with ``write_many`` (one result per item, in order)."""

    def __init__(self, write_many: Callable[[Sequence[T]], Awaitable[Sequence[R]]], *, most: int = 500) -> None:
        self._write_many = write_many
        self._most = most
        self._queue: list[tuple[T, asyncio.Future[R]]] = []
        self._task: asyncio.Task[None] | None = None

    async def submit(self, item: T) -> R:
        """Queue ``item`` and return its result once its batch is written."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._drain())
        return await future

    async def _drain(self) -> None:
        while self._queue:
            batch, self._queue = self._queue[: self._most], self._queue[self._most :]
            try:
                results = await self._write_many([item for item, _ in batch])
            except Exception as exc:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)
