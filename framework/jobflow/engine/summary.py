"""Size-bounded, redacted summaries of step outputs for ``StepInfo.outputs`` (logs, records, the CLI).

The full outputs stay in the run's context; the summary is what gets shown and stored per attempt: lists
longer than ``max_items`` keep their first items and say how many more there were, long strings are cut,
deep nesting is elided. Secrets are masked *before* anything is cut, so half a secret never shows.
"""

from __future__ import annotations

from typing import Any

from jobflow.redact import Redactor

__all__ = ["summarize"]

MAX_ITEMS = 5
MAX_KEYS = 50
MAX_CHARS = 500
MAX_DEPTH = 5


def _value(value: Any, redactor: Redactor | None, depth: int) -> Any:
    if isinstance(value, str):
        if redactor is not None:
            value = redactor.text(value)
        if len(value) > MAX_CHARS:
            return f"{value[:MAX_CHARS]}… ({len(value)} chars)"
        return value
    if isinstance(value, dict):
        if depth >= MAX_DEPTH:
            return f"{{… {len(value)} keys}}"
        items = list(value.items())
        out = {str(_value(k, redactor, depth)): _value(v, redactor, depth + 1) for k, v in items[:MAX_KEYS]}
        if len(items) > MAX_KEYS:
            out["…"] = f"{len(items) - MAX_KEYS} more keys"
        return out
    if isinstance(value, list | tuple):
        if depth >= MAX_DEPTH:
            return f"[… {len(value)} items]"
        out_list = [_value(v, redactor, depth + 1) for v in value[:MAX_ITEMS]]
        if len(value) > MAX_ITEMS:
            out_list.append(f"… {len(value) - MAX_ITEMS} more ({len(value)} items)")
        return out_list
    return value


def summarize(outputs: dict[str, Any], redactor: Redactor | None = None) -> dict[str, Any]:
    """A redacted summary of ``outputs`` small enough to log and store with every attempt."""
    result: dict[str, Any] = _value(outputs, redactor, 0)
    return result
