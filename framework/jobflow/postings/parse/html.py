"""Description HTML: cleaned to one canonical form, and converted to Markdown.

:func:`clean_html` keeps the structure and drops the rest, so a description reads the same whether it came
from a server fragment or from a browser's ``innerHTML``:

* kept: ``p br ul ol li strong em a[href] code pre blockquote h1-h6``; ``b`` becomes ``strong``, ``i``
  becomes ``em``; every other attribute is dropped;
* dropped with their content: ``script style button svg icon template noscript``; every other tag
  (``div span section font u`` ...) is unwrapped;
* whitespace collapsed (``\\xa0`` and zero-width characters too), trimmed at block edges and around ``br``;
  loose inline content at the top level is wrapped in ``p``; empty elements are dropped;
* serialised without whitespace between blocks, text escaped (``& < >``).

:func:`html_to_markdown` renders that form: blocks separated by a blank line, ``- `` / ``1. `` list items,
``**strong**``, ``*em*``, ``[text](href)``, `` `code` ``, ``#`` headings, ``br`` as a line break. Markdown
characters in the text are not escaped.
"""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser

from jobflow.postings.parse._htmltree import BLOCK, Element, Text, build_tree

__all__ = ["clean_html", "html_to_markdown", "html_to_text"]


def _serialise(node: Element | Text) -> str:
    if isinstance(node, Text):
        return escape(node.value, quote=False)
    if node.tag == "br":
        return "<br>"
    inner = "".join(_serialise(child) for child in node.children)
    if node.tag == "#root":
        return inner
    attrs = f' href="{escape(node.href, quote=True)}"' if node.tag == "a" and node.href is not None else ""
    return f"<{node.tag}{attrs}>{inner}</{node.tag}>"


def clean_html(markup: str | None) -> str:
    """The canonical form of ``markup`` described in the module docstring (``""`` for nothing)."""
    if not markup:
        return ""
    return _serialise(build_tree(markup))


def _inline_md(nodes: list[Element | Text], indent: str) -> str:
    parts: list[str] = []
    for node in nodes:
        if isinstance(node, Text):
            parts.append(node.value)
        elif node.tag == "br":
            parts.append("\n" + indent)
        elif node.tag == "strong":
            parts.append(f"**{_inline_md(node.children, indent)}**")
        elif node.tag == "em":
            parts.append(f"*{_inline_md(node.children, indent)}*")
        elif node.tag == "code":
            parts.append(f"`{_inline_md(node.children, indent)}`")
        elif node.tag == "a":
            text = _inline_md(node.children, indent)
            parts.append(f"[{text}]({node.href})" if node.href else text)
        else:
            parts.append(_inline_md(node.children, indent))
    return "".join(parts)


def _blocks_md(nodes: list[Element | Text], indent: str) -> list[str]:
    blocks: list[str] = []
    inline: list[Element | Text] = []

    def flush() -> None:
        if inline:
            blocks.append(indent + _inline_md(inline, indent))
            inline.clear()

    for node in nodes:
        if isinstance(node, Text) or node.tag not in BLOCK:
            inline.append(node)
            continue
        flush()
        if node.tag in ("ul", "ol"):
            items = []
            for number, item in enumerate(node.children, start=1):
                marker = f"{number}. " if node.tag == "ol" else "- "
                pad = indent + " " * len(marker)
                body = "\n".join(_blocks_md(item.children if isinstance(item, Element) else [item], pad))
                items.append(indent + marker + body[len(pad) :])
            blocks.append("\n".join(items))
        elif node.tag.startswith("h") and len(node.tag) == 2:
            blocks.append(indent + "#" * int(node.tag[1]) + " " + _inline_md(node.children, indent))
        elif node.tag == "blockquote":
            inner = "\n\n".join(_blocks_md(node.children, ""))
            blocks.append("\n".join(indent + ("> " + line if line else ">") for line in inner.split("\n")))
        elif node.tag == "pre":
            blocks.append(indent + "```\n" + _inline_md(node.children, "") + "\n" + indent + "```")
        else:
            blocks.append(indent + _inline_md(node.children, indent))
    flush()
    return blocks


def html_to_markdown(markup: str | None) -> str:
    """Markdown for ``markup`` (cleaned first), as described in the module docstring."""
    if not markup:
        return ""
    root = build_tree(markup)
    return "\n\n".join(block for block in _blocks_md(root.children, "") if block.strip()).strip()


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template", "button"):
            self.skipping += 1
        elif tag in BLOCK or tag == "br":
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template", "button") and self.skipping:
            self.skipping -= 1
        elif tag in BLOCK:
            self.parts.append(" ")


def html_to_text(markup: str | None) -> str:
    """The visible text of ``markup`` on one line (for keyword and e-mail searches)."""
    from jobflow.postings.parse.text import clean_text

    collector = _TextCollector()
    collector.feed(markup or "")
    collector.close()
    return clean_text("".join(collector.parts))
