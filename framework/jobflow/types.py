"""Aliases shared across jobflow's seams."""

from __future__ import annotations

from typing import Any, TypeAlias

JSON: TypeAlias = dict[str, Any] | list[Any] | str | int | float | bool | None
JSONDict: TypeAlias = dict[str, Any]
Path_: TypeAlias = tuple[str | int, ...]
"""A path into the workflow document, e.g. ``("steps", 2, "with", "limit")``."""

__all__ = ["JSON", "JSONDict", "Path_"]
