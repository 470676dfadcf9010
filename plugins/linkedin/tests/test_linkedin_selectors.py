"""Every guest selector means the same in real Chromium as in the plugin's HTML tree, and finds something.

The guest fragments are read without a browser (:mod:`jobflow.postings.parse.markup`); this proves the selector
strings are plain CSS that Chromium agrees with, on the local LinkedIn's search fragment and postings.
"""

from __future__ import annotations

import urllib.request

import pytest
from linkedin_support import Harness

from jobflow.browser import BrowserPool
from jobflow.postings.parse.markup import parse_markup
from jobflow.spec.models import BrowserOptions
from jobflow.testing.sites import load_data
from jobflow_linkedin import selectors as S

pytestmark = pytest.mark.browser

GUEST = [
    name
    for name in dir(S)
    if name.startswith(("GUEST_CARD", "DETAIL_", "CRITERIA_", "LOGO"))
    and name not in ("GUEST_CARD_URN", "LOGO_URL", "DETAIL_FLAVOR_BULLET")
]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return str(answer.read().decode())


async def test_guest_selectors_agree_with_chromium(harness: Harness) -> None:
    site = harness.sites.linkedin
    postings = load_data("linkedin")["postings"]
    easy = next(p for p in postings if p["easy_apply"] and p["logo"] and p["salary_detail"] and p["applicants"])
    external = next(p for p in postings if p["apply_comment"] and not p["company_slug"])
    pages = [_get(site.url("/jobs-guest/jobs/api/seeMoreJobPostings/search?keywords=&start=0"))]
    pages += [_get(site.url(f"/jobs-guest/jobs/api/jobPosting/{p['id']}")) for p in (easy, external)]
    found = dict.fromkeys(GUEST, 0)
    async with BrowserPool(harness.settings(), BrowserOptions()) as pool, pool.page("linkedin") as page:
        for markup in pages:
            await page.set_content(markup)
            tree = parse_markup(markup)
            for name in GUEST:
                selector = getattr(S, name)
                in_tree = len(tree.select(selector))
                assert await page.locator(selector).count() == in_tree, (name, selector)
                found[name] += in_tree
    assert [name for name, count in found.items() if not count] == [], "every guest selector finds something"
