"""The sign-in screens: the feed (is the stored session still signed in?) and the login form (§1.6).

Both login variants are handled: the classic form (``#username``/``#password``, a submit button) and the
2026 React form (no ids or names, hidden duplicate inputs, "Sign in with …" SSO buttons above the real
button, whose accessible name is exactly "Sign in"). Typing goes through :mod:`jobflow.browser.human`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from jobflow.browser import human
from jobflow.browser.driver import TIMEOUT_ERRORS, Page
from jobflow.browser.waits import goto
from jobflow.errors import Checkpoint, LoginRequired, SiteChanged
from jobflow.postings.parse import clean_text
from jobflow.spec.models import WaitSpec
from jobflow_linkedin import selectors as S
from jobflow_linkedin.walls import CHECKPOINT_MESSAGE, is_checkpoint

__all__ = ["LoginPage"]


class LoginPage:
    """One leased page signing in to LinkedIn."""

    def __init__(self, page: Page, wait: WaitSpec, *, base_url: str) -> None:
        self.page = page
        self.wait = wait
        self.base_url = base_url
        self.timeout_ms = wait.timeout.total_seconds() * 1000

    async def _check_checkpoint(self) -> None:
        if is_checkpoint(self.page.url) or await self.page.locator(S.CAPTCHA).count():
            raise Checkpoint(CHECKPOINT_MESSAGE.format(url=self.page.url))

    async def signed_in(self) -> bool:
        """Open the feed: ``True`` when it shows the member's feed (the session is valid)."""
        await goto(self.page, self.base_url + S.FEED_PATH, self.wait)
        await self._check_checkpoint()
        on_feed = urlsplit(self.page.url).path.startswith(S.FEED_PATH)
        return on_feed and await self.page.locator(S.MEMBER_MARKER).count() > 0

    async def sign_in(self, username: str, password: str) -> None:
        """Fill and send the login form; returns once the feed shows.

        Raises ``LoginRequired`` for rejected credentials, ``Checkpoint`` for a security check,
        ``SiteChanged`` when the form's fields or button are missing.
        """
        await goto(self.page, self.base_url + S.LOGIN_PATH, self.wait)
        await self._check_checkpoint()
        user = self.page.locator(S.LOGIN_USER).first
        secret = self.page.locator(S.LOGIN_PASSWORD).first
        button = self.page.get_by_role("button", name=S.SIGN_IN_NAME, exact=True)
        try:
            await user.wait_for(state="visible", timeout=self.timeout_ms)
        except TIMEOUT_ERRORS as exc:
            raise SiteChanged(f"LinkedIn's login page {self.page.url} has no username field") from exc
        if not await secret.count() or not await button.count():
            raise SiteChanged(f"LinkedIn's login page {self.page.url} has no password field or 'Sign in' button")
        await human.clear(user)
        await human.type_text(user, username)
        await human.clear(secret)
        await human.type_text(secret, password)
        await human.click(button)
        outcome = self.page.locator(f"{S.MEMBER_MARKER}, {S.LOGIN_ERROR}, {S.CAPTCHA}").first
        try:
            await outcome.wait_for(state="attached", timeout=self.timeout_ms)
        except TIMEOUT_ERRORS as exc:
            where = self.page.url
            raise SiteChanged(f"after 'Sign in' LinkedIn showed neither the feed nor an error ({where})") from exc
        await self._check_checkpoint()
        if await self.page.locator(S.MEMBER_MARKER).count():
            return
        errors = await self.page.locator(S.LOGIN_ERROR).all_text_contents()
        reason = clean_text(" ".join(errors)) or "no reason given"
        raise LoginRequired(f"LinkedIn rejected the sign-in ({reason}): check the username and password secrets")
