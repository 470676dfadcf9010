"""The local Glassdoor's markup and GraphQL objects (sites/README.md §3)."""

# Markup and form data mirror the real sites' long lines and class lists.
# ruff: noqa: E501

from __future__ import annotations

import json
from collections.abc import Callable
from html import escape
from typing import Any

__all__ = ["CARD_CLASSES", "card", "detail_page", "jobview", "page"]

MALFORMED_SALARY = "Employer Provided Salary: see listing"
CARD_CLASSES = (
    "JobsList_jobListItem", "JobCard_jobCardContainer", "EmployerProfile_compactEmployerName",
    "rating-single-star_RatingText", "JobCard_jobTitle", "JobCard_location", "JobCard_salaryEstimate",
    "JobCard_jobDescriptionSnippet", "JobCard_listingAge", "JobCard_easyApplyTag", "JobsList_jobsList",
    "JobDetails_jobDescription", "EmployerProfile_employerNameHeading", "modal_Modal",
)  # fmt: skip
"""CSS-module class prefixes whose hash suffix changes per deploy (the JS gets the same names)."""


def page(title: str, body: str, *, token: str, attrs: str = "", scripts: str = "") -> str:
    """A full document; every page carries the CSRF token as ``"token": "…"`` (what scrapers regex)."""
    globals_ = json.dumps({"gdGlobals": {"token": token, "locale": "en-US"}})
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<script>window.__GD__ = {globals_};</script></head><body{attrs}>{body}{scripts}</body></html>"
    )


def jobview(job: dict[str, Any], link: Callable[[str], str], *, malformed: bool) -> dict[str, Any]:
    """One ``jobListings.jobListings[].jobview`` object (``header``, ``job``, ``overview``)."""
    bad = malformed and job["malformed"]
    employer = job["employer"]
    header: dict[str, Any] = {
        "ageInDays": None if bad else job["age_days"],
        "easyApply": job["easy_apply"],
        "employer": employer or {"id": None, "name": None, "shortName": None},
        "employerNameFromSearch": employer["name"] if employer else "",
        "jobTitleText": job["title"],
        "locationName": job["location_name"],
        "locationType": job["location_type"],
        "payCurrency": job["pay_currency"],
        "payPeriod": job["pay_period"],
        "payPeriodAdjustedPay": None if bad else job["pay"],
        "salarySource": job["salary_source"],
        "rating": job["rating"] or 0,
        "sponsored": job["sponsored"],
        "adOrderSponsorshipLevel": "SPONSORED" if job["sponsored"] else "NONE",
        "jobLink": f"/job-listing/j?jl={job['listing_id']}&pos=1&ao=1110586&s=58&guid=000&src=GD_JOB_AD&t=SR",
        "goc": job["title"].lower(),
        "jobCountryId": 2 if job["location_name"].endswith("England") else 1,
        "ageText": "" if bad else job["age_text"],
        "salaryText": MALFORMED_SALARY if bad else job["salary_text"],
        "snippet": job["snippet"],
        "skills": job["skills"],
    }
    overview = {
        "shortName": employer["shortName"] if employer else None,
        "squareLogoUrl": link(job["logo"]) if job["logo"] else None,
    }
    return {
        "header": header,
        "job": {
            "listingId": int(job["listing_id"]),
            "jobTitleText": job["title"],
            "description": None,
            "jobTitleId": 1,
        },
        "overview": overview,
    }


def card(view: dict[str, Any], hashed: Callable[[str], str], index: int, link: Callable[[str], str]) -> str:
    """A server-rendered card (the JS renders later pages with the same markup)."""
    header, listing = view["header"], view["job"]["listingId"]
    company, rating = header["employerNameFromSearch"], header["rating"]
    salary = ""
    if header["salaryText"]:
        main, _, suffix = header["salaryText"].partition(" (")
        suffix_html = f" <span>({escape(suffix)}</span>" if suffix else ""
        salary = f'<div class="{hashed("JobCard_salaryEstimate")}" data-test="detailSalary">{escape(main)}{suffix_html}</div>'
    skills = f"<div><b>Skills:</b> {escape(', '.join(header['skills']))}</div>" if header["skills"] else ""
    easy = f'<div class="{hashed("JobCard_easyApplyTag")}">Easy Apply</div>' if header["easyApply"] else ""
    href = link(
        f"/job-listing/{_slug(header['jobTitleText'])}-JV_KO0,{len(header['jobTitleText'])}.htm?jl={listing}&pos={index + 1}&ao=1110586&s=58&guid=0000&t=SR&cs=1_abc"
    )
    logo = view["overview"]["squareLogoUrl"]
    return f"""<li class="{hashed("JobsList_jobListItem")} JobsList_outlined" data-test="jobListing" data-jobid="{listing}">
  <div class="{hashed("JobCard_jobCardContainer")}">
    <div class="JobCard_employerLogo">{f'<img src="{logo}" alt="{escape(company)} Logo">' if logo else ""}</div>
    <div class="EmployerProfile_profileContainer"><span class="{hashed("EmployerProfile_compactEmployerName")}">{escape(company)}</span>{f'<span class="{hashed("rating-single-star_RatingText")}">{rating}</span>' if rating else ""}</div>
    <a class="{hashed("JobCard_jobTitle")}" data-test="job-title" id="job-title-{listing}" href="{escape(href)}">{escape(header["jobTitleText"])}</a>
    <div class="{hashed("JobCard_location")}" data-test="emp-location">{escape(header["locationName"])}</div>
    {salary}
    <div class="{hashed("JobCard_jobDescriptionSnippet")}" data-test="descSnippet"><div>{escape(header["snippet"])}</div>{skills}</div>
    <div class="{hashed("JobCard_listingAge")}" data-test="job-age">{escape(header["ageText"])}</div>
    {easy}
  </div>
</li>"""


def _slug(text: str) -> str:
    return "-".join("".join(c.lower() if c.isalnum() else " " for c in text).split())


def detail_page(job: dict[str, Any], hashed: Callable[[str], str], *, token: str, malformed: bool) -> str:
    """``/job-listing/j?jl=``: header, location, salary, apply button, description."""
    bad = malformed and job["malformed"]
    company = job["employer"]["name"] if job["employer"] else ""
    salary = MALFORMED_SALARY if bad else job["salary_text"]
    salary_html = (
        f'<div class="SalaryEstimate_salaryRange" data-test="detailSalary">{escape(salary)}</div>' if salary else ""
    )
    if job["easy_apply"]:
        apply = '<button class="EasyApplyButton_content" data-test="easyApply" type="button">Easy Apply</button>'
    else:
        apply = f'<a class="applyButton" data-test="applyButton" href="{escape(job["apply_url"])}" target="_blank">Apply on employer site</a>'
    listing = job["listing_id"]
    body = f"""<div class="JobDetails_jobDetailsContainer">
  <header data-test="job-details-header">
    <div class="{hashed("EmployerProfile_employerNameHeading")}"><h4>{escape(company)}</h4></div>
    <h1 id="jd-job-title-{listing}" class="heading_Heading heading_Level1">{escape(job["title"])}</h1>
    <div data-test="location">{escape(job["location_name"])}</div>
    {salary_html}
    {apply}
  </header>
  <section><div class="{hashed("JobDetails_jobDescription")} JobDetails_blurDescription">{job["description_html"]}</div>
  <button data-test="show-more-cta" type="button">Show more</button></section>
</div>"""
    return page(f"{job['title']} job in {job['location_name']} | Glassdoor", body, token=token)
