"""Testing a site plugin's steps against a local site: one workflow run, its postings, a field-by-field check.

For plugin authors' tests as much as jobflow's own (the Indeed and Glassdoor plugins use it)::

    from jobflow.testing.sitetests import assert_same_postings, postings_of, run_site_steps

    pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("require_browser")]

    async def test_search(local_sites, tmp_path):
        site = local_sites.indeed
        steps = [{"id": "s", "uses": "indeed.search", "with": {"limit": 30}}]
        result = await run_site_steps(tmp_path, "indeed", site.base_url, steps, now=local_sites.now)
        assert_same_postings(postings_of(result, "s"), site.expected("card"))

``require_browser`` (a fixture of the ``jobflow.testing`` pytest plugin) skips the tests when no browser is found.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jobflow.engine import RunResult
    from jobflow.postings.model import JobPosting

__all__ = ["assert_same_postings", "postings_of", "run_site_steps"]


async def run_site_steps(
    tmp_path: Path,
    site: str,
    base_url: str,
    steps: list[dict[str, Any]],
    *,
    now: datetime,
    rate: str = "1000/s",
    wait: Mapping[str, Any] | None = None,
    retry: Mapping[str, Any] | None = None,
) -> RunResult:
    """Run ``steps`` as a workflow whose ``sites.<site>`` is the local site at ``base_url``.

    The workflow is written as JSON (which is YAML) to ``tmp_path / "workflow.yaml"``, run with every
    installed plugin, ``JOBFLOW_HOME`` at ``tmp_path / "home"``, a local browser and a fake clock at
    ``now`` (the local data's reference time, so relative dates read as the expected tables say).
    ``rate``, ``wait`` and ``retry`` go into the site's block; the result never raises for a failed step.
    """
    from jobflow.clock import FakeClock
    from jobflow.config import Settings
    from jobflow.testing.workflows import run_workflow

    config: dict[str, Any] = {"base_url": base_url, "rate": rate}
    if wait is not None:
        config["wait"] = dict(wait)
    if retry is not None:
        config["retry"] = dict(retry)
    workflow = {"version": 1, "name": f"{site}-test", "sites": {site: config}, "steps": steps}
    path = tmp_path / "workflow.yaml"
    path.write_text(json.dumps(workflow))
    settings = Settings(jobflow_home=tmp_path / "home", jobflow_browser_ws_endpoint=None)
    return await run_workflow(path, settings=settings, clock=FakeClock(now))


def postings_of(result: RunResult, step_id: str) -> list[JobPosting]:
    """The ``postings`` output of step ``step_id``, as models; fails the test if the run failed."""
    from jobflow.postings.model import JobPosting

    assert result.ok, f"{result.run.error_class}: {result.run.error_message}"
    return [JobPosting.model_validate(p) for p in result.outputs[step_id]["postings"]]


def assert_same_postings(got: list[JobPosting], expected: Mapping[str, JobPosting]) -> None:
    """Every posting in ``got`` equals the one of its ``native_id`` in ``expected``, field by field
    (:meth:`JobPosting.comparable`); the first three that differ are shown with each field's pair."""
    problems = []
    for posting in got:
        want, have = expected[posting.native_id].comparable(), posting.comparable()
        diff = {name: (have[name], want[name]) for name in want if have[name] != want[name]}
        if diff:
            problems.append(f"{posting.native_id}: {diff}")
    assert not problems, f"{len(problems)} postings differ, e.g.\n" + "\n".join(problems[:3])
