"""``glassdoor.search`` and ``glassdoor.job`` against the local Glassdoor, run by the engine with its browser
pool (real headless Chromium), in both modes: the request API with ``/graph`` (default) and the rendered
page ("Show more jobs", the sign-in modal).

Every search and detail page is checked field by field against the site's expected table, in normal and
hostile modes; blocked pages must raise the right error, never come back as an empty list.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jobflow.browser import find_browser
from jobflow.clock import FakeClock
from jobflow.config import Settings
from jobflow.engine import RunResult
from jobflow.errors import ConfigError
from jobflow.postings.model import JobPosting
from jobflow.testing.sites import LocalSites
from jobflow.testing.sites.tables import load_expected
from jobflow.testing.workflows import run_workflow, step_error

pytestmark = pytest.mark.browser
MODES = ["api", "browser"]
SEARCHES = {  # the local site's documented searches, as glassdoor.search parameters
    "all": {},
    "python": {"keywords": "python"},
    "remote": {"keywords": "engineer", "remote": True},
    "week": {"posted_within": "7d"},
    "austin": {"location": "Austin, TX"},
    "easy-apply": {"easy_apply": True},
    "entry": {"experience_level": "entry"},
    "mid-senior": {"experience_level": "mid_senior"},
    "nothing": {"keywords": "zzzz no such job"},
}


@pytest.fixture(scope="module")
def chromium() -> None:
    try:
        find_browser(Settings())
    except ConfigError as exc:
        pytest.skip(f"no browser: {exc}")


async def run(
    tmp_path: Path, sites: LocalSites, steps: list[dict[str, Any]], *, retry: dict[str, Any] | None = None
) -> RunResult:
    """Run ``steps`` with the local Glassdoor as ``sites.glassdoor`` and a clock at the data's now."""
    glassdoor: dict[str, Any] = {"base_url": sites.glassdoor.base_url, "rate": "1000/s"}
    if retry is not None:
        glassdoor["retry"] = retry
    workflow = {"version": 1, "name": "glassdoor-test", "sites": {"glassdoor": glassdoor}, "steps": steps}
    path = tmp_path / "workflow.yaml"
    path.write_text(json.dumps(workflow))
    settings = Settings(jobflow_home=tmp_path / "home", jobflow_browser_ws_endpoint=None)
    return await run_workflow(path, settings=settings, clock=FakeClock(sites.now))


def postings(result: RunResult, step_id: str) -> list[JobPosting]:
    assert result.ok, f"{result.run.error_class}: {result.run.error_message}"
    return [JobPosting.model_validate(p) for p in result.outputs[step_id]["postings"]]


def assert_same(got: list[JobPosting], expected: dict[str, JobPosting]) -> None:
    """Every posting equals its expected one, field by field (the first differences are shown)."""
    problems = []
    for posting in got:
        want, have = expected[posting.native_id].comparable(), posting.comparable()
        diff = {name: (have[name], want[name]) for name in want if have[name] != want[name]}
        if diff:
            problems.append(f"{posting.native_id}: {diff}")
    assert not problems, f"{len(problems)} postings differ, e.g.\n" + "\n".join(problems[:3])


def everything(sites: LocalSites) -> list[str]:
    return next(s["ids"] for s in sites.glassdoor.searches() if s["name"] == "all")


@pytest.mark.parametrize("mode", MODES)
async def test_search_loads_every_page_and_reads_every_listing(
    chromium: None, local_sites: LocalSites, tmp_path: Path, mode: str
) -> None:
    steps = [{"id": "s", "uses": "glassdoor.search", "with": {"limit": 500, "mode": mode}}]
    result = await run(tmp_path, local_sites, steps)
    found = postings(result, "s")
    assert [p.native_id for p in found] == everything(local_sites), "page order kept, duplicates folded"
    assert result.outputs["s"]["pages"] == 5
    assert_same(found, local_sites.glassdoor.expected("card"))


async def test_each_documented_search_returns_its_listings(
    chromium: None, local_sites: LocalSites, tmp_path: Path
) -> None:
    steps = [
        {"id": name.replace("-", "_"), "uses": "glassdoor.search", "with": {**params, "limit": 500}}
        for name, params in SEARCHES.items()
    ]
    result = await run(tmp_path, local_sites, steps)
    for search in local_sites.glassdoor.searches():
        found = postings(result, search["name"].replace("-", "_"))
        assert [p.native_id for p in found] == search["ids"], search["name"]
    asked = [target for _, target, _ in local_sites.glassdoor.state.log]
    assert any("seniorityType=midseniorlevel" in target for target in asked), "the filter reached the page"
    graph = [target for method, target, _ in local_sites.glassdoor.state.log if method == "POST"]
    assert len(graph) >= 2, "the mid-senior search (66 listings) paged through /graph with its filterParams"


