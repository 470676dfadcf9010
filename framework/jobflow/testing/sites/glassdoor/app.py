"""The local Glassdoor (sites/README.md §3).

Routes (``guest``: behind the login wall; ``xhr``: delayed by ``late_xhr``):

* ``GET /`` and every page: the CSRF token as ``"token": "…"`` in a script;
* ``GET /Job/jobs.htm?sc.keyword=&locKeyword=&fromAge=&remoteWorkType=1&applicationType=1&jobType=``
  ``&seniorityType=&sortBy=`` (``seniorityType``: :data:`SENIORITY`) and the SEO form
  ``/Job/…-SRCH_…_KO{a},{b}.htm`` (guest): 30 server-rendered cards, ``__NEXT_DATA__``,
  "Show more jobs" (``button[data-test=load-more]``) loading the next pages through ``/graph``, and the
  sign-in modal after ``signin_modal_after`` loads;
* ``POST /graph`` (xhr): a JSON array of ``JobSearchResultsQuery`` / ``JobDetailQuery`` operations; 403
  without the ``gd-csrf-token`` header; search answers carry a non-fatal ``jobsPageSeoData`` error;
* ``GET /findPopularLocationAjax.htm?term=``: location ids;
* ``GET /job-listing/j?jl=`` and ``/job-listing/{seo}.htm?jl=`` (guest): the detail page;
* ``GET /Overview/{name}``, ``GET /profile/login_input.htm`` (the login wall's target).
"""

from __future__ import annotations

import json
import re
import secrets
from datetime import timedelta
from html import escape
from typing import Any
from urllib.parse import quote

from jobflow.testing.sites.app import SiteApp
from jobflow.testing.sites.glassdoor import render
from jobflow.testing.sites.http import Request, Response
from jobflow.testing.sites.indeed.render import cloudflare_page
from jobflow.testing.sites.search import Query, select

__all__ = ["GlassdoorApp"]

PAGE = 30
SENIORITY: dict[str, frozenset[int]] = {
    "internship": frozenset({1}),
    "entrylevel": frozenset({2}),
    "midseniorlevel": frozenset({3, 4}),
    "director": frozenset({5}),
    "executive": frozenset({6}),
}
"""Glassdoor's ``seniorityType`` filter as the postings' LinkedIn experience codes (1 internship ... 6 executive)."""


def query_of(keyword: str, location: str, filters: dict[str, str], sort: str = "") -> Query:
    """Glassdoor's search (page parameters or GraphQL ``filterParams``) as a :class:`Query`."""
    age = filters.get("fromAge", "")
    return Query(
        keywords=keyword,
        location=location,
        work_models=frozenset({"remote"}) if filters.get("remoteWorkType") == "1" else frozenset(),
        max_age=timedelta(days=int(age)) if age.isdigit() and int(age) > 0 else None,
        easy_apply_only=filters.get("applicationType") == "1",
        levels=SENIORITY.get(seniority, frozenset({0})) if (seniority := filters.get("seniorityType")) else frozenset(),
        by_date=sort in ("date_desc", "date"),
    )


