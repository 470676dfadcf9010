"""Server HTML read without a browser: a small element tree queried with the CSS selectors site plugins
keep in their ``selectors.py``, so one constant serves the browser (Playwright) and the request API alike.

Supported selectors: type, ``#id``, ``.class``, ``[attr]``, ``[attr=v]``, ``[attr^=v]``, ``[attr$=v]``,
``[attr*=v]``, ``[attr~=v]`` (values quoted or bare), compound forms of these, the descendant (space) and
child (``>``) combinators, and comma-separated groups. Anything else raises ``ValueError`` at parse time,
so an unsupported selector fails in tests, not silently on a site.

The tree tolerates real-world markup: void elements, unclosed ``p``/``li``, stray end tags. ``script`` and
``style`` keep their text (embedded JSON is read from them); comments are kept beside their element's
children (LinkedIn hides the external apply URL in one).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from html import escape
from html.parser import HTMLParser

from jobflow.postings.parse.text import clean_text

__all__ = ["Node", "parse_markup"]

_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})
_RAW = frozenset({"script", "style"})
_IMPLIED_END = {"p": frozenset({"p", "div", "ul", "ol", "section", "table", "h1", "h2", "h3", "h4", "h5", "h6"})}
_IMPLIED_END["li"] = frozenset({"li"})


@dataclass(eq=False)
class Node:
    """An element (``tag`` ``"#document"`` for the root); ``children`` hold nodes and text strings."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)
    parent: Node | None = None
    comments: list[str] = field(default_factory=list)
    """The comments directly inside this element (not part of ``children``: text never includes them)."""

    def attr(self, name: str) -> str | None:
        """An attribute's value (``""`` for a bare attribute), ``None`` when absent."""
        return self.attrs.get(name)

    @property
    def classes(self) -> frozenset[str]:
        """The element's classes."""
        return frozenset(self.attrs.get("class", "").split())

    def all_comments(self) -> list[str]:
        """The comments in this element and below, in document order of their elements."""
        return [*self.comments, *(c for node in self.iter() for c in node.comments)]

    def iter(self) -> Iterator[Node]:
        """Every element below this one, in document order."""
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def raw_text(self) -> str:
        """The text below this element as written (entities decoded, whitespace kept)."""
        return "".join(c if isinstance(c, str) else c.raw_text() for c in self.children)

    def text(self) -> str:
        """The text below this element, cleaned (:func:`~jobflow.postings.parse.text.clean_text`)."""
        return clean_text(self.raw_text())

    def inner_html(self) -> str:
        """The markup below this element, re-serialised (attributes kept, text escaped)."""
        return "".join(_serialise(child) for child in self.children)

    def select(self, selector: str) -> list[Node]:
        """Every element below this one matching ``selector``, in document order."""
        groups = _compile(selector)
        return [node for node in self.iter() if any(_matches(node, group) for group in groups)]

    def select_one(self, selector: str) -> Node | None:
        """The first element below this one matching ``selector``, or ``None``."""
        groups = _compile(selector)
        return next((node for node in self.iter() if any(_matches(node, g) for g in groups)), None)


