"""How each site writes salaries, dates and places: the ground truth rendered as the site's text.

These writers are the inverse of what a correct parser reads; the local sites' data is made with them and
the parser property tests (``tests/unit/test_parse_*.py``) round-trip through them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from jobflow.postings.model import Interval, SalarySource

__all__ = [
    "SYMBOLS",
    "Pay",
    "glassdoor_age",
    "glassdoor_salary",
    "indeed_age",
    "indeed_salary",
    "linkedin_age",
    "linkedin_card_salary",
    "linkedin_detail_salary",
    "money",
]

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "INR": "₹", "CAD": "CA$", "AUD": "A$"}
"""The symbol each site writes for a currency (``$`` is USD on the US sites)."""


@dataclass(frozen=True)
class Pay:
    """A salary's truth. ``bound`` is how the site states it: range, single, from (min), upto (max)."""

    low: float | None
    high: float | None
    interval: Interval
    currency: str
    source: SalarySource = SalarySource.DIRECT
    bound: str = "range"


def _group(whole: int, currency: str) -> str:
    if currency != "INR":
        return f"{whole:,}"
    text = str(whole)  # Indian grouping: last three digits, then pairs (12,00,000)
    head, tail = text[:-3], text[-3:]
    pairs: list[str] = []
    while len(head) > 2:
        pairs.insert(0, head[-2:])
        head = head[:-2]
    return ",".join([p for p in [head, *pairs] if p] + [tail]) if head or pairs else tail


def money(amount: float, currency: str, *, decimals: int = 0, k: bool = False) -> str:
    """``amount`` with the currency symbol: ``$150,000.00`` (decimals=2), ``$120,000``, ``$80K``, ``₹12,00,000``."""
    symbol = SYMBOLS[currency]
    if k:
        return f"{symbol}{round(amount / 1000)}K"
    whole = int(amount)
    text = _group(whole, currency)
    if decimals:
        text += f"{amount - whole:.{decimals}f}"[1:]
    return f"{symbol}{text}"


def _amounts(pay: Pay) -> list[float]:
    return [a for a in (pay.low, pay.high) if a is not None] if pay.low != pay.high else [pay.low or 0.0]


def linkedin_card_salary(pay: Pay) -> str:
    """Guest card: "$150,000.00 - $185,000.00", "$90,000.00", "₹12,00,000 - ₹18,00,000" (no unit)."""
    decimals = 0 if pay.currency == "INR" else 2
    return " - ".join(money(a, pay.currency, decimals=decimals) for a in _amounts(pay))


_LI_UNIT = {Interval.YEARLY: "/yr", Interval.MONTHLY: "/mo", Interval.HOURLY: "/hr"}


def linkedin_detail_salary(pay: Pay) -> str:
    """Detail compensation: "$150,000.00/yr - $185,000.00/yr", "$48.00/hr - $62.00/hr"."""
    decimals = 0 if pay.currency == "INR" else 2
    unit = _LI_UNIT[pay.interval]
    return " - ".join(money(a, pay.currency, decimals=decimals) + unit for a in _amounts(pay))


_IN_UNIT = {
    Interval.YEARLY: "a year",
    Interval.MONTHLY: "a month",
    Interval.WEEKLY: "a week",
    Interval.DAILY: "a day",
    Interval.HOURLY: "an hour",
}


def indeed_salary(pay: Pay) -> str:
    """Indeed: "$120,000 - $150,000 a year", "$19 an hour", "From $55,000 a year", "Up to $40 an hour"."""
    decimals = 2 if any(a != int(a) for a in _amounts(pay)) else 0
    text = " - ".join(money(a, pay.currency, decimals=decimals) for a in _amounts(pay))
    if pay.bound == "from":
        text = "From " + text
    elif pay.bound == "upto":
        text = "Up to " + text
    return f"{text} {_IN_UNIT[pay.interval]}"


_GD_UNIT = {Interval.HOURLY: " Per Hour", Interval.MONTHLY: " Per Month", Interval.YEARLY: ""}


def glassdoor_salary(pay: Pay) -> str:
    """Glassdoor: "$80K - $120K (Employer est.)", "$45.00 - $60.00 Per Hour (Glassdoor est.)", "$95K ..."."""
    yearly = pay.interval is Interval.YEARLY
    parts = [money(a, pay.currency, decimals=0 if yearly else 2, k=yearly) for a in _amounts(pay)]
    who = "Employer" if pay.source is SalarySource.DIRECT else "Glassdoor"
    return f"{' - '.join(parts)}{_GD_UNIT[pay.interval]} ({who} est.)"


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}{'' if count == 1 else 's'} ago"


def linkedin_age(posted_at: datetime, now: datetime) -> str:
    """LinkedIn's relative text; exact for the ages the generator uses (hours, days, whole weeks/months)."""
    delta = now - posted_at
    days = (now.date() - posted_at.date()).days
    if delta < timedelta(hours=1):
        return _plural(int(delta.total_seconds() // 60), "minute")
    if delta < timedelta(hours=24) and days <= 1:
        return _plural(int(delta.total_seconds() // 3600), "hour")
    if days % 30 == 0:
        return _plural(days // 30, "month")
    if days % 7 == 0:
        return _plural(days // 7, "week")
    return _plural(days, "day")


def indeed_age(days: int, *, today_word: str = "Just posted") -> str:
    """Indeed's ``formattedRelativeTime``: "Just posted"/"Today", "1 day ago", "30+ days ago"."""
    if days == 0:
        return today_word
    return "30+ days ago" if days >= 30 else _plural(days, "day")


def glassdoor_age(days: int) -> str:
    """Glassdoor's card age: "24h" (under a day), "3d", "30d+"."""
    if days == 0:
        return "24h"
    return "30d+" if days >= 30 else f"{days}d"
