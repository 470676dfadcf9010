"""The core result steps on a real store (SQLite always, PostgreSQL when configured): ``jobs.save``,
``jobs.filter`` (the already-applied check included), ``jobs.export`` and ``jobs.summary``."""

from __future__ import annotations

import csv
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import structlog
from store_support import T0

from jobflow.clock import FakeClock
from jobflow.config import Settings
from jobflow.errors import StepError
from jobflow.postings.model import JobPosting
from jobflow.postings.table import EXPORT_COLUMNS
from jobflow.steps.jobs import export, filter_postings, save, summary
from jobflow.steptype import StepContext, StepType
from jobflow.store import Store
from jobflow.store.applications import ApplicationRepository
from jobflow.store.postings import PostingRepository
from jobflow.testing.sites import expected_postings

CARDS = expected_postings("indeed", "card")
DETAILS = expected_postings("indeed", "detail")
GLASSDOOR = expected_postings("glassdoor", "card")


def context(tmp_path: Path, store: Store | None, run_id: str = "run-1") -> StepContext:
    return StepContext(
        run_id=run_id,
        step_id="step",
        uses="jobs.test",
        attempt=1,
        log=structlog.get_logger("test"),
        secrets={},
        workflow_dir=tmp_path,
        settings=Settings(jobflow_home=tmp_path / "home"),
        clock=store.clock if store is not None else FakeClock(T0),
        store=store,
    )


async def call(step_type: StepType[Any, Any], ctx: StepContext, **params: Any) -> dict[str, Any]:
    outputs = await step_type.run(ctx, step_type.params.model_validate(params))
    dumped: dict[str, Any] = outputs.model_dump(mode="json")
    return dumped


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def dump(postings: list[JobPosting]) -> list[dict[str, Any]]:
    return [p.model_dump(mode="json") for p in postings]


async def test_save_reports_new_then_seen_and_keeps_first_and_last_seen(store: Store, tmp_path: Path) -> None:
    first = list(CARDS.values())[:5]
    out = await call(save, context(tmp_path, store, "run-1"), postings=dump(first))
    assert [p["native_id"] for p in out["new"]] == [p.native_id for p in first]
    assert out["seen"] == []
    assert out["count"] == 5

    assert isinstance(store.clock, FakeClock)
    store.clock.advance(3600)
    again = [*first[3:], *list(CARDS.values())[5:7]]
    out = await call(save, context(tmp_path, store, "run-2"), postings=dump(again))
    assert [p["native_id"] for p in out["new"]] == [p.native_id for p in again[2:]]
    assert [p["native_id"] for p in out["seen"]] == [p.native_id for p in first[3:]]

    repo = PostingRepository(store)
    row = await repo.get("indeed", first[3].native_id)
    assert row is not None
    assert (row.first_seen, row.last_seen, row.times_seen) == (T0, T0 + timedelta(hours=1), 2)
    assert (row.first_run_id, row.last_run_id) == ("run-1", "run-2")
    untouched = await repo.get("indeed", first[0].native_id)
    assert untouched is not None
    assert (untouched.last_seen, untouched.times_seen) == (T0, 1)


async def test_a_later_save_completes_the_stored_posting(store: Store, tmp_path: Path) -> None:
    card = next(p for p in CARDS.values() if p.company_logo and DETAILS[p.native_id].description_html)
    await call(save, context(tmp_path, store), postings=dump([card]))
    detail = DETAILS[card.native_id]
    out = await call(save, context(tmp_path, store), postings=dump([detail]))
    stored = JobPosting.model_validate(out["seen"][0])
    assert stored.description_html == detail.description_html, "the detail's description is added"
    assert stored.company_logo == card.company_logo, "the card's logo is not blanked by the detail's None"
    row = await PostingRepository(store).get("indeed", card.native_id)
    assert row is not None
    assert row.posting["description_html"] == detail.description_html
    assert row.title == card.title
    assert row.salary_currency == (card.salary.currency if card.salary else None)


async def test_duplicates_within_one_save_are_folded(store: Store, tmp_path: Path) -> None:
    posting = next(iter(CARDS.values()))
    out = await call(save, context(tmp_path, store), postings=dump([posting, posting, posting]))
    assert len(out["new"]) == 1
    assert out["seen"] == []
    assert len(await PostingRepository(store).list()) == 1


async def test_save_without_a_store_and_with_a_bad_posting_fail_clearly(store: Store, tmp_path: Path) -> None:
    with pytest.raises(StepError, match="needs the store"):
        await call(save, context(tmp_path, None), postings=dump(list(CARDS.values())[:1]))
    with pytest.raises(StepError, match=r"postings\[1\] is not a job posting: native_id: Field required"):
        await call(save, context(tmp_path, store), postings=[dump(list(CARDS.values())[:1])[0], {"site": "x"}])


