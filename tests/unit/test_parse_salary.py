"""Salaries: every form of sites/README.md, each site's style round-tripped, structured fields, annualize."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from jobflow.postings.model import Interval, Salary, SalarySource
from jobflow.postings.parse.salary import (
    HOURS_PER_YEAR,
    annual_amount,
    annualize,
    infer_interval,
    parse_interval,
    parse_salary,
    salary_from_range,
)
from jobflow.testing.sites.generate.forms import (
    SYMBOLS,
    Pay,
    glassdoor_salary,
    indeed_salary,
    linkedin_card_salary,
    linkedin_detail_salary,
)

CURRENCIES = st.sampled_from(sorted(SYMBOLS))
MAGNITUDE = {Interval.HOURLY: (10, 349), Interval.MONTHLY: (350, 29_999), Interval.YEARLY: (30_000, 900_000)}


def cents(low: int, high: int) -> st.SearchStrategy[float]:
    return st.integers(min_value=low * 100, max_value=high * 100).map(lambda c: c / 100)


@st.composite
def pays(draw: st.DrawFn, intervals: list[Interval], *, whole: bool = False, thousands: bool = False) -> Pay:
    interval = draw(st.sampled_from(intervals))
    lo, hi = MAGNITUDE.get(interval, (10, 900_000))
    currency = draw(CURRENCIES)
    if thousands and interval is Interval.YEARLY:
        amounts = st.integers(min_value=lo // 1000 + 1, max_value=hi // 1000).map(lambda k: float(k * 1000))
    elif whole or currency == "INR":
        amounts = st.integers(min_value=lo, max_value=hi).map(float)
    else:
        amounts = cents(lo, hi)
    low, high = sorted([draw(amounts), draw(amounts)])
    single = draw(st.booleans())
    return Pay(low, low if single else high, interval, currency, draw(st.sampled_from(list(SalarySource)[:2])))


def check(salary: Salary | None, pay: Pay, interval: Interval | None = None) -> None:
    assert salary is not None
    assert (salary.min_amount, salary.max_amount) == (pay.low, pay.high)
    assert salary.interval is (interval or pay.interval)
    assert salary.currency == pay.currency


@given(pays([Interval.HOURLY, Interval.MONTHLY, Interval.YEARLY]))
def test_linkedin_card_without_unit_round_trips_by_magnitude(pay: Pay) -> None:
    check(parse_salary(linkedin_card_salary(pay)), pay)


@given(pays([Interval.HOURLY, Interval.MONTHLY, Interval.YEARLY]))
def test_linkedin_detail_with_unit_round_trips(pay: Pay) -> None:
    check(parse_salary(linkedin_detail_salary(pay), infer=False), pay)


@given(pays(list(Interval)), st.sampled_from(["range", "from", "upto"]))
def test_indeed_text_round_trips(pay: Pay, bound: str) -> None:
    assume(pay.low is not None)
    if bound != "range":
        pay = Pay(
            pay.low if bound == "from" else None,
            None if bound == "from" else pay.low,
            pay.interval,
            pay.currency,
            bound=bound,
        )
    check(parse_salary(indeed_salary(pay), infer=False), pay)


@given(pays([Interval.HOURLY, Interval.MONTHLY, Interval.YEARLY], thousands=True))
def test_glassdoor_text_round_trips_with_its_source(pay: Pay) -> None:
    salary = parse_salary(glassdoor_salary(pay))  # yearly: no unit, K amounts infer yearly
    check(salary, pay)
    assert salary is not None
    assert salary.source is pay.source


@pytest.mark.parametrize(
    ("text", "low", "high", "interval", "currency", "source"),
    [
        ("$150,000.00 - $185,000.00", 150000, 185000, "yearly", "USD", "direct"),
        ("$50.00 - $65.00", 50, 65, "hourly", "USD", "direct"),
        ("€28,000.00 - €35,000.00", 28000, 35000, "yearly", "EUR", "direct"),
        ("₹12,00,000 - ₹18,00,000", 1_200_000, 1_800_000, "yearly", "INR", "direct"),
        ("$90,000.00", 90000, 90000, "yearly", "USD", "direct"),
        ("$150,000.00/yr - $185,000.00/yr", 150000, 185000, "yearly", "USD", "direct"),
        ("€28,000.00/yr - €35,000.00/yr", 28000, 35000, "yearly", "EUR", "direct"),
        ("$48.00/hr - $62.00/hr", 48, 62, "hourly", "USD", "direct"),
        ("€2,500.00/mo - €3,100.00/mo", 2500, 3100, "monthly", "EUR", "direct"),
        ("$120,000 - $150,000 a year", 120000, 150000, "yearly", "USD", "direct"),
        ("$25 - $30 an hour", 25, 30, "hourly", "USD", "direct"),
        ("$19 an hour", 19, 19, "hourly", "USD", "direct"),
        ("From $55,000 a year", 55000, None, "yearly", "USD", "direct"),
        ("Up to $40 an hour", None, 40, "hourly", "USD", "direct"),
        ("$4,000 - $5,000 a month", 4000, 5000, "monthly", "USD", "direct"),
        ("£30,000 - £35,000 a year", 30000, 35000, "yearly", "GBP", "direct"),
        ("$800 a week", 800, 800, "weekly", "USD", "direct"),
        ("$200 a day", 200, 200, "daily", "USD", "direct"),
        ("$80K - $120K (Employer est.)", 80000, 120000, "yearly", "USD", "direct"),
        ("$112K - $160K (Glassdoor est.)", 112000, 160000, "yearly", "USD", "estimate"),
        ("$45.00 - $60.00 Per Hour (Employer est.)", 45, 60, "hourly", "USD", "direct"),
        ("$95K (Employer est.)", 95000, 95000, "yearly", "USD", "direct"),
        ("CA$80,000 - CA$95,000 a year", 80000, 95000, "yearly", "CAD", "direct"),
        ("A$120K", 120000, 120000, "yearly", "AUD", "direct"),
        ("$120,000 – $150,000 a year", 120000, 150000, "yearly", "USD", "direct"),
        ("28.000 € - 35.000 € p.a.", 28000, 35000, "yearly", "EUR", "direct"),
        ("USD 100,000 to 120,000 per annum", 100000, 120000, "yearly", "USD", "direct"),
    ],
)
def test_every_documented_form(text: str, low: float, high: float, interval: str, currency: str, source: str) -> None:
    salary = parse_salary(text)
    assert salary is not None
    assert (salary.min_amount, salary.max_amount, salary.interval, salary.currency, salary.source) == (
        low,
        high,
        Interval(interval),
        currency,
        SalarySource(source),
    )
    assert salary.raw == text


@pytest.mark.parametrize(
    "text", ["Competitive", "", None, "Pay information not provided", "Employer Provided Salary: see listing"]
)
def test_no_amount_no_salary(text: str | None) -> None:
    assert parse_salary(text) is None


def test_dollar_means_the_site_country() -> None:
    assert parse_salary("$80,000 a year", dollar="CAD").currency == "CAD"  # type: ignore[union-attr]


def test_structured_ranges() -> None:
    indeed = salary_from_range({"min": 19, "max": 19, "type": "hourly"}, currency="USD", raw="$19 an hour")
    assert indeed == Salary(
        min_amount=19,
        max_amount=19,
        interval=Interval.HOURLY,
        currency="USD",
        source=SalarySource.DIRECT,
        raw="$19 an hour",
    )
    glassdoor = salary_from_range(
        {"p10": 80000, "p50": 100000, "p90": 120000},
        low="p10",
        high="p90",
        interval="ANNUAL",
        currency="USD",
        source=SalarySource.ESTIMATE,
    )
    assert glassdoor is not None
    assert (glassdoor.min_amount, glassdoor.max_amount, glassdoor.interval) == (
        80000,
        120000,
        Interval.YEARLY,
    )
    assert salary_from_range({"min": 55000, "type": "yearly"}).max_amount is None  # type: ignore[union-attr]
    assert salary_from_range({"min": "n/a", "type": "yearly"}) is None
    assert salary_from_range(None) is None


@pytest.mark.parametrize(
    ("word", "interval"),
    [("yearly", "yearly"), ("ANNUAL", "yearly"), ("YEAR", "yearly"), ("HOURLY", "hourly"), ("HOUR", "hourly"),
     ("MONTHLY", "monthly"), ("WEEK", "weekly"), ("DAILY", "daily"), ("/hr", "hourly"), ("/mo", "monthly")],
)  # fmt: skip
def test_interval_words(word: str, interval: str) -> None:
    assert parse_interval(word) is Interval(interval)


def test_infer_interval_uses_jobspy_thresholds() -> None:
    assert [infer_interval(a) for a in (349, 350, 29_999, 30_000)] == [
        Interval.HOURLY, Interval.MONTHLY, Interval.MONTHLY, Interval.YEARLY,
    ]  # fmt: skip


@given(st.sampled_from(list(Interval)), st.integers(min_value=1, max_value=500_000))
def test_annualize_multiplies_by_the_documented_factor(interval: Interval, amount: int) -> None:
    factor = {"hourly": HOURS_PER_YEAR, "daily": 260, "weekly": 52, "monthly": 12, "yearly": 1}[interval.value]
    salary = annualize(Salary(min_amount=amount, max_amount=None, interval=interval, currency="USD"))
    assert salary.min_amount == amount * factor
    assert salary.max_amount is None
    assert salary.interval is Interval.YEARLY
    assert annual_amount(amount, interval) == amount * factor


def test_annualize_infers_a_missing_interval() -> None:
    assert annualize(Salary(min_amount=40, max_amount=50)).min_amount == 40 * 2080
