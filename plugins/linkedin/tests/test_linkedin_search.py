"""Guest ``linkedin.search`` and ``linkedin.job`` run by the engine against the local LinkedIn in real Chromium.

Guest search and details go through the site context's request API (member search, which drives the
two-pane page, is in test_linkedin_member_search.py). Results equal the expected tables field by field;
every hostile mode gives the right typed error or a correct result, never a silent empty list.
"""

from __future__ import annotations

from typing import Any

import pytest
from linkedin_support import SEARCHES, Harness, error_of, mismatches, postings, search_steps

from jobflow_linkedin.query import SearchParams, search_parameters

pytestmark = pytest.mark.browser


def test_the_params_produce_the_documented_searches(harness: Harness) -> None:
    for search in harness.sites.linkedin.searches():
        produced = search_parameters(SearchParams.model_validate(SEARCHES[search["name"]]))
        assert {k: v for k, v in produced.items() if v} == search["params"], search["name"]


async def test_guest_search_and_details_equal_the_expected_tables(harness: Harness) -> None:
    site = harness.sites.linkedin
    details = "- id: details\n  uses: linkedin.job\n  with: {jobs: \"${{ steps.s_all.postings | map(attribute='native_id') | list }}\"}\n"  # noqa: E501
    result = await harness.run(harness.workflow(search_steps("guest") + details, site={"rate": "500/s"}))
    assert result.ok, result.run.error_message
    for search in site.searches():
        outputs = result.outputs[f"s_{search['name'].replace('-', '_')}"]
        assert outputs["mode"] == "guest"
        assert [p.native_id for p in postings(outputs)] == search["ids"], search["name"]
    cards = postings(result.outputs["s_all"])
    assert mismatches(cards, site.expected("guest_card")) == {}
    detailed = postings(result.outputs["details"])
    assert len(detailed) == len(site.expected("detail"))
    assert mismatches(detailed, site.expected("detail")) == {}
    assert not any(target.startswith("/jobs/search") for _, target, _ in site.state.log), "guest search never renders"


GUEST_WORKFLOW = """
- id: search
  uses: linkedin.search
  continue_on_error: true
  with: {keywords: engineer, limit: 30}
- id: job
  uses: linkedin.job
  continue_on_error: true
  with: {jobs: ["4012353656", "4012361600"]}
"""


@pytest.mark.parametrize(
    ("behaviour", "error"),
    [
        ({"malformed": True}, None),
        ({"late_xhr": 0.1, "latency": (0.01, 0.05)}, None),
        ({"rate_limit_after": 2}, ("RateLimited", "(HTTP 429); retry after 60s")),
        ({"rate_limit_after": 0, "rate_limit_status": 999}, ("RateLimited", "HTTP 999")),
        ({"login_wall": True}, ("LoginRequired", "asks to sign in")),
        ({"checkpoint": True}, ("Checkpoint", "security checkpoint")),
    ],
    ids=["malformed", "slow", "429", "999", "login-wall", "checkpoint"],
)
async def test_guest_hostile_modes(harness: Harness, behaviour: dict[str, Any], error: tuple[str, str] | None) -> None:
    site = harness.sites.linkedin
    site.set(**behaviour)
    result = await harness.run(harness.workflow(GUEST_WORKFLOW))
    malformed = bool(behaviour.get("malformed"))
    if error is None:
        assert result.ok, result.run.error_message
        cards = postings(result.outputs["search"])
        assert len(cards) == 30
        assert mismatches(cards, site.expected("guest_card", malformed=malformed)) == {}
        assert mismatches(postings(result.outputs["job"]), site.expected("detail", malformed=malformed)) == {}
        return
    error_class, words = error
    found = error_of(result, "search")
    assert found[0] == error_class, found
    assert words in (found[1] or ""), found
    assert error_of(result, "job")[0] == error_class
    assert result.outputs["search"]["postings"] == [], "a failed search leaves its declared defaults"


async def test_empty_results_are_an_empty_list_not_an_error(harness: Harness) -> None:
    harness.sites.linkedin.set(empty=True)
    result = await harness.run(harness.workflow(GUEST_WORKFLOW.replace("continue_on_error: true", "")))
    assert error_of(result, "search") == (None, None)
    assert result.outputs["search"] == {"postings": [], "count": 0, "mode": "guest"}


async def test_a_rate_limited_search_is_retried_after_retry_after(harness: Harness) -> None:
    harness.sites.linkedin.set(rate_limit_after=2, retry_after=1)
    steps = """
    - id: first
      uses: linkedin.search
      with: {keywords: python}
    - id: again
      uses: linkedin.search
      retry: {max_attempts: 3, backoff: [100ms], retry_on: [rate_limited]}
      with: {keywords: python}
    """
    result = await harness.run(harness.workflow(steps))
    assert result.ok, result.run.error_message
    attempts = [s for s in result.steps if s.step_id == "again"]
    assert [a.error_class for a in attempts] == ["RateLimited", None]
    assert attempts[0].will_retry_in is not None
    assert attempts[0].will_retry_in >= 1.0
    again, first = postings(result.outputs["again"]), postings(result.outputs["first"])
    assert [p.comparable() for p in again] == [p.comparable() for p in first] != []
