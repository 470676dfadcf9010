"""The plumbing the Indeed and Glassdoor steps share (``jobflow.postings.sitesteps``): job references,
the origin of a given posting, whole days, the one-of ``job``/``jobs`` rule. No browser, milliseconds."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from pydantic import ValidationError

from jobflow.errors import StepError
from jobflow.postings.model import JobPosting
from jobflow.postings.sitesteps import JobOutputs, JobsParams, SearchOutputs, job_refs, posting_origin, whole_days

KEY = re.compile(r"[0-9a-f]{16}$")


def posting(site: str, native_id: str, url: str) -> dict[str, object]:
    return JobPosting(site=site, native_id=native_id, url=url, title="Engineer").model_dump(mode="json")


def refs(**given: object) -> list[tuple[str, JobPosting | None]]:
    params = JobsParams.model_validate(given)
    return job_refs(params, site="indeed", id_param="jk", valid=KEY.match, what="a job key")


def test_ids_urls_and_postings_become_site_ids_in_order() -> None:
    given = posting("indeed", "0123456789abcdef", "https://uk.indeed.com/viewjob?jk=0123456789abcdef")
    found = refs(jobs=["fedcba9876543210", "https://www.indeed.com/viewjob?jk=00000000000000aa&from=x", given])
    assert [key for key, _ in found] == ["fedcba9876543210", "00000000000000aa", "0123456789abcdef"]
    assert [p is not None for _, p in found] == [False, False, True]
    assert posting_origin(found, "jk") == "https://uk.indeed.com"
    assert posting_origin(found[:2], "jk") is None, "only a given posting names an origin"


def test_bad_references_fail_the_step_with_one_line() -> None:
    with pytest.raises(StepError, match=r"indeed\.job: 'nope' is neither a job key nor a job URL with jk="):
        refs(job="nope")
    other = posting("glassdoor", "42", "https://www.glassdoor.com/job-listing/j?jl=42")
    with pytest.raises(StepError, match=r"indeed\.job got a glassdoor posting \(42\)"):
        refs(job=other)
    for wrong in ({}, {"job": "fedcba9876543210", "jobs": ["fedcba9876543210"]}):
        with pytest.raises(ValidationError, match="give either 'job'"):
            JobsParams.model_validate(wrong)


def test_whole_days_round_up_and_outputs_dump_postings() -> None:
    assert [whole_days(d) for d in (None, timedelta(hours=1), timedelta(days=3), timedelta(days=3, seconds=1))] == [
        None,
        1,
        3,
        4,
    ]
    one = JobPosting(site="indeed", native_id="a", url="https://x.test/a", title="A")
    assert SearchOutputs.of([one], pages=2).model_dump() == {
        "postings": [one.model_dump(mode="json")],
        "count": 1,
        "pages": 2,
    }
    assert JobOutputs.of([one], single=True).posting == one.model_dump(mode="json")
    assert JobOutputs.of([one], single=False).posting is None
