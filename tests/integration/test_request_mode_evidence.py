"""A request-mode (no page) step that fails leaves evidence as a page step does: the answer it got (body,
status, URL, headers without cookies) and a screenshot of that HTML rendered offline in the site's context.

Real headless Chromium against the local sites in hostile modes: an HTTP 500 error page (Indeed), a page
that is not the one expected (Glassdoor's search pointed at Indeed: ``SiteChanged``), a checkpoint
(LinkedIn's guest search). About 15 s.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jobflow.browser import find_browser
from jobflow.browser.artifacts import safe_headers
from jobflow.clock import FakeClock
from jobflow.config import Settings
from jobflow.engine import RunResult
from jobflow.errors import ConfigError
from jobflow.testing.sites import LocalSites
from jobflow.testing.sites.app import SERVER_ERROR_COOKIE
from jobflow.testing.workflows import run_workflow, step_error

pytestmark = pytest.mark.browser
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def chromium() -> None:
    try:
        find_browser(Settings())
    except ConfigError as exc:
        pytest.fail(f"no browser: {exc}")


async def run(tmp_path: Path, sites: LocalSites, step: dict[str, Any]) -> RunResult:
    wait = {"until": "domcontentloaded", "timeout": "20s"}
    config = {name: {"base_url": url, "rate": "1000/s", "wait": wait} for name, url in sites.base_urls().items()}
    workflow = {"version": 1, "name": "evidence", "sites": config, "steps": [{"id": "s", **step}]}
    path = tmp_path / "workflow.yaml"
    path.write_text(json.dumps(workflow))
    settings = Settings(jobflow_home=tmp_path / "home", jobflow_browser_ws_endpoint=None)
    return await run_workflow(path, settings=settings, clock=FakeClock(sites.now))


def evidence(result: RunResult) -> dict[str, Path]:
    """The failed attempt's files by name; each lies in the attempt's artifacts folder."""
    [attempt] = [s for s in result.steps if s.step_id == "s"]
    files = {Path(p).name: Path(p) for p in attempt.artifacts}
    assert all(p.is_file() and p.parent.name == "attempt-1" for p in files.values()), files
    return files


async def test_an_http_500_keeps_the_answer_and_its_screenshot(
    chromium: None, local_sites: LocalSites, tmp_path: Path
) -> None:
    local_sites.indeed.set(server_error=True)
    result = await run(tmp_path, local_sites, {"uses": "indeed.search", "with": {"query": "python"}})
    assert step_error(result, "s")[0] == "NetworkError"
    files = evidence(result)
    assert {"response.html", "response-meta.json", "screenshot.png"} <= set(files)
    assert "Something went wrong on our side" in files["response.html"].read_text()
    meta = json.loads(files["response-meta.json"].read_text())
    assert (meta["status"], meta["error"]) == (500, "NetworkError")
    assert meta["url"].startswith(local_sites.indeed.url("/jobs?q=python"))
    assert meta["headers"]["content-type"].startswith("text/html")
    assert SERVER_ERROR_COOKIE.split("=")[1] not in files["response-meta.json"].read_text(), "no cookie kept"
    shot = files["screenshot.png"].read_bytes()
    assert shot.startswith(PNG)
    assert len(shot) > 1000
    asked = [target for _, target, _ in local_sites.indeed.state.log]
    assert not any("missing.css" in target for target in asked), "the offline rendering loaded nothing"


async def test_an_unexpected_page_keeps_the_answer(chromium: None, local_sites: LocalSites, tmp_path: Path) -> None:
    step = {"uses": "glassdoor.search", "with": {"base_url": local_sites.indeed.base_url}}
    result = await run(tmp_path, local_sites, step)
    error_class, message = step_error(result, "s")
    assert error_class == "SiteChanged", message
    files = evidence(result)
    assert {"response.html", "response-meta.json", "screenshot.png"} <= set(files)
    assert "Page not found" in files["response.html"].read_text(), "Indeed's answer, as it came"
    meta = json.loads(files["response-meta.json"].read_text())
    assert (meta["status"], meta["error"]) == (404, "SiteChanged")
    assert meta["url"].startswith(local_sites.indeed.url("/Job/jobs.htm"))


async def test_a_linkedin_guest_checkpoint_keeps_the_answer(
    chromium: None, local_sites: LocalSites, tmp_path: Path
) -> None:
    local_sites.linkedin.set(checkpoint=True)
    result = await run(tmp_path, local_sites, {"uses": "linkedin.search", "with": {"keywords": "python"}})
    assert step_error(result, "s")[0] == "Checkpoint"
    files = evidence(result)
    assert {"response.html", "response-meta.json", "screenshot.png"} <= set(files)
    assert "/checkpoint/" in json.loads(files["response-meta.json"].read_text())["url"]


def test_saved_headers_leave_out_cookies_and_credentials() -> None:
    headers = {
        "Content-Type": "text/html",
        "Set-Cookie": "a=b",
        "Authorization": "Bearer x",
        "gd-csrf-token": "t",
        "X-Session-Id": "s",
        "Retry-After": "60",
    }
    assert safe_headers(headers) == {"Content-Type": "text/html", "Retry-After": "60"}
