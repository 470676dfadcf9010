"""LinkedIn's local data (``linkedin.json``) and what a correct plugin extracts (``linkedin.expected.json``).

Views in the expected table: ``guest_card`` (guest search fragment and page), ``member_card`` (logged-in
two-pane list) and ``detail`` (guest posting endpoint, ``/jobs/view/{id}``, member job page).
"""

from __future__ import annotations

import random
from typing import Any

from jobflow.postings.model import (
    ApplicationStatus,
    Interval,
    JobPosting,
    JobType,
    Location,
    Salary,
    SalarySource,
    WorkModel,
)
from jobflow.testing.sites.generate import common
from jobflow.testing.sites.generate.forms import linkedin_age, linkedin_card_salary, linkedin_detail_salary
from jobflow.testing.sites.generate.truth import (
    COMPANIES,
    COUNTRY_NAMES,
    JOB_TYPES,
    REFERENCE_NOW,
    WORK_MODELS,
    pick_age,
    pick_description,
    pick_title,
    slug,
)
from jobflow.testing.sites.linkedin.forms import FORMS
from jobflow.testing.sites.search import Query

__all__ = ["ORIGIN", "generate"]

ORIGIN = "https://www.linkedin.com"
JT_CODE = {JobType.FULLTIME: "F", JobType.PARTTIME: "P", JobType.CONTRACT: "C", JobType.TEMPORARY: "T"}
JT_CODE |= {JobType.INTERNSHIP: "I", JobType.VOLUNTEER: "V", JobType.OTHER: "O"}
JT_LABEL = {JobType.FULLTIME: "Full-time", JobType.PARTTIME: "Part-time", JobType.CONTRACT: "Contract"}
JT_LABEL |= {JobType.TEMPORARY: "Temporary", JobType.INTERNSHIP: "Internship", JobType.VOLUNTEER: "Volunteer"}
WT_CODE = {WorkModel.ONSITE: "1", WorkModel.REMOTE: "2", WorkModel.HYBRID: "3"}
WT_LABEL = {WorkModel.ONSITE: "On-site", WorkModel.REMOTE: "Remote", WorkModel.HYBRID: "Hybrid"}
INDUSTRIES = ["Software Development", "IT Services and IT Consulting", "Hospitals and Health Care"]
INDUSTRIES += ["Financial Services", "Retail", "Research Services"]
BENEFITS = ["Actively Hiring", "Be an early applicant", "Medical insurance", "401(k)"]


def _location(rng: random.Random, work: WorkModel) -> tuple[Any, str, str, Location, str]:
    place, currency = common.pick_place(rng)
    if place.country != "US":
        text = f"{place.city}, {place.region}, {COUNTRY_NAMES[place.country]}"
        loc = Location(raw=text, city=place.city, state=place.state, country=place.country)
        member = f"{text} ({WT_LABEL[work]})"
    elif work is WorkModel.REMOTE and rng.random() < 0.7:
        text = "Remote" if rng.random() < 0.15 else "United States"
        loc = Location(raw=text, country=None if text == "Remote" else "US")
        member = f"United States ({WT_LABEL[work]})"
    elif place.city == "San Francisco" and rng.random() < 0.4:
        text = "San Francisco Bay Area"
        loc = Location(raw=text, state="CA", country="US")
        member = f"{text} ({WT_LABEL[work]})"
    else:
        text = f"{place.city}, {place.state}"
        loc = Location(raw=text, city=place.city, state=place.state, country="US")
        member = f"{text} ({WT_LABEL[work]})"
    return place, currency, text, loc, member


def _pay(rng: random.Random, currency: str) -> Any:
    if rng.random() < 0.45:
        return None
    interval = Interval.YEARLY
    if currency == "USD" and rng.random() < 0.2:
        interval = Interval.HOURLY
    elif currency == "EUR" and rng.random() < 0.5:
        interval = Interval.MONTHLY
    return common.pick_pay(rng, currency, interval, bound="single" if rng.random() < 0.15 else "range")


