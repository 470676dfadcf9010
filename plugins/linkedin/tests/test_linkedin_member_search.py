"""Member ``linkedin.search`` run by the engine against the local LinkedIn in real Chromium: a signed-in
session drives the two-pane page. Results equal the expected table field by field, in hostile modes too;
without a session it is ``LoginRequired``. (Split from test_linkedin_search.py to balance the workers.)
"""

from __future__ import annotations

import pytest
from linkedin_support import LOGIN, Harness, error_of, mismatches, postings, search_steps

pytestmark = pytest.mark.browser


async def test_member_search_equals_the_expected_table_and_survives_hostile_modes(harness: Harness) -> None:
    site = harness.sites.linkedin
    result = await harness.run(harness.workflow(LOGIN + search_steps("auto")))
    assert result.ok, result.run.error_message
    for search in site.searches():
        outputs = result.outputs[f"s_{search['name'].replace('-', '_')}"]
        assert outputs["mode"] == "member", "auto mode uses the stored session"
        assert [p.native_id for p in postings(outputs)] == search["ids"], search["name"]
    assert mismatches(postings(result.outputs["s_all"]), site.expected("member_card")) == {}

    member = "- id: s\n  uses: linkedin.search\n  continue_on_error: true\n  with: {mode: member, limit: 60}\n"
    for behaviour, error in [
        ({"malformed": True}, None),
        ({"late_xhr": 0.2}, None),
        ({"empty": True}, None),
        ({"login_wall": True}, None),
        ({"rate_limit_after": 1, "rate_limit_status": 999}, "RateLimited"),
        ({"checkpoint": True}, "Checkpoint"),
    ]:
        site.set(**behaviour)
        run = await harness.run(harness.workflow(member))
        site.set(malformed=False, late_xhr=0.0, empty=False, login_wall=False, rate_limit_after=None, checkpoint=False)
        assert error_of(run, "s")[0] == error, (behaviour, error_of(run, "s"))
        if error is None:
            cards = postings(run.outputs["s"])
            assert len(cards) == (0 if behaviour.get("empty") else 60), behaviour
            expected = site.expected("member_card", malformed=bool(behaviour.get("malformed")))
            assert mismatches(cards, expected) == {}


async def test_member_mode_without_a_session_is_login_required(harness: Harness) -> None:
    result = await harness.run(harness.workflow("- id: s\n  uses: linkedin.search\n  with: {mode: member}\n"))
    error_class, message = error_of(result, "s")
    assert error_class == "LoginRequired"
    assert "linkedin.login" in (message or "")
