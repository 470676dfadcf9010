"""The local sites' JavaScript in real Chromium: infinite scroll, occlusion, panes, load-more, Easy Apply."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from jobflow.testing.sites import LocalSites, load_data

pytestmark = pytest.mark.browser

ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
CHROMIUM = Path("/usr/bin/chromium")
HAVE_CHROMIUM = CHROMIUM.exists()


@pytest_asyncio.fixture
async def page() -> AsyncIterator[Any]:
    if not HAVE_CHROMIUM:
        pytest.skip("no Chromium at /usr/bin/chromium")
    from playwright.async_api import async_playwright

    async with async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        context = await browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        yield await context.new_page()
        await browser.close()


async def login(page: Any, sites: LocalSites) -> None:
    user, password = sites.linkedin.behaviour.credentials
    await page.goto(sites.linkedin.url("/login"))
    await page.fill("#username", user)
    await page.fill("#password", password)
    await page.click("button[type=submit]")
    await page.wait_for_url("**/feed/")


async def test_linkedin_guest_infinite_scroll_then_see_more_then_the_end(local_sites: LocalSites, page: Any) -> None:
    local_sites.linkedin.set(show_more_after=2)
    await page.goto(local_sites.linkedin.url("/jobs/search?keywords="))
    count = "document.querySelectorAll('ul.jobs-search__results-list > li').length"
    assert await page.evaluate(count) == 10
    for expected in (20, 30):
        await page.mouse.wheel(0, 20_000)
        await page.wait_for_function(f"{count} >= {expected}")
    more = page.get_by_role("button", name="See more jobs")
    await more.wait_for(state="visible")
    done = page.get_by_text("You've viewed all jobs for this search")
    while not await done.is_visible():
        before = await page.evaluate(count)
        await more.click()
        await page.wait_for_function(
            f"{count} > {before} || !document.querySelector('.see-more-jobs__viewed-all').hidden"
        )
    urns = await page.eval_on_selector_all(
        "[data-entity-urn]", "els => els.map(e => e.dataset.entityUrn.split(':').pop())"
    )
    assert len(urns) > len(set(urns)), "the duplicates the endpoint sends show up"
    assert list(dict.fromkeys(urns)) == next(s["ids"] for s in local_sites.linkedin.searches() if s["name"] == "all")


async def test_linkedin_member_cards_are_occluded_until_scrolled(local_sites: LocalSites, page: Any) -> None:
    await login(page, local_sites)
    await page.goto(local_sites.linkedin.url("/jobs/search/?keywords="))
    listing = page.locator(".jobs-search-results-list")
    rendered = page.locator("li[data-occludable-job-id] .job-card-container")
    assert await page.locator("li[data-occludable-job-id]").count() == 25
    assert await rendered.count() < 25
    for _ in range(12):
        await listing.evaluate("el => el.scrollBy(0, 400)")
        if await rendered.count() == 25:
            break
        await rendered.nth(await rendered.count() - 1).wait_for()
    assert await rendered.count() == 25
    second = page.locator("li[data-occludable-job-id]").nth(1)
    await second.locator("a.job-card-list__title--link").click()
    job_id = await second.get_attribute("data-occludable-job-id")
    await page.locator(f"#job-details-pane [data-job-id='{job_id}'] #job-details").wait_for()
    assert f"currentJobId={job_id}" in page.url


@pytest.mark.parametrize("shadow", [False, True], ids=["light-dom", "shadow-root"])
async def test_linkedin_easy_apply_walks_every_step_and_submits(
    local_sites: LocalSites, page: Any, tmp_path: Path, shadow: bool
) -> None:
    site = local_sites.linkedin
    site.set(shadow_root=shadow)
    job = next(p for p in load_data("linkedin")["postings"] if p["form"] == "questions")
    await login(page, local_sites)
    await page.goto(site.url(f"/jobs/view/{job['id']}/"))
    await page.locator("#jobs-apply-button-id").click()
    dialog = page.get_by_role("dialog")
    await dialog.get_by_role("heading", name="Contact info").wait_for()
    assert await page.evaluate("document.querySelector('[role=dialog]') === null") is shadow
    await dialog.get_by_role("button", name="Continue to next step").click()
    await dialog.get_by_text("Please enter a valid answer").wait_for()
    await dialog.get_by_label("Mobile phone number").fill("555 0100")
    await dialog.get_by_role("button", name="Continue to next step").click()
    resume = tmp_path / "Tailored_Resume.pdf"
    resume.write_bytes(b"%PDF-1.4 local test resume")
    await dialog.locator("input[name=file]").set_input_files(str(resume))
    await dialog.get_by_text("Tailored_Resume.pdf").wait_for()
    await dialog.get_by_role("button", name="Continue to next step").click()
    await dialog.get_by_label("How many years of work experience do you have with Python?").fill("120")
    await dialog.get_by_label("What is your level of proficiency in English?").select_option("Professional")
    await dialog.get_by_text("Yes", exact=True).first.click()
    await dialog.get_by_label("I agree to the terms of the privacy policy").check()
    await dialog.get_by_role("button", name="Continue to next step").click()
    await dialog.get_by_text("Enter a whole number between 0 and 99").wait_for()
    await dialog.get_by_label("How many years of work experience do you have with Python?").fill("7")
    await dialog.get_by_role("button", name="Continue to next step").click()
    await dialog.get_by_role("heading", name="Work authorization").wait_for()
    await dialog.locator("fieldset").nth(0).get_by_text("Yes", exact=True).click()
    await dialog.locator("fieldset").nth(1).get_by_text("No", exact=True).click()
    await dialog.get_by_role("button", name="Review your application").click()
    await dialog.get_by_role("heading", name="Review your application").wait_for()
    await dialog.get_by_role("button", name="Submit application").click()
    await page.get_by_text(f"Your application was sent to {job['company']}!").wait_for()
    submission = site.state.submissions[-1]
    assert submission["job_id"] == job["id"]
    assert submission["resume"] == "Tailored_Resume.pdf"
    assert submission["answers"]["How many years of work experience do you have with Python?"] == "7"
    assert submission["answers"]["Mobile phone number"] == "555 0100"


async def test_linkedin_daily_limit_message(local_sites: LocalSites, page: Any) -> None:
    local_sites.linkedin.set(daily_limit=True)
    job = next(p for p in load_data("linkedin")["postings"] if p["easy_apply"])
    await login(page, local_sites)
    await page.goto(local_sites.linkedin.url(f"/jobs/view/{job['id']}/"))
    await page.locator("#jobs-apply-button-id").click()
    await page.get_by_text("reached today's Easy Apply limit").wait_for()


async def test_indeed_right_pane_loads_by_xhr(local_sites: LocalSites, page: Any) -> None:
    local_sites.indeed.set(late_xhr=0.2)
    await page.goto(local_sites.indeed.url("/jobs?q="))
    first = page.locator("a[data-jk]").first
    jk = await first.get_attribute("data-jk")
    await first.click()
    await page.locator(f"#vjs-container [data-jk='{jk}'] #jobDescriptionText").wait_for()
    assert f"vjk={jk}" in page.url


async def test_glassdoor_load_more_and_the_sign_in_modal(local_sites: LocalSites, page: Any) -> None:
    await page.goto(local_sites.glassdoor.url("/Job/jobs.htm?sc.keyword="))
    listings = page.locator("li[data-test=jobListing]")
    assert await listings.count() == 30
    await page.locator("button[data-test=load-more]").click()
    await page.wait_for_function("document.querySelectorAll('li[data-test=jobListing]').length === 60")
    close = page.locator("[data-test=auth-modal-close-button]")
    await close.wait_for()
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    with pytest.raises(PlaywrightTimeout):  # the modal intercepts clicks until closed
        await page.locator("button[data-test=load-more]").click(timeout=1_000)
    await close.click()
    await page.locator("button[data-test=load-more]").click()
    await page.wait_for_function("document.querySelectorAll('li[data-test=jobListing]').length === 90")


async def test_late_xhr_search_pages_fill_themselves(local_sites: LocalSites, page: Any) -> None:
    for site in (local_sites.linkedin, local_sites.glassdoor):
        site.set(late_xhr=1.0)  # wide enough that a loaded machine still counts 0 before the XHR answers
    await page.goto(local_sites.linkedin.url("/jobs/search?keywords="))
    assert await page.locator("[data-entity-urn]").count() == 0
    await page.locator("[data-entity-urn]").first.wait_for()
    await page.goto(local_sites.glassdoor.url("/Job/jobs.htm"))
    await page.wait_for_function("document.querySelectorAll('li[data-test=jobListing]').length === 30")
