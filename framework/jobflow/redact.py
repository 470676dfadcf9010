"""Secret redaction: every secret value is replaced by ``***`` wherever it would be shown or stored."""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from contextvars import ContextVar, Token
from typing import Any

__all__ = [
    "MASK",
    "Redactor",
    "current_redactor",
    "redact_processor",
    "reset_redactor",
    "use_redactor",
]

MASK = "***"


class Redactor:
    """Holds the secret values of a run and masks them in strings and nested JSON-like data."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._values: list[str] = []
        for value in secrets:
            self.add(value)

    def add(self, value: str) -> None:
        # Very short values would mask ordinary words; secrets that short are refused at resolution.
        if value and value not in self._values:
            self._values.append(value)
            self._values.sort(key=len, reverse=True)

    @property
    def active(self) -> bool:
        return bool(self._values)

    def text(self, value: str) -> str:
        for secret in self._values:
            if secret in value:
                value = value.replace(secret, MASK)
        return value

    def __call__(self, value: Any) -> Any:
        """Mask secrets anywhere inside ``value`` (str, dict, list, tuple); other values pass through."""
        if not self._values:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self(k): self(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self(v) for v in value)
        return value


_current: ContextVar[Redactor | None] = ContextVar("jobflow_redactor", default=None)


def current_redactor() -> Redactor | None:
    """The redactor of the run executing in this task (set by the engine), if any."""
    return _current.get()


def use_redactor(redactor: Redactor) -> Token[Redactor | None]:
    """Make ``redactor`` current for this task and its children; ``reset_redactor`` undoes it."""
    return _current.set(redactor)


def reset_redactor(token: Token[Redactor | None]) -> None:
    _current.reset(token)


def redact_processor(logger: Any, method: str, event_dict: MutableMapping[str, Any]) -> Any:
    """structlog processor: masks the current run's secret values in every field of a log line."""
    redactor = _current.get()
    if redactor is None or not redactor.active:
        return event_dict
    return {key: redactor(value) for key, value in event_dict.items()}