@pytest.mark.parametrize("modal_after", [0, 2, None])
async def test_the_sign_in_modal_is_closed_whenever_it_appears(
    chromium: None, local_sites: LocalSites, tmp_path: Path, modal_after: int | None
) -> None:
    local_sites.glassdoor.set(signin_modal_after=modal_after)
    steps = [{"id": "s", "uses": "glassdoor.search", "with": {"limit": 100, "mode": "browser"}}]
    found = postings(await run(tmp_path, local_sites, steps), "s")
    assert [p.native_id for p in found] == everything(local_sites)[:100]


async def test_every_job_page_with_its_detail_query(chromium: None, local_sites: LocalSites, tmp_path: Path) -> None:
    ids = list(local_sites.glassdoor.expected("detail"))
    steps = [
        {"id": "jobs", "uses": "glassdoor.job", "for_each": ids, "as": "jl", "concurrency": 8,
         "with": {"listing_id": "${{ jl }}"}},
    ]  # fmt: skip
    result = await run(tmp_path, local_sites, steps)
    assert result.ok, result.run.error_message
    got = [JobPosting.model_validate(r["posting"]) for r in result.outputs["jobs"]["results"]]
    assert [p.native_id for p in got] == ids
    assert_same(got, local_sites.glassdoor.expected("detail"))


async def test_job_pages_rendered_in_the_browser(chromium: None, local_sites: LocalSites, tmp_path: Path) -> None:
    expected = local_sites.glassdoor.expected("detail")
    ids = list(expected)[::20]
    urls = [local_sites.glassdoor.url(f"/job-listing/senior-x-JV_KO0,8.htm?jl={jl}&pos=1&ao=11") for jl in ids]
    steps = [{"id": "j", "uses": "glassdoor.job", "with": {"jobs": urls, "mode": "browser"}}]
    result = await run(tmp_path, local_sites, steps)
    assert result.ok, result.run.error_message
    got = [JobPosting.model_validate(p) for p in result.outputs["j"]["postings"]]
    assert [p.native_id for p in got] == ids
    assert_same(got, expected)


async def test_a_search_listing_is_completed_by_its_job_page(
    chromium: None, local_sites: LocalSites, tmp_path: Path
) -> None:
    card = next(p for p in local_sites.glassdoor.expected("card").values() if p.skills and p.company_logo)
    steps = [{"id": "j", "uses": "glassdoor.job", "with": {"job": card.model_dump(mode="json")}}]
    merged = JobPosting.model_validate((await run(tmp_path, local_sites, steps)).outputs["j"]["posting"])
    detail = local_sites.glassdoor.expected("detail")[card.native_id]
    assert merged.skills == card.skills, "card fields kept"
    assert merged.date_posted == card.date_posted, "card fields kept"
    assert merged.description_markdown == detail.description_markdown
    assert merged.apply_url == detail.apply_url


@pytest.mark.parametrize("mode", MODES)
async def test_malformed_fields_become_none_not_garbage(
    chromium: None, local_sites: LocalSites, tmp_path: Path, mode: str
) -> None:
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
    assert_same(postings(result, "s"), local_sites.glassdoor.expected("card", malformed=True))
    details = [JobPosting.model_validate(result.outputs[f"j{n}"]["posting"]) for n in range(len(broken))]
    assert_same(details, local_sites.glassdoor.expected("detail", malformed=True))
    assert all(d.salary is None for d in details)


@pytest.mark.parametrize("mode", MODES)
async def test_slow_pages_and_late_xhr_results(
    chromium: None, local_sites: LocalSites, tmp_path: Path, mode: str
) -> None:
    local_sites.glassdoor.set(latency=(0.05, 0.2), late_xhr=1.0)
    steps = [{"id": "s", "uses": "glassdoor.search", "with": {"limit": 60, "mode": mode}}]
    found = postings(await run(tmp_path, local_sites, steps), "s")
    assert [p.native_id for p in found] == everything(local_sites)[:60], "results that arrive late are waited for"
    assert_same(found, local_sites.glassdoor.expected("card"))


@pytest.mark.parametrize("mode", MODES)
async def test_http_429_raises_rate_limited_with_the_servers_delay(
    chromium: None, local_sites: LocalSites, tmp_path: Path, mode: str
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
    chromium: None, local_sites: LocalSites, tmp_path: Path, mode: str, behaviour: dict[str, Any], error: str
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
async def test_empty_results_only_when_the_site_says_so(
    chromium: None, local_sites: LocalSites, tmp_path: Path, mode: str
) -> None:
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
