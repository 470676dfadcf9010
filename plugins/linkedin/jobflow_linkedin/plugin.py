"""Hook implementations of the LinkedIn plugin (hookimpls only, STYLE.md guideline 9)."""

from __future__ import annotations

from typing import Any

from jobflow import hookimpl
from jobflow_linkedin.site import SITE
from jobflow_linkedin.steps.easy_apply import easy_apply
from jobflow_linkedin.steps.job import job
from jobflow_linkedin.steps.login import login
from jobflow_linkedin.steps.search import search


@hookimpl
def register_sites(register: Any) -> None:
    register(SITE)


@hookimpl
def register_steps(register: Any) -> None:
    for step_type in (search, job, login, easy_apply):
        register(step_type)
