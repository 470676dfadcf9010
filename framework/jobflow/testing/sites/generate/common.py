"""Helpers the three site generators share: places, pay, duplicates, facts and messy text."""

from __future__ import annotations

import random
from datetime import datetime
from html import escape
from typing import Any

from jobflow.postings.model import Interval, JobPosting, SalarySource, WorkModel
from jobflow.testing.sites.generate.forms import Pay
from jobflow.testing.sites.generate.truth import ABROAD, COUNTRY_NAMES, US_PLACES, Place
from jobflow.testing.sites.search import Query, select

__all__ = [
    "dump",
    "facts",
    "pad",
    "pick_pay",
    "pick_place",
    "search_ids",
    "sequence_with_duplicates",
]

US_STATE_NAMES = {
    "CA": "California", "NY": "New York", "TX": "Texas", "WA": "Washington", "MA": "Massachusetts",
    "IL": "Illinois", "CO": "Colorado", "GA": "Georgia", "IN": "Indiana", "OR": "Oregon",
}  # fmt: skip


def pick_place(rng: random.Random, abroad: float = 0.2) -> tuple[Place, str]:
    """A place and its currency (USD for the US)."""
    if rng.random() < abroad:
        currency = rng.choice(sorted(ABROAD))
        return ABROAD[currency], currency
    return rng.choice(US_PLACES), "USD"


def _round(value: float, step: float) -> float:
    return round(value / step) * step


def pick_pay(
    rng: random.Random,
    currency: str,
    interval: Interval,
    *,
    bound: str = "range",
    source: SalarySource = SalarySource.DIRECT,
) -> Pay:
    """A plausible pay truth for ``interval`` in ``currency`` (round numbers, as sites show them)."""
    scale = {"INR": 12.0, "GBP": 0.75, "EUR": 0.85, "CAD": 1.3, "AUD": 1.5}.get(currency, 1.0)
    base = {
        Interval.YEARLY: (60_000, 190_000, 1000),
        Interval.MONTHLY: (2_500, 9_000, 100),
        Interval.WEEKLY: (700, 2_000, 50),
        Interval.DAILY: (150, 600, 10),
        Interval.HOURLY: (18, 95, 1),
    }[interval]
    step = base[2] * (100 if currency == "INR" and interval is Interval.YEARLY else 1)
    low = _round(rng.uniform(base[0], base[1]) * scale, step)
    high = _round(low * rng.uniform(1.1, 1.35), step)
    if bound == "single":
        high = low
    return Pay(
        low=None if bound == "upto" else low,
        high=None if bound == "from" else high if bound != "upto" else low,
        interval=interval,
        currency=currency,
        source=source,
        bound=bound,
    )


def sequence_with_duplicates(ids: list[str], every: int, back: int) -> list[str]:
    """``ids`` with, every ``every`` items, a repeat of the one ``back`` places earlier (a later page)."""
    out: list[str] = []
    for position, native_id in enumerate(ids):
        if position and position % every == 0:
            out.append(ids[position - back])
        out.append(native_id)
    return out


def facts(
    *,
    text: str,
    places: list[str],
    work_model: WorkModel,
    job_type: str,
    level: int,
    posted_at: datetime,
    easy_apply: bool,
) -> dict[str, Any]:
    """The search facts a local site filters on (see :mod:`jobflow.testing.sites.search`)."""
    return {
        "text": text,
        "places": [p for p in places if p],
        "work_model": work_model.value,
        "job_type": job_type,
        "level": level,
        "posted_at": posted_at.isoformat(),
        "easy_apply": easy_apply,
    }


def place_terms(text: str, place: Place, work_model: WorkModel) -> list[str]:
    """The location terms a posting matches: its text first, then its parts."""
    terms = [text]
    if place.city and place.state:
        terms.append(f"{place.city}, {place.state}")
    terms += [place.city or "", place.state or "", US_STATE_NAMES.get(place.state or "", "")]
    terms += [COUNTRY_NAMES.get(place.country, ""), place.country]
    if work_model is WorkModel.REMOTE:
        terms.append("remote")
    return terms


def site_tables(
    site: str,
    *,
    seed: int,
    origin: str,
    now: datetime,
    sequence: list[str],
    postings: list[dict[str, Any]],
    all_facts: dict[str, dict[str, Any]],
    views: Any,
    malformed: Any,
    searches: list[tuple[str, dict[str, str], Query]],
    **extra: Any,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A site's data file (``extra`` keys before ``postings``) and its expected table, with the ids each
    of ``searches`` (name, URL parameters, query) must return."""
    data = {"site": site, "seed": seed, "origin": origin, "now": now.isoformat(), "sequence": sequence, **extra}
    data["postings"] = postings
    expected = {
        "site": site,
        "origin": origin,
        "now": now.isoformat(),
        "views": views,
        "malformed": malformed,
        "searches": [
            {"name": name, "params": params, "ids": search_ids(sequence, all_facts, query, now)}
            for name, params, query in searches
        ],
    }
    return data, expected


def search_ids(sequence: list[str], all_facts: dict[str, dict[str, Any]], query: Query, now: datetime) -> list[str]:
    """What a correct plugin returns for ``query``: the matching ids, duplicates folded, in page order."""
    return list(dict.fromkeys(select(sequence, all_facts, query, now)))


def pad(text: str, rng: random.Random, *, entities: bool = True) -> str:
    """``text`` as a site's template writes it: escaped, padded with newlines and indentation."""
    body = escape(text, quote=False) if entities else text
    if rng.random() < 0.15:
        body = body.replace(" ", "&nbsp;", 1) if entities else body.replace(" ", "\u00a0", 1)
    if rng.random() < 0.1:
        body += "\u200b"
    return f"\n{' ' * rng.choice([8, 10, 12])}{body}\n{' ' * rng.choice([6, 8])}"


def dump(posting: JobPosting) -> dict[str, Any]:
    """A posting as the expected tables store it."""
    return posting.model_dump(mode="json", exclude={"scraped_at", "raw"})
