"""Pydantic validation errors -> :class:`~jobflow.errors.Problem` at the right line and column, in plain words.

Unknown keys point at the key (with "did you mean"), missing keys at the mapping that lacks them, every
other error at the offending value. Errors of union members that do not fit the value's shape are
dropped in favour of the member that does (``backoff: {initial: 5s, factr: 2}`` is a mapping, so the
list member's "expected a list" is noise).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from difflib import get_close_matches
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from jobflow.errors import Problem
from jobflow.spec.locate import Located, describe, field_keys, format_rest, literal_values, resolve
from jobflow.spec.yamlsource import Source
from jobflow.types import Path_

__all__ = ["contains_expression", "error_problems", "model_problems", "show"]

_KIND = {
    "string_type": "a string",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "float_parsing": "a number",
    "list_type": "a list",
    "tuple_type": "a list",
    "set_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}
_BOUNDS = {
    "greater_than_equal": ("ge", "at least"),
    "greater_than": ("gt", "more than"),
    "less_than_equal": ("le", "at most"),
    "less_than": ("lt", "less than"),
}
_QUOTED = re.compile(r"'([A-Za-z_][A-Za-z0-9_]*)'")


def contains_expression(value: Any) -> bool:
    """Whether ``value`` is, or holds somewhere inside it, a ``${{ }}`` string."""
    if isinstance(value, str):
        return "${{" in value
    if isinstance(value, dict):
        return any(contains_expression(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(contains_expression(v) for v in value)
    return False


def show(value: Any, source: Source | None = None, path: Path_ = ()) -> str:
    """A value as a message quotes it: ``'abc'``, ``12``, ``true``, ``a list``, ``nothing``."""
    word = source.bool_words.get(path) if source is not None else None
    if word is not None:
        return f"{word!r} (YAML reads an unquoted {word} as {str(value).lower()}: quote it)"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, date):
        return value.isoformat()
    return repr(value)


def _text(err: ErrorDetails, located: Located, got: str) -> str:
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind in ("value_error", "assertion_error") and "error" in ctx:
        return str(ctx["error"])
    if kind in _KIND:
        return f"expected {_KIND[kind]}, got {got}"
    if kind == "literal_error":
        choices = [str(v) for v in literal_values(located.annotation)]
        close = get_close_matches(str(err.get("input")), choices, n=1) if choices else []
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"expected {ctx.get('expected')}, got {got}{hint}"
    if kind in _BOUNDS:
        name, words = _BOUNDS[kind]
        return f"must be {words} {ctx.get(name)}, got {got}"
    if kind == "too_short" and located.path == ("steps",):
        return "must list at least one step"
    if kind == "too_short":
        need = ctx.get("min_length", 1)
        return "must not be empty" if need == 1 else f"needs at least {need} items, got {ctx.get('actual_length')}"
    if kind == "too_long":
        return f"must have at most {ctx.get('max_length')} items, got {ctx.get('actual_length')}"
    if kind in ("string_too_short", "string_too_long"):
        words = "at least" if kind == "string_too_short" else "at most"
        limit = ctx.get("min_length", ctx.get("max_length"))
        return f"must be {words} {limit} characters long, got {got}"
    if kind == "string_pattern_mismatch":
        if located.path == ("name",):
            return f"{got} is not a valid name: use letters, digits, '.', '_' and '-', starting with a letter or digit"
        return f"{got} does not match the pattern {ctx.get('pattern')!r}"
    if kind.startswith("datetime_"):
        return f"expected a date and time such as 2026-12-01T09:00:00+01:00, got {got}"
    if kind.startswith("date_"):
        return f"expected a date such as 2026-12-01, got {got}"
    message = err["msg"]
    if message.startswith("Input should be "):
        return f"expected {message.removeprefix('Input should be ')}, got {got}"
    return message[:1].lower() + message[1:]


def _where(source: Source, path: Path_) -> str:
    context, rest = describe(source.data, path)
    return ": ".join(part for part in (context, format_rest(rest)) if part)


def _unknown_key(source: Source, located: Located) -> Problem:
    path = located.path
    key = str(path[-1])
    if path == ("on",):
        return source.problem(path, "unknown key 'on'; use 'triggers:' — YAML reads 'on' as a boolean", at_key=True)
    context, rest = describe(source.data, path[:-1])
    where = f" in {format_rest(rest)} of {context}" if context and rest else ""
    where = where or (f" in {context}" if context else (f" in {format_rest(rest)}" if rest else ""))
    allowed = field_keys(located.parent_model) if located.parent_model is not None else []
    close = get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        hint = f"; did you mean {close[0]!r}?"
    elif allowed:
        hint = f" (allowed: {', '.join(allowed)})"
    else:
        hint = ""
    return source.problem(path, f"unknown key {key!r}{where}{hint}", at_key=True)


def _missing(source: Source, located: Located) -> Problem:
    parent, key = located.path[:-1], located.path[-1]
    context, rest = describe(source.data, parent)
    if rest:
        where = _where(source, parent)
        return source.problem(parent, f"{where}: missing required key {key!r}")
    return source.problem(parent, f"{context or 'the workflow'} is missing required key {key!r}")


def _value(source: Source, located: Located, err: ErrorDetails) -> Problem:
    path, value = located.path, err.get("input")
    if err["type"] == "value_error" and isinstance(value, dict):
        # A model-level check ("'settle' is at most 1s"): point at the one key it names, if present.
        named = [k for k in dict.fromkeys(_QUOTED.findall(str(err["msg"]))) if k in value]
        if len(named) == 1:
            path, value = (*path, named[0]), value[named[0]]
            located = Located(path, annotation=located.annotation)
    if path == ("version",) and err["type"] == "literal_error":
        return source.problem(path, f"unsupported version {show(value)}: this jobflow reads workflow version 1")
    text = _text(err, located, show(value, source, path))
    where = _where(source, path)
    return source.problem(path, f"{where}: {text}" if where else text)


def _shape_only(errors: list[tuple[Located, ErrorDetails]], at: Path_) -> bool:
    return all(loc.path == at and err["type"] in _KIND for loc, err in errors)


def _pick_branches(
    source: Source, items: list[tuple[Located, ErrorDetails]], skip_expressions: bool
) -> tuple[list[tuple[Located, ErrorDetails]], list[Problem]]:
    """Keep, per union, the errors of the first member that fits the value's shape; else one summary."""
    groups: dict[Path_, dict[str, list[tuple[Located, ErrorDetails]]]] = {}
    kept: list[tuple[Located, ErrorDetails]] = []
    summaries: list[Problem] = []
    for loc, err in items:
        if loc.union_at is None or loc.member is None:
            kept.append((loc, err))
        else:
            groups.setdefault(loc.union_at, {}).setdefault(loc.member, []).append((loc, err))
    for at, branches in groups.items():
        fitting = [errs for errs in branches.values() if not _shape_only(errs, at)]
        if fitting:
            kept.extend(fitting[0])
            continue
        value = next(iter(branches.values()))[0][1].get("input")
        if skip_expressions and contains_expression(value):
            continue
        kinds = dict.fromkeys(_KIND[e["type"]] for errs in branches.values() for _, e in errs)
        expected = " or ".join("a boolean" if k == "true or false" else k for k in kinds)
        where = _where(source, at)
        text = f"expected {expected}, got {show(value, source, at)}"
        summaries.append(source.problem(at, f"{where}: {text}" if where else text))
    return kept, summaries


