"""The local LinkedIn: guest endpoints and pages, member pages, login, Easy Apply (sites/README.md §1).

Routes (``guest``: behind the login wall; ``xhr``: delayed by ``late_xhr``):

* ``GET /jobs-guest/jobs/api/seeMoreJobPostings/search`` (guest, xhr): 10 ``<li>`` cards from ``start``;
  empty body at the end, HTTP 400 past it or at ``start >= 1000``; ``f_AL=true`` is honoured here too (the
  real guest endpoint ignores it);
* ``GET /jobs/search`` and ``/jobs/search/`` (guest): the guest page with infinite scroll, or for a member
  the two-pane page (25 per page, occluded cards, ``currentJobId`` in the right pane);
* ``GET /jobs-guest/jobs/api/jobPosting/{id}`` (guest, xhr): the posting fragment (title in ``h2``);
* ``GET /jobs/view/{slug-id}`` (guest): the public page (``h1``), or for a member the job page with the
  apply button; ``GET /jobs/view/externalApply/{id}?url=``: redirect to the employer;
* ``GET /jobs/api/member/search`` and ``/jobs/api/member/jobPosting/{id}`` (xhr): member list and pane;
* ``GET /jobs/api/easy-apply/{id}`` (xhr) and ``POST /jobs/api/easy-apply/{id}/submit``: the modal's form and
  its submission (recorded in the state; 429 with the limit message when the daily limit is on);
* ``GET /login``, ``POST /checkpoint/lg/login-submit`` (sets ``li_at``), ``GET /feed/``, ``GET /authwall``,
  ``GET /checkpoint/challengesV2/{token}``, ``GET /company/{slug}``.
"""

from __future__ import annotations

import math
import secrets
from datetime import timedelta
from typing import Any
from urllib.parse import quote, urlencode

from jobflow.testing.sites.app import SiteApp
from jobflow.testing.sites.http import Request, Response
from jobflow.testing.sites.linkedin import member, render
from jobflow.testing.sites.search import Query, select

__all__ = ["LinkedInApp"]

GUEST_PAGE = 10
MEMBER_PAGE = 25
WORK = {"1": "onsite", "2": "remote", "3": "hybrid"}
TYPES = {"F": "fulltime", "P": "parttime", "C": "contract", "T": "temporary", "I": "internship"}
TYPES |= {"V": "volunteer", "O": "other"}
RESUMES = [{"name": "Jobseeker_Resume.pdf", "size": "105 KB", "lastUsed": "8/10/2026"}]