def _salary(pay: Any, text: str) -> Salary | None:
    if pay is None:
        return None
    return Salary(
        min_amount=pay.low,
        max_amount=pay.high,
        interval=pay.interval,
        currency=pay.currency,
        source=SalarySource.DIRECT,
        raw=text,
    )


def generate(count: int = 120, seed: int = 5) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(data, expected)`` for the local LinkedIn."""
    rng = random.Random(seed)
    postings: list[dict[str, Any]] = []
    views: dict[str, dict[str, Any]] = {"guest_card": {}, "member_card": {}, "detail": {}}
    malformed: dict[str, dict[str, Any]] = {"guest_card": {}, "member_card": {}, "detail": {}}
    forms = sorted(FORMS)
    for index in range(count):
        native_id = str(4_012_345_678 + index * 7_919 + rng.randint(0, 99))
        title, function, level_label, level = pick_title(rng)
        job_type = JobType.INTERNSHIP if level == 1 else rng.choice(JOB_TYPES)
        work = rng.choice(WORK_MODELS)
        company = rng.choice(COMPANIES)
        company_slug = slug(company)
        place, currency, loc_text, loc, member_loc = _location(rng, work)
        posted_at = pick_age(rng)
        age_text = linkedin_age(posted_at, REFERENCE_NOW)
        reposted = rng.random() < 0.15
        pay = _pay(rng, currency)
        description = pick_description(rng, title, company)
        easy_apply = rng.random() < 0.4
        external = None if easy_apply else f"https://careers.{company_slug.replace('-', '')}.example/jobs/{index + 100}"
        industry = rng.choice(INDUSTRIES) if rng.random() < 0.9 else None
        criteria = [("Seniority level", level_label), ("Employment type", JT_LABEL[job_type])]
        criteria += [("Job function", function)] + ([("Industries", industry)] if industry else [])
        applicants = rng.choice([None, "Over 200 applicants", f"{rng.randint(3, 180)} applicants"])
        benefit = rng.choice(BENEFITS) if rng.random() < 0.35 else None
        logo = f"{ORIGIN}/static/logos/{company_slug}.png" if rng.random() < 0.8 else None
        state = rng.choices([None, "Viewed", "Applied", "Saved"], [72, 15, 8, 5])[0]
        record: dict[str, Any] = {
            "id": native_id,
            "slug": slug(f"{title} at {company}"),
            "title_html": common.pad(title, rng),
            "title": title,
            "company": company,
            "company_html": common.pad(company, rng),
            "company_slug": company_slug if rng.random() < 0.85 else None,
            "logo": logo,
            "location_html": common.pad(loc_text, rng),
            "member_location": member_loc,
            "posted_date": posted_at.date().isoformat(),
            "posted_text": age_text,
            "posted_new": (REFERENCE_NOW - posted_at).total_seconds() < 86_400,
            "detail_posted_text": ("Reposted " if reposted else "") + age_text,
            "salary_card": linkedin_card_salary(pay) if pay else None,
            "salary_detail": linkedin_detail_salary(pay) if pay else None,
            "benefit": benefit,
            "applicants": applicants,
            "description_html": description.messy_html(rng),
            "criteria": criteria,
            "easy_apply": easy_apply,
            "form": forms[index % len(forms)] if easy_apply else None,
            "external_url": external,
            "apply_comment": bool(external) and rng.random() < 0.6,
            "member": {
                "verified": rng.random() < 0.3,
                "insight": rng.choice([None, "Actively reviewing applicants", "3 connections work here"]),
                "state": state,
                "promoted": rng.random() < 0.12,
            },
            "facts": common.facts(
                text=f"{title} {company}".lower(),
                places=common.place_terms(loc_text.lower(), place, work),
                work_model=work,
                job_type=job_type.value,
                level=level,
                posted_at=posted_at,
                easy_apply=easy_apply,
            ),
            "malformed": index % 9 == 4,
        }
        postings.append(record)
        url = f"{ORIGIN}/jobs/view/{native_id}"
        company_url = f"{ORIGIN}/company/{record['company_slug']}" if record["company_slug"] else None
        remote_text = loc_text == "Remote"
        base = {
            "site": "linkedin",
            "native_id": native_id,
            "url": url,
            "title": title,
            "company": company,
            "location": loc,
            "is_remote": True if remote_text else None,
            "work_model": WorkModel.REMOTE if remote_text else None,
        }
        views["guest_card"][native_id] = common.dump(
            JobPosting(
                **base,
                company_url=company_url,
                company_logo=logo,
                date_posted=posted_at.date(),
                date_posted_raw=age_text,
                salary=_salary(pay, record["salary_card"]),
                benefits=[benefit] if benefit else [],
            )
        )
        views["detail"][native_id] = common.dump(
            JobPosting(
                **base,
                company_url=company_url,
                company_logo=logo,
                company_industry=industry,
                date_posted=posted_at.date(),
                date_posted_raw=record["detail_posted_text"],
                reposted=reposted,
                salary=_salary(pay, record["salary_detail"]),
                job_type=[job_type],
                job_level=level_label,
                job_function=function,
                description_html=description.canonical_html(),
                description_markdown=description.markdown(),
                criteria=dict(criteria),
                emails=list(description.emails),
                apply_url=external if record["apply_comment"] else None,
                easy_apply=easy_apply,
                applicants=int(applicants.split()[-2]) if applicants else None,
                applicants_raw=applicants,
            )
        )
        member_loc_parsed = Location(**{**loc.model_dump(), "raw": member_loc})
        if loc_text in ("Remote", "United States"):
            member_loc_parsed = Location(raw=member_loc, country="US")
        views["member_card"][native_id] = common.dump(
            JobPosting(
                site="linkedin",
                native_id=native_id,
                url=url,
                title=title,
                company=company,
                location=member_loc_parsed,
                is_remote=work is WorkModel.REMOTE,
                work_model=work,
                easy_apply=easy_apply,
                promoted=record["member"]["promoted"],
                application_status=ApplicationStatus(state.lower()) if state else None,
            )
        )
        if record["malformed"]:
            patch = {"salary": None, "date_posted": None, "date_posted_raw": "recently"}
            malformed["guest_card"][native_id] = patch
            malformed["detail"][native_id] = {**patch, "reposted": None}
            malformed["member_card"][native_id] = {"location": None, "is_remote": None, "work_model": None}
    ids = [p["id"] for p in postings]
    sequence = common.sequence_with_duplicates(ids, every=17, back=7)
    all_facts = {p["id"]: p["facts"] for p in postings}
    searches = [
        ("all", {}, Query()),
        ("python", {"keywords": "python"}, Query(keywords="python")),
        (
            "remote-engineer",
            {"keywords": "engineer", "f_WT": "2"},
            Query("engineer", work_models=frozenset({"remote"})),
        ),
        ("fulltime-senior-week", {"f_JT": "F", "f_E": "4", "f_TPR": "r604800"}, _week_query()),
        ("austin", {"location": "Austin, TX"}, Query(location="Austin, TX")),
        ("easy-apply", {"f_AL": "true"}, Query(easy_apply_only=True)),
        ("nothing", {"keywords": "zzzz no such job"}, Query(keywords="zzzz no such job")),
    ]
    return common.site_tables(
        "linkedin",
        seed=seed,
        origin=ORIGIN,
        now=REFERENCE_NOW,
        sequence=sequence,
        postings=postings,
        all_facts=all_facts,
        views=views,
        malformed=malformed,
        searches=searches,
        forms=FORMS,
    )


def _week_query() -> Query:
    from datetime import timedelta

    return Query(job_types=frozenset({"fulltime"}), levels=frozenset({4}), max_age=timedelta(seconds=604_800))
