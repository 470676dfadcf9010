"""The local Indeed's markup and JSON (sites/README.md §2): mosaic results, cards, detail, walls."""

# Markup and form data mirror the real sites' long lines and class lists.
# ruff: noqa: E501

from __future__ import annotations

import json
from collections.abc import Callable
from html import escape
from typing import Any

__all__ = [
    "cloudflare_page",
    "detail_page",
    "embedded",
    "mosaic_result",
    "page",
    "script_json",
    "search_body",
    "search_card",
    "search_scripts",
]

MALFORMED_SALARY = "Pay information not provided"
BRACES = "<li>Our style guide says: write <code>if (ready) { ship(); };</code> and never more.</li>"
"""A snippet holding ``};`` inside a JSON string (a non-greedy ``};`` regex breaks on it)."""


def script_json(value: Any) -> str:
    """JSON safe inside ``<script>`` (``</`` escaped)."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def page(title: str, body: str, scripts: str = "") -> str:
    """A full Indeed-like document."""
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title></head>'
        f'<body><div id="jobsearch-Main">{body}</div>{scripts}</body></html>'
    )


def _snippet(job: dict[str, Any], index: int) -> str:
    extra = BRACES if index % 11 == 0 else ""
    title = escape(job["title"])
    return f'<ul style="list-style-type:circle;margin-top: 0px;"><li>Hiring a <b>{title}</b> now.</li>{extra}</ul>'


def mosaic_result(job: dict[str, Any], link: Callable[[str], str], index: int, *, malformed: bool) -> dict[str, Any]:
    """One ``results[]`` object of ``window.mosaic.providerData["mosaic-provider-jobcards"]``."""
    bad = malformed and job["malformed"]
    jk = job["jk"]
    result: dict[str, Any] = {
        "jobkey": jk,
        "title": job["title_json"],
        "displayTitle": job["title"],
        "normTitle": job["title"].split(" (")[0],
        "formattedLocation": job["formatted_location"],
        "remoteLocation": job["remote"],
        "pubDate": None if bad else job["pub_ms"],
        "createDate": job["create_ms"],
        "formattedRelativeTime": "" if bad else job["relative"],
        "jobTypes": job["job_types"],
        "taxonomyAttributes": [
            {
                "label": "job-types",
                "attributes": [
                    {"label": t, "suid": s} for t, s in zip(job["job_types"], job["job_type_suids"], strict=True)
                ],
            },
            {"label": "remote", "attributes": [{"label": "Remote", "suid": "DSQF7"}] if job["remote"] else []},
            {"label": "benefits", "attributes": [{"label": b, "suid": f"B{n}"} for n, b in enumerate(job["benefits"])]},
        ],
        "snippet": _snippet(job, index),
        "sponsored": job["sponsored"],
        "indeedApplyEnabled": job["indeed_apply"],
        "indeedApplyable": job["indeed_apply"],
        "urgentlyHiring": job["urgently_hiring"],
        "newJob": job["new_job"],
        "expired": False,
        "link": f"/rc/clk?jk={jk}&bb=b{index}&xkcb=SoD{index}&fccid=f{index}&vjs=3",
        "viewJobLink": f"/viewjob?jk={jk}&from=vjs&tk=t{index}&viewtype=embedded&xkcb=SoD{index}",
    }
    for key, field in (("jobLocationCity", "city"), ("jobLocationState", "state"), ("jobLocationPostal", "postal")):
        if job[field]:
            result[key] = job[field]
    if job["company"]:
        result |= {"company": job["company"], "truncatedCompany": job["company"]}
        result["companyOverviewLink"] = f"/cmp/{job['company_slug']}"
    if job["rating"] is not None:
        result |= {"companyRating": job["rating"], "companyReviewCount": job["reviews"]}
    if job["logo"]:
        result["companyBrandingAttributes"] = {"logoUrl": link(job["logo"]), "headerImageUrl": ""}
    if bad:
        result["extractedSalary"] = {"min": "n/a", "type": "yearly"}
        result["salarySnippet"] = {
            "currency": "USD",
            "salaryTextFormatted": False,
            "source": "",
            "text": MALFORMED_SALARY,
        }
    else:
        if job["extracted_salary"]:
            result["extractedSalary"] = job["extracted_salary"]
        if job["salary_text"]:
            result["salarySnippet"] = {
                "currency": "USD",
                "salaryTextFormatted": False,
                "source": "EXTRACTION",
                "text": job["salary_text"],
            }
    if not job["indeed_apply"]:
        result["thirdPartyApplyUrl"] = link(f"/applystart?jk={jk}&from=serp")
    return result


def search_card(result: dict[str, Any], hashed: Callable[[str], str], index: int) -> str:
    """The browser card for one mosaic result (hashed classes; ``data-*`` anchors stable)."""
    jk, title = result["jobkey"], escape(result["displayTitle"])
    metadata = ""
    snippet = result.get("salarySnippet", {}).get("text")
    if snippet:
        metadata += f'<li class="metadata salary-snippet-container {hashed("s")}"><div data-testid="attribute_snippet_testid" class="{hashed("a")}">{escape(snippet)}</div></li>'
    for job_type in result["jobTypes"]:
        metadata += f'<li class="metadata {hashed("m")}"><div data-testid="attribute_snippet_testid">{escape(job_type)}</div></li>'
    shelf = (
        '<div class="jobCardShelf"><span class="ialbl iaTextBlack">Easily apply</span></div>'
        if result["indeedApplyable"]
        else ""
    )
    if result["urgentlyHiring"]:
        shelf += '<div class="urgentlyHiring">Urgently hiring</div>'
    if result["sponsored"]:
        shelf += f'<span class="{hashed("sp")}">Sponsored</span>'
    when = result["formattedRelativeTime"]
    date = ""
    if when and index % 3:
        text = when if when in ("Just posted", "Today") else f"Posted {when}"
        date = f'<span class="date" data-testid="myJobsStateDate"><span class="{hashed("vh")}">Posted</span>{escape(text)}</span>'
    rating = (
        f'<span data-testid="holistic-rating">{result["companyRating"]}</span>' if "companyRating" in result else ""
    )
    company = (
        f'<span data-testid="company-name" class="{hashed("c")}">{escape(result.get("company", ""))}</span>'
        if "company" in result
        else ""
    )
    classes = f"cardOutline tapItem dd-privacy-allow result job_{jk} resultWithShelf {hashed('card')}"
    classes += " sponsoredJob" if result["sponsored"] else ""
    return f"""<li class="{hashed("li")} eu4oa1w0"><div class="{classes}"><div class="slider_container {hashed("sc")}"><div class="slider_list"><div class="slider_item"><div class="job_seen_beacon">
  <table class="{hashed("t")}"><tbody><tr><td class="resultContent {hashed("rc")}">
    <div class="{hashed("h")}"><h2 class="jobTitle {hashed("jt")} eu4oa1w0"><a class="jcs-JobTitle {hashed("jl")} eu4oa1w0" id="job_{jk}" data-jk="{jk}" role="button" href="{escape(result["link"])}">
      <span title="{title}" id="jobTitle-{jk}">{title}</span></a></h2></div>
    <div class="company_location {hashed("cl")}"><div>{company}{rating}<div data-testid="text-location" class="{hashed("l")}">{escape(result["formattedLocation"])}</div></div></div>
    <div class="heading6 error-text tapItem-gutter metadataContainer {hashed("mc")}"><ul>{metadata}</ul></div>
  </td></tr></tbody></table>
  <table class="jobCardShelfContainer {hashed("sh")}"><tbody><tr class="underShelfFooter"><td><div class="heading6 tapItem-gutter result-footer">
    {shelf}<div class="job-snippet" data-testid="jobsnippet_footer">{result["snippet"]}</div>{date}
  </div></td></tr></tbody></table>
