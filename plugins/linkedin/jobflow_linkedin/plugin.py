"""Hook implementations of the Linkedin plugin (hookimpls only, STYLE.md guideline 9)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from jobflow import SiteSpec, hookimpl
from jobflow.spec.durations import parse_rate
from jobflow.spec.models import WaitSpec

SITE = SiteSpec(
    name="linkedin",
    base_url="https://www.linkedin.com",
    wait=WaitSpec(until="networkidle", timeout=timedelta(seconds=60)),
    rate=parse_rate("20/min"),
)


@hookimpl
def register_sites(register: Any) -> None:
    register(SITE)
