"""A tiny HTML tree for :mod:`jobflow.postings.parse.html`: parse, then normalise to the canonical form."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from jobflow.postings.parse.text import ZERO_WIDTH

__all__ = ["BLOCK", "Element", "Text", "build_tree"]

BLOCK = frozenset({"p", "ul", "ol", "li", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6"})
INLINE = frozenset({"strong", "em", "a", "code", "br"})
RENAME = {"b": "strong", "i": "em"}
DROP = frozenset({"script", "style", "button", "svg", "icon", "template", "noscript", "head", "title"})
VOID = frozenset({"br", "img", "hr", "input", "meta", "link", "wbr", "source", "col", "area"})
_AUTO_CLOSE_P = BLOCK | {"div", "section", "table"}
_SPACES = re.compile(r"\s+")
_ZW = {ord(ch): None for ch in ZERO_WIDTH}


@dataclass
class Text:
    value: str


@dataclass
class Element:
    tag: str
    href: str | None = None
    children: list[Element | Text] = field(default_factory=list)


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#root")
        self.stack: list[Element] = [self.root]
        self.dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.dropping:
            if tag in DROP:
                self.dropping += 1
            return
        if tag in DROP:
            self.dropping = 1
            return
        if tag in _AUTO_CLOSE_P and any(el.tag == "p" for el in self.stack):
            self._close("p")
        if tag == "li" and self.stack[-1].tag not in ("ul", "ol") and any(el.tag == "li" for el in self.stack):
            self._close("li")
        element = Element(tag, href=dict(attrs).get("href") if tag == "a" else None)
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and not self.dropping and self.stack[-1].tag == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if self.dropping:
            if tag in DROP:
                self.dropping -= 1
            return
        self._close(tag)

    def _close(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.stack[-1].children.append(Text(data))


def _canonical(node: Element | Text) -> list[Element | Text]:
    """Rename, unwrap and drop tags; the result holds only BLOCK and INLINE elements and text."""
    if isinstance(node, Text):
        value = _SPACES.sub(" ", node.value.translate(_ZW))
        return [Text(value)] if value else []
    children = [out for child in node.children for out in _canonical(child)]
    tag = RENAME.get(node.tag, node.tag)
    if tag in INLINE and any(isinstance(c, Element) and c.tag in BLOCK for c in children):
        return children  # a block inside an inline element: the inline element is dropped
    if tag in BLOCK or tag in INLINE:
        return [Element(tag, href=node.href, children=children)]
    return children


def _wrap_inline(nodes: list[Element | Text], wrapper: str) -> list[Element | Text]:
    """Group runs of inline content among block siblings into ``wrapper`` elements."""
    out: list[Element | Text] = []
    run: list[Element | Text] = []
    for node in [*nodes, None]:
        if node is not None and (isinstance(node, Text) or node.tag not in BLOCK):
            run.append(node)
            continue
        if run:
            out.append(Element(wrapper, children=run))
            run = []
        if node is not None:
            out.append(node)
    return out


def _structure(nodes: list[Element | Text], parent: str) -> list[Element | Text]:
    for node in nodes:
        if isinstance(node, Element) and node.tag in BLOCK:
            node.children = _structure(node.children, node.tag)
    if parent in ("#root", "blockquote"):
        return _wrap_inline(_group_items(nodes), "p")
    if parent in ("ul", "ol"):
        return _wrap_inline(nodes, "li")
    if parent == "li" and any(isinstance(n, Element) and n.tag in BLOCK for n in nodes):
        return _wrap_inline(nodes, "p")
    if parent in BLOCK and parent not in ("ul", "ol", "li", "blockquote"):
        # blocks inside a paragraph-like block: flattened (real parsers would have closed the paragraph)
        return _inline_only(nodes)
    return nodes


def _group_items(nodes: list[Element | Text]) -> list[Element | Text]:
    """Stray ``li`` outside a list are gathered into a ``ul`` (whitespace between them dropped)."""
    out: list[Element | Text] = []
    open_list: Element | None = None
    for node in nodes:
        if isinstance(node, Element) and node.tag == "li":
            if open_list is None:
                open_list = Element("ul")
                out.append(open_list)
            open_list.children.append(node)
        elif open_list is not None and isinstance(node, Text) and not node.value.strip():
            continue
        else:
            open_list = None
            out.append(node)
    return out


def _inline_only(nodes: list[Element | Text]) -> list[Element | Text]:
    flat: list[Element | Text] = []
    for node in nodes:
        if isinstance(node, Element) and node.tag in BLOCK:
            flat.extend(_inline_only(node.children))
        else:
            flat.append(node)
    return flat


def _texts(nodes: list[Element | Text], lines: list[list[Text]]) -> None:
    """Collect the text nodes of one inline run, split into lines at ``br``."""
    for node in nodes:
        if isinstance(node, Text):
            lines[-1].append(node)
        elif node.tag == "br":
            lines.append([])
        elif node.tag not in BLOCK:
            _texts(node.children, lines)


def _trim_run(nodes: list[Element | Text]) -> None:
    lines: list[list[Text]] = [[]]
    _texts(nodes, lines)
    for line in lines:
        previous_space = True  # at a line start leading spaces go
        for text in line:
            if previous_space:
                text.value = text.value.lstrip(" ")
            if text.value:
                previous_space = text.value.endswith(" ")
        for text in reversed(line):
            text.value = text.value.rstrip(" ")
            if text.value:
                break


def _prune(nodes: list[Element | Text]) -> list[Element | Text]:
    kept: list[Element | Text] = []
    for node in nodes:
        if isinstance(node, Text):
            if node.value:
                kept.append(node)
            continue
        if node.tag == "br":
            kept.append(node)
            continue
        node.children = _prune(node.children)
        if node.children and not all(isinstance(c, Element) and c.tag == "br" for c in node.children):
            kept.append(node)
    # line breaks at the edges of a block carry nothing
    while kept and isinstance(kept[0], Element) and kept[0].tag == "br":
        kept.pop(0)
    while kept and isinstance(kept[-1], Element) and kept[-1].tag == "br":
        kept.pop()
    return kept


def _trim_blocks(nodes: list[Element | Text]) -> None:
    for node in nodes:
        if isinstance(node, Element) and node.tag in BLOCK:
            if any(isinstance(c, Element) and c.tag in BLOCK for c in node.children):
                _trim_blocks(node.children)
            else:
                _trim_run(node.children)


def build_tree(markup: str) -> Element:
    """Parse ``markup`` and normalise it to the canonical tree."""
    builder = _Builder()
    builder.feed(markup)
    builder.close()
    root = Element("#root", children=_canonical(builder.root))
    root.children = _structure(root.children, "#root")
    _trim_blocks(root.children)
    root.children = _prune(root.children)
    return root
