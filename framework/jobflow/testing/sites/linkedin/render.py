"""The local LinkedIn's guest markup (sites/README.md §1.1-§1.3): search cards, posting detail, walls."""

# Markup and form data mirror the real sites' long lines and class lists.
# ruff: noqa: E501

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import quote

__all__ = ["card", "detail", "page", "search_page"]

MALFORMED_SALARY = "Competitive salary"
MALFORMED_DATE = "recently"


def page(title: str, body: str, *, scripts: tuple[str, ...] = (), attrs: str = "") -> str:
    """A full HTML document."""
    tags = "".join(f'<script src="/static/{name}"></script>' for name in scripts)
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title></head>'
        f'<body class="guest"{attrs}>{body}{tags}</body></html>'
    )


def card(job: dict[str, Any], link: Any, index: int, *, malformed: bool = False) -> str:
    """One guest search card ``<li>`` (the JobSpy-era markup)."""
    job_id = job["id"]
    href = link(f"/jobs/view/{job['slug']}-{job_id}?position={index + 1}&pageNum=0&refId=r{index}&trackingId=t{index}")
    href += "&trk=public_jobs_jserp-result_search-card"
    company = job["company_html"]
    if job["company_slug"]:
        company_url = link(f"/company/{job['company_slug']}?trk=public_jobs_jserp-result_job-search-card-subtitle")
        company = f'<a class="hidden-nested-link" data-tracking-will-navigate href="{company_url}">{company}</a>'
    salary = job["salary_card"]
    bad = malformed and job["malformed"]
    if bad:
        salary = MALFORMED_SALARY
    salary_html = f'<span class="job-search-card__salary-info">\n  {escape(salary)}\n</span>' if salary else ""
    benefit = ""
    if job["benefit"]:
        benefit = (
            '<div class="job-posting-benefits text-sm"><icon class="job-posting-benefits__icon"></icon>'
            f'<span class="job-posting-benefits__text">\n  {escape(job["benefit"])}\n</span></div>'
        )
    time_class = "job-search-card__listdate--new" if job["posted_new"] else "job-search-card__listdate"
    if bad:
        time_html = f'<time class="{time_class}">\n  {MALFORMED_DATE}\n</time>'
    else:
        time_html = f'<time class="{time_class}" datetime="{job["posted_date"]}">\n  {job["posted_text"]}\n</time>'
    logo = (
        f'<img class="artdeco-entity-image artdeco-entity-image--square-4" data-delayed-url="{link(job["logo"])}" '
        f'alt="{escape(job["title"])}">'
        if job["logo"]
        else '<img class="artdeco-entity-image artdeco-entity-image--square-4 ghost" alt="">'
    )
    return f"""<li>
  <div class="base-card relative w-full hover:no-underline focus:no-underline base-card--link base-search-card base-search-card--link job-search-card"
       data-entity-urn="urn:li:jobPosting:{job_id}" data-impression-id="jobs-search-result-{index}"
       data-reference-id="ref{index}" data-tracking-id="trk{index}" data-column="1" data-row="{index + 1}">
    <a class="base-card__full-link absolute top-0 right-0 bottom-0 left-0 p-0 z-[2]" href="{escape(href)}"
       data-tracking-control-name="public_jobs_jserp-result_search-card">
      <span class="sr-only">{job["title_html"]}</span>
    </a>
    <div class="search-entity-media">{logo}</div>
    <div class="base-search-card__info">
      <h3 class="base-search-card__title">{job["title_html"]}</h3>
      <h4 class="base-search-card__subtitle">{company}</h4>
      <div class="base-search-card__metadata">
        <span class="job-search-card__location">{job["location_html"]}</span>
        {salary_html}
        {benefit}
        {time_html}
      </div>
    </div>
  </div>
</li>"""


def _apply(job: dict[str, Any], link: Any) -> str:
    if job["easy_apply"]:
        return (
            '<button class="sign-up-modal__outlet top-card-layout__cta mt-2 ml-1.5 h-auto babybear:flex-auto '
            'top-card-layout__cta--primary btn-md btn-primary" data-tracking-control-name='
            '"public_jobs_apply-link-onsite" data-modal="sign-up-modal">Easy Apply</button>'
        )
    comment = ""
    if job["apply_comment"]:
        target = link(f"/jobs/view/externalApply/{job['id']}?url={quote(job['external_url'], safe='')}&urlHash=ab12")
        comment = f'<code id="applyUrl" style="display: none"><!--"{target}"--></code>'
    return (
        f'{comment}<button class="sign-up-modal__outlet top-card-layout__cta mt-2 ml-1.5 h-auto '
        'top-card-layout__cta--primary btn-md btn-primary" '
        'data-tracking-control-name="public_jobs_apply-link-offsite_sign-up-modal">Apply '
        '<icon class="apply-button__offsite-apply-icon"></icon></button>'
    )


