"""Hook implementations of the Glassdoor plugin (hookimpls only, STYLE.md guideline 9)."""

from __future__ import annotations

from typing import Any

from jobflow import SiteSpec, hookimpl
from jobflow.spec.durations import parse_rate
from jobflow.spec.models import WaitSpec
from jobflow_glassdoor.steps import job, search

SITE = SiteSpec(
    name="glassdoor",
    base_url="https://www.glassdoor.com",
    wait=WaitSpec(until="domcontentloaded"),
    rate=parse_rate("20/min"),
)


@hookimpl
def register_sites(register: Any) -> None:
    register(SITE)


@hookimpl
def register_steps(register: Any) -> None:
    register(search)
    register(job)
