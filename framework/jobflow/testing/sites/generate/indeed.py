"""Indeed's local data (``indeed.json``) and what a correct plugin extracts (``indeed.expected.json``).

Views: ``card`` (the mosaic JSON of the search page, same as its HTML cards) and ``detail``
(``/viewjob?jk=``: ``_initialData``, ``#jobDescriptionText``, the JSON-LD ``datePosted``).
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from jobflow.postings.model import Interval, JobPosting, JobType, Location, Salary, SalarySource, WorkModel
from jobflow.testing.sites.generate import common
from jobflow.testing.sites.generate.forms import indeed_age, indeed_salary
from jobflow.testing.sites.generate.truth import (
    COMPANIES,
    JOB_TYPES,
    REFERENCE_NOW,
    US_PLACES,
    WORK_MODELS,
    pick_age,
    pick_description,
    pick_title,
)
from jobflow.testing.sites.search import Query

__all__ = ["ORIGIN", "generate"]

ORIGIN = "https://www.indeed.com"
JT_LABEL = {JobType.FULLTIME: "Full-time", JobType.PARTTIME: "Part-time", JobType.CONTRACT: "Contract"}
JT_LABEL |= {JobType.TEMPORARY: "Temporary", JobType.INTERNSHIP: "Internship"}
JT_SUID = {JobType.FULLTIME: "CF3CP", JobType.PARTTIME: "75GKK", JobType.CONTRACT: "NJXCK"}
JT_SUID |= {JobType.TEMPORARY: "4HKF7", JobType.INTERNSHIP: "VDTG7"}
BENEFITS = ["Health insurance", "Paid time off", "401(k)", "Dental insurance", "Remote work allowance"]
FORMS = [  # (interval, bound, weight): every salary form in sites/README.md §2.1
    (Interval.YEARLY, "range", 6), (Interval.HOURLY, "range", 3), (Interval.HOURLY, "single", 2),
    (Interval.YEARLY, "from", 1), (Interval.HOURLY, "upto", 1), (Interval.MONTHLY, "range", 1),
    (Interval.WEEKLY, "single", 1), (Interval.DAILY, "single", 1),
]  # fmt: skip


def _where(rng: random.Random, work: WorkModel) -> tuple[Any, str, Location]:
    place = rng.choice(US_PLACES)
    with_postal = rng.random() < 0.4
    city_state = f"{place.city}, {place.state}" + (f" {place.postal}" if with_postal else "")
    loc = Location(city=place.city, state=place.state, country="US", postal_code=place.postal if with_postal else None)
    if work is WorkModel.REMOTE:
        if rng.random() < 0.5:
            return place, "Remote", Location(raw="Remote")
        text = f"Remote in {city_state}"
    elif work is WorkModel.HYBRID:
        text = f"Hybrid remote in {city_state}"
    else:
        text = city_state
    return place, text, Location(**{**loc.model_dump(), "raw": text})


def generate(count: int = 120, seed: int = 7) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(data, expected)`` for the local Indeed."""
    rng = random.Random(seed)
    postings: list[dict[str, Any]] = []
    views: dict[str, dict[str, Any]] = {"card": {}, "detail": {}}
    malformed: dict[str, dict[str, Any]] = {"card": {}, "detail": {}}
    for index in range(count):
        jk = f"{rng.getrandbits(64):016x}"
        title, _function, _level_label, level = pick_title(rng)
        job_type = JobType.INTERNSHIP if level == 1 else rng.choice(JOB_TYPES)
        work = rng.choice(WORK_MODELS)
        company = rng.choice(COMPANIES) if rng.random() < 0.95 else None
        cmp_slug = "-".join(w.strip(",.&") for w in company.split() if w.strip(",.&")) if company else None
        place, loc_text, loc = _where(rng, work)
        posted_at = pick_age(rng)
        days = (REFERENCE_NOW.date() - posted_at.date()).days
        relative = indeed_age(days, today_word=rng.choice(["Just posted", "Today"]))
        pay = None
        if rng.random() < 0.7:
            interval, bound, _ = rng.choices(FORMS, [w for *_, w in FORMS])[0]
            pay = common.pick_pay(rng, "USD", interval, bound=bound)
        salary_text = indeed_salary(pay) if pay else None
        structured = pay is not None and rng.random() < 0.8
        description = pick_description(rng, title, company)
        indeed_apply = rng.random() < 0.5
        types = [job_type] if rng.random() < 0.85 else []
        benefits = rng.sample(BENEFITS, rng.randint(0, 3))
        rating = round(rng.uniform(2.5, 4.8), 1) if company and rng.random() < 0.8 else None
        reviews = rng.randint(3, 4000) if rating else None
        external = None if indeed_apply else f"https://apply.{(cmp_slug or 'agency').lower()}.example/{jk[:8]}"
        logo = f"{ORIGIN}/static/logos/{cmp_slug.lower()}.png" if cmp_slug and rng.random() < 0.6 else None
        pub_ms = int(posted_at.timestamp() * 1000)
        record = {
            "jk": jk,
            "title": title,
            "title_json": title.replace("&", "&amp;") if rng.random() < 0.3 else f" {title} ",
            "company": company,
            "company_slug": cmp_slug,
            "rating": rating,
            "reviews": reviews,
            "logo": logo,
            "formatted_location": loc_text,
            "city": loc.city,
            "state": loc.state,
            "postal": loc.postal_code,
            "remote": work is WorkModel.REMOTE,
            "pub_ms": pub_ms,
            "create_ms": pub_ms - rng.randint(1, 48) * 3_600_000,
            "date_posted": posted_at.isoformat().replace("+00:00", "Z"),
            "relative": relative,
            "extracted_salary": None
            if not structured or pay is None
            else {k: v for k, v in (("min", pay.low), ("max", pay.high)) if v is not None} | {"type": pay.interval},
            "salary_text": salary_text,
            "job_types": [JT_LABEL[t] for t in types],
            "job_type_suids": [JT_SUID[t] for t in types],
            "benefits": benefits,
            "sponsored": rng.random() < 0.15,
            "indeed_apply": indeed_apply,
            "urgently_hiring": rng.random() < 0.1,
            "new_job": days <= 1,
            "description_html": description.messy_html(rng, bold="b"),
            "apply_url": external,
            "facts": common.facts(
                text=f"{title} {company or ''}".lower(),
                places=common.place_terms(loc_text.lower(), place, work),
                work_model=work,
                job_type=types[0].value if types else "",
                level=level,
                posted_at=posted_at,
                easy_apply=indeed_apply,
            ),
            "malformed": index % 9 == 4,
        }
        postings.append(record)
        salary = None
        if pay is not None:
            salary = Salary(
                min_amount=pay.low,
                max_amount=pay.high,
                interval=pay.interval,
                currency="USD",
                source=SalarySource.DIRECT,
                raw=salary_text,
            )
        base = {
            "site": "indeed",
            "native_id": jk,
            "url": f"{ORIGIN}/viewjob?jk={jk}",
            "title": title,
            "company": company,
            "company_url": f"{ORIGIN}/cmp/{cmp_slug}" if cmp_slug else None,
            "location": loc,
            "work_model": work if work is not WorkModel.ONSITE else None,
            "date_posted": posted_at.date(),
            "salary": salary,
            "job_type": types,
            "easy_apply": indeed_apply,
        }
        views["card"][jk] = common.dump(
            JobPosting(
                **base,
                is_remote=work is WorkModel.REMOTE,
                company_logo=logo,
                company_rating=rating,
                company_reviews_count=reviews,
                date_posted_raw=relative,
                benefits=benefits,
                promoted=record["sponsored"],
            )
        )
        views["detail"][jk] = common.dump(
            JobPosting(
                **base,
                is_remote=None if work is WorkModel.ONSITE else work is WorkModel.REMOTE,
                date_posted_raw=relative,
                description_html=description.canonical_html(),
                description_markdown=description.markdown(),
                emails=list(description.emails),
                apply_url=external,
            )
        )
        if record["malformed"]:
            patch = {"salary": None, "date_posted": None, "date_posted_raw": None}
            malformed["card"][jk] = patch
            malformed["detail"][jk] = {"salary": None}
    ids = [p["jk"] for p in postings]
    sequence = common.sequence_with_duplicates(ids, every=13, back=5)
    all_facts = {p["jk"]: p["facts"] for p in postings}
    searches = [
        ("all", {}, Query()),
        ("python", {"q": "python"}, Query(keywords="python")),
        ("remote", {"q": "engineer", "sc": "0kf:attr(DSQF7);"}, Query("engineer", work_models=frozenset({"remote"}))),
        ("fulltime-3-days", {"sc": "0kf:jt(fulltime);", "fromage": "3"}, _ft_query()),
        ("austin", {"l": "Austin, TX"}, Query(location="Austin, TX")),
        ("easy-apply", {"iafilter": "1"}, Query(easy_apply_only=True)),
        ("senior", {"sc": "0kf:explvl(SENIOR_LEVEL);"}, Query(levels=frozenset({5, 6}))),
        (
            "entry-fulltime",
            {"sc": "0kf:explvl(ENTRY_LEVEL)jt(fulltime);"},
            Query(job_types=frozenset({"fulltime"}), levels=frozenset({1, 2})),
        ),
        ("nothing", {"q": "zzzz no such job"}, Query(keywords="zzzz no such job")),
    ]
    return common.site_tables(
        "indeed",
        seed=seed,
        origin=ORIGIN,
        now=REFERENCE_NOW,
        sequence=sequence,
        postings=postings,
        all_facts=all_facts,
        views=views,
        malformed=malformed,
        searches=searches,
    )


def _ft_query() -> Query:
    return Query(job_types=frozenset({"fulltime"}), max_age=timedelta(days=3))