def detail(job: dict[str, Any], link: Any, *, heading: str = "h2", malformed: bool = False) -> str:
    """The guest posting markup: top card, compensation, description, criteria (§1.2)."""
    bad = malformed and job["malformed"]
    company = job["company_html"]
    if job["company_slug"]:
        company_url = link(f"/company/{job['company_slug']}?trk=public_jobs_topcard-org-name")
        company = f'<a class="topcard__org-name-link topcard__flavor--black-link" href="{company_url}">{company}</a>'
    applicants = ""
    if job["applicants"]:
        tag = "span" if job["applicants"].startswith("Over") else "figcaption"
        applicants = (
            f'<{tag} class="num-applicants__caption topcard__flavor--metadata">\n {job["applicants"]}\n</{tag}>'
        )
    salary = MALFORMED_SALARY if bad else job["salary_detail"]
    compensation = ""
    if salary:
        compensation = (
            '<section class="compensation core-section-container"><h3 class="compensation__heading">Base pay range'
            f'</h3><div class="salary compensation__salary">\n      {escape(salary)}\n    </div></section>'
        )
    criteria = "".join(
        f'<li class="description__job-criteria-item"><h3 class="description__job-criteria-subheader">\n {escape(h)}\n'
        f'</h3><span class="description__job-criteria-text description__job-criteria-text--criteria">\n {escape(v)}\n'
        "</span></li>"
        for h, v in job["criteria"]
    )
    logo = ""
    if job["logo"]:
        logo = (
            f'<img class="artdeco-entity-image artdeco-entity-image--square-5" data-delayed-url="{link(job["logo"])}">'
        )
    posted = MALFORMED_DATE if bad else job["detail_posted_text"]
    return f"""<section class="top-card-layout container-lined overflow-hidden babybear:rounded-[0px]">
  <a href="{link(f"/company/{job['company_slug'] or 'unknown'}?trk=public_jobs_topcard_logo")}">{logo}</a>
  <div class="top-card-layout__entity-info-container flex flex-wrap papabear:flex-nowrap">
   <div class="top-card-layout__entity-info flex-grow flex-shrink-0 basis-0 babybear:flex-none babybear:w-full">
    <a class="topcard__link" href="{link(f"/jobs/view/{job['id']}")}">
      <{heading} class="top-card-layout__title font-sans text-lg papabear:text-xl font-bold leading-open text-color-text mb-0 topcard__title">{job["title_html"]}</{heading}>
    </a>
    <h4 class="top-card-layout__second-subline font-sans text-sm leading-open text-color-text-low-emphasis mt-0.5">
      <div class="topcard__flavor-row">
        <span class="topcard__flavor">{company}</span>
        <span class="topcard__flavor topcard__flavor--bullet">{job["location_html"]}</span>
      </div>
      <div class="topcard__flavor-row">
        <span class="posted-time-ago__text topcard__flavor--metadata">\n  {posted}\n</span>
        {applicants}
      </div>
    </h4>
    {_apply(job, link)}
   </div>
  </div>
</section>
{compensation}
<section class="core-section-container my-3 description">
  <div class="description__text description__text--rich">
    <section class="show-more-less-html" data-max-lines="5">
      <div class="show-more-less-html__markup show-more-less-html__markup--clamp-after-5 relative overflow-hidden">{job["description_html"]}</div>
      <button class="show-more-less-html__button show-more-less-button show-more-less-html__button--more" aria-label="i18n_show_more">Show more</button>
    </section>
  </div>
  <ul class="description__job-criteria-list">{criteria}</ul>
</section>"""


def search_page(cards: str, *, total: int, keywords: str, location: str, api: str, late: bool, more_after: int) -> str:
    """The guest search page: first cards, infinite scroll, "See more jobs", the end notice (§1.3)."""
    where = escape(location or "Worldwide")
    if total == 0:
        body = (
            '<main class="main"><section class="core-section-container no-results">'
            f'<h2 class="core-section-container__main-title">We couldn’t find a match for {escape(keywords)}</h2>'
            "<p>Try using more general terms or turn off filters.</p></section></main>"
        )
        return page(f"0 {escape(keywords)} Jobs in {where}", body)
    body = f"""<main class="main" id="main-content">
  <section class="results-context-header">
    <h1 class="results-context-header__context"><span class="results-context-header__job-count">{total:,}</span>
      <span class="results-context-header__query-search">{escape(keywords)} Jobs in {where}</span></h1>
  </section>
  <section class="two-pane-serp-page__results-list">
    <ul class="jobs-search__results-list">{"" if late else cards}</ul>
    <button class="infinite-scroller__show-more-button" aria-label="See more jobs" hidden>See more jobs</button>
    <div class="inline-notification see-more-jobs__viewed-all" hidden>
      <p class="inline-notification__text text-sm leading-regular">You've viewed all jobs for this search</p>
    </div>
  </section>
</main>"""
    attrs = f' data-api="{escape(api)}" data-late="{int(late)}" data-show-more-after="{more_after}"'
    return page(f"{total} {keywords} Jobs in {where}", body, scripts=("guest-search.js",), attrs=attrs)
