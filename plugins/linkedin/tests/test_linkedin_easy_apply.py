"""``linkedin.easy_apply`` on every form variant of the local LinkedIn (light DOM and shadow root), dry run and
submit; unknown questions queued, never answered; the daily limits; applications and follow-ups recorded."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from linkedin_support import LOGIN, SWALLOW, Harness, apply_step, error_of, form_jobs

from jobflow.reminders import list_reminders
from jobflow.store.applications import ApplicationRepository
from jobflow.store.questions import QuestionRepository

pytestmark = pytest.mark.browser


def _statuses(outputs: dict[str, Any]) -> dict[str, str]:
    return {r["job_id"]: r["status"] for r in outputs["results"]}


@pytest.mark.parametrize("shadow", [False, True], ids=["light-dom", "shadow-root"])
async def test_every_form_variant_in_dry_run_and_submit_mode(applicant: Harness, shadow: bool) -> None:
    site = applicant.sites.linkedin
    site.set(shadow_root=shadow)
    forms = form_jobs()
    jobs = list(forms.values())
    steps = (
        LOGIN
        + apply_step("dry", jobs)
        + apply_step("send", jobs, submit=True, follow_up="7d")
        + apply_step("again", jobs)
    )
    result = await applicant.run(applicant.workflow(steps))
    assert result.ok, result.run.error_message
    custom = forms.pop("custom")

    dry = result.outputs["dry"]
    assert _statuses(dry) == {custom: "skipped_unknown_question"} | {job: "dry_run" for job in forms.values()}
    for item in dry["results"]:
        if item["status"] == "dry_run":
            shot = Path(item["screenshot"])
            assert await asyncio.to_thread(lambda: shot.stat().st_size) > 1000  # noqa: B023 - awaited at once
            assert shot.is_relative_to(applicant.home / "artifacts" / result.run.id / "dry")
        else:
            assert item["questions"] == [SWALLOW]

    sent = result.outputs["send"]
    assert _statuses(sent) == {custom: "skipped_unknown_question"} | {job: "applied" for job in forms.values()}
    submissions = {s["job_id"]: s for s in site.state.submissions}
    assert sorted(submissions) == sorted(forms.values()), "only the submit step sent anything"
    for form, job in forms.items():
        answers = submissions[job]["answers"]
        assert answers["Mobile phone number"] == "5550100"
        assert answers["Phone country code"] == "United States (+1)"
        assert submissions[job]["follow_company"] is False
        assert submissions[job]["resume"] == ("Jobseeker_Resume.pdf" if form == "single" else "Tailored_Resume.pdf")
    questions = submissions[forms["questions"]]["answers"]
    assert questions["How many years of work experience do you have with Python?"] == "6"
    assert questions["What is your level of proficiency in English?"] == "Professional"
    assert questions["I agree to the terms of the privacy policy"] is True
    assert (
        questions[
            "Will you now or in the future require sponsorship for employment visa status (e.g. H-1B visa status)?"
        ]
        == "No"
    )
    assert questions["Earliest start date"] == "", "an optional question the profile does not answer stays empty"

    assert _statuses(result.outputs["again"]) == {custom: "skipped_unknown_question"} | {
        job: "already_applied" for job in forms.values()
    }
    store = applicant.store
    rows = await ApplicationRepository(store).list(site="linkedin")
    assert sorted(r.site_job_id for r in rows) == sorted(forms.values())
    assert {r.status for r in rows} == {"applied"}
    drafted = {r["job_id"]: r["application_id"] for r in dry["results"] if r["status"] == "dry_run"}
    assert drafted == {r["job_id"]: r["application_id"] for r in sent["results"] if r["status"] == "applied"}
    for row in rows:
        assert row.id == drafted[row.site_job_id or ""], "the submit moved the dry run's application on"
        assert [h["status"] for h in row.history] == ["ready", "applied"], row.history
    reminders = await list_reminders(store)
    assert len(reminders) == 3
    assert {r.type for r in reminders} == {"follow_up"}
    due = result.run.started_at + timedelta(days=7)
    assert all(abs(r.due_at - due) < timedelta(minutes=5) for r in reminders), "follow_up: 7d after applying"
    [queued] = await QuestionRepository(store).list()
    assert (queued.question, queued.input_type, queued.first_job_id, queued.count) == (SWALLOW, "text", custom, 3)


async def test_the_daily_limit_message_stops_applying_for_the_day(applicant: Harness) -> None:
    site = applicant.sites.linkedin
    site.set(daily_limit_after=1)
    forms = form_jobs()
    jobs = [forms["standard"], forms["single"], forms["questions"]]
    result = await applicant.run(applicant.workflow(LOGIN + apply_step("send", jobs, submit=True)))
    assert result.ok, result.run.error_message
    outputs = result.outputs["send"]
    assert [r["status"] for r in outputs["results"]] == ["applied", "daily_limit", "daily_limit"]
    assert outputs["daily_limit_reached"] is True
    assert len(site.state.submissions) == 1
    assert (applicant.home / "sites" / "linkedin" / "easy-apply-limit.json").is_file()

    requests = site.state.requests
    single = f"- id: one\n  uses: linkedin.easy_apply\n  with: {{job: '{forms['questions']}', profile: profile.yaml}}\n"
    later = await applicant.run(applicant.workflow(single))
    error_class, message = error_of(later, "one")
    assert error_class == "DailyLimitReached"
    assert "applying resumes tomorrow" in (message or "")
    assert site.state.requests == requests, "stopped before opening any page"


async def test_applications_per_day_and_jobs_applied_outside_jobflow(applicant: Harness) -> None:
    site = applicant.sites.linkedin
    forms = form_jobs()
    site.state.submissions.append({"job_id": forms["single"], "answers": {}, "resume": None, "follow_company": None})
    jobs = [forms["single"], forms["standard"], forms["questions"]]
    limits = {"limits": {"applications_per_day": 1}}
    steps = LOGIN + apply_step("send", jobs, submit=True)
    result = await applicant.run(applicant.workflow(steps, site=limits))
    assert result.ok, result.run.error_message
    assert [r["status"] for r in result.outputs["send"]["results"]] == ["already_applied", "applied", "daily_limit"]
    assert [s["job_id"] for s in site.state.submissions[1:]] == [forms["standard"]]
    assert not (applicant.home / "sites" / "linkedin").exists(), "the workflow's own cap is not LinkedIn's message"
    rows = {r.site_job_id: r for r in await ApplicationRepository(applicant.store).list(site="linkedin")}
    assert rows[forms["single"]].notes == "seen as applied on LinkedIn"
    assert rows[forms["standard"]].status == "applied"


async def test_applying_needs_a_signed_in_session(applicant: Harness) -> None:
    result = await applicant.run(applicant.workflow(apply_step("apply", [form_jobs()["standard"]])))
    error_class, message = error_of(result, "apply")
    assert error_class == "LoginRequired"
    assert "run a `linkedin.login` step first" in (message or "")
    [attempt] = [s for s in result.steps if s.step_id == "apply"]
    assert any(path.endswith("screenshot.png") for path in attempt.artifacts), "the engine kept the page as evidence"
