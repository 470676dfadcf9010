"""The Easy Apply modal: steps, buttons, resume upload, the review, the daily-limit message (§1.5).

Every lookup is scoped to the dialog (a document-wide "Next" would hit the pagination), and Playwright's
CSS and role locators pierce the open shadow root the 2026 variant renders the modal into. After each
button press the modal is awaited until its state changes (heading, progress, errors, buttons), never for
a fixed time.
"""

from __future__ import annotations

from pathlib import Path

from jobflow.browser import human
from jobflow.browser.driver import TIMEOUT_ERRORS, Locator, Page
from jobflow.errors import SiteChanged
from jobflow.postings.parse import clean_text
from jobflow_linkedin import selectors as S
from jobflow_linkedin.pages.fields import FormField, read_fields

__all__ = ["EasyApplyModal"]

_SIGNATURE = """(el, s) => {
  const one = (sel) => el.querySelector(sel);
  const region = one(s.progress);
  const buttons = Array.from(el.querySelectorAll("button")).map((b) => b.getAttribute("aria-label") || b.textContent);
  return [one(s.heading) ? one(s.heading).textContent : "", region ? region.getAttribute("aria-label") : "",
          el.querySelectorAll(s.error).length, el.querySelectorAll(s.element).length, buttons.join(",")].join("|");
}"""
_CHANGED = f"([el, s, before]) => ({_SIGNATURE})(el, s) !== before"


class EasyApplyModal:
    """The open Easy Apply dialog of one page."""

    def __init__(self, page: Page, *, timeout_ms: float) -> None:
        self.page = page
        self.dialog: Locator = page.locator(S.DIALOG).first
        self.timeout_ms = timeout_ms
        self._selectors = {
            "heading": S.STEP_HEADING, "progress": S.PROGRESS, "error": S.INLINE_ERROR, "element": S.FORM_ELEMENT,
        }  # fmt: skip

    async def wait_open(self) -> None:
        """Wait for the dialog; ``SiteChanged`` when it never shows."""
        try:
            await self.dialog.wait_for(state="visible", timeout=self.timeout_ms)
        except TIMEOUT_ERRORS as exc:
            raise SiteChanged(f"LinkedIn's Easy Apply dialog did not open on {self.page.url}") from exc

    async def text(self) -> str:
        return clean_text(" ".join(await self.dialog.all_text_contents()))

    async def limit_message(self) -> str | None:
        """LinkedIn's daily Easy Apply limit message, when the dialog shows it."""
        text = await self.text()
        return text if any(marker.casefold() in text.casefold() for marker in S.DAILY_LIMIT_TEXTS) else None

    async def sent(self) -> bool:
        """Whether the dialog confirms the application was sent."""
        text = await self.text()
        return any(marker in text for marker in S.SENT_TEXTS)

    async def heading(self) -> str:
        found = await self.dialog.locator(S.STEP_HEADING).all_text_contents()
        return clean_text(found[0]) if found else ""

    async def fields(self) -> list[FormField]:
        return await read_fields(self.dialog)

    async def errors(self) -> list[str]:
        """The inline error messages the step shows (a rejected or missing answer)."""
        return [clean_text(t) for t in await self.dialog.locator(S.INLINE_ERROR).all_text_contents() if t.strip()]

    async def primary(self) -> str | None:
        """The step's primary button: "Submit application", "Review your application" or "Continue to next step"."""
        for name in S.PRIMARY_NAMES:
            if await self.dialog.get_by_role("button", name=name, exact=True).count():
                return name
        return None

    async def _signature(self) -> str:
        result: str = await self.dialog.evaluate(_SIGNATURE, self._selectors)
        return result

    async def press(self, name: str) -> None:
        """Click the dialog's button ``name`` and wait until the dialog changes (``SiteChanged`` if it never does)."""
        before = await self._signature()
        await human.click(self.dialog.get_by_role("button", name=name, exact=True))
        handle = await self.dialog.element_handle(timeout=self.timeout_ms)
        try:
            await self.page.wait_for_function(_CHANGED, arg=[handle, self._selectors, before], timeout=self.timeout_ms)
        except TIMEOUT_ERRORS as exc:
            raise SiteChanged(f"LinkedIn's Easy Apply dialog did not react to {name!r}") from exc

    async def has_resume_upload(self) -> bool:
        return await self.dialog.locator(S.RESUME_FILE_INPUT).count() > 0

    async def selected_resume(self) -> str | None:
        found = await self.dialog.locator(S.RESUME_SELECTED).all_text_contents()
        return clean_text(found[0]) if found else None

    async def upload_resume(self, path: Path) -> None:
        """Upload ``path`` and wait until it is the selected resume (or the dialog rejects it)."""
        await self.dialog.locator(S.RESUME_FILE_INPUT).set_input_files(str(path))
        chosen = self.dialog.locator(S.RESUME_SELECTED).filter(has_text=path.name)
        settled = chosen.or_(self.dialog.locator(S.INLINE_ERROR)).first
        try:
            await settled.wait_for(state="attached", timeout=self.timeout_ms)
        except TIMEOUT_ERRORS as exc:
            raise SiteChanged(f"LinkedIn's Easy Apply dialog never showed the uploaded resume {path.name}") from exc

    async def set_follow_company(self, follow: bool) -> None:
        """Tick or untick "Follow <company>" on the last step."""
        box = self.dialog.locator(S.FOLLOW_COMPANY)
        if await box.count() and await box.is_checked() != follow:
            await human.click(box)

    async def screenshot(self, path: Path) -> Path:
        """The page as it looks now (the review), saved to ``path``."""
        path.parent.mkdir(parents=True, exist_ok=True)
        await self.page.screenshot(path=str(path), animations="disabled", timeout=self.timeout_ms)
        return path

    async def close(self) -> None:
        """Close the dialog ("Done" after sending); an application in progress is discarded, not saved."""
        if not await self.page.locator(S.DIALOG).count():
            return
        done = self.dialog.get_by_role("button", name=S.DONE_NAME, exact=True)
        in_progress = await self.dialog.locator("form").count() > 0
        try:
            if await done.count():
                await human.click(done)
            else:
                await human.click(self.dialog.locator(S.DIALOG_DISMISS).first)
                if in_progress:
                    confirm = self.page.locator(S.CONFIRM_DIALOG).get_by_role("button", name=S.DISCARD_NAME, exact=True)
                    await confirm.wait_for(state="visible", timeout=self.timeout_ms)
                    await human.click(confirm)
            await self.page.locator(S.DIALOG).first.wait_for(state="detached", timeout=self.timeout_ms)
        except TIMEOUT_ERRORS as exc:
            raise SiteChanged("LinkedIn's Easy Apply dialog did not close") from exc
