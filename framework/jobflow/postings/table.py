"""Postings as flat records (``jobs.export``) and as a plain-text summary table (``jobs.summary``).

:data:`EXPORT_COLUMNS` is the documented column order of exports (docs/jobs.md); :func:`flatten` turns one
:class:`JobPosting` into a record with exactly those keys, lists kept as lists (CSV joins them with
``", "``). The description is the Markdown one (plain text when the site gave no Markdown).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from jobflow.postings.model import JobPosting
from jobflow.postings.parse.html import html_to_text
from jobflow.postings.parse.salary import annualize

__all__ = ["EXPORT_COLUMNS", "flatten", "salary_text", "sorted_postings", "summary_table", "text_table"]

EXPORT_COLUMNS: tuple[str, ...] = (
    "site", "native_id", "title", "company", "location", "city", "state", "country", "is_remote",
    "work_model", "date_posted", "job_type", "salary_min", "salary_max", "salary_interval", "salary_currency",
    "salary_source", "url", "apply_url", "easy_apply", "job_level", "job_function", "company_url",
    "company_industry", "company_rating", "company_reviews_count", "skills", "benefits", "emails", "promoted",
    "applicants", "date_posted_raw", "salary_raw", "description",
)  # fmt: skip
"""The columns of ``jobs.export``, in order (documented in docs/jobs.md)."""


def flatten(posting: JobPosting) -> dict[str, Any]:
    """One export record: the keys of :data:`EXPORT_COLUMNS`, in that order, JSON values."""
    data = posting.model_dump(mode="json")
    location = data["location"] or {}
    salary = data["salary"] or {}
    description = posting.description_markdown
    if not description and posting.description_html:
        description = html_to_text(posting.description_html)
    values = {
        **data,
        "location": location.get("raw"),
        "city": location.get("city"),
        "state": location.get("state"),
        "country": location.get("country"),
        "salary_min": salary.get("min_amount"),
        "salary_max": salary.get("max_amount"),
        "salary_interval": salary.get("interval"),
        "salary_currency": salary.get("currency"),
        "salary_source": salary.get("source"),
        "salary_raw": salary.get("raw"),
        "description": description,
    }
    return {column: values.get(column) for column in EXPORT_COLUMNS}


def _amount(value: float) -> str:
    return f"{value / 1000:.0f}K" if value >= 10_000 else f"{value:,.0f}" if value >= 100 else f"{value:g}"


def salary_text(posting: JobPosting) -> str:
    """A short salary for tables: ``USD 120K-150K/yearly``, ``USD 25-30/hourly``, ``""`` when unknown."""
    salary = posting.salary
    if salary is None or (salary.min_amount is None and salary.max_amount is None):
        return ""
    low, high = salary.min_amount, salary.max_amount
    if low is not None and high is not None and low != high:
        amount = f"{_amount(low)}-{_amount(high)}"
    elif low is not None and high is None:
        amount = f"from {_amount(low)}"
    elif low is None and high is not None:
        amount = f"up to {_amount(high)}"
    else:
        amount = _amount(low or high or 0.0)
    unit = f"/{salary.interval.value}" if salary.interval else ""
    return f"{salary.currency + ' ' if salary.currency else ''}{amount}{unit}"


def _yearly(posting: JobPosting) -> float:
    salary = posting.salary
    if salary is None or (salary.min_amount is None and salary.max_amount is None):
        return -1.0
    yearly = annualize(salary)
    return float(yearly.max_amount if yearly.max_amount is not None else yearly.min_amount or 0.0)


def sorted_postings(postings: Sequence[JobPosting], by: str = "input") -> list[JobPosting]:
    """``postings`` in input order, by yearly pay (highest first, unknown last) or by date (newest first)."""
    if by == "salary":
        return sorted(postings, key=_yearly, reverse=True)
    if by == "date":
        return sorted(postings, key=lambda p: p.date_posted.toordinal() if p.date_posted else 0, reverse=True)
    return list(postings)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, width: int = 40) -> str:
    """A plain-text table: columns padded to their widest cell (each cut at ``width`` characters)."""
    cells = [[_cut(str(c), width) for c in row] for row in rows]
    sizes = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(sizes[i]) for i, h in enumerate(headers)).rstrip()]
    lines.append("  ".join("-" * s for s in sizes))
    lines += ["  ".join(c.ljust(sizes[i]) for i, c in enumerate(row)).rstrip() for row in cells]
    return "\n".join(lines)


def summary_table(postings: Sequence[JobPosting], *, top: int = 10, title: str = "") -> str:
    """Counts per site, then the first ``top`` postings (site, title, company, location, salary, posted)."""
    counts = Counter(p.site for p in postings)
    head = title or "Job postings"
    lines = [f"{head}: {len(postings)} " + ("(" + ", ".join(f"{s} {n}" for s, n in sorted(counts.items())) + ")")]
    if postings and top > 0:
        rows = [
            [
                p.site,
                p.title,
                p.company or "",
                p.location.raw or "" if p.location else "",
                salary_text(p),
                p.date_posted.isoformat() if p.date_posted else "",
            ]
            for p in postings[:top]
        ]
        lines.append(text_table(["site", "title", "company", "location", "salary", "posted"], rows, width=34))
        if len(postings) > top:
            lines.append(f"… and {len(postings) - top} more")
    return "\n".join(lines)
