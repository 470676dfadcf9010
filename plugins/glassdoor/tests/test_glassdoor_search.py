"""``glassdoor.search`` against the local Glassdoor, run by the engine with its browser pool (real headless
Chromium), in both modes: the request API with ``/graph`` (default) and the rendered page ("Show more jobs",
the sign-in modal). Every listing is checked field by field against the site's expected table.

Split from test_glassdoor_plugin.py (job pages and hostile modes) so the two xdist workers share the load.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jobflow.engine import RunResult
from jobflow.testing.sites import LocalSites
from jobflow.testing.sitetests import assert_same_postings, postings_of, run_site_steps

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("require_browser")]
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


async def run(
    tmp_path: Path, sites: LocalSites, steps: list[dict[str, Any]], *, retry: dict[str, Any] | None = None
) -> RunResult:
    """Run ``steps`` with the local Glassdoor as ``sites.glassdoor``."""
    return await run_site_steps(tmp_path, "glassdoor", sites.glassdoor.base_url, steps, now=sites.now, retry=retry)


def everything(sites: LocalSites) -> list[str]:
    return next(s["ids"] for s in sites.glassdoor.searches() if s["name"] == "all")


@pytest.mark.parametrize("mode", MODES)
async def test_search_loads_every_page_and_reads_every_listing(
    local_sites: LocalSites, tmp_path: Path, mode: str
) -> None:
    steps = [{"id": "s", "uses": "glassdoor.search", "with": {"limit": 500, "mode": mode}}]
    result = await run(tmp_path, local_sites, steps)
    found = postings_of(result, "s")
    assert [p.native_id for p in found] == everything(local_sites), "page order kept, duplicates folded"
    assert result.outputs["s"]["pages"] == 5
    assert_same_postings(found, local_sites.glassdoor.expected("card"))


async def test_each_documented_search_returns_its_listings(local_sites: LocalSites, tmp_path: Path) -> None:
    steps = [
        {"id": name.replace("-", "_"), "uses": "glassdoor.search", "with": {**params, "limit": 500}}
        for name, params in SEARCHES.items()
    ]
    result = await run(tmp_path, local_sites, steps)
    for search in local_sites.glassdoor.searches():
        found = postings_of(result, search["name"].replace("-", "_"))
        assert [p.native_id for p in found] == search["ids"], search["name"]
    asked = [target for _, target, _ in local_sites.glassdoor.state.log]
    assert any("seniorityType=midseniorlevel" in target for target in asked), "the filter reached the page"
    graph = [target for method, target, _ in local_sites.glassdoor.state.log if method == "POST"]
    assert len(graph) >= 2, "the mid-senior search (66 listings) paged through /graph with its filterParams"


@pytest.mark.parametrize("modal_after", [0, 2, None])
async def test_the_sign_in_modal_is_closed_whenever_it_appears(
    local_sites: LocalSites, tmp_path: Path, modal_after: int | None
) -> None:
    local_sites.glassdoor.set(signin_modal_after=modal_after)
    steps = [{"id": "s", "uses": "glassdoor.search", "with": {"limit": 100, "mode": "browser"}}]
    found = postings_of(await run(tmp_path, local_sites, steps), "s")
    assert [p.native_id for p in found] == everything(local_sites)[:100]


@pytest.mark.parametrize("mode", MODES)
async def test_slow_pages_and_late_xhr_results(local_sites: LocalSites, tmp_path: Path, mode: str) -> None:
    local_sites.glassdoor.set(latency=(0.05, 0.2), late_xhr=1.0)
    steps = [{"id": "s", "uses": "glassdoor.search", "with": {"limit": 60, "mode": mode}}]
    found = postings_of(await run(tmp_path, local_sites, steps), "s")
    assert [p.native_id for p in found] == everything(local_sites)[:60], "results that arrive late are waited for"
    assert_same_postings(found, local_sites.glassdoor.expected("card"))
