"""``jobs.filter``'s rules as pure functions: whole-word keywords, blocklists, salary floor, remote only."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobflow.postings.filters import PostingFilter, phrase_pattern
from jobflow.postings.model import Interval, JobPosting, Salary, WorkModel


def posting(**changes: Any) -> JobPosting:
    values: dict[str, Any] = {
        "site": "indeed",
        "native_id": "1",
        "url": "https://www.indeed.com/viewjob?jk=1",
        "title": "Senior Python Developer",
        "company": "Globex Corporation",
        "description_markdown": "Build **services** in Python and Go. Node.js a plus; C++ not needed.",
        "salary": Salary(min_amount=50, max_amount=60, interval=Interval.HOURLY, currency="USD"),
    }
    return JobPosting(**{**values, **changes})


@pytest.mark.parametrize(
    ("rules", "reason"),
    [
        (PostingFilter(), None),
        (PostingFilter(include=("python",)), None),
        (PostingFilter(include=("rust", "java")), "no wanted keyword"),
        (PostingFilter(include=("node.js",)), None),
        (PostingFilter(include=("c++",)), None),
        (PostingFilter(include=("goo",)), "no wanted keyword"),
        (PostingFilter(exclude=("go",)), "excluded keyword (Go)"),
        (PostingFilter(exclude=("golang",)), None),
        (PostingFilter(companies=("globex",)), "company blocked (Globex)"),
        (PostingFilter(companies=("glob",)), None),
        (PostingFilter(titles=("senior",)), "title blocked (Senior)"),
        (PostingFilter(titles=("python developer",)), "title blocked (Python Developer)"),
        (PostingFilter(min_salary=124_800), None),
        (PostingFilter(min_salary=124_801), "salary below 124,801 a year"),
        (PostingFilter(min_salary=60, salary_interval=Interval.HOURLY), None),
        (PostingFilter(min_salary=10_400, salary_interval=Interval.MONTHLY), None),
        (PostingFilter(min_salary=10_401, salary_interval=Interval.MONTHLY), "salary below 124,812 a year"),
        (PostingFilter(min_salary=1, currency="EUR"), None),
        (PostingFilter(min_salary=1, currency="EUR", keep_unknown_salary=False), "salary unknown"),
        (PostingFilter(remote_only=True), "not remote"),
    ],
)
def test_rules(rules: PostingFilter, reason: str | None) -> None:
    assert rules.reason(posting()) == reason


def test_unknown_salary_and_remote() -> None:
    bare = posting(salary=None, is_remote=None, work_model=WorkModel.REMOTE)
    assert PostingFilter(min_salary=100_000).reason(bare) is None
    assert PostingFilter(min_salary=100_000, keep_unknown_salary=False).reason(bare) == "salary unknown"
    assert PostingFilter(remote_only=True).reason(bare) is None
    only_min = posting(salary=Salary(min_amount=90_000, interval=Interval.YEARLY, currency="USD"))
    assert PostingFilter(min_salary=90_000).reason(only_min) is None, "a 'From' salary counts by its minimum"


@given(st.text(min_size=1, max_size=12).filter(lambda s: s.strip()), st.text(max_size=30), st.text(max_size=30))
def test_a_phrase_always_matches_itself_between_spaces(phrase: str, before: str, after: str) -> None:
    pattern = phrase_pattern([phrase])
    assert pattern is not None
    from jobflow.postings.parse.text import clean_text

    assert pattern.search(f"{clean_text(before)} {clean_text(phrase)} {clean_text(after)}".lower())
