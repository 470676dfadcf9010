"""The unified JobPosting: JSON round trip, validation, merging a card with its detail page."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

import jobflow.postings as postings_pkg
from jobflow.postings import Interval, JobPosting, JobType, Location, Salary, SalarySource, WorkModel

CARD = JobPosting(
    site="linkedin",
    native_id="4012345678",
    url="https://www.linkedin.com/jobs/view/4012345678",
    title="Senior Backend Engineer",
    company="Acme",
    location=Location(raw="Austin, TX", city="Austin", state="TX", country="US"),
    date_posted=date(2026, 2, 27),
    date_posted_raw="3 days ago",
    salary=Salary(
        min_amount=150_000,
        max_amount=185_000,
        interval=Interval.YEARLY,
        currency="USD",
        raw="$150,000.00 - $185,000.00",
    ),
    benefits=["Actively Hiring"],
    scraped_at=datetime(2026, 3, 2, tzinfo=UTC),
)


def test_json_round_trip() -> None:
    dumped = CARD.model_dump(mode="json")
    assert dumped["date_posted"] == "2026-02-27"
    assert dumped["salary"]["interval"] == "yearly"
    assert JobPosting.model_validate(dumped) == CARD
    assert JobPosting.model_validate_json(CARD.model_dump_json()) == CARD


def test_merged_fills_from_the_detail_and_keeps_what_the_detail_lacks() -> None:
    detail = JobPosting(
        site="linkedin",
        native_id="4012345678",
        url=CARD.url,
        title="Senior Backend Engineer",
        description_markdown="We build things.",
        job_type=[JobType.FULLTIME],
        easy_apply=True,
        salary=Salary(
            min_amount=150_000,
            max_amount=185_000,
            interval=Interval.YEARLY,
            currency="USD",
            raw="$150,000.00/yr - $185,000.00/yr",
        ),
        raw={"detail": 1},
    )
    merged = CARD.merged(detail)
    assert merged.company == "Acme"
    assert merged.benefits == ["Actively Hiring"]
    assert merged.description_markdown == "We build things."
    assert merged.easy_apply is True
    assert merged.salary is not None
    assert merged.salary.raw == "$150,000.00/yr - $185,000.00/yr"
    with pytest.raises(ValueError, match="cannot merge"):
        CARD.merged(detail.model_copy(update={"native_id": "1"}))


def test_validation() -> None:
    with pytest.raises(ValidationError, match="above max"):
        Salary(min_amount=2, max_amount=1)
    with pytest.raises(ValidationError):
        Salary(currency="$")
    with pytest.raises(ValidationError):
        Location(country="USA")
    with pytest.raises(ValidationError):
        JobPosting.model_validate({**CARD.model_dump(mode="json"), "unknown": 1})
    with pytest.raises(ValidationError):
        CARD.model_copy().work_model = "sometimes"  # type: ignore[assignment]


def test_comparable_and_key() -> None:
    assert "scraped_at" not in CARD.comparable()
    assert "raw" not in CARD.comparable()
    assert CARD.key == ("linkedin", "4012345678")
    assert WorkModel("hybrid") is WorkModel.HYBRID
    assert SalarySource("estimate") is SalarySource.ESTIMATE


def test_public_api_is_complete() -> None:
    for name in postings_pkg.__all__:
        assert getattr(postings_pkg, name) is not None
