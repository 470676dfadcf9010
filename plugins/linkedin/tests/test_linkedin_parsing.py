"""The guest fragments read over plain HTTP equal the local LinkedIn's expected tables, field by field.

Every page of the guest search endpoint and every posting, in the default and the ``malformed`` mode (no
browser here: the steps' browser tests run the same parsers through the engine).
"""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from jobflow.postings import JobPosting
from jobflow.testing.sites import LocalSites
from jobflow_linkedin.pages.guest_search import parse_search_fragment
from jobflow_linkedin.pages.posting import parse_posting


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, str(answer.read().decode())
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def _differences(got: JobPosting, want: JobPosting) -> dict[str, tuple[object, object]]:
    mine, theirs = got.comparable(), want.comparable()
    return {name: (mine[name], theirs[name]) for name in theirs if mine[name] != theirs[name]}


@pytest.mark.parametrize("malformed", [False, True], ids=["default", "malformed"])
def test_every_guest_card_and_posting_matches_the_expected_table(local_sites: LocalSites, malformed: bool) -> None:
    site = local_sites.linkedin
    site.set(malformed=malformed)
    api = site.url("/jobs-guest/jobs/api/seeMoreJobPostings/search?keywords=&start={}")
    cards: list[JobPosting] = []
    while True:
        status, body = _get(api.format(len(cards)))
        page = parse_search_fragment(body, base_url=site.base_url, now=local_sites.now) if status == 200 else []
        if not page:
            break
        cards += page
    assert status in (200, 400)
    assert len(cards) > len({c.native_id for c in cards}), "the endpoint repeats cards across pages"
    expected = site.expected("guest_card", malformed=malformed)
    found = {card.native_id: card for card in reversed(cards)}
    assert sorted(found) == sorted(expected)
    assert {i: d for i in expected if (d := _differences(found[i], expected[i]))} == {}
    details = site.expected("detail", malformed=malformed)
    for native_id, want in details.items():
        status, body = _get(site.url(f"/jobs-guest/jobs/api/jobPosting/{native_id}"))
        assert status == 200
        got = parse_posting(body, native_id=native_id, base_url=site.base_url, now=local_sites.now)
        assert _differences(got, want) == {}, native_id
