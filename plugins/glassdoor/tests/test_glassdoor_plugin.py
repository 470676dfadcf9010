"""``glassdoor.job`` and the hostile modes of ``glassdoor.search`` against the local Glassdoor, run by the
engine with its browser pool (real headless Chromium), in both modes: the request API with ``/graph``
(default) and the rendered page. Normal searches are in test_glassdoor_search.py.

Every detail page is checked field by field against the site's expected table, in normal and hostile
modes; blocked pages must raise the right error, never come back as an empty list.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jobflow.engine import RunResult
from jobflow.postings.model import JobPosting
from jobflow.testing.sites import LocalSites
from jobflow.testing.sites.tables import load_expected
from jobflow.testing.sitetests import assert_same_postings, postings_of, run_site_steps
from jobflow.testing.workflows import step_error

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("require_browser")]
MODES = ["api", "browser"]


async def run(
    tmp_path: Path, sites: LocalSites, steps: list[dict[str, Any]], *, retry: dict[str, Any] | None = None
) -> RunResult:
    """Run ``steps`` with the local Glassdoor as ``sites.glassdoor``."""
    return await run_site_steps(tmp_path, "glassdoor", sites.glassdoor.base_url, steps, now=sites.now, retry=retry)


async def test_every_job_page_with_its_detail_query(local_sites: LocalSites, tmp_path: Path) -> None:
    ids = list(local_sites.glassdoor.expected("detail"))
    steps = [
        {"id": "jobs", "uses": "glassdoor.job", "for_each": ids, "as": "jl", "concurrency": 8,
         "with": {"listing_id": "${{ jl }}"}},
    ]  # fmt: skip
    result = await run(tmp_path, local_sites, steps)
    assert result.ok, result.run.error_message
    got = [JobPosting.model_validate(r["posting"]) for r in result.outputs["jobs"]["results"]]
    assert [p.native_id for p in got] == ids
    assert_same_postings(got, local_sites.glassdoor.expected("detail"))


async def test_job_pages_rendered_in_the_browser(local_sites: LocalSites, tmp_path: Path) -> None:
    expected = local_sites.glassdoor.expected("detail")
    ids = list(expected)[::20]
    urls = [local_sites.glassdoor.url(f"/job-listing/senior-x-JV_KO0,8.htm?jl={jl}&pos=1&ao=11") for jl in ids]
    steps = [{"id": "j", "uses": "glassdoor.job", "with": {"jobs": urls, "mode": "browser"}}]
    got = postings_of(await run(tmp_path, local_sites, steps), "j")
    assert [p.native_id for p in got] == ids
    assert_same_postings(got, expected)


async def test_a_search_listing_is_completed_by_its_job_page(local_sites: LocalSites, tmp_path: Path) -> None:
    card = next(p for p in local_sites.glassdoor.expected("card").values() if p.skills and p.company_logo)
    steps = [{"id": "j", "uses": "glassdoor.job", "with": {"job": card.model_dump(mode="json")}}]
    merged = JobPosting.model_validate((await run(tmp_path, local_sites, steps)).outputs["j"]["posting"])
    detail = local_sites.glassdoor.expected("detail")[card.native_id]
    assert merged.skills == card.skills, "card fields kept"
    assert merged.date_posted == card.date_posted, "card fields kept"
    assert merged.description_markdown == detail.description_markdown
    assert merged.apply_url == detail.apply_url


@pytest.mark.parametrize("mode", MODES)
async def test_malformed_fields_become_none_not_garbage(local_sites: LocalSites, tmp_path: Path, mode: str) -> None:
    local_sites.glassdoor.set(malformed=True)
    broken = list(load_expected("glassdoor")["malformed"]["detail"])[:3]
    steps = [
        {"id": "s", "uses": "glassdoor.search", "with": {"limit": 500, "mode": mode}},
        *(
            {"id": f"j{n}", "uses": "glassdoor.job", "with": {"listing_id": k, "mode": mode}}
            for n, k in enumerate(broken)
        ),
    ]
    result = await run(tmp_path, local_sites, steps)
    assert_same_postings(postings_of(result, "s"), local_sites.glassdoor.expected("card", malformed=True))
    details = [JobPosting.model_validate(result.outputs[f"j{n}"]["posting"]) for n in range(len(broken))]
    assert_same_postings(details, local_sites.glassdoor.expected("detail", malformed=True))
    assert all(d.salary is None for d in details)


@pytest.mark.parametrize("mode", MODES)
async def test_http_429_raises_rate_limited_with_the_servers_delay(
    local_sites: LocalSites, tmp_path: Path, mode: str
) -> None:
    local_sites.glassdoor.set(rate_limit_after=1, retry_after=77)
    retry = {"max_attempts": 2, "backoff": ["1s"], "retry_on": ["rate_limited"]}
    steps = [{"id": "s", "uses": "glassdoor.search", "with": {"limit": 60, "mode": mode}}]
    result = await run(tmp_path, local_sites, steps, retry=retry)
    attempts = [s for s in result.steps if s.step_id == "s"]
    assert [a.error_class for a in attempts] == ["RateLimited", "RateLimited"]
    assert attempts[0].will_retry_in == 77, "the retry waits the server's Retry-After, not the 1s backoff"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("behaviour", "error"),
    [({"checkpoint": True}, "Checkpoint"), ({"login_wall": True}, "LoginRequired")],
)
async def test_walls_raise_their_error_and_checkpoints_are_never_retried(
    local_sites: LocalSites, tmp_path: Path, mode: str, behaviour: dict[str, Any], error: str
) -> None:
    local_sites.glassdoor.set(**behaviour)
    listing = next(iter(local_sites.glassdoor.expected("detail")))
    steps = [
        {"id": "s", "uses": "glassdoor.search", "with": {"mode": mode}, "continue_on_error": True},
        {"id": "j", "uses": "glassdoor.job", "with": {"listing_id": listing, "mode": mode}},
    ]
    result = await run(tmp_path, local_sites, steps, retry={"max_attempts": 3, "backoff": ["1s"]})
    for step_id in ("s", "j"):
        assert step_error(result, step_id)[0] == error
        assert len([s for s in result.steps if s.step_id == step_id]) == 1, "never retried"
    assert result.outputs["s"]["postings"] == []


@pytest.mark.parametrize("mode", MODES)
async def test_empty_results_only_when_the_site_says_so(local_sites: LocalSites, tmp_path: Path, mode: str) -> None:
    local_sites.glassdoor.set(empty=True)
    steps = [
        {"id": "empty", "uses": "glassdoor.search", "with": {"keywords": "python", "mode": mode}},
        {"id": "elsewhere", "uses": "glassdoor.search", "continue_on_error": True,
         "with": {"mode": mode, "base_url": local_sites.indeed.base_url}},
        {"id": "gone", "uses": "glassdoor.job", "continue_on_error": True,
         "with": {"listing_id": "1", "mode": mode}},
    ]  # fmt: skip
    result = await run(tmp_path, local_sites, steps)
    assert result.outputs["empty"]["postings"] == []
    assert step_error(result, "empty") == (None, None)
    assert step_error(result, "elsewhere")[0] == "SiteChanged"
    assert step_error(result, "gone")[0] == "JobGone"
