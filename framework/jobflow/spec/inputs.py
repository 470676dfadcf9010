"""Workflow inputs at run time: ``--input k=v`` strings coerced to each input's declared type.

::

    inputs:
      keywords: {default: "python developer"}
      limit: {type: integer, default: 50}
      remote: {type: boolean, default: false}
      level: {choices: [junior, senior], required: true}

``jobflow run flow.yaml --input limit=20 --input level=senior`` gives ``{"keywords": "python developer",
"limit": 20, "remote": False, "level": "senior"}``. Every mistake is a :class:`~jobflow.errors.ConfigError`
on one line, such as ``--input limit=ten: expected an integer``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from difflib import get_close_matches
from typing import Any

from jobflow.errors import ConfigError
from jobflow.spec.models import InputSpec, Workflow

__all__ = ["check_value", "coerce", "default_value", "parse_input_args", "resolve_inputs"]

_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})
_EXPECTED = {
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "list": 'a list (JSON such as ["a", "b"] or comma-separated a,b)',
    "object": 'a JSON object such as {"a": 1}',
}


def parse_input_args(args: Iterable[str]) -> dict[str, str]:
    """``["limit=20", "keywords=python dev"]`` -> ``{"limit": "20", "keywords": "python dev"}``.

    The value is everything after the first ``=``; a name given twice is an error.
    """
    out: dict[str, str] = {}
    for arg in args:
        name, sep, value = arg.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ConfigError(f"--input {arg!r}: expected NAME=VALUE, e.g. --input limit=20")
        if name in out:
            raise ConfigError(f"--input {name}: given more than once")
        out[name] = value
    return out


def coerce(spec: InputSpec, raw: str) -> Any:
    """Turn a command-line string into ``spec.type``; ``ValueError`` says what was expected."""
    kind = spec.type
    text = raw.strip()
    if kind == "string":
        return raw
    if kind == "integer":
        try:
            return int(text, 10)
        except ValueError:
            raise ValueError(f"expected {_EXPECTED[kind]}") from None
    if kind == "number":
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"expected {_EXPECTED[kind]}") from None
        if not math.isfinite(number):
            raise ValueError(f"expected {_EXPECTED[kind]}")
        return number
    if kind == "boolean":
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise ValueError(f"expected {_EXPECTED[kind]}")
    if kind == "list":
        if text.startswith("["):
            value = _json(text, kind)
            if not isinstance(value, list):
                raise ValueError(f"expected {_EXPECTED[kind]}")
            return value
        return [part.strip() for part in text.split(",")] if text else []
    value = _json(text, kind)
    if not isinstance(value, dict):
        raise ValueError(f"expected {_EXPECTED[kind]}")
    return value


def _json(text: str, kind: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"expected {_EXPECTED[kind]} ({exc.msg} at character {exc.pos + 1})") from None


def check_value(spec: InputSpec, value: Any) -> str | None:
    """``None`` when ``value`` has the declared type and is one of ``choices``; else what is wrong."""
    kind = spec.type
    ok = {
        "string": isinstance(value, str),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
        "list": isinstance(value, list),
        "object": isinstance(value, dict),
    }[kind]
    if not ok:
        return f"expected {_EXPECTED.get(kind, 'a string').split(' (')[0]}, got {value!r}"
    if spec.choices is not None and value not in spec.choices:
        return f"expected one of {', '.join(repr(c) for c in spec.choices)}, got {value!r}"
    return None


def default_value(spec: InputSpec) -> Any:
    """The declared default, a string coerced like ``--input`` when the type is not ``string``.

    Raises ``ValueError`` when the default does not fit the type or the choices.
    """
    value = spec.default
    if isinstance(value, str) and spec.type != "string":
        value = coerce(spec, value)
    if value is not None:
        wrong = check_value(spec, value)
        if wrong is not None:
            raise ValueError(wrong)
    return value


def _problem(name: str, raw: str | None, message: str) -> str:
    return f"--input {name}={raw}: {message}" if raw is not None else f"input {name!r}: {message}"


def resolve_inputs(workflow: Workflow, overrides: Mapping[str, str]) -> dict[str, Any]:
    """Every declared input's value: the ``--input`` override (coerced) or the default.

    Raises :class:`ConfigError` listing every problem on one line: an unknown name (with "did you
    mean"), a value of the wrong type or outside ``choices``, a ``required`` input without a value.
    """
    problems: list[str] = []
    declared = list(workflow.inputs)
    for name in overrides:
        if name not in workflow.inputs:
            close = get_close_matches(name, declared, n=1)
            if close:
                hint = f"; did you mean {close[0]!r}?"
            else:
                hint = f" (declared: {', '.join(declared)})" if declared else " (this workflow declares no inputs)"
            problems.append(f"--input {name}: no input {name!r} is declared{hint}")
    values: dict[str, Any] = {}
    for name, spec in workflow.inputs.items():
        raw = overrides.get(name)
        try:
            value = default_value(spec) if raw is None else coerce(spec, raw)
            wrong = check_value(spec, value) if raw is not None else None
        except ValueError as exc:
            problems.append(_problem(name, raw, f"default: {exc}" if raw is None else str(exc)))
            continue
        if wrong is not None:
            problems.append(_problem(name, raw, wrong.split(", got")[0]))
            continue
        if value is None and spec.required:
            problems.append(f"input {name!r} is required: pass --input {name}=VALUE")
        values[name] = value
    if problems:
        raise ConfigError("; ".join(problems))
    return values
