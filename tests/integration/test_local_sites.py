"""The local sites over plain HTTP: documented structures, paging and duplicates, every hostile mode."""

from __future__ import annotations

import asyncio
import json
import re
import time
from urllib.parse import quote, urlencode

import pytest
from sitehttp import TOKEN, Client, mosaic_results, search_graph

from jobflow.clock import FakeClock
from jobflow.testing.sites import LocalSites, load_data, start_local_sites
from jobflow.testing.sites.indeed.render import BRACES
from jobflow.testing.sites.linkedin.member import LIMIT_MESSAGE

URN = re.compile(r'data-entity-urn="urn:li:jobPosting:(\d+)"')
GUEST_API = "/jobs-guest/jobs/api/seeMoreJobPostings/search"


@pytest.fixture
def client() -> Client:
    return Client()


def linkedin_pages(client: Client, base: str, params: dict[str, str]) -> list[list[str]]:
    """Every guest API page until the empty body, as the ids on each."""
    pages, start = [], 0
    while True:
        answer = client.get(f"{base}{GUEST_API}?{urlencode({**params, 'start': start})}")
        assert answer.status == 200
        ids = URN.findall(answer.body)
        if not ids:
            return pages
        pages.append(ids)
        start += len(ids)


def indeed_pages(client: Client, base: str, params: dict[str, str]) -> list[list[str]]:
    pages, url = [], f"{base}/jobs?{urlencode(params)}"
    while url:
        answer = client.get(url)
        assert answer.status == 200
        results = mosaic_results(answer.body)
        pages.append([r["jobkey"] for r in results])
        found = re.search(r'data-testid="pagination-page-next"[^>]*href="([^"]+)"', answer.body)
        url = base + found.group(1).replace("&amp;", "&") if found else ""
    return pages


def glassdoor_pages(client: Client, base: str, variables: dict[str, object]) -> list[list[str]]:
    token = TOKEN.search(client.get(base + "/").body).group(1)  # type: ignore[union-attr]
    pages, page = [], 1
    while True:
        answer = search_graph(client, base, token, page, **variables)
        assert answer.status == 200
        listings = answer.json()[0]["data"]["jobListings"]
        ids = [str(item["jobview"]["job"]["listingId"]) for item in listings["jobListings"]]
        if ids:
            pages.append(ids)
        if not any(c["pageNumber"] == page + 1 for c in listings["paginationCursors"]):
            return pages
        page += 1


def folded(pages: list[list[str]]) -> list[str]:
    return list(dict.fromkeys(i for page in pages for i in page))


# ------------------------------------------------------------------------------------- structure, paging


def test_linkedin_guest_pages_hold_ten_cards_with_duplicates_across_pages(
    local_sites: LocalSites, client: Client
) -> None:
    site = local_sites.linkedin
    pages = linkedin_pages(client, site.base_url, {})
    assert all(len(page) == 10 for page in pages[:-1])
    flat = [i for page in pages for i in page]
    assert flat == load_data("linkedin")["sequence"]
    assert len(flat) > len(set(flat)), "duplicates across pages, as the real endpoint has"
    assert folded(pages) == next(s["ids"] for s in site.searches() if s["name"] == "all")
    assert client.get(f"{site.base_url}{GUEST_API}?start={len(flat) + 5}").status == 400
    assert client.get(f"{site.base_url}{GUEST_API}?start=1000").status == 400


@pytest.mark.parametrize("site_name", ["linkedin", "indeed", "glassdoor"])
def test_every_documented_search_returns_its_expected_ids(
    local_sites: LocalSites, client: Client, site_name: str
) -> None:
    site = local_sites[site_name]
    for search in site.searches():
        if site_name == "linkedin":
            pages = linkedin_pages(client, site.base_url, search["params"])
        elif site_name == "indeed":
            pages = indeed_pages(client, site.base_url, search["params"])
        else:
            params = search["params"]
            filters = [
                {"filterKey": k, "values": v} for k, v in params.items() if k not in ("sc.keyword", "locKeyword")
            ]
            variables = {"keyword": params.get("sc.keyword", ""), "locationKeyword": params.get("locKeyword", "")}
            pages = glassdoor_pages(client, site.base_url, {**variables, "filterParams": filters})
        assert folded(pages) == search["ids"], search["name"]


