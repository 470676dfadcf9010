"""Secret redaction: every secret value is replaced by ``***`` wherever it would be shown or stored."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["MASK", "Redactor"]

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
