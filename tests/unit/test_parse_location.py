"""Locations: city/state/country, remote and work model, every form of sites/README.md."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobflow.postings.model import Location, WorkModel
from jobflow.postings.parse.location import US_STATES, country_code, parse_location

CITIES = (
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=12)
    .map(str.title)
    .filter(lambda c: c.lower() not in {"remote", "hybrid", "onsite"})
)
STATES = st.sampled_from(sorted(US_STATES))
ZIPS = st.integers(min_value=10000, max_value=99999).map(str)
WORK = {"Remote": WorkModel.REMOTE, "Hybrid": WorkModel.HYBRID, "On-site": WorkModel.ONSITE}


@given(CITIES, STATES)
def test_city_and_us_state_code_imply_the_us(city: str, state: str) -> None:
    parsed = parse_location(f"{city}, {state}")
    assert parsed is not None
    assert parsed.location == Location(raw=f"{city}, {state}", city=city, state=state, country="US")
    assert parsed.is_remote is None
    assert parsed.work_model is None


@given(CITIES, STATES, ZIPS, st.sampled_from(["Remote in ", "Hybrid remote in ", "Hybrid work in ", ""]))
def test_indeed_forms_with_postal_codes(city: str, state: str, postal: str, prefix: str) -> None:
    text = f"{prefix}{city}, {state} {postal}"
    parsed = parse_location(text, remote=prefix.startswith("Remote"))
    assert parsed is not None
    assert parsed.location == Location(raw=text, city=city, state=state, country="US", postal_code=postal)
    work = WorkModel.REMOTE if prefix.startswith("Remote") else WorkModel.HYBRID if prefix else None
    assert parsed.work_model is work
    assert parsed.is_remote is (work is WorkModel.REMOTE)


@given(CITIES, STATES, st.sampled_from(sorted(WORK)))
def test_linkedin_member_work_model_in_parentheses(city: str, state: str, work: str) -> None:
    parsed = parse_location(f"{city}, {state} ({work})")
    assert parsed is not None
    assert (parsed.location.city, parsed.location.state, parsed.location.country) == (city, state, "US")
    assert parsed.work_model is WORK[work]
    assert parsed.is_remote is (work == "Remote")


@pytest.mark.parametrize(
    ("text", "city", "state", "country", "remote", "work"),
    [
        ("San Francisco, CA", "San Francisco", "CA", "US", None, None),
        ("Indianapolis, IN", "Indianapolis", "IN", "US", None, None),
        ("Austin, Texas, United States", "Austin", "TX", "US", None, None),
        ("London, England, United Kingdom", "London", "England", "GB", None, None),
        ("Berlin, Berlin, Germany", "Berlin", "Berlin", "DE", None, None),
        ("Toronto, Ontario, Canada", "Toronto", "ON", "CA", None, None),
        ("Toronto, ON", "Toronto", "ON", "CA", None, None),
        ("Bengaluru, Karnataka, India", "Bengaluru", "Karnataka", "IN", None, None),
        ("London, England", "London", None, "GB", None, None),
        ("Berlin, Germany", "Berlin", None, "DE", None, None),
        ("United States", None, None, "US", None, None),
        ("San Francisco Bay Area", None, "CA", "US", None, None),
        ("Remote", None, None, None, True, "remote"),
        ("Remote in New York, NY", "New York", "NY", "US", True, "remote"),
        ("Hybrid remote in Austin, TX 78701", "Austin", "TX", "US", False, "hybrid"),
        ("Hybrid work in Berlin, Germany", "Berlin", None, "DE", False, "hybrid"),
        ("New York, United States (Hybrid)", "New York", None, "US", False, "hybrid"),
        ("United States (Remote)", None, None, "US", True, "remote"),
        ("Denver, CO (On-site)", "Denver", "CO", "US", False, "onsite"),
        ("\n   Denver, CO\u200b\n", "Denver", "CO", "US", None, None),
        ("Springfield", None, None, None, None, None),
    ],
)
def test_every_documented_form(
    text: str, city: str | None, state: str | None, country: str | None, remote: bool | None, work: str | None
) -> None:
    parsed = parse_location(text)
    assert parsed is not None
    location = parsed.location
    assert (location.city, location.state, location.country) == (city, state, country)
    assert parsed.is_remote is remote
    assert parsed.work_model is (WorkModel(work) if work else None)
    assert location.raw == " ".join(text.replace("\u200b", "").split())


def test_explicit_flag_wins_when_the_text_says_nothing() -> None:
    assert parse_location("Austin, TX", remote=False).is_remote is False  # type: ignore[union-attr]
    assert parse_location("Austin, TX", remote=True).work_model is WorkModel.REMOTE  # type: ignore[union-attr]
    assert parse_location("   ") is None


def test_country_codes() -> None:
    assert [country_code(n) for n in ("United States", "uk", "Deutschland", "DE", "Atlantis")] == [
        "US",
        "GB",
        "DE",
        "DE",
        None,
    ]
