"""Hook implementations of the Indeed plugin (hookimpls only, STYLE.md guideline 9)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from jobflow import SiteSpec, hookimpl
from jobflow.spec.durations import parse_rate
from jobflow.spec.models import WaitSpec
from jobflow_indeed.steps import job, search

SITE = SiteSpec(
    name="indeed",
    base_url="https://www.indeed.com",
    wait=WaitSpec(until="domcontentloaded", settle=timedelta(milliseconds=500)),
    rate=parse_rate("30/min"),
)


@hookimpl
def register_sites(register: Any) -> None:
    register(SITE)


@hookimpl
def register_steps(register: Any) -> None:
    register(search)
    register(job)
