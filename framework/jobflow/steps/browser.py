"""Generic browser steps for any site, from YAML alone: ``browser.open`` and ``browser.extract``.

::

    - id: open
      uses: browser.open
      with: {url: "https://careers.example.com/jobs"}
    - id: jobs
      uses: browser.extract
      with:
        items: "li.job"
        fields:
          title: "h2"
          link: {selector: "a", attribute: href}
        next: "a[rel=next]"
        max_pages: 5

Both lease pages from the run's browser pool, so they get its stealth, the site's wait strategy, rate limit
and session, and a screenshot with the HTML when they fail. Their site is the step's ``site:`` (default
``web``); configure it under the workflow's ``sites:`` (``base_url``, ``wait``, ``rate``). ``browser.extract``
without ``url`` reads the page a previous step of the same site left open.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from jobflow.errors import SiteChanged, StepError
from jobflow.hookspecs import hookimpl
from jobflow.spec.models import WaitSpec
from jobflow.steptype import StepContext, StepOutputs, StepParams, StepType, step

__all__ = ["DEFAULT_SITE", "ExtractParams", "FieldSpec", "OpenParams", "extract_step", "open_step"]

DEFAULT_SITE = "web"
"""The site of a browser step that names none: one identity (cookies, rate) for the generic steps."""


def _wait(ctx: StepContext, override: WaitSpec | None) -> WaitSpec:
    """The step's own ``with.wait``, else the effective wait (step > site > defaults), else ``load``."""
    effective = ctx.extras.get("wait")
    return override or (effective if isinstance(effective, WaitSpec) else None) or WaitSpec()


def _absolute(ctx: StepContext, url: str) -> str:
    """``url`` joined to the site's ``base_url`` when it is relative."""
    from urllib.parse import urljoin

    base = ctx.site.base_url if ctx.site is not None else None
    return urljoin(base, url) if base and "://" not in url else url


class OpenParams(StepParams):
    url: str = Field(description="The address to open; relative to the site's base_url when it has one.")
    wait: WaitSpec | None = Field(default=None, description="When the page counts as ready (default: the site's).")


class OpenOutputs(StepOutputs):
    url: str = ""
    """The final address, after redirects."""
    status: int | None = None
    """The HTTP status of the main document (``None`` for a page served without one, such as ``about:``)."""
    title: str = ""


@step("browser.open", params=OpenParams, outputs=OpenOutputs, site=DEFAULT_SITE)
async def open_step(ctx: StepContext, params: OpenParams) -> OpenOutputs:
    """Open a page in the shared browser and wait until it is ready; it stays the site's current page."""
    from jobflow.browser.waits import goto

    async with ctx.page() as page:
        response = await goto(page, _absolute(ctx, params.url), _wait(ctx, params.wait))
        title = await page.title()
        ctx.log.info("page_opened", url=page.url, status=response.status if response else None)
        return OpenOutputs(url=page.url, status=response.status if response else None, title=title)


class FieldSpec(StepParams):
    """One field of each record: the element (``selector`` inside the item; empty: the item) and what to read."""

    selector: str = ""
    attribute: str | None = None
    """Read this attribute (``href`` and ``src`` come back as absolute URLs) instead of the text."""
    html: bool = False
    """Read the element's inner HTML instead of its text."""

    @model_validator(mode="after")
    def _one_kind(self) -> FieldSpec:
        if self.html and self.attribute:
            raise ValueError("a field reads either an attribute or the html, not both")
        return self


class ExtractParams(StepParams):
    url: str | None = Field(default=None, description="Open this first; without it, read the site's current page.")
    items: str = Field(description="CSS selector of each record's element.")
    fields: dict[str, str | FieldSpec] = Field(
        min_length=1, description="Field name -> CSS selector (its text) or {selector, attribute | html}."
    )
    next: str | None = Field(default=None, description="CSS selector of the 'next page' link or button.")
    max_pages: int = Field(default=10, ge=1, le=1000, description="Pages read at most (with `next`).")
    limit: int | None = Field(default=None, ge=1, description="Records returned at most.")
    allow_empty: bool = Field(default=False, description="A first page without items is a result, not SiteChanged.")
    wait: WaitSpec | None = Field(default=None, description="When each page counts as ready (default: the site's).")


class ExtractOutputs(StepOutputs):
    records: list[dict[str, Any]] = Field(default_factory=list)
    pages: int = 0
    """Pages read."""
    url: str = ""
    """The address of the last page read."""


@step("browser.extract", params=ExtractParams, outputs=ExtractOutputs, site=DEFAULT_SITE)
async def extract_step(ctx: StepContext, params: ExtractParams) -> ExtractOutputs:
    """Read a list of records from a page (and its next pages): one per item, fields by CSS selectors."""
    from jobflow.browser.extract import FieldRule, extract_records, follow_next
    from jobflow.browser.waits import goto

    wait = _wait(ctx, params.wait)
    rules = {
        name: FieldRule(selector=spec) if isinstance(spec, str) else FieldRule(spec.selector, spec.attribute, spec.html)
        for name, spec in params.fields.items()
    }

    async def throttle() -> float:  # one rate token per further page, as for every navigation
        pool = ctx.extras["browser"]  # there is one: the page lease below found it
        return float(await pool.throttle(ctx.site_name))

    records: list[dict[str, Any]] = []
    pages = 0
    async with ctx.page() as page:
        if params.url is not None:
            await goto(page, _absolute(ctx, params.url), wait)
        elif page.url in ("", "about:blank"):
            raise StepError(
                f"step {ctx.step_id!r}: site {ctx.site_name!r} has no page open: give `url` or run browser.open first"
            )
        seen: set[str] = set()
        while True:
            seen.add(page.url)
            found = await extract_records(page, params.items, rules)
            pages += 1
            if not found and pages == 1 and not params.allow_empty:
                raise SiteChanged(f"no element matches items {params.items!r} on {page.url}")
            records.extend(found)
            if params.limit is not None and len(records) >= params.limit:
                del records[params.limit :]
                break
            if params.next is None or pages >= params.max_pages:
                break
            if not await follow_next(page, params.next, params.items, wait, seen=seen, before=throttle):
                break
        ctx.log.info("records_extracted", records=len(records), pages=pages, url=page.url)
        return ExtractOutputs(records=records, pages=pages, url=page.url)


STEPS: tuple[StepType[Any, Any], ...] = (open_step, extract_step)


@hookimpl
def register_steps(register: Any) -> None:
    for step_type in STEPS:
        register(step_type)