async def test_list_filters_by_site_text_and_since(store: Store, tmp_path: Path) -> None:
    await call(save, context(tmp_path, store), postings=dump(list(CARDS.values())[:10]))
    assert isinstance(store.clock, FakeClock)
    store.clock.advance(7200)
    await call(save, context(tmp_path, store), postings=dump(list(GLASSDOOR.values())[:10]))
    repo = PostingRepository(store)
    assert {row.site for row in await repo.list(site="glassdoor")} == {"glassdoor"}
    assert len(await repo.list(since=T0 + timedelta(hours=1))) == 10
    word = next(iter(CARDS.values())).title.split()[-1].lower()
    found = await repo.list(text=word)
    assert found
    assert all(word in f"{r.title} {r.company} {r.location}".lower() for r in found)
    assert len(await repo.list(limit=3)) == 3


async def test_filter_drops_postings_already_applied_to(store: Store, tmp_path: Path) -> None:
    postings = list(CARDS.values())[:4]
    applications = ApplicationRepository(store)
    await applications.add(title="x", site="indeed", site_job_id=postings[0].native_id, status="applied")
    await applications.add(title="y", site="indeed", site_job_id=postings[1].native_id, status="planned")
    await applications.add(title="z", url=postings[2].url, status="interviewing")
    out = await call(filter_postings, context(tmp_path, store), postings=dump(postings))
    assert [p["native_id"] for p in out["postings"]] == [postings[1].native_id, postings[3].native_id]
    assert {(d["native_id"], d["reason"]) for d in out["dropped"]} == {
        (postings[0].native_id, "already applied"),
        (postings[2].native_id, "already applied"),
    }
    kept = await call(filter_postings, context(tmp_path, store), postings=dump(postings), exclude_applied=False)
    assert kept["count"] == 4


async def test_filter_rules_salary_floor_is_compared_per_year(tmp_path: Path) -> None:
    hourly = next(p for p in CARDS.values() if p.salary and p.salary.interval == "hourly" and p.salary.max_amount)
    assert hourly.salary is not None
    assert hourly.salary.max_amount is not None
    yearly_max = hourly.salary.max_amount * 2080
    ctx = context(tmp_path, None)
    out = await call(filter_postings, ctx, postings=dump([hourly]), min_salary=yearly_max, exclude_applied=False)
    assert out["count"] == 1, "the hourly maximum times 2080 reaches the yearly floor"
    out = await call(filter_postings, ctx, postings=dump([hourly]), min_salary=yearly_max + 1, exclude_applied=False)
    assert out["count"] == 0
    assert out["dropped"][0]["reason"].startswith("salary below")
    monthly_floor = yearly_max / 12
    out = await call(
        filter_postings,
        ctx,
        postings=dump([hourly]),
        min_salary=monthly_floor,
        salary_interval="monthly",
        exclude_applied=False,
    )
    assert out["count"] == 1


async def test_export_writes_csv_and_jsonl_in_the_documented_order(tmp_path: Path) -> None:
    postings = [*list(DETAILS.values())[:3], *list(GLASSDOOR.values())[:2]]
    ctx = context(tmp_path, None)
    out = await call(export, ctx, postings=dump(postings), path="out/jobs.csv")
    assert out["count"] == 5
    assert out["columns"] == list(EXPORT_COLUMNS)
    rows = read_csv(Path(out["path"]))
    assert rows[0] == list(EXPORT_COLUMNS)
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["native_id"] == postings[0].native_id
    assert first["site"] == "indeed"
    assert first["description"] == postings[0].description_markdown
    out = await call(export, ctx, postings=dump(postings), path="out/jobs.jsonl", columns=["site", "title", "skills"])
    lines = read_jsonl(Path(out["path"]))
    assert [list(line) for line in lines] == [["site", "title", "skills"]] * 5
    assert lines[3]["skills"] == postings[3].skills
    with pytest.raises(StepError, match="unknown column"):
        await call(export, ctx, postings=[], path="x.csv", columns=["nope"])
    with pytest.raises(StepError, match="cannot tell the format"):
        await call(export, ctx, postings=[], path="x.txt")


async def test_summary_counts_by_site_and_sorts_by_pay(tmp_path: Path) -> None:
    postings = [*list(CARDS.values())[:6], *list(GLASSDOOR.values())[:4]]
    out = await call(summary, context(tmp_path, None), postings=dump(postings), top=3, sort="salary", title="Found")
    assert out["by_site"] == {"indeed": 6, "glassdoor": 4}
    assert out["count"] == 10
    lines = out["table"].splitlines()
    assert lines[0] == "Found: 10 (glassdoor 4, indeed 6)"
    assert len(lines) == 1 + 2 + 3 + 1
    assert lines[-1] == "… and 7 more"
