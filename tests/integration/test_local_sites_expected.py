"""The expected tables: valid, reproducible, and reachable: a reference extraction with the shared parsers
over the served pages gives exactly the expected postings, in normal and in malformed mode.

The extraction here is deliberately plain (regular expressions, embedded JSON) so it checks the data and the
parsers, not a plugin. Site plugins are held to the same tables through real browsers.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from sitehttp import TOKEN, Client, mosaic_results, search_graph

from jobflow.postings import JobPosting, JobType, Location, Salary, SalarySource
from jobflow.postings.parse import (
    canonical_url,
    clean_html,
    clean_text,
    clean_title,
    date_from_age_days,
    date_from_epoch_ms,
    extract_emails,
    html_to_markdown,
    html_to_text,
    parse_iso_date,
    parse_location,
    parse_posted,
    parse_salary,
    query_param,
    salary_from_range,
    without_query,
)
from jobflow.testing.sites import SITES, LocalSites, expected_postings, load_data
from jobflow.testing.sites.generate import GENERATORS, render
from jobflow.testing.sites.tables import DATA_DIR, load_expected

TYPES = {"full-time": JobType.FULLTIME, "part-time": JobType.PARTTIME, "contract": JobType.CONTRACT}
TYPES |= {"temporary": JobType.TEMPORARY, "internship": JobType.INTERNSHIP, "volunteer": JobType.VOLUNTEER}


def _text(pattern: str, html: str) -> str | None:
    found = re.search(pattern, html, re.S)
    return clean_text(re.sub(r"<[^>]+>", " ", found.group(1))) if found else None


def _location(text: str | None, remote: bool | None = None) -> tuple[Location | None, bool | None, Any]:
    parsed = parse_location(text, remote=remote)
    return (parsed.location, parsed.is_remote, parsed.work_model) if parsed else (None, None, None)


# ----------------------------------------------------------------------------------------- LinkedIn


def linkedin_card(card: str, base: str, now: datetime) -> JobPosting:
    native_id = re.search(r'urn:li:jobPosting:(\d+)"', card).group(1)  # type: ignore[union-attr]
    company_link = re.search(r'<h4 class="base-search-card__subtitle">\s*<a [^>]*href="([^"]+)"', card)
    location, remote, work = _location(_text(r'job-search-card__location">(.*?)</span>', card))
    time_tag = re.search(r"<time [^>]*?(?:datetime=\"([^\"]+)\")?>(.*?)</time>", card, re.S)
    raw_date = clean_text(time_tag.group(2)) if time_tag else None
    posted = parse_iso_date(time_tag.group(1)) if time_tag and time_tag.group(1) else None
    if posted is None and raw_date:
        parsed = parse_posted(raw_date, now)
        posted = parsed.date if parsed else None
    logo = re.search(r'data-delayed-url="([^"]+)"', card)
    benefit = _text(r'job-posting-benefits__text">(.*?)</span>', card)
    return JobPosting(
        site="linkedin",
        native_id=native_id,
        url=f"{base}/jobs/view/{native_id}",
        title=clean_title(_text(r'<h3 class="base-search-card__title">(.*?)</h3>', card)),
        company=_text(r'<h4 class="base-search-card__subtitle">(.*?)</h4>', card),
        company_url=without_query(unescape(company_link.group(1))) if company_link else None,
        company_logo=logo.group(1) if logo else None,
        location=location,
        is_remote=remote,
        work_model=work,
        date_posted=posted,
        date_posted_raw=raw_date or None,
        salary=parse_salary(_text(r'job-search-card__salary-info">(.*?)</span>', card)),
        benefits=[benefit] if benefit else [],
    )


def linkedin_detail(html: str, native_id: str, base: str, now: datetime) -> JobPosting:
    markup = re.search(r'show-more-less-html__markup[^"]*">(.*?)</div>\s*<button', html, re.S).group(1)  # type: ignore[union-attr]
    criteria = {
        clean_text(h): clean_text(v)
        for h, v in re.findall(r'criteria-subheader">(.*?)</h3>.*?criteria-text--criteria">(.*?)</span>', html, re.S)
    }
    raw_date = _text(r"posted-time-ago__text[^>]*>(.*?)</span>", html)
    posted = parse_posted(raw_date, now)
    applicants = _text(r"num-applicants__caption[^>]*>(.*?)</(?:span|figcaption)>", html)
    comment = re.search(r'<code id="applyUrl"[^>]*><!--"(.*?)"-->', html)
    company_link = re.search(r'topcard__org-name-link[^>]*href="([^"]+)"', html)
    logo = re.search(r'data-delayed-url="([^"]+)"', html)
    location, remote, work = _location(_text(r'topcard__flavor--bullet">(.*?)</span>', html))
    employment = criteria.get("Employment type")
    return JobPosting(
        site="linkedin",
        native_id=native_id,
        url=f"{base}/jobs/view/{native_id}",
        title=clean_title(_text(r'topcard__title">(.*?)</h[12]>', html)),
        company=_text(r'<span class="topcard__flavor">(.*?)</span>', html),
        company_url=without_query(company_link.group(1)) if company_link else None,
        company_logo=logo.group(1) if logo else None,
        company_industry=criteria.get("Industries"),
        location=location,
        is_remote=remote,
        work_model=work,
        date_posted=posted.date if posted else None,
        date_posted_raw=raw_date,
        reposted=posted.reposted if posted else None,
        salary=parse_salary(_text(r'compensation__salary">(.*?)</div>', html), infer=False),
        job_type=[TYPES[employment.lower()]] if employment else [],
        job_level=criteria.get("Seniority level"),
        job_function=criteria.get("Job function"),
        description_html=clean_html(markup),
        description_markdown=html_to_markdown(markup),
        criteria=criteria,
        emails=extract_emails(html_to_text(markup)),
        apply_url=query_param(unescape(comment.group(1)), "url") if comment else None,
        easy_apply='"public_jobs_apply-link-onsite"' in html,
        applicants=int(re.sub(r"\D", "", applicants)) if applicants else None,
        applicants_raw=applicants,
    )


# ------------------------------------------------------------------------------------------- Indeed


def indeed_card(result: dict[str, Any], base: str) -> JobPosting:
    snippet = result.get("salarySnippet") or {}
    salary = salary_from_range(result.get("extractedSalary"), currency=snippet.get("currency"), raw=snippet.get("text"))
    salary = salary or parse_salary(snippet.get("text"), currency=snippet.get("currency"), infer=False)
    location, remote, work = _location(result["formattedLocation"], remote=result["remoteLocation"])
    taxonomy = {t["label"]: [a["label"] for a in t["attributes"]] for t in result["taxonomyAttributes"]}
    return JobPosting(
        site="indeed",
        native_id=result["jobkey"],
        url=f"{base}/viewjob?jk={result['jobkey']}",
        title=clean_title(result.get("displayTitle") or result["title"]),
        company=clean_text(result.get("company")) or None,
        company_url=canonical_url(result["companyOverviewLink"], base) if result.get("companyOverviewLink") else None,
        company_logo=(result.get("companyBrandingAttributes") or {}).get("logoUrl"),
        company_rating=result.get("companyRating"),
        company_reviews_count=result.get("companyReviewCount"),
        location=location,
        is_remote=remote,
        work_model=work,
        date_posted=date_from_epoch_ms(result["pubDate"]) if result.get("pubDate") else None,
        date_posted_raw=clean_text(result.get("formattedRelativeTime")) or None,
        salary=salary,
        job_type=[TYPES[t.lower()] for t in result["jobTypes"]],
        benefits=taxonomy.get("benefits", []),
        easy_apply=result["indeedApplyable"],
        promoted=result["sponsored"],
    )


def indeed_detail(html: str, jk: str, base: str) -> JobPosting:
    initial = json.JSONDecoder().raw_decode(html, html.index("window._initialData=") + len("window._initialData="))[0]
    ld = json.loads(re.search(r'application/ld\+json">(.*?)</script>', html, re.S).group(1))  # type: ignore[union-attr]
    model = initial["jobInfoWrapperModel"]["jobInfoModel"]
    header, markup = model["jobInfoHeaderModel"], model["sanitizedJobDescription"]
    location, remote, work = _location(header["formattedLocation"])
    pay_and_type = re.search(r'id="salaryInfoAndJobType"[^>]*>(.*?)</div>', html, re.S).group(1)  # type: ignore[union-attr]
    spans = [
        clean_text(unescape(re.sub(r"<[^>]+>", "", s))) for s in re.findall(r"<span[^>]*>(.*?)</span>", pay_and_type)
    ]
    kind = [s.lstrip("- ").strip() for s in spans if s.startswith("-")]
    pay = [s for s in spans if not s.startswith("-")]
    company = re.search(r'inlineHeader-companyName"><span><a href="([^"]+)"', html)
    apply = re.search(r'id="applyButtonLinkContainer"><a href="([^"]+)"', html)
    return JobPosting(
        site="indeed",
        native_id=jk,
        url=f"{base}/viewjob?jk={jk}",
        title=clean_title(_text(r'jobsearch-JobInfoHeader-title">(.*?)</h1>', html)),
        company=clean_text(header["companyName"]) or None,
        company_url=without_query(unescape(company.group(1))) if company else None,
        location=location,
        is_remote=remote,
        work_model=work,
        date_posted=parse_iso_date(ld["datePosted"]),
        date_posted_raw=clean_text(initial["hiringInsightsModel"]["age"]) or None,
        salary=parse_salary(pay[0], infer=False) if pay else None,
        job_type=[TYPES[k.lower()] for k in kind],
        description_html=clean_html(markup),
        description_markdown=html_to_markdown(markup),
        emails=extract_emails(html_to_text(markup)),
        apply_url=unescape(apply.group(1)) if apply else None,
        easy_apply='id="indeedApplyButton"' in html,
    )


# ---------------------------------------------------------------------------------------- Glassdoor

SOURCES = {"EMPLOYER_PROVIDED": SalarySource.DIRECT, "ESTIMATED": SalarySource.ESTIMATE}


def glassdoor_card(view: dict[str, Any], base: str, now: datetime) -> JobPosting:
    header, listing = view["header"], str(view["job"]["listingId"])
    employer = header["employer"]
    location, remote, work = _location(header["locationName"])
    salary = salary_from_range(
        header["payPeriodAdjustedPay"],
        low="p10",
        high="p90",
        interval=header["payPeriod"],
        currency=header["payCurrency"],
        source=SOURCES.get(header["salarySource"]),
        raw=header["salaryText"],
    )
    return JobPosting(
        site="glassdoor",
        native_id=listing,
        url=f"{base}/job-listing/j?jl={listing}",
        title=clean_title(header["jobTitleText"]),
        company=clean_text(header["employerNameFromSearch"]) or None,
        company_url=f"{base}/Overview/W-EI_IE{employer['id']}.htm" if employer["id"] else None,
        company_logo=view["overview"]["squareLogoUrl"],
        company_rating=header["rating"] or None,
        location=location,
        is_remote=remote,
        work_model=work,
        date_posted=date_from_age_days(header["ageInDays"], now) if header["ageInDays"] is not None else None,
        date_posted_raw=clean_text(header["ageText"]) or None,
        salary=salary,
        skills=header["skills"],
        easy_apply=header["easyApply"],
        promoted=header["sponsored"],
    )


def glassdoor_detail(html: str, card: JobPosting) -> JobPosting:
    markup = re.search(
        r'JobDetails_jobDescription__\w+ JobDetails_blurDescription">(.*?)</div>\s*<button', html, re.S
    ).group(1)  # type: ignore[union-attr]
    location, remote, work = _location(_text(r'data-test="location">(.*?)</div>', html))
    apply = re.search(r'data-test="applyButton" href="([^"]+)"', html)
    salary = parse_salary(
        _text(r'data-test="detailSalary">(.*?)</div>', html), currency=card.salary.currency if card.salary else None
    )
    return JobPosting(
        site="glassdoor",
        native_id=card.native_id,
        url=card.url,
        title=clean_title(_text(r'<h1 id="jd-job-title-\d+"[^>]*>(.*?)</h1>', html)),
        company=_text(r"<h4>(.*?)</h4>", html) or None,
        company_url=card.company_url,
        company_rating=card.company_rating,
        location=location,
        is_remote=remote,
        work_model=work,
        salary=salary,
        description_html=clean_html(markup),
        description_markdown=html_to_markdown(markup),
        emails=extract_emails(html_to_text(markup)),
        apply_url=unescape(apply.group(1)) if apply else None,
        easy_apply='data-test="easyApply"' in html,
    )


# -------------------------------------------------------------------------------------------- tests


def compare(actual: dict[str, JobPosting], expected: dict[str, JobPosting]) -> None:
    assert sorted(actual) == sorted(expected)
    for native_id, posting in expected.items():
        assert actual[native_id].comparable() == posting.comparable(), native_id


def test_expected_tables_are_valid_and_cover_every_posting() -> None:
    for site in SITES:
        data, table = load_data(site), load_expected(site)
        ids = {str(p.get("id") or p.get("jk") or p.get("listing_id")) for p in data["postings"]}
        assert len(ids) == len(data["postings"]) >= 100
        for view in table["views"]:
            postings = expected_postings(site, view, "http://127.0.0.1:1")
            assert set(postings) == ids
            assert all(p.url.startswith("http://127.0.0.1:1/") for p in postings.values())
            assert set(expected_postings(site, view, malformed=True)) == ids


def test_generation_is_deterministic(tmp_path: Path) -> None:
    committed = DATA_DIR
    for site, generate in GENERATORS.items():
        data, expected = generate()
        assert render(data) == (committed / f"{site}.json").read_text(encoding="utf-8"), site
        assert render(expected) == (committed / f"{site}.expected.json").read_text(encoding="utf-8"), site


@pytest.mark.parametrize("malformed", [False, True], ids=["normal", "malformed"])
def test_linkedin_guest_cards_and_details_parse_to_the_expected_postings(
    local_sites: LocalSites, malformed: bool
) -> None:
    site, client = local_sites.linkedin, Client()
    site.set(malformed=malformed)
    cards: dict[str, JobPosting] = {}
    start = 0
    while body := client.get(site.url(f"/jobs-guest/jobs/api/seeMoreJobPostings/search?start={start}")).body:
        found = re.findall(r"<li>.*?</li>\s*(?=<li>|$)", body, re.S)
        start += len(found)
        for card in found:
            posting = linkedin_card(card, site.base_url, local_sites.now)
            cards[posting.native_id] = posting
    compare(cards, site.expected("guest_card", malformed=malformed))
    details = {
        native_id: linkedin_detail(
            client.get(site.url(f"/jobs/view/{native_id}")).body, native_id, site.base_url, local_sites.now
        )
        for native_id in cards
    }
    compare(details, site.expected("detail", malformed=malformed))


@pytest.mark.parametrize("malformed", [False, True], ids=["normal", "malformed"])
def test_indeed_cards_and_details_parse_to_the_expected_postings(local_sites: LocalSites, malformed: bool) -> None:
    site, client = local_sites.indeed, Client()
    site.set(malformed=malformed)
    cards: dict[str, JobPosting] = {}
    for start in range(0, len(load_data("indeed")["sequence"]), 10):
        for result in mosaic_results(client.get(site.url(f"/jobs?q=&start={start}")).body):
            cards[result["jobkey"]] = indeed_card(result, site.base_url)
    compare(cards, site.expected("card", malformed=malformed))
    details = {jk: indeed_detail(client.get(site.url(f"/viewjob?jk={jk}")).body, jk, site.base_url) for jk in cards}
    compare(details, site.expected("detail", malformed=malformed))


@pytest.mark.parametrize("malformed", [False, True], ids=["normal", "malformed"])
def test_glassdoor_graph_and_details_parse_to_the_expected_postings(local_sites: LocalSites, malformed: bool) -> None:
    site, client = local_sites.glassdoor, Client()
    site.set(malformed=malformed)
    token = TOKEN.search(client.get(site.url("/")).body).group(1)  # type: ignore[union-attr]
    cards: dict[str, JobPosting] = {}
    for page in range(1, 6):
        for item in search_graph(client, site.base_url, token, page).json()[0]["data"]["jobListings"]["jobListings"]:
            posting = glassdoor_card(item["jobview"], site.base_url, local_sites.now)
            cards[posting.native_id] = posting
    compare(cards, site.expected("card", malformed=malformed))
    details = {
        jl: glassdoor_detail(client.get(site.url(f"/job-listing/j?jl={jl}")).body, card) for jl, card in cards.items()
    }
    compare(details, site.expected("detail", malformed=malformed))


def test_apply_urls_are_decoded_from_linkedins_comment() -> None:
    job = next(p for p in load_data("linkedin")["postings"] if p["apply_comment"])
    assert unquote(job["external_url"]) == job["external_url"]
    assert isinstance(Salary, type)
