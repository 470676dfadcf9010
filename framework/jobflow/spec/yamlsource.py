"""YAML text -> plain Python data, with the line and column of every key and value.

PyYAML's composer gives nodes with marks; this module builds the data from those nodes itself so that it
can record, for every path such as ``("steps", 2, "with", "limit")``, where the key and the value start
(1-based line and column), refuse duplicate keys (PyYAML silently keeps the last) and turn syntax errors
into one :class:`~jobflow.errors.Problem` each.

Mapping keys are always the key's text as written: YAML 1.1 reads ``on``, ``yes`` and ``no`` as booleans,
but every key in a workflow is a string, so ``on:`` stays ``"on"`` (and the loader says to use
``triggers:``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from jobflow.errors import Problem
from jobflow.types import Path_

__all__ = ["Source", "load_source"]

_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_BOOL_TAG = "tag:yaml.org,2002:bool"

Pos = tuple[int, int]


@dataclass
class Source:
    """A loaded YAML document: ``data`` plus where each path's key and value start."""

    file: str
    data: Any = None
    keys: dict[Path_, Pos] = field(default_factory=dict)
    values: dict[Path_, Pos] = field(default_factory=dict)
    bool_words: dict[Path_, str] = field(default_factory=dict)
    """Scalars YAML read as booleans from a word such as ``no`` or ``on``: the word as written."""
    problems: list[Problem] = field(default_factory=list)

    def value_pos(self, path: Path_) -> Pos:
        """Where the value at ``path`` starts; the nearest recorded ancestor when ``path`` is absent."""
        for end in range(len(path), -1, -1):
            pos = self.values.get(path[:end])
            if pos is not None:
                return pos
        return (1, 1)

    def key_pos(self, path: Path_) -> Pos:
        """Where the key of ``path`` starts (its value, or an ancestor, when it has no key)."""
        return self.keys.get(path) or self.value_pos(path)

    def problem(self, path: Path_, message: str, *, at_key: bool = False) -> Problem:
        line, col = self.key_pos(path) if at_key else self.value_pos(path)
        return Problem(self.file, line, col, message)


def _pos(node: Node) -> Pos:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


_CONTAINERS = {
    "while parsing a block mapping": "the mapping",
    "while parsing a block collection": "the list",
    "while parsing a flow mapping": "the {...} mapping",
    "while parsing a flow sequence": "the [...] list",
}


def _syntax_problem(exc: yaml.MarkedYAMLError, file: str) -> Problem:
    """One clean problem for a scanner/parser/composer error, at the most useful mark."""
    problem = (exc.problem or "invalid YAML").strip()
    context = (exc.context or "").strip()
    mark, context_mark = exc.problem_mark or exc.context_mark, exc.context_mark
    started = f" that starts at line {context_mark.line + 1}" if context_mark is not None else ""
    if "'\\t'" in problem:
        message = "a tab character here: indent with spaces, not tabs"
    elif "cannot start any token" in problem:
        message = problem.removeprefix("found ").replace(" that cannot start any token", " cannot start a value")
        message += ": quote the value"
    elif "quoted scalar" in context and "end of stream" in problem:
        mark, message = context_mark, "this quoted string is never closed"
    elif "flow" in context and "<stream end>" in problem:
        bracket = "[" if "sequence" in context else "{"
        mark, message = context_mark, f"this '{bracket}' is never closed"
    elif problem.startswith("expected <block end>"):
        container = _CONTAINERS.get(context, "the block")
        message = f"bad indentation: this line does not line up with {container}{started}"
    elif problem == "mapping values are not allowed here":
        message = f"{problem} (quote a value that contains ': ', or check the indentation)"
    elif "another document" in problem:
        message = "a second YAML document starts here: a workflow file holds one"
    else:
        message = f"{problem} ({context}{started})" if context else problem
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    return Problem(file, line, col, f"YAML syntax error: {message}")


