"""Running LinkedIn workflows the way ``jobflow run`` does: real engine, plugins from entry points, a SQLite
store in a temporary ``JOBFLOW_HOME``, real headless Chromium, the local LinkedIn.

The clock starts at the local data's reference time (``sites.now``) and runs in real time from there, so
relative dates resolve as the expected tables say while the rate limiter and timeouts behave normally.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from jobflow.clock import SystemClock
from jobflow.config import Settings
from jobflow.engine import Engine, RunResult
from jobflow.plugins import build_plugins
from jobflow.postings import JobPosting
from jobflow.spec import load_workflow, resolve_secrets
from jobflow.store import Store
from jobflow.testing.sites import LocalSites, load_data

CHROMIUM = Path("/usr/bin/chromium")
USER, PASSWORD = "me@example.com", "pw-2468"
"""The member login the harness gives the local LinkedIn."""
FAST_WAIT = {"until": "load", "timeout": "20s"}
"""Tests wait for ``load`` (the plugin's default ``networkidle`` adds half a second to every page)."""


class ShiftedClock(SystemClock):
    """The system clock, shifted so that it starts at ``start``."""

    def __init__(self, start: datetime) -> None:
        self._offset = start - datetime.now(UTC)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset


@dataclass
class Harness:
    """A ``JOBFLOW_HOME`` with its store, and the local sites."""

    home: Path
    sites: LocalSites
    store: Store

    def settings(self) -> Settings:
        return Settings(  # type: ignore[call-arg]
            jobflow_home=self.home,
            jobflow_browser_ws_endpoint=None,
            jobflow_browser_executable=str(CHROMIUM),
            anti_detection_enabled=True,
        )

    def workflow(self, steps: str, *, site: dict[str, Any] | None = None, name: str = "li") -> str:
        """A workflow text: the local LinkedIn as ``sites.linkedin``, LinkedIn secrets, and ``steps``."""
        linkedin: dict[str, Any] = {"base_url": self.sites.linkedin.base_url, "rate": "50/s", "wait": FAST_WAIT}
        linkedin.update(site or {})
        head = {
            "version": 1,
            "name": name,
            "secrets": {"li_user": {"env": "LI_USER"}, "li_password": {"env": "LI_PASSWORD"}},
            "browser": {"contexts": 2},
            "sites": {"linkedin": linkedin},
        }
        return yaml.safe_dump(head, sort_keys=False) + "steps:\n" + textwrap.indent(textwrap.dedent(steps), "  ")

    async def run(self, text: str, *, user: str = USER, password: str = PASSWORD, file: str = "wf.yaml") -> RunResult:
        """Validate and run ``text`` as ``jobflow run`` would (plugins from entry points, secrets from env)."""
        path = self.home.parent / file
        path.write_text(text)
        plugins = build_plugins()
        workflow = load_workflow(path, plugins)
        secrets = resolve_secrets(workflow, path.parent, {"LI_USER": user, "LI_PASSWORD": password})
        engine = Engine(plugins, self.settings(), clock=ShiftedClock(self.sites.now), store=self.store)
        return await engine.run(workflow, path=path, inputs={}, secrets=secrets)


def error_of(result: RunResult, step_id: str) -> tuple[str | None, str | None]:
    """``(error class, message)`` of a step's last attempt."""
    attempts = [s for s in result.steps if s.step_id == step_id]
    return (attempts[-1].error_class, attempts[-1].error_message) if attempts else (None, None)


PROFILE = """\
# my answers: comments stay when `jobflow questions answer` adds one
contact:
  email: jobseeker@example.com
  phone: "5550100"
  phone_country: "+1"
resume: Tailored_Resume.pdf
answers:
  "How many years of work experience do you have with Python?": 6
  "What is your level of proficiency in English?": Professional
  "Are you comfortable commuting to this job's location?": "Yes"
  "I agree to the terms of the privacy policy": true
  "Are you legally authorized to work in the United States?": "Yes"
rules:
  - contains: [sponsorship, visa]
    answer: false
"""
"""Answers every question of the local forms but the ``custom`` one's :data:`SWALLOW`."""
LOGIN = """
- id: login
  uses: linkedin.login
  with: {username: "${{ secrets.li_user }}", password: "${{ secrets.li_password }}"}
"""
SWALLOW = "What is the airspeed velocity of an unladen swallow?"


def form_jobs() -> dict[str, str]:
    """One easy-apply posting per form variant of the local LinkedIn: ``{form: job id}``."""
    found: dict[str, str] = {}
    for posting in load_data("linkedin")["postings"]:
        if posting["form"]:
            found.setdefault(posting["form"], posting["id"])
    return found


def apply_step(step_id: str, jobs: list[str], **options: Any) -> str:
    """A ``linkedin.easy_apply`` step over ``jobs`` with ``profile.yaml``."""
    extra = "".join(f", {k}: {str(v).lower() if isinstance(v, bool) else v}" for k, v in options.items())
    return f"- id: {step_id}\n  uses: linkedin.easy_apply\n  with: {{jobs: {jobs}, profile: profile.yaml{extra}}}\n"


SEARCHES: dict[str, dict[str, Any]] = {
    "all": {},
    "python": {"keywords": "python"},
    "remote-engineer": {"keywords": "engineer", "remote": True},
    "fulltime-senior-week": {"job_type": "fulltime", "experience_level": "mid_senior", "posted_within": "7d"},
    "austin": {"location": "Austin, TX"},
    "easy-apply": {"easy_apply": True},
    "nothing": {"keywords": "zzzz no such job"},
}
"""The local site's documented searches (in LinkedIn's URL syntax) as ``linkedin.search`` params."""


def postings(outputs: dict[str, Any]) -> list[JobPosting]:
    """A step's ``postings`` output as models."""
    return [JobPosting.model_validate(p) for p in outputs["postings"]]


def mismatches(got: list[JobPosting], expected: dict[str, JobPosting]) -> dict[str, Any]:
    """``{native id: {field: (got, expected)}}`` for every posting that differs from its expected one."""
    found: dict[str, Any] = {}
    for posting in got:
        mine, theirs = posting.comparable(), expected[posting.native_id].comparable()
        if diff := {k: (mine[k], theirs[k]) for k in theirs if mine[k] != theirs[k]}:
            found[posting.native_id] = diff
    return found


def search_steps(mode: str) -> str:
    """One ``linkedin.search`` step ``s_<name>`` per documented search, in ``mode``."""
    return "".join(
        f"- id: s_{name.replace('-', '_')}\n  uses: linkedin.search\n"
        f"  with: {{mode: {mode}, limit: 1000, {', '.join(f'{k}: {v!r}' for k, v in params.items())}}}\n"
        for name, params in SEARCHES.items()
    ).replace("True", "true")
