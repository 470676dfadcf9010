"""The local LinkedIn's member markup (sites/README.md §1.4-§1.6): two-pane search, job pane, login, walls."""

# Markup and form data mirror the real sites' long lines and class lists.
# ruff: noqa: E501

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from jobflow.testing.sites.linkedin.render import MALFORMED_DATE, page

__all__ = [
    "LIMIT_MESSAGE",
    "checkpoint_page",
    "login_page",
    "member_card",
    "member_search_page",
    "pane",
]

LIMIT_MESSAGE = (
    "You've reached today's Easy Apply limit. Great effort applying today. We limit daily submissions to help "
    "ensure each application gets the right attention. Save this job and continue applying tomorrow."
)
VISIBLE_CARDS = 7
"""Member cards rendered up front; the rest are occluded until scrolled into view."""


def member_card(job: dict[str, Any], hashed: Callable[[str], str], index: int, *, malformed: bool = False) -> str:
    """One member search card; occluded (content in a ``<template>``) past :data:`VISIBLE_CARDS`."""
    member = job["member"]
    title = escape(job["title"])
    aria = f"{title} with verification" if member["verified"] else title
    location = "" if malformed and job["malformed"] else escape(job["member_location"])
    footer = ""
    if member["state"]:
        footer += (
            '<li class="job-card-container__footer-item job-card-container__footer-job-state t-bold">'
            f"{member['state']}</li>"
        )
    if member["promoted"]:
        footer += '<li class="job-card-container__footer-item inline-flex align-items-center"><span dir="ltr">Promoted</span></li>'
    if job["easy_apply"]:
        footer += (
            f'<li class="{hashed("ea")} job-card-container__footer-item inline-flex align-items-center">'
            '<svg role="img" aria-hidden="true" data-test-icon="linkedin-bug-color-small"></svg>'
            '<span dir="ltr">Easy Apply</span></li>'
        )
    insight = ""
    if member["insight"]:
        insight = (
            '<div class="job-card-list__insight"><div class="job-card-container__job-insight-text">'
            f"{escape(member['insight'])}</div></div>"
        )
    verified = '<svg role="img" aria-label="Verified job" class="text-view-model__verified-icon"></svg>'
    inner = f"""<div>
  <div data-job-id="{job["id"]}" class="display-flex job-card-container relative job-card-list job-card-container--clickable {hashed("card")}">
    <div class="artdeco-entity-lockup artdeco-entity-lockup--size-4 ember-view">
      <div class="artdeco-entity-lockup__title ember-view">
        <a class="disabled ember-view job-card-container__link job-card-list__title--link" tabindex="0"
           href="/jobs/view/{job["id"]}/?eBP=NOT_ELIGIBLE_FOR_CHARGING&amp;refId=m{index}&amp;trackingId=t{index}"
           aria-label="{aria}"><span aria-hidden="true"><strong>{title}</strong></span>{verified if member["verified"] else ""}</a>
      </div>
      <div class="artdeco-entity-lockup__subtitle ember-view"><span class="{hashed("company")}" dir="ltr">{job["company_html"]}</span></div>
      <div class="artdeco-entity-lockup__caption ember-view">
        <ul class="job-card-container__metadata-wrapper"><li class="{hashed("meta")}"><span dir="ltr">{location}</span></li></ul>
      </div>
    </div>
    {insight}
    <ul class="job-card-list__footer-wrapper job-card-container__footer-wrapper flex-shrink-zero display-flex t-sans t-12">{footer}</ul>
  </div>
</div>"""
    body = inner if index < VISIBLE_CARDS else f"<template>{inner}</template>"
    return (
        f'<li class="ember-view {hashed("li")} occludable-update p0 relative scaffold-layout__list-item" '
        f'id="ember{200 + index}" data-occludable-job-id="{job["id"]}">{body}</li>'
    )


def pane(job: dict[str, Any], link: Callable[[str], str], *, applied: bool, malformed: bool = False) -> str:
    """The member job details (right pane and ``/jobs/view/{id}/``) with the apply button."""
    title, company = escape(job["title"]), job["company_html"]
    posted = MALFORMED_DATE if malformed and job["malformed"] else job["detail_posted_text"]
    line = " · ".join(x for x in (job["location_html"].strip(), posted, job["applicants"] or "") if x)
    if applied:
        action = (
            '<div class="jobs-s-apply__application-link" id="jobs-apply-see-application-link">'
            'Applied just now <a href="#">See application</a></div>'
        )
    elif job["easy_apply"]:
        action = (
            f'<button id="jobs-apply-button-id" class="jobs-apply-button artdeco-button artdeco-button--3 '
            f'artdeco-button--primary ember-view" aria-label="Easy Apply to {title} at {escape(job["company"])}" '
            f'data-job-id="{job["id"]}" type="button"><span class="artdeco-button__text">Easy Apply</span></button>'
        )
    else:
        action = (
            f'<button class="jobs-apply-button artdeco-button artdeco-button--3 artdeco-button--primary" role="link" '
            f'aria-label="Apply to {title} on company website" data-href="{escape(job["external_url"] or "")}">'
            '<span class="artdeco-button__text">Apply</span><svg data-test-icon="link-external-small"></svg></button>'
        )
    company_link = link(f"/company/{job['company_slug']}/life/") if job["company_slug"] else "#"
    return f"""<div class="job-view-layout jobs-details" data-job-id="{job["id"]}">
  <div class="job-details-jobs-unified-top-card__container--two-pane">
    <div class="job-details-jobs-unified-top-card__company-name"><a href="{company_link}">{company}</a></div>
    <h1 class="t-24 t-bold inline"><a href="/jobs/view/{job["id"]}/">{title}</a></h1>
    <div class="job-details-jobs-unified-top-card__primary-description-container"><span class="tvm__text">{line}</span></div>
    <div class="jobs-s-apply jobs-s-apply--fadein inline-flex mr2">{action}</div>
  </div>
  <div class="jobs-box--fadein jobs-box--full-width jobs-box--with-cta-large jobs-description jobs-description--reformatted">
    <h2 class="text-heading-large">About the job</h2>
    <div class="jobs-box__html-content jobs-description-content__text" id="job-details">{job["description_html"]}</div>
  </div>
  <section class="jobs-company__box"><h2>About the company</h2><p>{company}</p></section>
</div>"""