def test_linkedin_card_and_detail_markup(local_sites: LocalSites, client: Client) -> None:
    site = local_sites.linkedin
    job = load_data("linkedin")["postings"][0]
    fragment = client.get(f"{site.base_url}{GUEST_API}?start=0").body
    assert "<html" not in fragment
    assert fragment.count("<li>") == 10
    for anchor in (
        "base-card__full-link",
        "base-search-card__title",
        "base-search-card__subtitle",
        "job-search-card__location",
    ):
        assert anchor in fragment
    assert re.search(r'<time class="job-search-card__listdate(--new)?" datetime="\d{4}-\d{2}-\d{2}">', fragment)
    api = client.get(f"{site.base_url}/jobs-guest/jobs/api/jobPosting/{job['id']}")
    assert api.status == 200
    assert "<html" not in api.body
    assert 'class="top-card-layout__title' in api.body
    assert "<h2" in api.body
    assert "description__job-criteria-list" in api.body
    assert "show-more-less-html__markup" in api.body
    for path in (f"/jobs/view/{job['id']}", f"/jobs/view/{job['slug']}-{job['id']}/"):
        page = client.get(site.base_url + path)
        assert page.status == 200
        assert '<h1 class="top-card-layout__title' in page.body
    assert client.get(f"{site.base_url}/jobs/view/1").status == 404
    guest = client.get(f"{site.base_url}/jobs/search?keywords=engineer")
    assert "jobs-search__results-list" in guest.body
    assert "infinite-scroller__show-more-button" in guest.body
    assert "results-context-header__job-count" in guest.body
    assert "guest-search.js" in guest.body


def test_indeed_page_has_mosaic_json_with_hex_job_keys(local_sites: LocalSites, client: Client) -> None:
    page = client.get(local_sites.indeed.url("/jobs?q=&start=0")).body
    results = mosaic_results(page)
    assert len(results) == 10
    assert all(re.fullmatch(r"[0-9a-f]{16}", r["jobkey"]) for r in results)
    assert any(BRACES in r["snippet"] for r in results), "a string holds '};' on page one"
    naive = re.search(r'window\.mosaic\.providerData\["mosaic-provider-jobcards"\]\s*=\s*(\{.*?\});', page, re.S)
    with pytest.raises(json.JSONDecodeError):
        json.loads(naive.group(1))  # type: ignore[union-attr]  # the non-greedy regex breaks, raw_decode does not
    assert 'data-testid="pagination-page-next"' in page
    assert "window._initialData=" in page
    jk = results[0]["jobkey"]
    assert f'data-jk="{jk}"' in page
    assert re.search(r'class="[^"]*css-|__[0-9a-f]{5}', page)
    detail = client.get(local_sites.indeed.url(f"/viewjob?jk={jk}")).body
    assert 'id="jobDescriptionText"' in detail
    assert "window._initialData=" in detail
    assert "application/ld+json" in detail
    pane = client.get(local_sites.indeed.url(f"/viewjob?viewtype=embedded&jk={jk}&spa=1")).json()
    assert pane["body"]["jobInfoWrapperModel"]["jobInfoModel"]["sanitizedJobDescription"].strip().startswith("<p")
    assert "did not match any jobs" in client.get(local_sites.indeed.url("/jobs?q=zzzz+no+such+job")).body


