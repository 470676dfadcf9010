"""``linkedin.login``: sign in once and keep the session (storage state in ``JOBFLOW_HOME/sessions``).

The stored session is tried first (the feed opens: nothing to do); otherwise the credentials are typed like a
person would. They must come from the workflow's ``secrets`` (``${{ secrets.li_password }}``): a literal in
the workflow is refused, and both values are ``SecretStr`` so no log or repr shows them. A security check is
``Checkpoint`` (never retried, solve it yourself); rejected credentials are ``LoginRequired``.
"""

from __future__ import annotations

from pydantic import Field, SecretStr

from jobflow import StepContext, StepOutputs, StepParams, step
from jobflow.errors import ConfigError
from jobflow_linkedin.client import base_url, site_wait
from jobflow_linkedin.pages.login import LoginPage
from jobflow_linkedin.site import SITE

__all__ = ["LoginOutputs", "LoginParams", "login"]


class LoginParams(StepParams):
    """``with:`` of ``linkedin.login``."""

    username: SecretStr = Field(description="from secrets: ${{ secrets.li_user }}")
    password: SecretStr = Field(description="from secrets: ${{ secrets.li_password }}")
    force: bool = Field(default=False, description="sign in again even when the stored session is valid")


class LoginOutputs(StepOutputs):
    """Outputs of ``linkedin.login``."""

    signed_in: bool = False
    reused_session: bool = Field(default=False, description="the stored session was still valid")


def _check_secret(ctx: StepContext, name: str, value: SecretStr) -> str:
    text = value.get_secret_value()
    if not text or text not in ctx.secrets.values():
        raise ConfigError(
            f"linkedin.login: '{name}' must come from the workflow's secrets (e.g. '${{{{ secrets.li_{name} }}}}'), "
            "never a literal in the workflow"
        )
    return text


@step("linkedin.login", params=LoginParams, outputs=LoginOutputs, site=SITE.name)
async def login(ctx: StepContext, params: LoginParams) -> LoginOutputs:
    """Sign in to LinkedIn with credentials from secrets, reusing the stored session when it is valid."""
    username = _check_secret(ctx, "username", params.username)
    password = _check_secret(ctx, "password", params.password)
    async with ctx.page(SITE.name) as page:
        screen = LoginPage(page, site_wait(ctx), base_url=base_url(ctx))
        if not params.force and await screen.signed_in():
            ctx.log.info("linkedin_session_reused")
            return LoginOutputs(signed_in=True, reused_session=True)
        await screen.sign_in(username, password)
    ctx.log.info("linkedin_signed_in")
    return LoginOutputs(signed_in=True, reused_session=False)
