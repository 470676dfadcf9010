"""Which postings to keep: keywords, blocklists, a salary floor and remote-only, as one pure rule set.

:class:`PostingFilter` answers :meth:`~PostingFilter.reason` (why a posting is dropped, ``None`` to keep
it); the ``jobs.filter`` step adds the already-applied check, which needs the store. Matching rules:

* words and phrases match whole words, case-insensitively, on cleaned text (``"go"`` does not match
  "Google"; ``"c++"`` and ``"node.js"`` work);
* ``include``: at least one must appear in the title, company, skills or description (empty: no rule);
* ``exclude``: none may appear in the title or description;
* ``companies``: the company must not match any (whole words: ``"Globex"`` blocks "Globex Corp");
* ``titles``: the title must not contain any;
* ``min_salary``: the posting's best figure (its maximum, else its minimum), made yearly by
  :func:`~jobflow.postings.parse.salary.annualize`, must reach the floor, itself made yearly from
  ``salary_interval``. A posting without a salary, or paid in another currency than ``currency``
  when that is set, is kept only with ``keep_unknown_salary``;
* ``remote_only``: ``is_remote`` must be true (or the work model remote).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from jobflow.postings.model import Interval, JobPosting, WorkModel
from jobflow.postings.parse.html import html_to_text
from jobflow.postings.parse.salary import PER_YEAR, annualize
from jobflow.postings.parse.text import clean_text

__all__ = ["PostingFilter", "phrase_pattern"]


def phrase_pattern(phrases: Iterable[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern matching any of ``phrases`` as whole words; ``None`` for no phrase."""
    cleaned = [clean_text(p).lower() for p in phrases if clean_text(p)]
    if not cleaned:
        return None
    body = "|".join(re.escape(p) for p in sorted(set(cleaned), key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


def _description(posting: JobPosting) -> str:
    if posting.description_markdown:
        return posting.description_markdown
    return html_to_text(posting.description_html) if posting.description_html else ""


@dataclass(frozen=True)
class PostingFilter:
    """The rules of the module docstring; every field empty or off means "keep"."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    companies: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()
    min_salary: float | None = None
    salary_interval: Interval = Interval.YEARLY
    currency: str | None = None
    keep_unknown_salary: bool = True
    remote_only: bool = False

    @cached_property
    def _include(self) -> re.Pattern[str] | None:
        return phrase_pattern(self.include)

    @cached_property
    def _exclude(self) -> re.Pattern[str] | None:
        return phrase_pattern(self.exclude)

    @cached_property
    def _companies(self) -> re.Pattern[str] | None:
        return phrase_pattern(self.companies)

    @cached_property
    def _titles(self) -> re.Pattern[str] | None:
        return phrase_pattern(self.titles)

    @property
    def yearly_floor(self) -> float | None:
        """The salary floor per year."""
        return None if self.min_salary is None else self.min_salary * PER_YEAR[self.salary_interval]

    def reason(self, posting: JobPosting) -> str | None:
        """Why ``posting`` is dropped (one short phrase), or ``None`` when it is kept."""
        title = clean_text(posting.title)
        company = clean_text(posting.company)
        if self._companies and company and (found := self._companies.search(company)):
            return f"company blocked ({found.group(0)})"
        if self._titles and (found := self._titles.search(title)):
            return f"title blocked ({found.group(0)})"
        description = clean_text(_description(posting))
        if self._exclude and (found := self._exclude.search(f"{title}\n{description}")):
            return f"excluded keyword ({found.group(0)})"
        if self._include:
            haystack = "\n".join([title, company, ", ".join(posting.skills), description])
            if not self._include.search(haystack):
                return "no wanted keyword"
        if self.remote_only and not (posting.is_remote or posting.work_model is WorkModel.REMOTE):
            return "not remote"
        return self._salary_reason(posting)

    def _salary_reason(self, posting: JobPosting) -> str | None:
        floor = self.yearly_floor
        if floor is None:
            return None
        salary = posting.salary
        known = salary is not None and (salary.max_amount is not None or salary.min_amount is not None)
        if salary is None or not known or (self.currency and salary.currency and salary.currency != self.currency):
            return None if self.keep_unknown_salary else "salary unknown"
        yearly = annualize(salary)
        best = yearly.max_amount if yearly.max_amount is not None else yearly.min_amount
        if best is None or best < floor:
            return f"salary below {floor:,.0f} a year"
        return None
