"""docs/jobs.md lists the export columns in the order ``jobs.export`` writes them."""

from __future__ import annotations

import re
from pathlib import Path

from jobflow.postings.table import EXPORT_COLUMNS

DOCS = Path(__file__).resolve().parents[2] / "docs" / "jobs.md"


def test_the_documented_export_columns_are_the_real_ones_in_order() -> None:
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("<!-- export-columns:", 1)[1].split("-->", 1)[1].split("\n\n", 1)[0]
    documented = re.findall(r"^\d+\. `(\w+)`$", section, re.MULTILINE)
    assert documented == list(EXPORT_COLUMNS)
