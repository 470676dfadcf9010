"""Posting dates: every relative and absolute form of sites/README.md, resolved against an injected now."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobflow.postings.parse.dates import date_from_age_days, date_from_epoch_ms, parse_iso_date, parse_posted
from jobflow.testing.sites.generate.forms import glassdoor_age, indeed_age, linkedin_age

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
NOWS = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC))


@given(st.integers(min_value=2, max_value=3000), NOWS)
def test_n_days_ago_is_now_minus_n_days(n: int, now: datetime) -> None:
    parsed = parse_posted(f"{n} days ago", now)
    assert parsed is not None
    assert parsed.date == (now - timedelta(days=n)).date()
    assert not parsed.approximate


@given(st.integers(min_value=1, max_value=200), NOWS)
def test_n_hours_ago_is_the_date_of_now_minus_n_hours(n: int, now: datetime) -> None:
    parsed = parse_posted(f"{n} hours ago", now)
    assert parsed is not None
    assert parsed.date == (now - timedelta(hours=n)).date()


@given(st.integers(min_value=1, max_value=29), NOWS)
def test_glassdoor_and_indeed_day_forms(n: int, now: datetime) -> None:
    expected = (now - timedelta(days=n)).date()
    assert parse_posted(glassdoor_age(n), now).date == expected  # type: ignore[union-attr]
    assert parse_posted(indeed_age(n), now).date == expected  # type: ignore[union-attr]
    assert parse_posted(f"Posted {indeed_age(n)}", now).date == expected  # type: ignore[union-attr]


@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)))
def test_epoch_milliseconds_give_the_utc_date(moment: datetime) -> None:
    assert date_from_epoch_ms(int(moment.timestamp() * 1000)) == moment.date()


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 1, 1)))
def test_iso_dates_round_trip(day: date) -> None:
    assert parse_iso_date(day.isoformat()) == day
    assert parse_posted(day.isoformat(), NOW).date == day  # type: ignore[union-attr]


@given(
    st.sampled_from(
        [timedelta(minutes=m) for m in (5, 30, 55)]
        + [timedelta(hours=h) for h in (1, 2, 13, 23)]
        + [timedelta(days=d, hours=h) for d in range(1, 7) for h in (0, 3)]
        + [timedelta(days=d) for d in (7, 14, 21, 30, 60)]
    )
)
def test_linkedin_relative_text_is_exact_for_the_generated_ages(age: timedelta) -> None:
    posted = NOW - age
    assert parse_posted(linkedin_age(posted, NOW), NOW).date == posted.date()  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "day", "reposted", "approximate"),
    [
        ("3 days ago", date(2026, 2, 27), False, False),
        ("1 day ago", date(2026, 3, 1), False, False),
        ("Just posted", date(2026, 3, 2), False, False),
        ("Today", date(2026, 3, 2), False, False),
        ("30+ days ago", date(2026, 1, 31), False, True),
        ("24h", date(2026, 3, 2), False, False),
        ("5h", date(2026, 3, 2), False, False),
        ("3d", date(2026, 2, 27), False, False),
        ("30d+", date(2026, 1, 31), False, True),
        ("13 hours ago", date(2026, 3, 1), False, False),
        ("52 minutes ago", date(2026, 3, 2), False, False),
        ("an hour ago", date(2026, 3, 2), False, False),
        ("1 week ago", date(2026, 2, 23), False, True),
        ("Reposted 2 weeks ago", date(2026, 2, 16), True, True),
        ("2 months ago", date(2026, 1, 1), False, True),
        ("PostedPosted 3 days ago", date(2026, 2, 27), False, False),
        ("Posted\nPosted 3 days ago", date(2026, 2, 27), False, False),
        ("EmployerActive 2 days ago", date(2026, 2, 28), False, False),
        ("yesterday", date(2026, 3, 1), False, False),
        ("2026-02-27", date(2026, 2, 27), False, False),
        ("2026-02-27T23:30:00.000-05:00", date(2026, 2, 28), False, False),
        ("2026-02-27T10:00:00Z", date(2026, 2, 27), False, False),
        ("February 27, 2026", date(2026, 2, 27), False, False),
        ("Feb 27, 2026", date(2026, 2, 27), False, False),
        ("27 Feb 2026", date(2026, 2, 27), False, False),
        ("02/27/2026", date(2026, 2, 27), False, False),
    ],
)
def test_every_documented_form(text: str, day: date, reposted: bool, approximate: bool) -> None:
    parsed = parse_posted(text, NOW)
    assert parsed is not None
    assert (parsed.date, parsed.reposted, parsed.approximate) == (day, reposted, approximate)
    assert parsed.raw == " ".join(text.split())


@pytest.mark.parametrize("text", ["recently", "", None, "—", "Posted", "sometime soon", "99 parsecs ago"])
def test_not_a_date(text: str | None) -> None:
    assert parse_posted(text, NOW) is None


def test_glassdoor_age_in_days_and_naive_now_rejected() -> None:
    assert date_from_age_days(3, NOW) == date(2026, 2, 27)
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_posted("3 days ago", datetime(2026, 3, 2))