def _serialise(node: Node | str) -> str:
    if isinstance(node, str):
        return escape(node, quote=False)
    attrs = "".join(f' {k}="{escape(v, quote=True)}"' if v else f" {k}" for k, v in node.attrs.items())
    if node.tag in _VOID:
        return f"<{node.tag}{attrs}>"
    return f"<{node.tag}{attrs}>{node.inner_html()}</{node.tag}>"


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for open_tag, closers in _IMPLIED_END.items():
            if tag in closers and any(n.tag == open_tag for n in self.stack[1:]):
                top = next(n for n in reversed(self.stack) if n.tag in (open_tag, "ul", "ol", "div", "td"))
                if top.tag == open_tag:
                    self._close(open_tag)
        node = Node(tag, {name: value or "" for name, value in attrs}, parent=self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and self.stack[-1].tag == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        self._close(tag)

    def _close(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)

    def handle_comment(self, data: str) -> None:
        self.stack[-1].comments.append(data)


def parse_markup(html: str) -> Node:
    """The element tree of an HTML document or fragment."""
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


# ------------------------------------------------------------------------------------------------ selectors


@dataclass(frozen=True)
class _Compound:
    tag: str | None
    ids: tuple[str, ...]
    classes: tuple[str, ...]
    attrs: tuple[tuple[str, str, str], ...]
    """``(name, operator, value)``; operator ``""`` means "present"."""
    combinator: str
    """How it relates to the compound on its left: ``" "`` (descendant) or ``">"`` (child)."""


_TOKEN = re.compile(
    r"""\s*(?P<comb>>)\s*|(?P<space>\s+)|(?P<tag>[a-zA-Z][\w-]*|\*)|\#(?P<id>[\w-]+)|\.(?P<cls>[\w-]+)"""
    r"""|\[\s*(?P<name>[\w:-]+)\s*(?:(?P<op>[\^$*~]?=)\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\]\s]+))\s*)?\]"""
)


@cache
def _compile(selector: str) -> tuple[tuple[_Compound, ...], ...]:
    groups = []
    for text in selector.split(","):
        groups.append(_compile_group(text.strip(), selector))
    return tuple(groups)


def _compile_group(text: str, selector: str) -> tuple[_Compound, ...]:
    if not text:
        raise ValueError(f"unsupported selector {selector!r}: empty group")
    out: list[_Compound] = []
    tag: str | None = None
    ids: list[str] = []
    classes: list[str] = []
    attrs: list[tuple[str, str, str]] = []
    combinator = " "
    started = False
    pos = 0
    for match in _TOKEN.finditer(text):
        if match.start() != pos:
            raise ValueError(f"unsupported selector {selector!r} at {text[pos:]!r}")
        pos = match.end()
        if match["comb"] or match["space"]:
            if started:
                out.append(_Compound(tag, tuple(ids), tuple(classes), tuple(attrs), combinator))
                tag, ids, classes, attrs, started, combinator = None, [], [], [], False, " "
            if match["comb"]:
                combinator = ">"
            continue
        started = True
        if match["tag"]:
            tag = None if match["tag"] == "*" else match["tag"].lower()
        elif match["id"]:
            ids.append(match["id"])
        elif match["cls"]:
            classes.append(match["cls"])
        else:
            value = next((v for v in (match["dq"], match["sq"], match["bare"]) if v is not None), "")
            attrs.append((match["name"], match["op"] or "", value))
    if pos != len(text) or not started:
        raise ValueError(f"unsupported selector {selector!r}")
    out.append(_Compound(tag, tuple(ids), tuple(classes), tuple(attrs), combinator))
    return tuple(out)


def _attr_ok(node: Node, name: str, op: str, value: str) -> bool:
    actual = node.attrs.get(name)
    if actual is None:
        return False
    if op == "=":
        return actual == value
    if op == "^=":
        return bool(value) and actual.startswith(value)
    if op == "$=":
        return bool(value) and actual.endswith(value)
    if op == "*=":
        return bool(value) and value in actual
    if op == "~=":
        return value in actual.split()
    return True


def _one(node: Node, part: _Compound) -> bool:
    if part.tag is not None and node.tag != part.tag:
        return False
    if part.ids and any(node.attrs.get("id") != i for i in part.ids):
        return False
    if part.classes:
        have = node.attrs.get("class", "").split()
        if any(c not in have for c in part.classes):
            return False
    return all(_attr_ok(node, *attr) for attr in part.attrs)


def _matches(node: Node, parts: tuple[_Compound, ...]) -> bool:
    if not _one(node, parts[-1]):
        return False
    return _ancestors_match(node, parts, len(parts) - 1)


def _ancestors_match(node: Node, parts: tuple[_Compound, ...], index: int) -> bool:
    if index == 0:
        return True
    combinator, wanted = parts[index].combinator, parts[index - 1]
    parent = node.parent
    while parent is not None and parent.tag != "#document":
        if _one(parent, wanted) and _ancestors_match(parent, parts, index - 1):
            return True
        if combinator == ">":
            return False
        parent = parent.parent
    return False
