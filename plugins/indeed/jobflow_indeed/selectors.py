"""Every anchor the Indeed plugin reads, in one place (sites/README.md §2).

CSS selectors serve both the browser (Playwright locators) and the request API (parsed server HTML,
:mod:`jobflow.postings.parse.markup`); they key on ``id``/``data-testid`` attributes, never on Indeed's
hashed ``css-xxxx`` classes. Role and text anchors are for the browser only. When Indeed changes its
markup, this is the file to change.
"""

from __future__ import annotations

import re

from jobflow.browser.fetch import Walls

# ------------------------------------------------------------------------------------------------- search

SEARCH_PATH = "/jobs"
PAGE_SIZE = 10
"""Results per search page; ``start`` advances by this."""
MOSAIC_PROVIDER = "mosaic-provider-jobcards"
MOSAIC_ASSIGNMENT = re.compile(r'window\.mosaic\.providerData\["mosaic-provider-jobcards"\]\s*=\s*')
"""Where the search page assigns its result JSON (read with ``raw_decode`` from the match's end)."""
MOSAIC_GLOBAL = (
    '(() => { const m = window.mosaic && window.mosaic.providerData; return m ? m["mosaic-provider-jobcards"] || null'
    " : null; })()"
)
"""The same JSON read from the rendered page's own JavaScript world."""
MOSAIC_RESULTS_PATH = ("metaData", "mosaicProviderJobCardsModel", "results")
RESULTS_LIST = "#mosaic-provider-jobcards"
CARD_LINK = "a[data-jk]"
NEXT_PAGE = 'a[data-testid="pagination-page-next"]'
NO_RESULTS = ".jobsearch-NoResult-messageContainer"
NO_RESULTS_TEXT = "did not match any jobs"
"""The phrase of Indeed's empty-search page: an empty result list without it is not "no results"."""
JOB_COUNT = ".jobsearch-JobCountAndSortPane-jobCount"
REMOTE_FILTER = "attr(DSQF7)"
JOB_TYPE_FILTER = "jt({})"
EXPERIENCE_FILTER = "explvl({})"
EXPERIENCE_LEVELS = {"entry": "ENTRY_LEVEL", "mid": "MID_LEVEL", "senior": "SENIOR_LEVEL"}
"""``experience_level`` values as Indeed's ``explvl(...)`` codes (one level per search, as on the site)."""

# ------------------------------------------------------------------------------------------------- detail

VIEWJOB_PATH = "/viewjob"
JOB_KEY = re.compile(r"^[0-9a-f]{16}$")
"""Indeed's job key (``jk``): 16 hex digits."""
TITLE = '[data-testid="jobsearch-JobInfoHeader-title"]'
COMPANY = '[data-testid="inlineHeader-companyName"]'
COMPANY_LINK = '[data-testid="inlineHeader-companyName"] a'
LOCATION = '[data-testid="inlineHeader-companyLocation"], [data-testid="job-location"]'
SALARY_AND_TYPE = "#salaryInfoAndJobType"
SALARY_AND_TYPE_PARTS = "#salaryInfoAndJobType > span"
DESCRIPTION = "#jobDescriptionText"
INDEED_APPLY = "#indeedApplyButton, .ia-IndeedApplyButton"
EXTERNAL_APPLY = "#applyButtonLinkContainer a[href]"
EXTERNAL_APPLY_NAME = re.compile(r"Apply on company site", re.IGNORECASE)
"""The external apply link's accessible name (role ``link``)."""
JSON_LD = 'script[type="application/ld+json"]'
INITIAL_DATA = re.compile(r"window\._initialData\s*=\s*")
INITIAL_DATA_GLOBAL = "(() => window._initialData || null)()"
EXPIRED_TEXT = "has expired"

# -------------------------------------------------------------------------------------------------- walls

CHALLENGE_TITLE = "just a moment"
"""Cloudflare's interstitial title (lower-case)."""
CHALLENGE = '#challenge-running, .cf-turnstile, [data-test="captcha"], #challenge-form'
CHALLENGE_HEADER = "cf-mitigated"
CHALLENGE_MARKERS = ("challenge-running", "cf-turnstile", "challenge-form", 'data-test="captcha"')
"""Strings of a challenge page's server HTML (read without a browser)."""
LOGIN_PATHS = ("/account/login", "/auth")
"""Where Indeed's login wall redirects guests."""
WALLS = Walls(
    site="Indeed",
    login_paths=LOGIN_PATHS,
    challenge_title=CHALLENGE_TITLE,
    challenge_header=CHALLENGE_HEADER,
    challenge_markers=CHALLENGE_MARKERS,
    refuse_403=True,
    challenge_selector=CHALLENGE,
)
"""Indeed's blocked pages for :mod:`jobflow.browser.fetch`: a Cloudflare check (title, ``cf-mitigated``
header, markers in a 403 body, a challenge element), the login redirect, and any other 403 (a bot block)."""