class GlassdoorApp(SiteApp):
    """The local Glassdoor."""

    name = "glassdoor"

    def setup(self) -> None:
        self.jobs: dict[str, dict[str, Any]] = {job["listing_id"]: job for job in self.data["postings"]}
        self.facts = {jl: job["facts"] for jl, job in self.jobs.items()}
        self.token = secrets.token_urlsafe(18)
        self.route("GET", "/", self.home)
        self.route("GET", "/Job/jobs.htm", self.search, guest=True)
        self.route("GET", "/Job/{seo:[^/]+-SRCH_[^/]+\\.htm}", self.search, guest=True)
        self.route("POST", "/graph", self.graph, xhr=True)
        self.route("GET", "/findPopularLocationAjax.htm", self.locations)
        self.route("GET", "/job-listing/j", self.detail, guest=True)
        self.route("GET", "/job-listing/{seo}", self.detail, guest=True)
        self.route("GET", "/Overview/{name}", self.overview)
        self.route("GET", "/profile/login_input.htm", self.login)

    def checkpoint_page(self, request: Request) -> Response:
        return Response.html(cloudflare_page(), 403)

    def login_wall(self, request: Request) -> Response | None:
        return Response.redirect(
            f"/profile/login_input.htm?userOriginHook=HEADER_SIGNIN_LINK&dest={quote(request.target, safe='')}"
        )

    def ids(self, query: Query) -> list[str]:
        return [] if self.behaviour.empty else select(self.data["sequence"], self.facts, query, self.now)

    def _page_views(self, ids: list[str], number: int) -> list[dict[str, Any]]:
        chunk = ids[(number - 1) * PAGE : number * PAGE]
        return [render.jobview(self.jobs[jl], self.link, malformed=self.behaviour.malformed) for jl in chunk]

    def _listings(self, ids: list[str], number: int) -> dict[str, Any]:
        last = max(1, -(-len(ids) // PAGE))
        cursors = [{"cursor": f"AB4AAY{n}", "pageNumber": n} for n in range(number + 1, min(last, number + 3) + 1)]
        return {
            "jobListings": [{"jobview": v} for v in self._page_views(ids, number)],
            "paginationCursors": cursors,
            "totalJobsCount": len(ids),
            "jobsPageSeoData": None,
        }

    # ------------------------------------------------------------------------------------- pages

    async def home(self, request: Request) -> Response:
        return Response.html(
            render.page("Glassdoor Job Search", "<h1>Find the job that fits your life</h1>", token=self.token)
        )

    async def search(self, request: Request) -> Response:
        params = request.query
        keyword = params.get("sc.keyword", "")
        seo = request.params.get("seo", "")
        match = re.search(r"_KO(\d+),(\d+)", seo)
        if match and not keyword:
            keyword = seo[int(match[1]) : int(match[2])].replace("-", " ")
        filters: dict[str, str] = {
            k: params[k]
            for k in ("fromAge", "remoteWorkType", "applicationType", "jobType", "seniorityType")
            if k in params
        }
        ids = self.ids(query_of(keyword, params.get("locKeyword", ""), filters, params.get("sortBy", "")))
        late = self.behaviour.late_xhr > 0
        views = [] if late else self._page_views(ids, 1)
        cards = "".join(render.card(v, self.hashed, n, self.link) for n, v in enumerate(views))
        variables = {
            "keyword": keyword,
            "locationKeyword": params.get("locKeyword", ""),
            "filterParams": [{"filterKey": k, "values": v} for k, v in filters.items()],
            "sort": params.get("sortBy", ""),
            "nextPage": 1 if late else 2,
            "more": late or len(ids) > PAGE,
        }
        classes = {name: self.hashed(name) for name in render.CARD_CLASSES}
        if not ids:
            listing = '<div data-test="no-results"><h2>No jobs found</h2><p>Try a different search.</p></div>'
        else:
            listing = (
                f'<h1 data-test="search-title">{len(ids)} {escape(keyword or "")} Jobs</h1>'
                f'<ul class="{self.hashed("JobsList_jobsList")}" aria-label="Jobs List">{cards}</ul>'
                f'<div class="JobsList_buttonWrapper"><button data-test="load-more" data-loading="false" type="button"'
                f"{' hidden' if not variables['more'] else ''}>Show more jobs</button></div>"
                '<div id="job-pane" data-test="job-details-pane"></div>'
            )
        next_data = {"props": {"pageProps": {"apolloCache": {f"JobListing:{v['job']['listingId']}": v for v in views}}}}
        after = self.behaviour.signin_modal_after
        attrs = (
            f" data-search='{escape(json.dumps(variables), quote=True)}'"
            f" data-classes='{escape(json.dumps(classes), quote=True)}'"
            f' data-signin-after="{"" if after is None else after}"'
        )
        next_json = json.dumps(next_data).replace("</", "<\\/")
        scripts = (
            f'<script id="__NEXT_DATA__" type="application/json">{next_json}</script>'
            '<script src="/static/glassdoor-search.js"></script>'
        )
        title = f"{keyword or 'All'} Jobs | Glassdoor"
        return Response.html(
            render.page(title, f'<main id="MainCol">{listing}</main>', token=self.token, attrs=attrs, scripts=scripts)
        )

    async def detail(self, request: Request) -> Response:
        job = self.jobs.get(request.query.get("jl", ""))
        if job is None:
            return Response.html(
                render.page("Job Listing Expired | Glassdoor", "<h1>This job has expired</h1>", token=self.token), 404
            )
        return Response.html(render.detail_page(job, self.hashed, token=self.token, malformed=self.behaviour.malformed))

    async def overview(self, request: Request) -> Response:
        return Response.html(
            render.page("Working at a company | Glassdoor", "<h1>Company overview</h1>", token=self.token)
        )

    async def login(self, request: Request) -> Response:
        body = (
            '<div data-test="login-modal"><h1>Sign in to Glassdoor</h1><input type="email" id="inlineUserEmail"></div>'
        )
        return Response.html(render.page("Sign In | Glassdoor", body, token=self.token))

    # -------------------------------------------------------------------------------------- data

    async def locations(self, request: Request) -> Response:
        term = request.query.get("term", "").lower()
        found = [
            {k: v for k, v in loc.items() if k != "term"}
            for loc in self.data["locations"]
            if term and term in loc["term"]
        ]
        return Response.json(found)

    async def graph(self, request: Request) -> Response:
        if request.headers.get("gd-csrf-token") != self.token:
            return Response.json({"errors": [{"message": "Forbidden: missing or invalid CSRF token"}]}, 403)
        try:
            operations = request.json()
        except ValueError:
            return Response.json({"errors": [{"message": "Bad request: body is not JSON"}]}, 400)
        if not isinstance(operations, list):
            operations = [operations]
        return Response.json([self._operation(op) for op in operations])

    def _operation(self, op: dict[str, Any]) -> dict[str, Any]:
        variables = op.get("variables") or {}
        name = op.get("operationName")
        if name == "JobDetailQuery":
            job = self.jobs.get(str(variables.get("jl", "")))
            if job is None:
                return {"data": {"jobview": None}, "errors": [{"message": "listing not found"}]}
            view = render.jobview(job, self.link, malformed=self.behaviour.malformed)
            view["job"]["description"] = job["description_html"]
            return {"data": {"jobview": view}}
        if name != "JobSearchResultsQuery":
            return {"errors": [{"message": f"unknown operation {name!r}"}]}
        location = str(variables.get("locationKeyword") or "")
        for known in self.data["locations"]:
            if known["locationId"] == variables.get("locationId") and known["locationType"] != "N":
                location = known["label"].split(" (")[0]
        filters = {f["filterKey"]: str(f["values"]) for f in variables.get("filterParams") or []}
        if variables.get("fromage"):
            filters.setdefault("fromAge", str(variables["fromage"]))
        ids = self.ids(
            query_of(str(variables.get("keyword") or ""), location, filters, str(variables.get("sort") or ""))
        )
        listings = self._listings(ids, int(variables.get("pageNumber") or 1))
        errors = [{"message": "Cannot return null for jobsPageSeoData", "path": ["jobListings", "jobsPageSeoData"]}]
        return {"data": {"jobListings": listings}, "errors": errors}
