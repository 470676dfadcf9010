"""``indeed.search`` and ``indeed.job`` against the local Indeed, run by the engine with its browser pool
(real headless Chromium), in both modes: the request API (default) and rendered pages.

Every search and detail page is checked field by field against the site's expected table, in normal and
hostile modes; blocked pages must raise the right error, never come back as an empty list.
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
MODES = ["request", "browser"]
SEARCHES = {  # the local site's documented searches, as indeed.search parameters
    "all": {},
    "python": {"query": "python"},
    "remote": {"query": "engineer", "remote": True},
    "fulltime-3-days": {"job_type": "fulltime", "posted_within": "3d"},
    "austin": {"location": "Austin, TX"},
    "easy-apply": {"easy_apply": True},
    "senior": {"experience_level": "senior"},
    "entry-fulltime": {"experience_level": "entry", "job_type": "fulltime"},
    "nothing": {"query": "zzzz no such job"},
}


FAST_WAIT = {"until": "domcontentloaded", "timeout": "20s"}
"""Pages wait for ``domcontentloaded`` without the plugin's 500 ms settle."""


async def run(
    tmp_path: Path,
    sites: LocalSites,
    steps: list[dict[str, Any]],
    *,
    retry: dict[str, Any] | None = None,
    default_wait: bool = False,
) -> RunResult:
    """Run ``steps`` with the local Indeed as ``sites.indeed`` (``default_wait`` keeps the plugin's wait)."""
    wait = None if default_wait else FAST_WAIT
    base_url = sites.indeed.base_url
    return await run_site_steps(tmp_path, "indeed", base_url, steps, now=sites.now, wait=wait, retry=retry)


def sites_url(sites: LocalSites, path: str) -> str:
    return sites.indeed.url(path)


@pytest.mark.parametrize("mode", MODES)
async def test_search_pages_through_everything_and_reads_every_card(
    local_sites: LocalSites, tmp_path: Path, mode: str
) -> None:
    steps = [{"id": "s", "uses": "indeed.search", "with": {"limit": 500, "mode": mode}}]
    result = await run(tmp_path, local_sites, steps, default_wait=True)
    found = postings_of(result, "s")
    everything = next(s["ids"] for s in local_sites.indeed.searches() if s["name"] == "all")
    assert [p.native_id for p in found] == everything, "page order kept, duplicates across pages folded"
    assert result.outputs["s"]["pages"] == 13
    assert_same_postings(found, local_sites.indeed.expected("card"))


async def test_each_documented_search_returns_its_postings(local_sites: LocalSites, tmp_path: Path) -> None:
    steps = [
        {"id": name.replace("-", "_"), "uses": "indeed.search", "with": {**params, "limit": 500}}
        for name, params in SEARCHES.items()
    ]
    result = await run(tmp_path, local_sites, steps)
    for search in local_sites.indeed.searches():
        found = postings_of(result, search["name"].replace("-", "_"))
        assert [p.native_id for p in found] == search["ids"], search["name"]
    assert postings_of(result, "nothing") == [], "the site said 'did not match any jobs'"
    asked = [target for _, target, _ in local_sites.indeed.state.log]
    assert any("explvl%28ENTRY_LEVEL%29jt%28fulltime%29" in target for target in asked), "the filters reached Indeed"


async def test_limit_stops_paging(local_sites: LocalSites, tmp_path: Path) -> None:
    result = await run(tmp_path, local_sites, [{"id": "s", "uses": "indeed.search", "with": {"limit": 15}}])
    assert len(postings_of(result, "s")) == 15
    assert result.outputs["s"]["pages"] == 2
    assert local_sites.indeed.state.requests == 2


async def test_every_job_page_through_the_request_api(local_sites: LocalSites, tmp_path: Path) -> None:
    keys = list(local_sites.indeed.expected("detail"))
    steps = [
        {"id": "jobs", "uses": "indeed.job", "for_each": keys, "as": "jk", "concurrency": 8,
         "with": {"job": "${{ jk }}"}},
    ]  # fmt: skip
    result = await run(tmp_path, local_sites, steps)
    assert result.ok, result.run.error_message
    got = [JobPosting.model_validate(r["posting"]) for r in result.outputs["jobs"]["results"]]
    assert [p.native_id for p in got] == keys
    assert_same_postings(got, local_sites.indeed.expected("detail"))


async def test_job_pages_rendered_in_the_browser(local_sites: LocalSites, tmp_path: Path) -> None:
    expected = local_sites.indeed.expected("detail")
    keys = list(expected)[::20]
    steps = [{"id": "j", "uses": "indeed.job", "with": {"jobs": keys, "mode": "browser"}}]
    got = postings_of(await run(tmp_path, local_sites, steps), "j")
    assert [p.native_id for p in got] == keys
    assert_same_postings(got, expected)


async def test_a_search_posting_is_completed_by_its_job_page(local_sites: LocalSites, tmp_path: Path) -> None:
    card = next(p for p in local_sites.indeed.expected("card").values() if p.company_logo and p.benefits)
    steps = [{"id": "j", "uses": "indeed.job", "with": {"job": card.model_dump(mode="json")}}]
    merged = JobPosting.model_validate((await run(tmp_path, local_sites, steps)).outputs["j"]["posting"])
    detail = local_sites.indeed.expected("detail")[card.native_id]
    assert merged.company_logo == card.company_logo, "card fields kept"
    assert merged.benefits == card.benefits, "card fields kept"
    assert merged.description_html == detail.description_html
    assert merged.emails == detail.emails