def test_glassdoor_graph_needs_the_csrf_token(local_sites: LocalSites, client: Client) -> None:
    site = local_sites.glassdoor
    page = client.get(site.url("/Job/jobs.htm?sc.keyword=")).body
    assert page.count('data-test="jobListing"') == 30
    assert 'data-test="load-more"' in page
    assert "__NEXT_DATA__" in page
    token = TOKEN.search(page).group(1)  # type: ignore[union-attr]
    operation = [{"operationName": "JobSearchResultsQuery", "variables": {"keyword": "", "pageNumber": 2}}]
    assert client.post_json(site.url("/graph"), operation).status == 403
    assert client.post_json(site.url("/graph"), operation, {"gd-csrf-token": "forged"}).status == 403
    answer = client.post_json(site.url("/graph"), operation, {"gd-csrf-token": token}).json()[0]
    assert len(answer["data"]["jobListings"]["jobListings"]) == 30
    assert answer["errors"], "a non-fatal jobsPageSeoData error rides along, as on the real site"
    listing = answer["data"]["jobListings"]["jobListings"][0]["jobview"]["job"]["listingId"]
    detail = [{"operationName": "JobDetailQuery", "variables": {"jl": listing}}]
    view = client.post_json(site.url("/graph"), detail, {"gd-csrf-token": token}).json()[0]["data"]["jobview"]
    assert view["job"]["description"].strip().startswith("<p")
    assert 'data-test="job-details-header"' in client.get(site.url(f"/job-listing/j?jl={listing}")).body
    found = client.get(site.url("/findPopularLocationAjax.htm?maxLocationsToReturn=10&term=austin")).json()
    assert found == [{"locationId": 1139761, "locationType": "C", "label": "Austin, TX (US)"}]


# ---------------------------------------------------------------------------------------- hostile modes


@pytest.mark.parametrize("site_name", ["linkedin", "indeed", "glassdoor"])
def test_rate_limit_after_n_requests_with_retry_after(local_sites: LocalSites, client: Client, site_name: str) -> None:
    site = local_sites[site_name]
    site.set(rate_limit_after=3, retry_after=0)
    path = {"linkedin": GUEST_API, "indeed": "/jobs", "glassdoor": "/Job/jobs.htm"}[site_name]
    assert [client.get(site.url(path)).status for _ in range(3)] == [200, 200, 200]
    blocked = client.get(site.url(path))
    assert blocked.status == 429
    assert blocked.headers["Retry-After"] == "0"
    assert client.get(site.url(path)).status == 200, "the block ends after Retry-After"
    site.set(retry_after=120)
    statuses = [client.get(site.url(path)).status for _ in range(4)]
    assert statuses[-1] == 429
    assert client.get(site.url(path)).headers["Retry-After"] == "120"


def test_linkedin_999(local_sites: LocalSites, client: Client) -> None:
    local_sites.linkedin.set(rate_limit_after=1, rate_limit_status=999)
    assert client.get(local_sites.linkedin.url(GUEST_API)).status == 200
    denied = client.get(local_sites.linkedin.url(GUEST_API))
    assert denied.status == 999
    assert "Retry-After" not in denied.headers


def test_checkpoint_pages(local_sites: LocalSites, client: Client) -> None:
    for site in local_sites.sites.values():
        site.set(checkpoint=True)
    moved = client.get(local_sites.linkedin.url("/jobs/search?keywords=x"))
    assert moved.status == 302
    assert "/checkpoint/challengesV2/" in moved.headers["Location"]
    challenge = client.get(local_sites.linkedin.base_url + moved.headers["Location"])
    assert challenge.status == 200
    assert 'data-test="captcha"' in challenge.body
    for name, path in (("indeed", "/jobs?q=x"), ("glassdoor", "/Job/jobs.htm")):
        blocked = client.get(local_sites[name].url(path))
        assert blocked.status == 403
        assert "<title>Just a moment...</title>" in blocked.body


def test_login_walls(local_sites: LocalSites, client: Client) -> None:
    for site in local_sites.sites.values():
        site.set(login_wall=True)
    job = load_data("linkedin")["postings"][0]["id"]
    wall = client.get(local_sites.linkedin.url(f"/jobs/view/{job}"))
    assert wall.status == 302
    assert wall.headers["Location"].startswith("/authwall?")
    assert "sessionRedirect=" in wall.headers["Location"]
    assert client.get(local_sites.linkedin.url(GUEST_API)).headers["Location"].startswith("/authwall?")
    assert client.get(local_sites.indeed.url("/jobs?q=x")).headers["Location"].startswith("/account/login?dest=")
    assert (
        client.get(local_sites.glassdoor.url("/Job/jobs.htm"))
        .headers["Location"]
        .startswith("/profile/login_input.htm")
    )
    assert client.get(local_sites.glassdoor.url("/findPopularLocationAjax.htm?term=x")).status == 200


