"""What a notification channel is: a type registered by a plugin, configured into named channels.

A plugin registers a :class:`NotifierType` (a name, a pydantic options model, a factory) through the
``register_notifiers`` hook. ``notify.yaml`` then names channels of those types with their options; the
factory turns each channel's validated options into a :class:`Notifier`, whose ``send`` receives every
:class:`Message` addressed to the channel. ``send`` may be ``async def`` (awaited on the event loop) or a
plain function (run in a worker thread); whatever it raises is caught, recorded and retried by the outbox.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict

__all__ = ["Message", "Notifier", "NotifierOptions", "NotifierType"]


@dataclass(frozen=True, slots=True)
class Message:
    """One notification as a channel receives it; text and data are already redacted."""

    kind: str
    """What it is about: ``reminder``, ``workflow``, ``run_failed``, ``missed``, ..."""
    title: str
    body: str
    data: dict[str, Any] = field(default_factory=dict)
    dedupe_key: str = ""
    created_at: datetime | None = None
    attempt: int = 1
    """1 for the first delivery attempt, then 2, 3, ... on retries."""

    def text(self) -> str:
        """Title and body on one line, the way a chat message or a console line shows it."""
        return f"{self.title}: {self.body}" if self.body else self.title


class Notifier(Protocol):
    """A configured channel. ``send`` raises on failure (any exception); its return value is ignored."""

    def send(self, message: Message) -> Awaitable[None] | None:
        """Deliver ``message``; ``async def`` or a plain (blocking) function."""


class NotifierOptions(BaseModel):
    """Base of a notifier type's options (the keys of a channel in ``notify.yaml``): unknown keys are errors.

    Declare secret options (passwords, tokens, webhook URLs) as ``pydantic.SecretStr``: their values are
    masked in every notification, log line and stored error, like values given as ``{env: NAME}``.
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


O = TypeVar("O", bound=NotifierOptions)  # noqa: E741 - reads as "options"


@dataclass(frozen=True)
class NotifierType(Generic[O]):
    """A kind of channel a plugin provides: ``console``, ``email``, ``webhook``, ...

    :ivar create: called with the channel's name and its validated options; returns the :class:`Notifier`.
    :ivar plugin: filled in by the plugin manager.
    """

    name: str
    options: type[O]
    create: Callable[[str, O], Notifier]
    description: str = ""
    plugin: str = ""
