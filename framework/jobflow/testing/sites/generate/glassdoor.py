"""Glassdoor's local data (``glassdoor.json``) and what a correct plugin extracts (``glassdoor.expected.json``).

Views: ``card`` (search page cards with ``__NEXT_DATA__``, and ``/graph`` ``JobSearchResultsQuery``) and
``detail`` (``/job-listing/j?jl=`` page, or ``JobDetailQuery`` plus the card's header).
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from jobflow.postings.model import Interval, JobPosting, Location, Salary, SalarySource, WorkModel
from jobflow.testing.sites.generate import common
from jobflow.testing.sites.generate.forms import glassdoor_age, glassdoor_salary
from jobflow.testing.sites.generate.truth import (
    ABROAD,
    COMPANIES,
    REFERENCE_NOW,
    US_PLACES,
    WORK_MODELS,
    pick_age,
    pick_description,
    pick_title,
)
from jobflow.testing.sites.search import Query

__all__ = ["LOCATIONS", "ORIGIN", "generate"]

ORIGIN = "https://www.glassdoor.com"
SOURCE = {SalarySource.DIRECT: "EMPLOYER_PROVIDED", SalarySource.ESTIMATE: "ESTIMATED"}
PERIOD = {Interval.YEARLY: "ANNUAL", Interval.HOURLY: "HOURLY", Interval.MONTHLY: "MONTHLY"}
SKILLS = ["Python", "AWS", "SQL", "Kubernetes", "React", "Go", "Terraform", "Spark", "Figma", "Swift"]
LOCATIONS = [  # findPopularLocationAjax.htm answers
    {"locationId": 1132348, "locationType": "C", "label": "New York, NY (US)", "term": "new york"},
    {"locationId": 1139761, "locationType": "C", "label": "Austin, TX (US)", "term": "austin"},
    {"locationId": 1147401, "locationType": "C", "label": "San Francisco, CA (US)", "term": "san francisco"},
    {"locationId": 1150505, "locationType": "C", "label": "Seattle, WA (US)", "term": "seattle"},
    {"locationId": 2671300, "locationType": "C", "label": "London, England (UK)", "term": "london"},
    {"locationId": 1, "locationType": "N", "label": "United States", "term": "united states"},
    {"locationId": 11047, "locationType": "S", "label": "Remote", "term": "remote"},
]


def _where(rng: random.Random, work: WorkModel) -> tuple[Any, str, str, Location, str]:
    if rng.random() < 0.1:
        place = ABROAD["GBP"]
        return place, "GBP", "London, England", Location(raw="London, England", city="London", country="GB"), "C"
    place = rng.choice(US_PLACES)
    if work is WorkModel.REMOTE and rng.random() < 0.6:
        return place, "USD", "Remote", Location(raw="Remote"), "S"
    if rng.random() < 0.08:
        return place, "USD", "United States", Location(raw="United States", country="US"), "N"
    text = f"{place.city}, {place.state}"
    return place, "USD", text, Location(raw=text, city=place.city, state=place.state, country="US"), "C"


def generate(count: int = 120, seed: int = 11) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(data, expected)`` for the local Glassdoor."""
    rng = random.Random(seed)
    postings: list[dict[str, Any]] = []
    views: dict[str, dict[str, Any]] = {"card": {}, "detail": {}}
    malformed: dict[str, dict[str, Any]] = {"card": {}, "detail": {}}
    for index in range(count):
        listing_id = str(1_009_500_000_001 + index * 104_729 + rng.randint(0, 999))
        title, _function, _label, level = pick_title(rng)
        work = rng.choice(WORK_MODELS)
        confidential = rng.random() < 0.05
        company = None if confidential else rng.choice(COMPANIES)
        employer_id = None if confidential else 1000 + COMPANIES.index(company or "") * 37
        place, currency, loc_text, loc, loc_type = _where(rng, work)
        posted_at = pick_age(rng)
        days = (REFERENCE_NOW.date() - posted_at.date()).days
        pay = None
        if rng.random() < 0.75:
            interval = rng.choices([Interval.YEARLY, Interval.HOURLY, Interval.MONTHLY], [8, 3, 1])[0]
            source = SalarySource.DIRECT if rng.random() < 0.5 else SalarySource.ESTIMATE
            pay = common.pick_pay(
                rng, currency, interval, source=source, bound="single" if rng.random() < 0.15 else "range"
            )
        salary_text = glassdoor_salary(pay) if pay else None
        description = pick_description(rng, title, company)
        easy_apply = rng.random() < 0.35
        skills = rng.sample(SKILLS, rng.randint(2, 4)) if rng.random() < 0.7 else []
        rating = round(rng.uniform(2.8, 4.9), 1) if company and rng.random() < 0.85 else None
        external = (
            None
            if easy_apply
            else f"https://jobs.{(company or 'agency').split()[0].lower().strip(',')}.example/{listing_id[-6:]}"
        )
        logo = f"{ORIGIN}/static/logos/{employer_id}.png" if employer_id and rng.random() < 0.7 else None
        record = {
            "listing_id": listing_id,
            "title": title,
            "employer": None if confidential else {"id": employer_id, "name": company, "shortName": company},
            "rating": rating,
            "logo": logo,
            "location_name": loc_text,
            "location_type": loc_type,
            "age_days": days,
            "age_text": glassdoor_age(days),
            "pay": None
            if pay is None
            else {"p10": pay.low, "p50": round(((pay.low or 0) + (pay.high or 0)) / 2), "p90": pay.high},
            "pay_period": PERIOD[pay.interval] if pay else None,
            "pay_currency": currency if pay else None,
            "salary_source": None if pay is None else SOURCE[pay.source],
            "salary_text": salary_text,
            "easy_apply": easy_apply,
            "sponsored": rng.random() < 0.12,
            "snippet": f"{title} needed at {company or 'a confidential company'}. Join a small team that ships weekly.",
            "skills": skills,
            "description_html": description.messy_html(rng),
            "apply_url": external,
            "facts": common.facts(
                text=f"{title} {company or ''}".lower(),
                places=common.place_terms(loc_text.lower(), place, work),
                work_model=work,
                job_type="",
                level=level,
                posted_at=posted_at,
                easy_apply=easy_apply,
            ),
            "malformed": index % 9 == 4,
        }  # fmt: skip
        postings.append(record)
        salary = None
        if pay is not None:
            salary = Salary(
                min_amount=pay.low,
                max_amount=pay.high,
                interval=pay.interval,
                currency=currency,
                source=pay.source,
                raw=salary_text,
            )
        remote = loc_text == "Remote"
        base = {
            "site": "glassdoor",
            "native_id": listing_id,
            "url": f"{ORIGIN}/job-listing/j?jl={listing_id}",
            "title": title,
            "company": company,
            "company_url": f"{ORIGIN}/Overview/W-EI_IE{employer_id}.htm" if employer_id else None,
            "location": loc,
            "is_remote": True if remote else None,
            "work_model": WorkModel.REMOTE if remote else None,
            "salary": salary,
            "easy_apply": easy_apply,
            "company_rating": rating,
        }
        views["card"][listing_id] = common.dump(
            JobPosting(
                **base,
                company_logo=logo,
                date_posted=(REFERENCE_NOW - timedelta(days=days)).date(),
                date_posted_raw=record["age_text"],
                skills=skills,
                promoted=record["sponsored"],
            )
        )
        views["detail"][listing_id] = common.dump(
            JobPosting(
                **base,
                description_html=description.canonical_html(),
                description_markdown=description.markdown(),
                emails=list(description.emails),
                apply_url=external,
            )
        )
        if record["malformed"]:
            malformed["card"][listing_id] = {"salary": None, "date_posted": None, "date_posted_raw": None}
            malformed["detail"][listing_id] = {"salary": None}
    ids = [p["listing_id"] for p in postings]
    sequence = common.sequence_with_duplicates(ids, every=23, back=11)
    all_facts = {p["listing_id"]: p["facts"] for p in postings}
    REMOTE = frozenset({"remote"})
    searches = [
        ("all", {}, Query()),
        ("python", {"sc.keyword": "python"}, Query(keywords="python")),
        ("remote", {"sc.keyword": "engineer", "remoteWorkType": "1"}, Query("engineer", work_models=REMOTE)),
        ("week", {"fromAge": "7"}, Query(max_age=timedelta(days=7))),
        ("austin", {"locKeyword": "Austin, TX"}, Query(location="Austin, TX")),
        ("easy-apply", {"applicationType": "1"}, Query(easy_apply_only=True)),
        ("entry", {"seniorityType": "entrylevel"}, Query(levels=frozenset({2}))),
        ("mid-senior", {"seniorityType": "midseniorlevel"}, Query(levels=frozenset({3, 4}))),
        ("nothing", {"sc.keyword": "zzzz no such job"}, Query(keywords="zzzz no such job")),
    ]  # fmt: skip
    return common.site_tables(
        "glassdoor",
        seed=seed,
        origin=ORIGIN,
        now=REFERENCE_NOW,
        sequence=sequence,
        postings=postings,
        all_facts=all_facts,
        views=views,
        malformed=malformed,
        searches=searches,
        locations=LOCATIONS,
    )