@pytest.mark.parametrize("mode", MODES)
async def test_malformed_fields_become_none_not_garbage(local_sites: LocalSites, tmp_path: Path, mode: str) -> None:
    local_sites.indeed.set(malformed=True)
    broken = list(load_expected("indeed")["malformed"]["detail"])[:3]
    steps = [
        {"id": "s", "uses": "indeed.search", "with": {"limit": 500, "mode": mode}},
        *({"id": f"j{n}", "uses": "indeed.job", "with": {"job_key": k, "mode": mode}} for n, k in enumerate(broken)),
    ]
    result = await run(tmp_path, local_sites, steps)
    assert_same_postings(postings_of(result, "s"), local_sites.indeed.expected("card", malformed=True))
    details = [JobPosting.model_validate(result.outputs[f"j{n}"]["posting"]) for n in range(len(broken))]
    assert_same_postings(details, local_sites.indeed.expected("detail", malformed=True))
    assert all(d.salary is None for d in details)


async def test_slow_pages_and_late_panes_still_give_every_posting(local_sites: LocalSites, tmp_path: Path) -> None:
    local_sites.indeed.set(latency=(0.05, 0.2), late_xhr=1.0)
    steps = [
        {"id": "s", "uses": "indeed.search", "with": {"limit": 30, "mode": "browser"}},
        {"id": "j", "uses": "indeed.job",
         "with": {"job": sites_url(local_sites, "/viewjob?jk=f2a74de452e6b438&from=serp&vjs=3"), "mode": "browser"}},
    ]  # fmt: skip
    result = await run(tmp_path, local_sites, steps)
    assert_same_postings(postings_of(result, "s"), local_sites.indeed.expected("card"))
    assert len(postings_of(result, "s")) == 30
    detail = JobPosting.model_validate(result.outputs["j"]["posting"])
    assert_same_postings([detail], local_sites.indeed.expected("detail"))


@pytest.mark.parametrize("mode", MODES)
async def test_http_429_raises_rate_limited_with_the_servers_delay(
    local_sites: LocalSites, tmp_path: Path, mode: str
) -> None:
    local_sites.indeed.set(rate_limit_after=1, retry_after=77)
    retry = {"max_attempts": 2, "backoff": ["1s"], "retry_on": ["rate_limited"]}
    steps = [{"id": "s", "uses": "indeed.search", "with": {"limit": 30, "mode": mode}}]
    result = await run(tmp_path, local_sites, steps, retry=retry)
    assert not result.ok
    attempts = [s for s in result.steps if s.step_id == "s"]
    assert [a.error_class for a in attempts] == ["RateLimited", "RateLimited"]
    assert attempts[0].will_retry_in == 77, "the retry waits the server's Retry-After, not the 1s backoff"
    assert "HTTP 429 (retry after 77s)" in (attempts[0].error_message or "")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("behaviour", "error"),
    [({"checkpoint": True}, "Checkpoint"), ({"login_wall": True}, "LoginRequired")],
)
async def test_walls_raise_their_error_and_checkpoints_are_never_retried(
    local_sites: LocalSites, tmp_path: Path, mode: str, behaviour: dict[str, Any], error: str
) -> None:
    local_sites.indeed.set(**behaviour)
    steps = [
        {"id": "s", "uses": "indeed.search", "with": {"mode": mode}, "continue_on_error": True},
        {"id": "j", "uses": "indeed.job", "with": {"job_key": "f2a74de452e6b438", "mode": mode}},
    ]
    result = await run(tmp_path, local_sites, steps, retry={"max_attempts": 3, "backoff": ["1s"]})
    for step_id in ("s", "j"):
        assert step_error(result, step_id)[0] == error
        assert len([s for s in result.steps if s.step_id == step_id]) == 1, "never retried"
    assert result.outputs["s"]["postings"] == [], "the failed search's outputs are its defaults, not a result"


@pytest.mark.parametrize("mode", MODES)
async def test_empty_results_only_when_the_site_says_so(local_sites: LocalSites, tmp_path: Path, mode: str) -> None:
    local_sites.indeed.set(empty=True)
    steps = [
        {"id": "empty", "uses": "indeed.search", "with": {"query": "python", "mode": mode}},
        {"id": "elsewhere", "uses": "indeed.search", "continue_on_error": True,
         "with": {"mode": mode, "base_url": local_sites.glassdoor.base_url}},
        {"id": "gone", "uses": "indeed.job", "continue_on_error": True,
         "with": {"job_key": "0000000000000000", "mode": mode}},
    ]  # fmt: skip
    result = await run(tmp_path, local_sites, steps)
    assert result.outputs["empty"]["postings"] == []
    assert step_error(result, "empty") == (None, None)
    error_class, message = step_error(result, "elsewhere")
    assert error_class == "SiteChanged"
    assert "mosaic-provider-jobcards" in (message or "")
    assert step_error(result, "gone")[0] == "JobGone"