class _Builder:
    def __init__(self, source: Source, loader: yaml.SafeLoader) -> None:
        self.source = source
        self.loader = loader
        self._stack: set[int] = set()

    def error(self, node: Node, message: str) -> None:
        line, col = _pos(node)
        self.source.problems.append(Problem(self.source.file, line, col, message))

    def build(self, node: Node, path: Path_) -> Any:
        self.source.values[path] = _pos(node)
        if id(node) in self._stack:
            self.error(node, "a YAML alias refers to itself (a recursive structure)")
            return None
        self._stack.add(id(node))
        try:
            if isinstance(node, MappingNode):
                return self._mapping(node, path)
            if isinstance(node, SequenceNode):
                if node.tag != _SEQ_TAG:
                    self.error(node, f"unsupported YAML tag {node.tag!r} on a list")
                return [self.build(item, (*path, n)) for n, item in enumerate(node.value)]
            return self._scalar(node, path)
        finally:
            self._stack.discard(id(node))

    def _forget(self, prefix: Path_) -> None:
        for table in (self.source.values, self.source.keys, self.source.bool_words):
            for known in [p for p in table if p[: len(prefix)] == prefix]:
                del table[known]

    def _scalar(self, node: Node, path: Path_) -> Any:
        try:
            value = self.loader.construct_object(node)
        except yaml.constructor.ConstructorError:
            self.error(node, f"unsupported YAML tag {node.tag!r}")
            return node.value
        except (ValueError, TypeError, OverflowError):
            return node.value  # e.g. an impossible date such as 2026-13-01: keep the text
        if node.tag == _BOOL_TAG and str(node.value).lower() not in ("true", "false"):
            self.source.bool_words[path] = str(node.value)
        return value

    def _mapping(self, node: MappingNode, path: Path_) -> dict[str, Any]:
        if node.tag != _MAP_TAG:
            self.error(node, f"unsupported YAML tag {node.tag!r} on a mapping")
        own = sum(1 for key, _ in node.value if key.tag != _MERGE_TAG)
        try:
            self.loader.flatten_mapping(node)
        except yaml.constructor.ConstructorError as exc:
            mark = exc.problem_mark or node.start_mark
            self.source.problems.append(
                Problem(self.source.file, mark.line + 1, mark.column + 1, f"YAML merge error: {exc.problem}")
            )
            return {}
        pairs = node.value
        merged, explicit = pairs[: len(pairs) - own], pairs[len(pairs) - own :]
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for index, (key_node, value_node) in enumerate(merged + explicit):
            if not isinstance(key_node, ScalarNode):
                self.error(key_node, "a key must be a plain word, not a list or a mapping")
                continue
            key = str(key_node.value)
            child = (*path, key)
            if index >= len(merged):
                if key in first_line:
                    self.error(key_node, f"duplicate key {key!r} (first defined at line {first_line[key]})")
                    continue
                first_line[key] = key_node.start_mark.line + 1
            if key in result:  # an explicit key overrides a merged one: forget the merged positions
                self._forget(child)
            self.source.keys[child] = _pos(key_node)
            result[key] = self.build(value_node, child)
        return result


def load_source(text: str, file: str) -> Source:
    """Parse ``text`` (the contents of ``file``); problems are collected in ``Source.problems``."""
    source = Source(file)
    loader = yaml.SafeLoader(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            source.problems.append(_syntax_problem(exc, file))
            return source
        except yaml.YAMLError as exc:
            source.problems.append(Problem(file, 1, 1, f"YAML error: {exc}"))
            return source
        if root is None:
            source.problems.append(
                Problem(file, 1, 1, "the file is empty: a workflow needs at least 'version', 'name' and 'steps'")
            )
            return source
        source.data = _Builder(source, loader).build(root, ())
    finally:
        loader.dispose()
    if not isinstance(source.data, dict) and not source.problems:
        kind = "a list" if isinstance(source.data, list) else f"the value {source.data!r}"
        line, col = source.value_pos(())
        source.problems.append(
            Problem(file, line, col, f"a workflow must be a mapping of keys (version, name, steps, ...), not {kind}")
        )
    return source