def test_empty_results_use_each_sites_no_results_markup(local_sites: LocalSites, client: Client) -> None:
    for site in local_sites.sites.values():
        site.set(empty=True)
    assert client.get(local_sites.linkedin.url(f"{GUEST_API}?start=0")).body == ""
    assert "We couldn’t find a match" in client.get(local_sites.linkedin.url("/jobs/search?keywords=x")).body
    page = client.get(local_sites.indeed.url("/jobs?q=python")).body
    assert "did not match any jobs" in page
    assert mosaic_results(page) == []
    assert glassdoor_pages(client, local_sites.glassdoor.base_url, {}) == []
    assert 'data-test="no-results"' in client.get(local_sites.glassdoor.url("/Job/jobs.htm")).body


def test_latency_and_late_xhr(local_sites: LocalSites, client: Client) -> None:
    local_sites.indeed.set(latency=(0.25, 0.3))
    began = time.monotonic()
    assert client.get(local_sites.indeed.url("/jobs?q=x")).status == 200
    assert time.monotonic() - began >= 0.25
    local_sites.linkedin.set(late_xhr=0.3)
    page = client.get(local_sites.linkedin.url("/jobs/search?keywords=")).body
    assert 'data-late="1"' in page
    assert "urn:li:jobPosting" not in page, "results come by XHR"
    began = time.monotonic()
    assert URN.search(client.get(local_sites.linkedin.url(f"{GUEST_API}?start=0")).body)
    assert time.monotonic() - began >= 0.3
    local_sites.glassdoor.set(late_xhr=0.01)
    assert 'data-test="jobListing"' not in client.get(local_sites.glassdoor.url("/Job/jobs.htm")).body


def test_malformed_fields(local_sites: LocalSites, client: Client) -> None:
    bad = [p for p in load_data("linkedin")["postings"] if p["malformed"]]
    assert bad
    local_sites.linkedin.set(malformed=True)
    fragment = client.get(local_sites.linkedin.url(f"/jobs-guest/jobs/api/jobPosting/{bad[0]['id']}")).body
    assert "Competitive salary" in fragment
    assert "recently" in fragment
    local_sites.indeed.set(malformed=True)
    page = client.get(local_sites.indeed.url("/jobs?start=0")).body
    broken = [r for r in mosaic_results(page) if r["pubDate"] is None]
    assert broken
    assert all(r["salarySnippet"]["text"] == "Pay information not provided" for r in broken)


def test_control_endpoint(local_sites: LocalSites, client: Client) -> None:
    site = local_sites.indeed
    changed = client.post_json(site.url("/__jobflow__/behaviour"), {"empty": True, "latency": [0, 0.01]}).json()
    assert changed["empty"] is True
    assert site.behaviour.empty
    assert client.post_json(site.url("/__jobflow__/behaviour"), {"no_such_mode": 1}).status == 400
    client.get(site.url("/jobs?q=x"))
    state = client.get(site.url("/__jobflow__/state")).json()
    assert state["requests"] == 1
    assert state["log"] == [["GET", "/jobs?q=x", 200]]
    client.post_json(site.url("/__jobflow__/reset"), {})
    assert not site.behaviour.empty
    assert site.state.requests == 0


# ------------------------------------------------------------------------------- member, easy apply


def login(client: Client, local_sites: LocalSites) -> None:
    user, password = local_sites.linkedin.behaviour.credentials
    answer = client.post_form(
        local_sites.linkedin.url("/checkpoint/lg/login-submit"), {"session_key": user, "session_password": password}
    )
    assert answer.status == 303
    assert answer.headers["Location"] == "/feed/"


