"""The seeded generator of the local sites' data and expected tables.

``python -m jobflow.testing.sites.generate`` rewrites ``jobflow/testing/sites/data/{site}.json`` (what the
local site serves, messy parts included) and ``{site}.expected.json`` (what a correct plugin extracts,
computed from the generator's ground truth, never by running the parsers). Output is deterministic:
a test regenerates it and compares with the committed files.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jobflow.testing.sites.generate import glassdoor, indeed, linkedin

__all__ = ["DATA_DIR", "GENERATORS", "render", "write_all"]

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
GENERATORS: dict[str, Callable[[], tuple[dict[str, Any], dict[str, Any]]]] = {
    "linkedin": linkedin.generate,
    "indeed": indeed.generate,
    "glassdoor": glassdoor.generate,
}


def render(value: Any) -> str:
    """The JSON text a data file holds (stable formatting, UTF-8 characters kept)."""
    return json.dumps(value, indent=1, ensure_ascii=False) + "\n"


def write_all(directory: Path = DATA_DIR) -> list[Path]:
    """Generate every site's data and expected table into ``directory``; the paths written."""
    written = []
    directory.mkdir(parents=True, exist_ok=True)
    for site, generate in GENERATORS.items():
        data, expected = generate()
        for path, value in ((directory / f"{site}.json", data), (directory / f"{site}.expected.json", expected)):
            path.write_text(render(value), encoding="utf-8")
            written.append(path)
    return written