def member_search_page(cards: str, *, total: int, pages: int, current: int, pane_html: str, api: str) -> str:
    """The logged-in two-pane search page (25 per page, occluded cards, pagination, right pane)."""
    if total == 0:
        body = (
            '<main class="scaffold-layout__main"><div class="jobs-search-two-pane__no-results-banner--expand">'
            "<h2>No matching jobs found.</h2><p>Try broadening your search.</p></div></main>"
        )
        return page("Jobs | LinkedIn", body, scripts=("member-search.js",))
    buttons = "".join(
        f'<li data-test-pagination-page-btn="{n}" class="artdeco-pagination__indicator artdeco-pagination__indicator--number'
        f'{" active selected" if n == current else ""}"><button aria-label="Page {n}" type="button"'
        f'{" aria-current=true" if n == current else ""} data-start="{(n - 1) * 25}"><span>{n}</span></button></li>'
        for n in range(1, pages + 1)
    )
    body = f"""<main class="scaffold-layout__main" id="main">
  <div class="scaffold-layout__list jobs-search-results-list" style="height:600px;overflow-y:auto">
    <header class="jobs-search-results-list__header"><div class="jobs-search-results-list__subtitle"><span>{total} results</span></div></header>
    <ul class="scaffold-layout__list-container">{cards}</ul>
    <div class="jobs-search-pagination jobs-search-results-list__pagination artdeco-pagination">
      <ul class="artdeco-pagination__pages artdeco-pagination__pages--number">{buttons}</ul>
    </div>
  </div>
  <div class="scaffold-layout__detail jobs-search__job-details--container">
    <div class="jobs-search__job-details--wrapper" id="job-details-pane">{pane_html}</div>
  </div>
</main>"""
    return page(
        "Jobs | LinkedIn", body, scripts=("member-search.js", "easy-apply.js"), attrs=f' data-api="{escape(api)}"'
    )


def login_page(variant: str, error: str = "") -> str:
    """``/login``: the classic form (ids, names) or the 2026 React form (SSO buttons above "Sign in")."""
    message = (
        f'<div id="error-for-password" class="form__label--error" role="alert">{escape(error)}</div>' if error else ""
    )
    if variant == "2026":
        sso = "".join(
            f'<button type="button" class="sso-button">Sign in with {p}</button>' for p in ("Apple", "Google")
        )
        form = f"""<form class="sign-in-form" method="post" action="/checkpoint/lg/login-submit" data-react-form>
  {sso}
  <input type="email" id="r-{variant}-1" autocomplete="username" data-field="session_key" required>
  <input type="email" style="display:none" tabindex="-1" aria-hidden="true">
  <input type="password" id="r-{variant}-2" autocomplete="current-password" data-field="session_password" required>
  <input type="password" style="display:none" tabindex="-1" aria-hidden="true">
  {message}
  <button type="button" class="sign-in-form__submit-btn">Sign in</button>
</form><script src="/static/login-2026.js"></script>"""
    else:
        form = f"""<form class="login__form" method="post" action="/checkpoint/lg/login-submit">
  <input id="username" name="session_key" type="email" autocomplete="username" aria-label="Email or phone" required>
  <input id="password" name="session_password" type="password" autocomplete="current-password" aria-label="Password" required>
  {message}
  <a href="/checkpoint/rp/request-password-reset">Forgot password?</a>
  <button class="btn__primary--large from__button--floating" type="submit" aria-label="Sign in">Sign in</button>
</form>"""
    return page("LinkedIn Login, Sign in | LinkedIn", f'<main class="app__content"><h1>Sign in</h1>{form}</main>')


def checkpoint_page() -> str:
    """``/checkpoint/challengesV2/…``: the security verification a bot must not try to solve."""
    body = """<main class="app__content"><h1>Let’s do a quick security check</h1>
<p>We want to make sure it’s really you.</p>
<div id="captcha-internal" data-test="captcha"><iframe title="Security verification" src="about:blank"></iframe></div>
<form id="pin-verification-form"><label for="input__email_verification_pin">Enter the code</label>
<input id="input__email_verification_pin" name="pin" type="text"><button id="email-pin-submit-button" type="submit">Submit</button></form>
</main>"""
    return page("Security Verification | LinkedIn", body)
