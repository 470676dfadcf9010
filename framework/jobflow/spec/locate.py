"""Where a pydantic error is, in the document and in words a user knows.

A pydantic ``loc`` mixes document keys with the names of union members it tried (``"Backoff"``,
``"list[...]"``, a discriminator tag such as ``"cron"``). :func:`resolve` walks the model annotations
alongside the ``loc`` to split the two: it returns the document path, the union member taken (if any) and
the model whose fields are allowed at the last key (for "did you mean"). :func:`describe` names a path
as ``step 'li'``, ``trigger 2`` or ``site 'linkedin'`` plus the rest (``with.limit``).
"""

from __future__ import annotations

import types
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, Tag

from jobflow.spec.models import IDENT
from jobflow.types import Path_

__all__ = ["Located", "describe", "field_keys", "format_rest", "literal_values", "resolve"]


@dataclass(frozen=True)
class Located:
    """A pydantic ``loc`` resolved against the models."""

    path: Path_
    """The document path (union member names removed)."""
    union_at: Path_ | None = None
    """The document path of the (first) union whose member this error came from."""
    member: str | None = None
    """That member's pydantic name (``"str"``, ``"Backoff"``, ``"cron"``)."""
    parent_model: type[BaseModel] | None = None
    """The model that holds the last key of ``path`` (its allowed keys feed "did you mean")."""
    annotation: Any = None
    """The annotation expected at ``path`` (``None`` when unknown)."""


def field_keys(model: type[BaseModel]) -> list[str]:
    """The keys a document may use for ``model``: aliases where fields have them (``with``, ``if``, ``as``)."""
    return [info.alias or name for name, info in model.model_fields.items()]


def _strip(tp: Any) -> Any:
    """Drop ``Annotated`` wrappers and a ``None`` member of an optional."""
    while True:
        if get_origin(tp) is Annotated:
            tp = get_args(tp)[0]
            continue
        if _is_union(tp):
            members = [m for m in get_args(tp) if m is not type(None)]
            if len(members) == 1:
                tp = members[0]
                continue
        return tp


def _is_union(tp: Any) -> bool:
    return get_origin(tp) in (Union, types.UnionType)


def _member_label(member: Any) -> str:
    if get_origin(member) is Annotated:
        for meta in get_args(member)[1:]:
            if isinstance(meta, Tag):
                return meta.tag
    base = _strip(member)
    if isinstance(base, type) and issubclass(base, BaseModel):
        return base.__name__
    origin = get_origin(base)
    if origin is not None:
        return getattr(origin, "__name__", str(origin))
    return getattr(base, "__name__", str(base))


def _pick_member(union: Any, label: str) -> Any:
    head = label.split("[", 1)[0]
    for member in get_args(union):
        if member is type(None):
            continue
        mine = _member_label(member)
        if label == mine or head == mine:
            return member
    return None


def _model_field(model: type[BaseModel], key: str) -> Any:
    for name, info in model.model_fields.items():
        if (info.alias or name) == key:
            return info.annotation if info.annotation is not None else Any
    return None


def resolve(root: type[BaseModel], loc: Sequence[int | str], base: Path_ = ()) -> Located:
    """Split ``loc`` (relative to ``root``, found at ``base`` in the document) into its document parts."""
    tp: Any = root
    path: list[str | int] = list(base)
    parent: type[BaseModel] | None = None
    union_at: Path_ | None = None
    member: str | None = None
    for seg in loc:
        tp = _strip(tp) if tp is not None else None
        if tp is not None and _is_union(tp):
            if union_at is None:
                union_at, member = tuple(path), str(seg)
            tp = _pick_member(tp, str(seg))
            continue
        parent = tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None
        path.append(seg)
        if parent is not None:
            tp = _model_field(parent, str(seg))
        elif get_origin(tp) is list and isinstance(seg, int):
            tp = (get_args(tp) or (Any,))[0]
        elif get_origin(tp) is dict:
            tp = (get_args(tp) or (Any, Any))[-1]
        else:
            tp = None
    return Located(tuple(path), union_at, member, parent, _strip(tp) if tp is not None else None)


def literal_values(annotation: Any) -> list[Any]:
    """The allowed values when ``annotation`` is a ``Literal``, else ``[]``."""
    return list(get_args(annotation)) if get_origin(annotation) is Literal else []


# ------------------------------------------------------------------------------------------ wording

_NAMED = {"sites": "site", "inputs": "input", "secrets": "secret"}


def _step_name(data: Any, index: int) -> str:
    steps = data.get("steps") if isinstance(data, dict) else None
    step = steps[index] if isinstance(steps, list) and index < len(steps) else None
    step_id = step.get("id") if isinstance(step, dict) else None
    if isinstance(step_id, str) and IDENT.match(step_id):
        return f"step {step_id!r}"
    return f"step {index + 1}"


def describe(data: Any, path: Path_) -> tuple[str | None, Path_]:
    """``("steps", 2, "with", "limit")`` -> ``("step 'li'", ("with", "limit"))``; top level: ``(None, path)``."""
    if len(path) >= 2:
        head, key = path[0], path[1]
        if head == "steps" and isinstance(key, int):
            return _step_name(data, key), path[2:]
        if head == "triggers" and isinstance(key, int):
            return f"trigger {key + 1}", path[2:]
        if head in _NAMED and isinstance(key, str):
            return f"{_NAMED[str(head)]} {key!r}", path[2:]
    return None, path


def format_rest(rest: Path_) -> str:
    """``("retry", "backoff", 1)`` -> ``"retry.backoff[1]"``."""
    out = ""
    for seg in rest:
        out += f"[{seg}]" if isinstance(seg, int) else (f".{seg}" if out else str(seg))
    return out