def test_login_member_search_and_occluded_cards(local_sites: LocalSites, client: Client) -> None:
    site = local_sites.linkedin
    assert 'id="username"' in client.get(site.url("/login")).body
    assert client.get(site.url("/feed/")).status == 302
    wrong = client.post_form(
        site.url("/checkpoint/lg/login-submit"), {"session_key": "x@example.com", "session_password": "no"}
    )
    assert "Wrong email or password" in wrong.body
    login(client, local_sites)
    assert client.get(site.url("/feed/")).status == 200
    page = client.get(site.url("/jobs/search/?keywords=")).body
    assert page.count("data-occludable-job-id=") == 25
    assert page.count("<template>") == 25 - 7, "cards past the viewport are occluded"
    assert 'aria-label="Page 2"' in page
    assert 'class="jobs-s-apply' in page
    local_sites.linkedin.set(login_variant="2026")
    assert "Sign in with Apple" in client.get(site.url("/login")).body


def test_login_checkpoint(local_sites: LocalSites, client: Client) -> None:
    local_sites.linkedin.set(checkpoint=True)
    user, password = local_sites.linkedin.behaviour.credentials
    answer = client.post_form(
        local_sites.linkedin.url("/checkpoint/lg/login-submit"), {"session_key": user, "session_password": password}
    )
    assert answer.status == 302
    assert "/checkpoint/challengesV2/" in answer.headers["Location"]


def test_easy_apply_form_submission_daily_limit_and_shadow_flag(local_sites: LocalSites, client: Client) -> None:
    site = local_sites.linkedin
    job = next(p for p in load_data("linkedin")["postings"] if p["easy_apply"])
    assert client.get(site.url(f"/jobs/api/easy-apply/{job['id']}")).status == 404, "members only"
    login(client, local_sites)
    form = client.get(site.url(f"/jobs/api/easy-apply/{job['id']}")).json()
    assert form["steps"][0]["heading"] == "Contact info"
    assert form["limit"] is False
    assert form["shadow"] is False
    submitted = client.post_json(
        site.url(f"/jobs/api/easy-apply/{job['id']}/submit"), {"answers": {"Email address": "a@b.c"}}
    )
    assert submitted.json() == {"ok": True, "company": job["company"]}
    assert site.state.submissions[0]["job_id"] == job["id"]
    site.set(daily_limit_after=1, shadow_root=True)
    form = client.get(site.url(f"/jobs/api/easy-apply/{job['id']}")).json()
    assert form["limit"] is True
    assert form["shadow"] is True
    assert form["limitMessage"] == LIMIT_MESSAGE
    again = client.post_json(site.url(f"/jobs/api/easy-apply/{job['id']}/submit"), {"answers": {}})
    assert again.status == 429
    assert "reached today's Easy Apply limit" in again.json()["message"]
    view = client.get(site.url(f"/jobs/view/{job['id']}/")).body
    assert "jobs-s-apply__application-link" in view, "the job now shows as applied"


def test_authwall_redirect_keeps_the_target(local_sites: LocalSites, client: Client) -> None:
    local_sites.linkedin.set(login_wall=True)
    location = client.get(local_sites.linkedin.url("/jobs/view/123?x=1")).headers["Location"]
    assert quote(local_sites.linkedin.url("/jobs/view/123?x=1"), safe="") in location


async def test_sites_run_in_the_current_loop_with_an_injected_clock() -> None:
    clock = FakeClock()
    async with start_local_sites(clock=clock) as sites:
        sites.glassdoor.set(latency=(5.0, 5.0))
        client = Client()
        loop = asyncio.get_running_loop()
        answer = await loop.run_in_executor(None, client.get, sites.glassdoor.url("/"))
        assert answer.status == 200
        assert clock.sleeps == [5.0], "latency waits on the injected clock, so tests never really sleep"
        assert set(sites.base_urls()) == {"linkedin", "indeed", "glassdoor"}
        url = sites.glassdoor.url("/")
    with pytest.raises(OSError):
        client.get(url)  # closed with the context
