"""The local Indeed (sites/README.md §2).

Routes (``guest``: behind the login wall; ``xhr``: delayed by ``late_xhr``):

* ``GET /jobs?q=&l=&start=&sort=date&fromage=&sc=0kf:attr(DSQF7)explvl(SENIOR_LEVEL)jt(fulltime);&iafilter=1``
  ``&vjk=`` (guest): the search page (``explvl``: :data:`EXPERIENCE_LEVELS`), 10 per page, data in
  ``window.mosaic.providerData["mosaic-provider-jobcards"]``, hashed card classes,
  ``a[data-testid=pagination-page-next]``, "did not match any jobs" when empty;
* ``GET /viewjob?jk=`` (guest): the detail page; with ``viewtype=embedded`` (xhr) the right pane's JSON;
* ``GET /rc/clk?jk=`` and ``/applystart?jk=``: redirects to the posting and to the employer;
* ``GET /cmp/{slug}``, ``GET /account/login`` (the login wall's target).

The checkpoint is Cloudflare's "Just a moment..." page with HTTP 403 on every route.
"""

from __future__ import annotations

import re
from datetime import timedelta
from html import escape
from typing import Any
from urllib.parse import quote, urlencode

from jobflow.testing.sites.app import SiteApp
from jobflow.testing.sites.http import Request, Response
from jobflow.testing.sites.indeed import render
from jobflow.testing.sites.search import Query, select

__all__ = ["IndeedApp", "query_of"]

PAGE = 10
JOB_TYPES = {"fulltime", "parttime", "contract", "temporary", "internship"}
EXPERIENCE_LEVELS: dict[str, frozenset[int]] = {
    "ENTRY_LEVEL": frozenset({1, 2}),
    "MID_LEVEL": frozenset({3, 4}),
    "SENIOR_LEVEL": frozenset({5, 6}),
}
"""Indeed's ``explvl(...)`` filter as the postings' LinkedIn experience codes (1 internship ... 6 executive)."""
_EXPLVL = re.compile(r"explvl\((\w+)\)")


def query_of(params: dict[str, str]) -> Query:
    """Indeed's search parameters as a :class:`Query`."""
    sc = params.get("sc", "")
    types = frozenset(t for t in JOB_TYPES if f"jt({t})" in sc)
    remote = "attr(DSQF7)" in sc or bool(params.get("remotejob"))
    fromage = params.get("fromage", "")
    level = _EXPLVL.search(sc)
    return Query(
        keywords=params.get("q", ""),
        location=params.get("l", ""),
        work_models=frozenset({"remote"}) if remote else frozenset(),
        job_types=types,
        levels=EXPERIENCE_LEVELS.get(level[1], frozenset({0})) if level else frozenset(),
        max_age=timedelta(days=int(fromage)) if fromage.isdigit() else None,
        easy_apply_only=params.get("iafilter") == "1",
        by_date=params.get("sort") == "date",
    )


class IndeedApp(SiteApp):
    """The local Indeed."""

    name = "indeed"

    def setup(self) -> None:
        self.jobs: dict[str, dict[str, Any]] = {job["jk"]: job for job in self.data["postings"]}
        self.facts = {jk: job["facts"] for jk, job in self.jobs.items()}
        self.route("GET", "/jobs", self.search, guest=True)
        self.route("GET", "/viewjob", self.viewjob, guest=True)
        self.route("GET", "/rc/clk", self.click)
        self.route("GET", "/applystart", self.applystart)
        self.route("GET", "/cmp/{slug}", self.company)
        self.route("GET", "/account/login", self.login)

    def checkpoint_page(self, request: Request) -> Response:
        response = Response.html(render.cloudflare_page(), 403)
        response.headers.append(("cf-mitigated", "challenge"))
        return response

    def login_wall(self, request: Request) -> Response | None:
        return Response.redirect(f"/account/login?dest={quote(request.target, safe='')}")

    def results(self, params: dict[str, str]) -> list[str]:
        if self.behaviour.empty:
            return []
        return select(self.data["sequence"], self.facts, query_of(params), self.now)

    async def search(self, request: Request) -> Response:
        params = request.query
        ids = self.results(params)
        start = int(params.get("start") or 0)
        chunk = ids[start : start + PAGE]
        bad = self.behaviour.malformed
        results = [
            render.mosaic_result(self.jobs[jk], self.link, start + n, malformed=bad) for n, jk in enumerate(chunk)
        ]
        what, where = params.get("q", ""), params.get("l", "")
        nxt = "/jobs?" + urlencode({**params, "start": str(start + PAGE)}) if start + PAGE < len(ids) else ""
        cards = "".join(render.search_card(r, self.hashed, start + n) for n, r in enumerate(results))
        body = render.search_body(
            cards, total=len(ids), what=what, next_url=nxt, vjk=params.get("vjk", ""), hashed=self.hashed
        )
        scripts = render.search_scripts(results, total=len(ids))
        title = f"{what or 'All'} Jobs, Employment{' in ' + where if where else ''} | Indeed.com"
        return Response.html(render.page(title, body, scripts))

    async def viewjob(self, request: Request) -> Response:
        params = request.query
        job = self.jobs.get(params.get("jk", ""))
        if params.get("viewtype") == "embedded":
            if self.behaviour.late_xhr:
                await self.clock.sleep(self.behaviour.late_xhr)
            if job is None:
                return Response.json({"body": None, "error": "not found"}, 404)
            return Response.json(render.embedded(job, self.link))
        if job is None:
            return Response.html(render.page("Job not found | Indeed", "<h1>This job has expired on Indeed</h1>"), 404)
        return Response.html(render.detail_page(job, self.link, self.hashed, malformed=self.behaviour.malformed))

    async def click(self, request: Request) -> Response:
        return Response.redirect(f"/viewjob?jk={request.query.get('jk', '')}&from=serp&vjs=3")

    async def applystart(self, request: Request) -> Response:
        job = self.jobs.get(request.query.get("jk", ""))
        return Response.redirect(job["apply_url"] if job and job["apply_url"] else "/")

    async def company(self, request: Request) -> Response:
        name = request.params["slug"].replace("-", " ")
        return Response.html(render.page(f"{name} Careers and Employment | Indeed.com", f"<h1>{escape(name)}</h1>"))

    async def login(self, request: Request) -> Response:
        body = (
            '<div class="pass-Card"><h1>Ready to take the next step?</h1><p>Create an account or sign in.</p>'
            '<form method="post" action="/account/login"><input type="email" name="__email" autocomplete="email">'
            '<button type="submit">Continue</button></form></div>'
        )
        return Response.html(render.page("Sign In | Indeed Accounts", body))