</div></div></div></div></div></li>"""


def embedded(job: dict[str, Any], link: Callable[[str], str]) -> dict[str, Any]:
    """``/viewjob?viewtype=embedded&jk=…&spa=1``: what the right pane fetches."""
    header = {
        "jobTitle": job["title"],
        "companyName": job["company"] or "",
        "formattedLocation": job["formatted_location"],
    }
    return {
        "body": {
            "jobInfoWrapperModel": {
                "jobInfoModel": {"sanitizedJobDescription": job["description_html"], "jobInfoHeaderModel": header}
            },
            "jobKey": job["jk"],
            "viewJobLink": link(f"/viewjob?jk={job['jk']}"),
        }
    }


def detail_page(
    job: dict[str, Any], link: Callable[[str], str], hashed: Callable[[str], str], *, malformed: bool
) -> str:
    """``/viewjob?jk=``: header, salary and type, apply button, ``#jobDescriptionText``, JSON-LD, ``_initialData``."""
    bad = malformed and job["malformed"]
    salary = MALFORMED_SALARY if bad else job["salary_text"]
    pay = f'<span class="{hashed("pay")}">{escape(salary)}</span>' if salary else ""
    kind = f'<span class="{hashed("kind")}"> -  {escape(job["job_types"][0])}</span>' if job["job_types"] else ""
    company = ""
    if job["company"]:
        href = link(f"/cmp/{job['company_slug']}?campaignid=mobvjcmp&from=mobviewjob&tk=x&fromjk={job['jk']}")
        company = f'<div data-testid="inlineHeader-companyName"><span><a href="{href}">{escape(job["company"])}</a></span></div>'
    if job["indeed_apply"]:
        apply = (
            '<div id="indeedApplyButton" class="ia-IndeedApplyButton"><button type="button">Apply now</button></div>'
        )
    else:
        apply = (
            f'<div id="applyButtonLinkContainer"><a href="{escape(job["apply_url"])}" target="_blank" rel="noopener" '
            'aria-label="Apply on company site (opens in a new tab)">Apply on company site</a></div>'
        )
    ld = {
        "@context": "http://schema.org",
        "@type": "JobPosting",
        "title": job["title"],
        "datePosted": job["date_posted"],
        "hiringOrganization": {"@type": "Organization", "name": job["company"] or ""},
        "jobLocation": {
            "@type": "Place",
            "address": {"addressLocality": job["city"] or "", "addressRegion": job["state"] or ""},
        },
    }
    initial = {
        "jobKey": job["jk"],
        "jobInfoWrapperModel": {
            "jobInfoModel": {
                "sanitizedJobDescription": job["description_html"],
                "jobInfoHeaderModel": {
                    "jobTitle": job["title"],
                    "companyName": job["company"] or "",
                    "formattedLocation": job["formatted_location"],
                },
            }
        },
        "hiringInsightsModel": {"age": job["relative"]},
    }
    body = f"""<div class="jobsearch-JobComponent {hashed("jc")}">
  <div class="jobsearch-InfoHeaderContainer {hashed("ih")}">
    <h1 class="jobsearch-JobInfoHeader-title {hashed("h1")}" data-testid="jobsearch-JobInfoHeader-title"><span>
      {escape(job["title"])}</span><span class="{hashed("hidden")}" style="position:absolute;clip:rect(0 0 0 0)"> - job post</span></h1>
    {company}
    <div data-testid="inlineHeader-companyLocation"><div>{escape(job["formatted_location"])}</div></div>
    <div id="salaryInfoAndJobType" class="{hashed("sj")}">{pay}{kind}</div>
  </div>
  <div id="jobsearch-ViewJobButtons-container">{apply}</div>
  <div id="jobDescriptionText" class="jobsearch-JobComponent-description {hashed("d")}">{job["description_html"]}</div>
</div>"""
    scripts = (
        f'<script type="application/ld+json">{script_json(ld)}</script>'
        f"<script>window._initialData={script_json(initial)};</script>"
    )
    return page(f"{job['title']} - {job['formatted_location']} - Indeed.com", body, scripts)


