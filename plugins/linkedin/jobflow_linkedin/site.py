"""LinkedIn as data: base URL, default wait strategy and politeness (sites/README.md §1).

``networkidle`` with a 60 s timeout (LinkedIn keeps filling its pages by XHR) and 20 requests a minute
(the guest endpoints throttle at about ten pages per address). A workflow overrides any of it under
``sites.linkedin`` (``base_url`` points the plugin at the local imitation in tests and the demo).
"""

from __future__ import annotations

from datetime import timedelta

from jobflow import SiteSpec
from jobflow.spec.durations import parse_rate
from jobflow.spec.models import WaitSpec

__all__ = ["APPLICATIONS_PER_DAY", "SITE"]

SITE = SiteSpec(
    name="linkedin",
    base_url="https://www.linkedin.com",
    wait=WaitSpec(until="networkidle", timeout=timedelta(seconds=60)),
    rate=parse_rate("20/min"),
)
APPLICATIONS_PER_DAY = "applications_per_day"
"""The daily limit name ``linkedin.easy_apply`` spends (``sites.linkedin.limits.applications_per_day``)."""
