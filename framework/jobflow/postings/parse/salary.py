"""Salaries: site text and structured fields to :class:`Salary` (min, max, interval, ISO currency, source).

Text forms (sites/README.md §1-§4): ranges with ``-``, ``–``, ``—`` or "to" ("$150,000.00 - $185,000.00",
"$120,000 - $150,000 a year", "€28,000.00/yr - €35,000.00/yr", "$80K - $120K (Employer est.)"), single
values (min = max: "$19 an hour", "$95K"), one bound ("From $55,000 a year" -> min only, "Up to $40 an hour"
-> max only). Intervals: ``/yr /mo /wk /day /hr``, "a year", "an hour", "per month", "Per Hour", "yearly",
"annually", "p.a.". Amounts: ``,`` or ``.`` thousands separators (Indian "12,00,000" too), decimal
``.`` or ``,``, ``K``/``M`` suffixes. Currencies: ``$`` (the site's dollar, USD by default), ``US$ CA$ C$
A$ AU$ NZ$ S$ HK$ R$ € £ ₹ ¥ ₩`` and ISO codes written out. Source: "(Employer est.)" is the employer's own
range (``direct``); "(Glassdoor est.)", "estimated" are the site's (``estimate``).

Without an interval in the text, :func:`infer_interval` guesses from the magnitude as JobSpy does (under
350 hourly, under 30,000 monthly, else yearly). :func:`annualize` turns any interval into a yearly amount.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from jobflow.postings.model import Interval, Salary, SalarySource
from jobflow.postings.parse.text import clean_text

__all__ = [
    "DAYS_PER_YEAR",
    "HOURS_PER_YEAR",
    "MONTHS_PER_YEAR",
    "PER_YEAR",
    "WEEKS_PER_YEAR",
    "annual_amount",
    "annualize",
    "currency_of_symbol",
    "infer_interval",
    "parse_interval",
    "parse_salary",
    "salary_from_range",
]

HOURS_PER_YEAR = 2080
"""40 hours a week x 52 weeks (the US full-time convention JobSpy's ``enforce_annual_salary`` uses)."""
DAYS_PER_YEAR = 260
"""5 working days a week x 52 weeks."""
WEEKS_PER_YEAR = 52
MONTHS_PER_YEAR = 12
PER_YEAR: Mapping[Interval, int] = {
    Interval.HOURLY: HOURS_PER_YEAR,
    Interval.DAILY: DAYS_PER_YEAR,
    Interval.WEEKLY: WEEKS_PER_YEAR,
    Interval.MONTHLY: MONTHS_PER_YEAR,
    Interval.YEARLY: 1,
}

_SYMBOLS = {
    "US$": "USD",
    "CA$": "CAD",
    "C$": "CAD",
    "A$": "AUD",
    "AU$": "AUD",
    "NZ$": "NZD",
    "S$": "SGD",
    "HK$": "HKD",
    "R$": "BRL",
    "€": "EUR",
    "£": "GBP",
    "₹": "INR",
    "¥": "JPY",
    "₩": "KRW",
}
_DOLLARS = frozenset({"USD", "CAD", "AUD", "NZD", "SGD", "HKD"})
_ISO_CODES = frozenset({"USD", "EUR", "GBP", "CAD", "AUD", "INR", "JPY", "CHF", "SEK", "NOK", "DKK", "PLN", "NZD"})
_ISO_CODES |= frozenset({"SGD", "HKD", "BRL", "MXN", "ZAR", "KRW", "CNY"})
_SYMBOL_RE = "|".join(re.escape(s) for s in sorted(_SYMBOLS, key=len, reverse=True))
_AMOUNT = re.compile(
    rf"(?P<cur>{_SYMBOL_RE}|\$|\b(?:{'|'.join(sorted(_ISO_CODES))})\b)?\s?"
    r"(?P<num>\d(?:[\d,.]*\d)?)(?:\s?(?P<mult>[kKmM])(?![a-zA-Z]))?"
    rf"(?:\s?(?P<cur2>€|£|\b(?:{'|'.join(sorted(_ISO_CODES))})\b))?"
)
_INTERVALS: tuple[tuple[Interval, re.Pattern[str]], ...] = (
    (Interval.HOURLY, re.compile(r"/\s*h(?:ou)?r\b|/\s*h\b|\b(?:an|a|per)\s+hour\b|\bhourly\b")),
    (Interval.DAILY, re.compile(r"/\s*day\b|\b(?:a|per)\s+day\b|\bdaily\b")),
    (Interval.WEEKLY, re.compile(r"/\s*w(?:ee)?k\b|\b(?:a|per)\s+week\b|\bweekly\b")),
    (Interval.MONTHLY, re.compile(r"/\s*mo(?:nth)?\b|\b(?:a|per)\s+month\b|\bmonthly\b")),
    (Interval.YEARLY, re.compile(r"/\s*y(?:ea)?r\b|\b(?:a|per)\s+(?:year|annum)\b|\b(?:yearly|annually|annual)\b")),
    (Interval.YEARLY, re.compile(r"\bp\.a\.?(?!\w)")),
)
_WORDS = {
    "year": Interval.YEARLY,
    "yearly": Interval.YEARLY,
    "annual": Interval.YEARLY,
    "annually": Interval.YEARLY,
    "month": Interval.MONTHLY,
    "monthly": Interval.MONTHLY,
    "week": Interval.WEEKLY,
    "weekly": Interval.WEEKLY,
    "day": Interval.DAILY,
    "daily": Interval.DAILY,
    "hour": Interval.HOURLY,
    "hourly": Interval.HOURLY,
}


def parse_interval(word: str | None) -> Interval | None:
    """An interval from a site's word: ``yearly``, ``ANNUAL``, ``YEAR``, ``HOURLY``, ``HOUR``, ``/hr`` ..."""
    if not word:
        return None
    key = clean_text(word).lower().lstrip("/")
    if key in _WORDS:
        return _WORDS[key]
    return next((interval for interval, pattern in _INTERVALS if pattern.search(f"/{key}")), None)


def currency_of_symbol(symbol: str, dollar: str = "USD") -> str | None:
    """The ISO code for a currency symbol or code; ``$`` is ``dollar`` (the site's country)."""
    if symbol == "$":
        return dollar
    if symbol in _SYMBOLS:
        return _SYMBOLS[symbol]
    return symbol.upper() if symbol.upper() in _ISO_CODES else None


def infer_interval(amount: float) -> Interval:
    """JobSpy's magnitude rule for salaries shown without a unit: < 350 hourly, < 30,000 monthly, else yearly."""
    if amount < 350:
        return Interval.HOURLY
    if amount < 30_000:
        return Interval.MONTHLY
    return Interval.YEARLY


def _number(text: str, mult: str | None) -> float:
    digits = text
    if "," in digits and "." in digits:
        decimal = "," if digits.rfind(",") > digits.rfind(".") else "."
        digits = digits.replace("." if decimal == "," else ",", "").replace(",", ".")
    elif "," in digits:
        head, _, tail = digits.rpartition(",")
        digits = digits.replace(",", "") if len(tail) == 3 else f"{head.replace(',', '')}.{tail}"
    elif digits.count(".") > 1 or (digits.count(".") == 1 and len(digits.rpartition(".")[2]) == 3):
        digits = digits.replace(".", "")
    value = float(digits)
    if mult:
        value *= 1_000 if mult.lower() == "k" else 1_000_000
    return value


def _source(lowered: str, default: SalarySource | None) -> SalarySource | None:
    if "employer est" in lowered or "employer provided" in lowered:
        return SalarySource.DIRECT
    if "est." in lowered or "estimate" in lowered:
        return SalarySource.ESTIMATE
    return default


def parse_salary(
    text: str | None,
    *,
    dollar: str = "USD",
    interval: Interval | None = None,
    currency: str | None = None,
    source: SalarySource | None = SalarySource.DIRECT,
    infer: bool = True,
) -> Salary | None:
    """Parse a salary text; ``None`` when it holds no amount.

    ``interval``/``currency`` are used when the text does not say (a site's structured field); ``dollar``
    is what ``$`` means; with ``infer`` an interval still unknown is guessed by :func:`infer_interval`.
    """
    raw = clean_text(text)
    lowered = raw.lower()
    matches = [m for m in _AMOUNT.finditer(raw) if m["num"]]
    if not matches:
        return None
    amounts = [_number(m["num"], m["mult"]) for m in matches[:2]]
    if len(amounts) == 2:
        between = raw[matches[0].end() : matches[1].start()].strip().lower()
        if between not in ("-", "–", "—", "to", "and") and not between.endswith(("-", "–", "—", "to")):
            amounts = amounts[:1]
    symbol = next((m["cur"] or m["cur2"] for m in matches[:2] if m["cur"] or m["cur2"]), None)
    found_currency = currency_of_symbol(symbol.strip(), dollar) if symbol else None
    low: float | None = amounts[0]
    high: float | None = amounts[-1]
    if len(amounts) == 1 and re.match(r"^(from|starting at|min\.?)\b", lowered):
        high = None
    elif len(amounts) == 1 and re.match(r"^(up to|max\.?)\b", lowered):
        low = None
    if low is not None and high is not None and low > high:
        low, high = high, low
    found_interval = next((iv for iv, pattern in _INTERVALS if pattern.search(lowered)), None) or interval
    if found_interval is None and infer:
        found_interval = infer_interval(max(a for a in (low, high) if a is not None))
    return Salary(
        min_amount=low,
        max_amount=high,
        interval=found_interval,
        currency=found_currency or currency or (dollar if "$" in raw else None),
        source=_source(lowered, source),
        raw=raw,
    )


def salary_from_range(
    data: Mapping[str, Any] | None,
    *,
    low: str = "min",
    high: str = "max",
    interval: str | None = None,
    currency: str | None = None,
    source: SalarySource | None = SalarySource.DIRECT,
    raw: str | None = None,
) -> Salary | None:
    """A salary from a structured range: Indeed ``extractedSalary {min, max, type}`` (the defaults) or
    Glassdoor ``payPeriodAdjustedPay {p10, p50, p90}`` with ``low="p10", high="p90"`` and ``payPeriod``.

    Non-numeric or missing bounds count as absent; ``None`` when neither bound is a number.
    """
    if not data:
        return None

    def number(key: str) -> float | None:
        value = data.get(key)
        return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None

    lo, hi = number(low), number(high)
    if lo is None and hi is None:
        return None
    if lo is not None and hi is not None and lo > hi:
        lo, hi = hi, lo
    word = interval if interval is not None else data.get("type")
    return Salary(
        min_amount=lo,
        max_amount=hi,
        interval=parse_interval(str(word)) if word else None,
        currency=currency_of_symbol(currency) if currency else None,
        source=source,
        raw=clean_text(raw) or None,
    )


def annual_amount(amount: float, interval: Interval | None) -> float:
    """``amount`` per year: hourly x 2080, daily x 260, weekly x 52, monthly x 12 (unknown: inferred)."""
    return amount * PER_YEAR[interval or infer_interval(amount)]


def annualize(salary: Salary) -> Salary:
    """``salary`` as a yearly range (for salary floors), raw text and source kept."""
    interval = salary.interval
    if interval is None:
        known = [a for a in (salary.min_amount, salary.max_amount) if a is not None]
        interval = infer_interval(max(known)) if known else Interval.YEARLY
    factor = PER_YEAR[interval]
    return salary.model_copy(
        update={
            "min_amount": None if salary.min_amount is None else salary.min_amount * factor,
            "max_amount": None if salary.max_amount is None else salary.max_amount * factor,
            "interval": Interval.YEARLY,
        }
    )
