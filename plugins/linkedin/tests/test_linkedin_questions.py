"""The question queue end to end: an unknown question skips the job and is queued; ``jobflow questions``
lists it and writes the user's answer into the profile; the next ``jobflow run`` applies with it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import typer
import yaml
from linkedin_support import CHROMIUM, LOGIN, PASSWORD, SWALLOW, USER, Harness, apply_step, form_jobs

from jobflow.cli.questions import add_answer, typed_answer
from jobflow.store.questions import QuestionRow

JOBFLOW = Path(sys.executable).with_name("jobflow")


def _row(input_type: str, options: tuple[str, ...] = ()) -> QuestionRow:
    return QuestionRow(1, "linkedin", "Q?", "q", input_type, options, "1", 1, datetime.now(UTC), False)


def test_answers_are_typed_for_their_question() -> None:
    assert typed_answer(_row("numeric"), " 7 ") == 7
    assert typed_answer(_row("checkbox"), "Yes") is True
    assert typed_answer(_row("radio", ("Yes", "No")), "no") == "No"
    assert typed_answer(_row("text"), "11 m/s") == "11 m/s"
    for row, text in [(_row("numeric"), "seven"), (_row("select", ("A", "B")), "C"), (_row("text"), " ")]:
        with pytest.raises(typer.BadParameter):
            typed_answer(row, text)


def test_add_answer_keeps_the_profile_as_written(tmp_path: Path) -> None:
    profile = tmp_path / "profile.yaml"
    profile.write_text('# mine\ncontact: {email: a@b.c}\nanswers:\n    # the bank\n    "Old?": 1\nresume: cv.pdf\n')
    assert add_answer(profile, 'Say "hi"?', "hi: there")
    text = profile.read_text()
    assert text.startswith("# mine\n")
    assert "    # the bank\n" in text
    assert yaml.safe_load(text)["answers"] == {'Say "hi"?': "hi: there", "Old?": 1}
    bare = tmp_path / "bare.yaml"
    bare.write_text("contact: {email: a@b.c}  # keep\n")
    assert add_answer(bare, "Q?", True)
    assert bare.read_text().startswith("contact: {email: a@b.c}  # keep\n")
    assert yaml.safe_load(bare.read_text())["answers"] == {"Q?": True}
    flow = tmp_path / "flow.yaml"
    flow.write_text("answers: {'Q?': 1}  # gone after a rewrite\n")
    assert not add_answer(flow, "Q?", 2), "an answer already there is replaced by rewriting the file"
    assert yaml.safe_load(flow.read_text()) == {"answers": {"Q?": 2}}


def _cli(home: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JOBFLOW_HOME": str(home), "LI_USER": USER, "LI_PASSWORD": PASSWORD}
    env |= {"JOBFLOW_BROWSER_EXECUTABLE": str(CHROMIUM), "JOBFLOW_LOG_FORMAT": "json"}
    env.pop("DATABASE_URL", None)
    return subprocess.run([str(JOBFLOW), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.browser
async def test_an_unknown_question_is_queued_answered_with_the_cli_then_applied(applicant: Harness) -> None:
    site, home, folder = applicant.sites.linkedin, applicant.home, applicant.home.parent
    job = form_jobs()["custom"]
    result = await applicant.run(applicant.workflow(LOGIN + apply_step("apply", [job], submit=True)))
    assert result.ok, result.run.error_message
    assert result.outputs["apply"]["results"][0]["status"] == "skipped_unknown_question"
    assert site.state.submissions == [], "nothing was invented: the application was not sent"

    listed = _cli(home, "questions", "--json", cwd=folder)
    assert listed.returncode == 0, listed.stderr
    [question] = json.loads(listed.stdout)["questions"]
    assert (question["question"], question["first_job_id"], question["answered"]) == (SWALLOW, job, False)
    answered = _cli(home, "questions", "answer", str(question["id"]), "11 m/s", "--profile", "profile.yaml", cwd=folder)
    assert answered.returncode == 0, answered.stderr
    profile = (folder / "profile.yaml").read_text()
    assert profile.startswith("# my answers"), "the profile's comments survive"
    assert yaml.safe_load(profile)["answers"][SWALLOW] == "11 m/s"
    assert "no questions waiting" in _cli(home, "questions", cwd=folder).stdout

    (folder / "again.yaml").write_text(applicant.workflow(apply_step("apply", [job], submit=True), name="again"))
    run = _cli(home, "run", "again.yaml", "--json", cwd=folder)
    assert run.returncode == 0, run.stderr[-2000:]
    assert json.loads(run.stdout)["outputs"]["apply"]["results"][0]["status"] == "applied"
    [sent] = site.state.submissions
    assert sent["answers"][SWALLOW] == "11 m/s"