def cloudflare_page() -> str:
    """Cloudflare's interstitial, as Indeed and Glassdoor answer blocked clients (HTTP 403)."""
    return (
        '<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title></head><body>'
        '<div class="main-wrapper" role="main"><h1 class="zone-name-title">Checking if the site connection is secure</h1>'
        '<div id="challenge-running">Verify you are human by completing the action below.</div>'
        '<div class="cf-turnstile" data-test="captcha" data-sitekey="0x4AAAAAAA"></div>'
        "<noscript>Enable JavaScript and cookies to continue</noscript></div></body></html>"
    )


def search_body(cards: str, *, total: int, what: str, next_url: str, vjk: str, hashed: Callable[[str], str]) -> str:
    """The search page's body: count, cards, "Next Page" link, right pane; "did not match any jobs" when empty."""
    if total == 0:
        return (
            '<div class="jobsearch-NoResult-messageContainer"><h1 class="jobsearch-NoResult-messageHeader">'
            f"The search <b>{escape(what)}</b> did not match any jobs</h1></div>"
        )
    nav = (
        f'<a data-testid="pagination-page-next" aria-label="Next Page" href="{escape(next_url)}">Next</a>'
        if next_url
        else ""
    )
    return f"""<div class="jobsearch-JobCountAndSortPane-jobCount {hashed("count")}"><span>{total} jobs</span></div>
<div class="jobsearch-LeftPane"><div id="mosaic-provider-jobcards" class="mosaic mosaic-provider-jobcards"><ul class="{hashed("list")}">{cards}</ul></div>
<nav role="navigation" aria-label="pagination">{nav}</nav></div>
<div class="jobsearch-RightPane" id="jobsearch-ViewjobPaneWrapper"><div id="vjs-container" data-vjk="{escape(vjk)}"></div></div>"""


def search_scripts(results: list[dict[str, Any]], *, total: int) -> str:
    """The mosaic provider data and ``_initialData`` scripts of the search page."""
    provider = {"metaData": {"mosaicProviderJobCardsModel": {"results": results, "tierSummaries": []}}}
    return (
        "<script>window.mosaic = window.mosaic || {}; window.mosaic.providerData = window.mosaic.providerData || {};\n"
        f'window.mosaic.providerData["mosaic-provider-jobcards"]={script_json(provider)};</script>'
        f"<script>window._initialData={script_json({'searchTitleBarModel': {'totalNumResults': total}})};</script>"
        '<script src="/static/indeed-search.js"></script>'
    )
