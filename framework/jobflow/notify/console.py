"""The ``console`` channel: one line per notification on stderr (or stdout), the default channel."""

from __future__ import annotations

import sys
from typing import Literal

from jobflow.notify.types import Message, NotifierOptions, NotifierType

__all__ = ["CONSOLE", "ConsoleNotifier", "ConsoleOptions"]


class ConsoleOptions(NotifierOptions):
    stream: Literal["stderr", "stdout"] = "stderr"
    prefix: str = "[jobflow]"


class ConsoleNotifier:
    """Writes ``[jobflow] Title: body`` on one line; the stream is looked up at write time."""

    def __init__(self, name: str, options: ConsoleOptions) -> None:
        self.name = name
        self.options = options

    async def send(self, message: Message) -> None:
        stream = sys.stderr if self.options.stream == "stderr" else sys.stdout
        text = " / ".join(part.strip() for part in message.text().splitlines() if part.strip())
        stream.write(f"{self.options.prefix} {text}\n" if self.options.prefix else f"{text}\n")
        stream.flush()


CONSOLE = NotifierType("console", ConsoleOptions, ConsoleNotifier, description="A line on the terminal (stderr)")
