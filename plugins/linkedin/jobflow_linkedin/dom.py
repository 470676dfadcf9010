"""A small HTML tree with a CSS-selector subset, for the server fragments LinkedIn sends to guests.

The guest search and posting endpoints answer with HTML that needs no rendering, so the plugin reads it
here instead of in a browser page (several times faster). The same selector strings work in Chromium:
the plugin's browser tests run every guest selector through both.

Supported selectors: type, ``#id``, ``.class``, ``[attr]``, ``[attr=v]``, ``[attr^=v]``, ``[attr*=v]``,
``[attr$=v]``, the descendant (space) and child (``>``) combinators, and comma lists.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from html import escape
from html.parser import HTMLParser

__all__ = ["Node", "parse_html"]

VOID = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
_SIMPLE = re.compile(
    r"(?P<tag>[a-zA-Z][\w-]*|\*)|#(?P<id>[\w-]+)|\.(?P<cls>[\w-]+)"
    r"|\[(?P<attr>[\w-]+)(?:(?P<op>[\^*$]?=)(?P<q>[\"']?)(?P<value>.*?)(?P=q))?\]"
)


@dataclass(eq=False)
class Node:
    """An element: tag, attributes (entities decoded), children (elements and text), comments inside."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    parent: Node | None = None

    def attr(self, name: str) -> str | None:
        """An attribute's value (``""`` for a bare attribute), ``None`` when absent."""
        return self.attrs.get(name)

    @property
    def classes(self) -> frozenset[str]:
        return frozenset(self.attrs.get("class", "").split())

    def iter(self) -> Iterator[Node]:
        """Every element below this one, in document order."""
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def text(self) -> str:
        """The raw text of this element and its descendants (clean it with ``parse.clean_text``)."""
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)

    def inner_html(self) -> str:
        """The children serialised back to HTML (text escaped), for ``parse.clean_html``."""
        return "".join(_serialise(child) for child in self.children)

    def all_comments(self) -> list[str]:
        """The comments in this element and below (LinkedIn hides the external apply URL in one)."""
        return [*self.comments, *(c for node in self.iter() for c in node.comments)]

    def select(self, selector: str) -> list[Node]:
        """Every descendant matching ``selector``, in document order, without duplicates."""
        groups = [_compile(part) for part in selector.split(",") if part.strip()]
        return [node for node in self.iter() if any(_matches(node, steps) for steps in groups)]

    def select_one(self, selector: str) -> Node | None:
        """The first descendant matching ``selector``, or ``None``."""
        return next(iter(self.select(selector)), None)


def _serialise(node: Node | str) -> str:
    if isinstance(node, str):
        return escape(node, quote=False)
    attrs = "".join(f' {k}="{escape(v, quote=True)}"' for k, v in node.attrs.items())
    if node.tag in VOID:
        return f"<{node.tag}{attrs}>"
    return f"<{node.tag}{attrs}>{node.inner_html()}</{node.tag}>"


@dataclass(frozen=True)
class _Simple:
    tag: str | None
    ids: tuple[str, ...]
    classes: tuple[str, ...]
    attrs: tuple[tuple[str, str | None, str], ...]

    def matches(self, node: Node) -> bool:
        if self.tag not in (None, "*", node.tag):
            return False
        if any(node.attrs.get("id") != i for i in self.ids) or not set(self.classes) <= node.classes:
            return False
        for name, op, value in self.attrs:
            actual = node.attrs.get(name)
            if actual is None:
                return False
            if op == "=" and actual != value:
                return False
            if (op == "^=" and not actual.startswith(value)) or (op == "$=" and not actual.endswith(value)):
                return False
            if op == "*=" and value not in actual:
                return False
        return True


def _compound(text: str) -> _Simple:
    tag, ids, classes, attrs = None, [], [], []
    position = 0
    while position < len(text):
        match = _SIMPLE.match(text, position)
        if match is None:
            raise ValueError(f"unsupported selector part {text[position:]!r}")
        if match["tag"]:
            tag = match["tag"].lower()
        elif match["id"]:
            ids.append(match["id"])
        elif match["cls"]:
            classes.append(match["cls"])
        else:
            attrs.append((match["attr"], match["op"], match["value"] or ""))
        position = match.end()
    return _Simple(tag, tuple(ids), tuple(classes), tuple(attrs))


@cache
def _compile(selector: str) -> tuple[tuple[str, _Simple], ...]:
    """``[(combinator, compound), ...]`` left to right; the first combinator is ``" "``."""
    tokens = re.findall(r">|(?:[^\s>\[]|\[[^\]]*\])+", selector.strip())
    steps: list[tuple[str, _Simple]] = []
    combinator = " "
    for token in tokens:
        if token == ">":
            combinator = ">"
            continue
        steps.append((combinator, _compound(token)))
        combinator = " "
    return tuple(steps)


def _matches(node: Node, steps: tuple[tuple[str, _Simple], ...]) -> bool:
    combinator, last = steps[-1]
    if not last.matches(node):
        return False
    if len(steps) == 1:
        return True
    rest = steps[:-1]
    ancestor = node.parent
    while ancestor is not None and ancestor.tag != "#root":
        if _matches(ancestor, rest):
            return True
        if combinator == ">":
            return False
        ancestor = ancestor.parent
    return False


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, parent=self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)

    def handle_comment(self, data: str) -> None:
        self.stack[-1].comments.append(data)


def parse_html(markup: str) -> Node:
    """The tree of ``markup`` (a fragment or a document) under a ``#root`` node."""
    builder = _Builder()
    builder.feed(markup)
    builder.close()
    return builder.root
