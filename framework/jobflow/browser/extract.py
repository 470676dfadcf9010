"""Records from a listing page: one per element matching an item selector, fields read by CSS selectors.

Used by the generic ``browser.extract`` step and open to site plugins. Every field is read in the page in
one round trip: its text (whitespace collapsed), an attribute (``href`` and ``src`` resolved to absolute
URLs) or its inner HTML. Pagination follows a "next" link by navigating to it (a rate token first, then the
site's wait) or clicks a "next" button and waits until the old items are replaced.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from jobflow.browser.driver import DRIVER_ERRORS, TIMEOUT_ERRORS, Page
from jobflow.browser.human import click
from jobflow.browser.waits import goto, wait_until
from jobflow.errors import SiteChanged, StepTimeout
from jobflow.spec.models import WaitSpec

__all__ = ["FieldRule", "extract_records", "follow_next"]


@dataclass(frozen=True)
class FieldRule:
    """How one field is read inside an item: ``selector`` (empty: the item itself), then text, attribute or HTML."""

    selector: str = ""
    attribute: str | None = None
    html: bool = False

    def as_js(self) -> dict[str, Any]:
        return {"selector": self.selector, "attribute": self.attribute, "html": self.html}


_READ_ITEMS = """
([items, fields]) => Array.from(document.querySelectorAll(items), (item) => {
  const record = {};
  for (const [name, rule] of Object.entries(fields)) {
    const target = rule.selector ? item.querySelector(rule.selector) : item;
    if (!target) { record[name] = null; continue; }
    if (rule.html) { record[name] = target.innerHTML; continue; }
    if (rule.attribute) {
      const raw = target.getAttribute(rule.attribute);
      const resolved = (rule.attribute === "href" || rule.attribute === "src") && raw !== null
        ? new URL(raw, document.baseURI).href : raw;
      record[name] = resolved;
      continue;
    }
    record[name] = (target.textContent || "").replace(/\\s+/g, " ").trim();
  }
  return record;
})
"""

_NEXT_TARGET = """
(element) => {
  const link = element.closest("a[href]");
  const href = link ? link.getAttribute("href") : null;
  if (!href || href.startsWith("#") || href.toLowerCase().startsWith("javascript:")) return null;
  return new URL(href, document.baseURI).href;
}
"""


async def extract_records(page: Page, items: str, fields: dict[str, FieldRule]) -> list[dict[str, Any]]:
    """One record per element matching the CSS selector ``items`` on ``page`` (none: an empty list).

    Raises ``SiteChanged`` when a selector is not valid CSS.
    """
    rules = {name: rule.as_js() for name, rule in fields.items()}
    try:
        # One evaluation in the page (the driver's selector helpers cost a second round trip per call).
        records: list[dict[str, Any]] = await page.evaluate(_READ_ITEMS, [items, rules])
    except DRIVER_ERRORS as exc:
        if "SyntaxError" in str(exc) or "is not a valid selector" in str(exc):
            raise SiteChanged(f"a selector of items {items!r} or its fields is not valid CSS") from exc
        raise
    return records


async def follow_next(
    page: Page,
    next_selector: str,
    items: str,
    wait: WaitSpec,
    *,
    seen: set[str],
    before: Callable[[], Awaitable[object]] | None = None,
) -> bool:
    """Go to the next page of a listing; ``False`` when there is no usable "next" element.

    A link (or an element inside one) is followed by navigation, unless its URL is in ``seen`` (the pages
    already read: a pager that loops ends there); anything else is clicked like a person would, and the
    old first item must leave the page before the new items are awaited with ``wait``. ``before`` runs
    just before the navigation or click (the step takes a rate token there).
    """
    target = page.locator(next_selector).first
    if await target.count() == 0 or not await target.is_visible():
        return False
    if await target.is_disabled() or await target.get_attribute("aria-disabled") == "true":
        return False
    href = await target.evaluate(_NEXT_TARGET)
    if href:
        if str(href) in seen:
            return False
        if before is not None:
            await before()
        await goto(page, str(href), wait)
        return True
    old = await page.query_selector(items)
    if before is not None:
        await before()
    await click(target, within=wait.timeout.total_seconds())
    if old is not None:
        try:
            await old.wait_for_element_state("hidden", timeout=wait.timeout.total_seconds() * 1000)
        except TIMEOUT_ERRORS as exc:
            within = wait.timeout.total_seconds()
            raise StepTimeout(
                f"clicking {next_selector!r} did not replace the items {items!r} within {within:g}s"
            ) from exc
    await wait_until(page, wait)
    return True