def error_problems(
    source: Source,
    root: type[BaseModel],
    errors: Sequence[ErrorDetails],
    *,
    base: Path_ = (),
    skip_expressions: bool = False,
) -> list[Problem]:
    """Map each pydantic error (``loc`` relative to ``root``, found at ``base``) to a positioned problem.

    ``skip_expressions``: drop type and value errors whose value is or holds a ``${{ }}`` expression,
    which only has a type at run time (missing and unknown keys are still reported).
    """
    resolved = [(resolve(root, err["loc"], base), err) for err in errors]
    items, problems = _pick_branches(source, resolved, skip_expressions)
    for located, err in items:
        kind = err["type"]
        if kind == "missing":
            problems.append(_missing(source, located))
        elif kind == "extra_forbidden":
            problems.append(_unknown_key(source, located))
        elif skip_expressions and contains_expression(err.get("input")):
            continue
        else:
            problems.append(_value(source, located, err))
    return list(dict.fromkeys(problems))


def model_problems(
    source: Source, model: type[BaseModel], data: Any, *, base: Path_ = (), skip_expressions: bool = False
) -> list[Problem]:
    """Validate ``data`` (found at ``base``) against ``model``; every error as a positioned problem."""
    try:
        model.model_validate(data)
    except ValidationError as exc:
        return error_problems(source, model, exc.errors(), base=base, skip_expressions=skip_expressions)
    return []
