"""Text cleaning: entities decoded, invisible characters dropped, whitespace collapsed.

Every text a site plugin reads goes through :func:`clean_text` (titles through :func:`clean_title`).
Cleaning is idempotent: ``clean_text(clean_text(s)) == clean_text(s)`` for every string, including
double-escaped entities (``&amp;amp;``), because the steps are repeated until nothing changes.
"""

from __future__ import annotations

import html
import re

__all__ = [
    "EMAIL_RE",
    "ZERO_WIDTH",
    "clean_text",
    "clean_title",
    "extract_emails",
    "strip_prefix",
]

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
"""Zero-width space/joiners, word joiner, byte-order mark and soft hyphen: dropped."""

_ZERO_WIDTH_TABLE = {ord(ch): None for ch in ZERO_WIDTH}
_SPACES = re.compile(r"\s+")  # str patterns match Unicode whitespace: \xa0, \u2009, \u3000 ...

EMAIL_RE = re.compile(r"[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}")
"""The e-mail pattern JobSpy uses over descriptions."""

_TITLE_SUFFIXES = (
    re.compile(r"\s+with verification$", re.IGNORECASE),  # LinkedIn member card aria-label
    re.compile(r"\s*-\s*job post$", re.IGNORECASE),  # Indeed detail h1 hidden suffix
)


def _clean_once(text: str) -> str:
    text = html.unescape(text)
    text = text.translate(_ZERO_WIDTH_TABLE)
    return _SPACES.sub(" ", text).strip()


def clean_text(text: str | None) -> str:
    """Decode entities, drop zero-width characters, turn every space (``\\xa0`` too) into one ``' '``.

    ``None`` gives ``""``.
    """
    if text is None:
        return ""
    current = text
    while True:
        cleaned = _clean_once(current)
        if cleaned == current:
            return cleaned
        current = cleaned


def clean_title(text: str | None) -> str:
    """:func:`clean_text`, then the sites' decorations dropped (" with verification", " - job post")."""
    title = clean_text(text)
    changed = True
    while changed:
        changed = False
        for suffix in _TITLE_SUFFIXES:
            stripped = suffix.sub("", title)
            if stripped != title and stripped:
                title, changed = stripped.strip(), True
    return title


def strip_prefix(text: str, *prefixes: str) -> str:
    """``text`` without any of ``prefixes`` (case-insensitive, repeated: "PostedPosted 3 days ago")."""
    result = text
    changed = True
    while changed:
        changed = False
        for prefix in prefixes:
            if prefix and result.lower().startswith(prefix.lower()):
                result = result[len(prefix) :].lstrip()
                changed = True
    return result


def extract_emails(text: str | None) -> list[str]:
    """E-mail addresses in ``text`` in order of appearance, each once (trailing dots dropped)."""
    seen: dict[str, None] = {}
    for match in EMAIL_RE.finditer(clean_text(text)):
        address = match.group(0).rstrip(".")
        seen.setdefault(address, None)
    return list(seen)