def _codes(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def query_of(params: dict[str, str]) -> Query:
    """LinkedIn's search parameters as a :class:`Query`."""
    tpr = params.get("f_TPR", "")
    return Query(
        keywords=params.get("keywords", ""),
        location=params.get("location", ""),
        work_models=frozenset(WORK[c] for c in _codes(params.get("f_WT")) if c in WORK),
        job_types=frozenset(TYPES[c] for c in _codes(params.get("f_JT")) if c in TYPES),
        levels=frozenset(int(c) for c in _codes(params.get("f_E")) if c.isdigit()),
        max_age=timedelta(seconds=int(tpr[1:])) if tpr[1:].isdigit() else None,
        easy_apply_only=params.get("f_AL") == "true" or params.get("f_LF") == "f_AL",
        by_date=params.get("sortBy") == "DD",
    )


class LinkedInApp(SiteApp):
    """The local LinkedIn."""

    name = "linkedin"

    def setup(self) -> None:
        self.jobs: dict[str, dict[str, Any]] = {job["id"]: job for job in self.data["postings"]}
        self.facts = {job_id: job["facts"] for job_id, job in self.jobs.items()}
        route = self.route
        route("GET", "/jobs-guest/jobs/api/seeMoreJobPostings/search", self.guest_api, guest=True, xhr=True)
        route("GET", "/jobs/search", self.search, guest=True)
        route("GET", "/jobs/search/", self.search, guest=True)
        route("GET", "/jobs-guest/jobs/api/jobPosting/{id}", self.posting_api, guest=True, xhr=True)
        route("GET", "/jobs/view/externalApply/{id}", self.external_apply)
        route("GET", "/jobs/view/{slug}", self.job_view, guest=True)
        route("GET", "/jobs/view/{slug}/", self.job_view, guest=True)
        route("GET", "/jobs/api/member/search", self.member_api, xhr=True)
        route("GET", "/jobs/api/member/jobPosting/{id}", self.member_pane, xhr=True)
        route("GET", "/jobs/api/easy-apply/{id}", self.easy_apply_form, xhr=True)
        route("POST", "/jobs/api/easy-apply/{id}/submit", self.easy_apply_submit)
        route("GET", "/login", self.login)
        route("POST", "/checkpoint/lg/login-submit", self.login_submit)
        route("GET", "/feed/", self.feed)
        route("GET", "/authwall", self.authwall)
        route("GET", "/checkpoint/challengesV2/{token}", self.challenge)
        route("GET", "/company/{slug}", self.company)
        route("GET", "/company/{slug}/life/", self.company)

    # ------------------------------------------------------------------------------- walls, session

    def is_member(self, request: Request) -> bool:
        return request.cookies.get("li_at", "") in self.state.sessions

    def checkpoint_page(self, request: Request) -> Response:
        return Response.redirect(f"/checkpoint/challengesV2/AQH{self.deploy}?original_referer={quote(request.target)}")

    def exempt(self, request: Request) -> bool:
        return request.path.startswith("/checkpoint/challengesV2/")

    def login_wall(self, request: Request) -> Response | None:
        if self.is_member(request):
            return None
        redirect = quote(self.link(request.target), safe="")
        return Response.redirect(f"/authwall?trk=public_jobs_guest&sessionRedirect={redirect}")

    def results(self, params: dict[str, str]) -> list[str]:
        if self.behaviour.empty:
            return []
        return select(self.data["sequence"], self.facts, query_of(params), self.now)

    def job(self, request: Request) -> dict[str, Any] | None:
        key = request.params.get("id") or request.params.get("slug", "")
        return self.jobs.get(key.rsplit("-", 1)[-1])

    # ------------------------------------------------------------------------------------- guest

    def _cards(self, ids: list[str], start: int) -> str:
        bad = self.behaviour.malformed
        return "".join(render.card(self.jobs[i], self.link, start + n, malformed=bad) for n, i in enumerate(ids))

    async def guest_api(self, request: Request) -> Response:
        params = request.query
        ids = self.results(params)
        start = int(params.get("start") or 0)
        if start >= 1000 or start > len(ids):
            return Response.html("", 400)
        return Response.html(self._cards(ids[start : start + GUEST_PAGE], start))

    async def search(self, request: Request) -> Response:
        params = request.query
        ids = self.results(params)
        if self.is_member(request):
            return self._member_search(params, ids)
        start = int(params.get("start") or 0)
        api_params = {k: v for k, v in params.items() if k not in ("start", "pageNum")}
        api = "/jobs-guest/jobs/api/seeMoreJobPostings/search?" + urlencode(api_params)
        html = render.search_page(
            self._cards(ids[start : start + GUEST_PAGE], start),
            total=len(ids),
            keywords=params.get("keywords", ""),
            location=params.get("location", ""),
            api=api,
            late=self.behaviour.late_xhr > 0,
            more_after=self.behaviour.show_more_after,
        )
        return Response.html(html)

    async def posting_api(self, request: Request) -> Response:
        job = self.job(request)
        if job is None:
            return Response.html("", 404)
        return Response.html(render.detail(job, self.link, malformed=self.behaviour.malformed))

    async def job_view(self, request: Request) -> Response:
        job = self.job(request)
        if job is None:
            return Response.html(render.page("Page not found | LinkedIn", "<h1>This page doesn’t exist</h1>"), 404)
        if self.is_member(request):
            body = f'<main class="scaffold-layout__main">{self._pane(job)}</main>'
            return Response.html(render.page(f"{job['title']} | LinkedIn", body, scripts=("easy-apply.js",)))
        detail = render.detail(job, self.link, heading="h1", malformed=self.behaviour.malformed)
        body = f'<main class="main">{detail}</main>'
        return Response.html(render.page(f"{job['title']} | {job['company']} | LinkedIn", body))

    async def external_apply(self, request: Request) -> Response:
        return Response.redirect(request.query.get("url") or "/")

    # ------------------------------------------------------------------------------------ member

    def _pane(self, job: dict[str, Any]) -> str:
        applied = any(s["job_id"] == job["id"] for s in self.state.submissions)
        return member.pane(job, self.link, applied=applied, malformed=self.behaviour.malformed)

    def _member_cards(self, ids: list[str], start: int) -> str:
        bad = self.behaviour.malformed
        return "".join(
            member.member_card(self.jobs[i], self.hashed, n, malformed=bad)
            for n, i in enumerate(ids[start : start + MEMBER_PAGE])
        )

    def _member_search(self, params: dict[str, str], ids: list[str]) -> Response:
        start = int(params.get("start") or 0)
        late = self.behaviour.late_xhr > 0
        current = self.jobs.get(params.get("currentJobId", "")) or (self.jobs[ids[start]] if start < len(ids) else None)
        html = member.member_search_page(
            "" if late else self._member_cards(ids, start),
            total=len(ids),
            pages=max(1, math.ceil(len(ids) / MEMBER_PAGE)),
            current=start // MEMBER_PAGE + 1,
            pane_html=self._pane(current) if current and not late else "",
            api="/jobs/api/member/search?" + urlencode(params) if late else "",
        )
        return Response.html(html)

    async def member_api(self, request: Request) -> Response:
        if not self.is_member(request):
            return Response.json({"status": 401}, 401)
        params = request.query
        return Response.html(self._member_cards(self.results(params), int(params.get("start") or 0)))

    async def member_pane(self, request: Request) -> Response:
        job = self.job(request)
        if not self.is_member(request) or job is None:
            return Response.html("", 401 if job else 404)
        return Response.html(self._pane(job))

    def limit_reached(self) -> bool:
        after = self.behaviour.daily_limit_after
        return self.behaviour.daily_limit or (after is not None and len(self.state.submissions) >= after)

    async def easy_apply_form(self, request: Request) -> Response:
        job = self.job(request)
        if not self.is_member(request) or job is None or not job["easy_apply"]:
            return Response.json({"status": 404}, 404)
        return Response.json(
            {
                "jobId": job["id"],
                "title": job["title"],
                "company": job["company"],
                "steps": self.data["forms"][job["form"]],
                "limit": self.limit_reached(),
                "limitMessage": member.LIMIT_MESSAGE,
                "shadow": self.behaviour.shadow_root,
                "resumes": RESUMES,
            }
        )

    async def easy_apply_submit(self, request: Request) -> Response:
        job = self.job(request)
        if not self.is_member(request) or job is None:
            return Response.json({"status": 401}, 401)
        if self.limit_reached():
            return Response.json({"error": "limit", "message": member.LIMIT_MESSAGE}, 429)
        body = request.json() or {}
        self.state.submissions.append(
            {
                "job_id": job["id"],
                "answers": body.get("answers", {}),
                "resume": body.get("resume"),
                "follow_company": body.get("follow_company"),
            }
        )
        return Response.json({"ok": True, "company": job["company"]})

    # ------------------------------------------------------------------------------ login, walls

    async def login(self, request: Request) -> Response:
        return Response.html(member.login_page(self.behaviour.login_variant))

    async def login_submit(self, request: Request) -> Response:
        form = request.form()
        if (form.get("session_key"), form.get("session_password")) != tuple(self.behaviour.credentials):
            error = "Wrong email or password. Try again or create an account."
            return Response.html(member.login_page(self.behaviour.login_variant, error))
        token = secrets.token_hex(16)
        self.state.sessions.add(token)
        response = Response.redirect("/feed/", 303)
        response.headers.append(("Set-Cookie", f"li_at={token}; Path=/; HttpOnly; SameSite=Lax"))
        return response

    async def feed(self, request: Request) -> Response:
        if not self.is_member(request):
            return Response.redirect("/login?fromSignIn=true&trk=guest_homepage")
        body = (
            '<main class="scaffold-layout__main"><h1>Home</h1><div class="feed-identity-module">Jobseeker</div></main>'
        )
        return Response.html(render.page("Feed | LinkedIn", body))

    async def authwall(self, request: Request) -> Response:
        body = (
            '<main class="authwall-join-form"><h1>Join LinkedIn to see more jobs</h1>'
            '<a class="authwall-join-form__form-toggle--bottom" href="/login">Sign in</a></main>'
        )
        return Response.html(render.page("Sign Up | LinkedIn", body))

    async def challenge(self, request: Request) -> Response:
        return Response.html(member.checkpoint_page())

    async def company(self, request: Request) -> Response:
        name = request.params["slug"].replace("-", " ").title()
        return Response.html(
            render.page(f"{name} | LinkedIn", f'<main><h1 class="top-card-layout__title">{name}</h1></main>')
        )
