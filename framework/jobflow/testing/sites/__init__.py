"""Local imitations of LinkedIn, Indeed and Glassdoor, for jobflow's tests, its demo and plugin authors.

They serve the real sites' structure (sites/README.md) from seeded data with the messy parts included,
and switch on hostile behaviour per test (:class:`SiteBehaviour`). Beside each site's data, an expected
table says what a correct plugin extracts (:func:`expected_postings`). Start them with
:func:`start_local_sites`, or use the pytest fixtures ``local_sites`` / ``local_sites_session``.
"""

from __future__ import annotations

from jobflow.testing.sites.behaviour import SiteBehaviour, SiteState
from jobflow.testing.sites.launcher import LocalSites, SiteServer, start_local_sites
from jobflow.testing.sites.tables import SITES, expected_postings, expected_searches, load_data, reference_now

__all__ = [
    "SITES",
    "LocalSites",
    "SiteBehaviour",
    "SiteServer",
    "SiteState",
    "expected_postings",
    "expected_searches",
    "load_data",
    "reference_now",
    "start_local_sites",
]
