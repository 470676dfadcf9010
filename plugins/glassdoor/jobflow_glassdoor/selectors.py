"""Every anchor the Glassdoor plugin reads, in one place (sites/README.md §3).

Glassdoor's markup is Next.js with CSS-module class names whose hash suffix changes per deploy
(``JobCard_jobTitle__x1y2z``): selectors key on ``data-test`` attributes, ids, and class *prefixes*
(``[class*="JobDetails_jobDescription"]``), never on a whole hashed class. CSS selectors serve the browser
and the request API alike (:mod:`jobflow.postings.parse.markup`); role and text anchors the browser only.
"""

from __future__ import annotations

import re

from jobflow.browser.fetch import Walls

# ----------------------------------------------------------------------------------------------- search

SEARCH_PATH = "/Job/jobs.htm"
PAGE_SIZE = 30
"""Listings per page (server-rendered, and per GraphQL ``JobSearchResultsQuery``)."""
JOB_LIST = 'ul[aria-label="Jobs List"]'
JOB_ROW = 'li[data-test="jobListing"][data-jobid]'
JOB_ROW_ID = "data-jobid"
LOAD_MORE = 'button[data-test="load-more"]'
LOAD_MORE_NAME = "Show more jobs"
LOAD_MORE_IDLE = 'button[data-test="load-more"][data-loading="false"]'
"""The button when no page is loading (a click while loading is ignored)."""
LOADING_ATTR = "data-loading"
NO_RESULTS = '[data-test="no-results"]'
NEXT_DATA = "script#__NEXT_DATA__"
APOLLO_CACHE_PATH = ("props", "pageProps", "apolloCache")
APOLLO_LISTING_PREFIX = "JobListing:"
SIGNIN_MODAL = '[data-test="authModalContainerV2-content"], [data-test="login-modal"]'
SIGNIN_MODAL_CLOSE = '[data-test="auth-modal-close-button"]'
CARD_TITLE = '[data-test="job-title"]'
CARD_EMPLOYER = '[class*="EmployerProfile_compactEmployerName"]'
CARD_RATING = '[class*="rating-single-star_RatingText"]'
CARD_LOCATION = '[data-test="emp-location"]'
CARD_SALARY = '[data-test="detailSalary"]'
CARD_SNIPPET = '[data-test="descSnippet"]'
CARD_AGE = '[data-test="job-age"]'
CARD_EASY_APPLY = '[class*="JobCard_easyApplyTag"]'
SKILLS_PREFIX = "Skills:"

# ----------------------------------------------------------------------------------------------- graph

GRAPH_PATH = "/graph"
CSRF_HEADER = "gd-csrf-token"
CSRF_TOKEN = re.compile(r'"token":\s*"([^"]+)"')
"""The CSRF token every Glassdoor page embeds (JobSpy's regex)."""
LOCATIONS_PATH = "/findPopularLocationAjax.htm"
SEARCH_OPERATION = "JobSearchResultsQuery"
DETAIL_OPERATION = "JobDetailQuery"
SEARCH_QUERY = (
    "query JobSearchResultsQuery($keyword: String, $locationId: Int, $locationType: LocationTypeEnum, "
    "$numJobsToShow: Int!, $pageCursor: String, $pageNumber: Int, $filterParams: [FilterParams], "
    "$parameterUrlInput: String, $fromage: Int, $sort: SortOrderEnum) { jobListings(contextHolder: "
    "{searchParams: {keyword: $keyword, locationId: $locationId, locationType: $locationType, numPerPage: "
    "$numJobsToShow, pageCursor: $pageCursor, pageNumber: $pageNumber, filterParams: $filterParams, "
    "searchType: SR, parameterUrlInput: $parameterUrlInput, fromAge: $fromage, sort: $sort}}) { jobListings "
    "{ jobview { header { ageInDays easyApply employer { id name shortName } employerNameFromSearch "
    "jobTitleText locationName locationType payCurrency payPeriod payPeriodAdjustedPay { p10 p50 p90 } "
    "salarySource rating sponsored adOrderSponsorshipLevel jobLink } job { listingId jobTitleText "
    "description } overview { shortName squareLogoUrl } } } paginationCursors { cursor pageNumber } "
    "totalJobsCount } }"
)
DETAIL_QUERY = (
    "query JobDetailQuery($jl: Long!, $queryString: String, $pageTypeEnum: PageTypeEnum) { jobview: "
    "jobView(listingId: $jl, contextHolder: {queryString: $queryString, pageTypeEnum: $pageTypeEnum}) { "
    "header { easyApply employer { id name shortName } employerNameFromSearch jobTitleText locationName "
    "locationType payCurrency payPeriod payPeriodAdjustedPay { p10 p50 p90 } salarySource rating } "
    "job { listingId jobTitleText description } overview { shortName squareLogoUrl } } }"
)

# ----------------------------------------------------------------------------------------------- detail

LISTING_PATH = "/job-listing/j"
DETAIL_TITLE = 'h1[id^="jd-job-title-"]'
DETAIL_EMPLOYER = '[class*="EmployerProfile_employerNameHeading"] h4'
DETAIL_LOCATION = '[data-test="location"]'
DETAIL_SALARY = '[data-test="job-details-header"] [data-test="detailSalary"]'
DETAIL_DESCRIPTION = '[class*="JobDetails_jobDescription"]'
EASY_APPLY = '[data-test="easyApply"]'
EXTERNAL_APPLY = 'a[data-test="applyButton"][href]'
EXPIRED_TEXT = "has expired"

SENIORITY = {
    "internship": "internship",
    "entry": "entrylevel",
    "mid_senior": "midseniorlevel",
    "director": "director",
    "executive": "executive",
}
"""``experience_level`` values as Glassdoor's ``seniorityType`` filter (one per search, as on the site)."""

# ------------------------------------------------------------------------------------------------ walls

CHALLENGE_TITLE = "just a moment"
CHALLENGE = '#challenge-running, .cf-turnstile, [data-test="captcha"]'
CHALLENGE_MARKERS = ("challenge-running", "cf-turnstile", 'data-test="captcha"')
LOGIN_PATHS = ("/profile/login_input.htm", "/member/profile/login")
"""Where Glassdoor's sign-in wall redirects guests."""
WALLS = Walls(
    site="Glassdoor",
    login_paths=LOGIN_PATHS,
    challenge_title=CHALLENGE_TITLE,
    challenge_markers=CHALLENGE_MARKERS,
    html_403_is_challenge=True,
    challenge_selector=CHALLENGE,
)
"""Glassdoor's blocked pages for :mod:`jobflow.browser.fetch`: a Cloudflare check (title, an HTML 403 —
a ``/graph`` 403 is JSON, the API's own answer — a challenge element) and the sign-in redirect."""
