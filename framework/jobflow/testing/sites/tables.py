"""The local sites' data files (``data/``) and expected tables, loaded once.

``data/{site}.json`` is what a site serves; ``data/{site}.expected.json`` is what a correct plugin extracts:

* ``views``: ``{view: {native_id: JobPosting JSON}}``; LinkedIn's views are ``guest_card``, ``member_card``
  and ``detail``; Indeed's and Glassdoor's ``card`` and ``detail``. URLs on the site are written with the
  real origin (``https://www.linkedin.com``) and rebased to a local server by :func:`expected_postings`;
* ``malformed``: ``{view: {native_id: {field: value}}}``, the fields that change in ``malformed`` mode;
* ``searches``: ``[{name, params, ids}]``: a search's URL parameters (in the site's own syntax) and the ids
  a correct plugin returns, duplicates folded, in page order;
* ``now``: the reference time relative dates were written at (inject it as the clock's ``now``).
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jobflow.postings.model import JobPosting

__all__ = ["DATA_DIR", "SITES", "expected_postings", "expected_searches", "load_data", "load_expected", "reference_now"]

DATA_DIR = Path(__file__).resolve().parent / "data"
SITES = ("linkedin", "indeed", "glassdoor")


@cache
def load_data(site: str) -> dict[str, Any]:
    """The data a local site serves."""
    return json.loads((DATA_DIR / f"{site}.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@cache
def load_expected(site: str) -> dict[str, Any]:
    """The expected table of a site, as stored (real origins)."""
    return json.loads((DATA_DIR / f"{site}.expected.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def reference_now(site: str = "linkedin") -> datetime:
    """The moment the site's relative dates were written at."""
    return datetime.fromisoformat(load_expected(site)["now"])


def expected_postings(
    site: str, view: str, base_url: str | None = None, *, malformed: bool = False
) -> dict[str, JobPosting]:
    """The postings a correct plugin extracts from ``view``, by native id; URLs rebased to ``base_url``."""
    table = load_expected(site)
    if view not in table["views"]:
        raise KeyError(f"{site} has no view {view!r}; it has {sorted(table['views'])}")
    text = json.dumps(table["views"][view])
    if base_url:
        text = text.replace(json.dumps(table["origin"])[1:-1], base_url.rstrip("/"))
    postings: dict[str, dict[str, Any]] = json.loads(text)
    if malformed:
        for native_id, patch in table["malformed"].get(view, {}).items():
            postings[native_id] = postings[native_id] | patch
    return {native_id: JobPosting.model_validate(value) for native_id, value in postings.items()}


def expected_searches(site: str) -> list[dict[str, Any]]:
    """The site's documented searches: ``{"name", "params", "ids"}``."""
    return list(load_expected(site)["searches"])
