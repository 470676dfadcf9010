"""``linkedin.login``: both login forms, the stored session reused by a later run (a new browser pool),
rejected credentials, the security checkpoint, and credentials that do not come from secrets."""

from __future__ import annotations

import json
import stat

import pytest
from linkedin_support import USER, Harness, error_of

pytestmark = pytest.mark.browser

LOGIN = """
- id: login
  uses: linkedin.login
  retry: {max_attempts: 3, backoff: [100ms]}
  with: {username: "${{ secrets.li_user }}", password: "${{ secrets.li_password }}"}
"""


def _submits(harness: Harness) -> int:
    return sum(target.startswith("/checkpoint/lg/login-submit") for _, target, _ in harness.sites.linkedin.state.log)


@pytest.mark.parametrize("variant", ["classic", "2026"])
async def test_sign_in_once_then_the_stored_session_is_reused_by_the_next_run(harness: Harness, variant: str) -> None:
    harness.sites.linkedin.set(login_variant=variant)
    first = await harness.run(harness.workflow(LOGIN))
    assert first.ok, first.run.error_message
    assert first.outputs["login"] == {"signed_in": True, "reused_session": False}
    session = harness.home / "sessions" / "linkedin.json"
    assert stat.S_IMODE(session.stat().st_mode) == 0o600
    assert any(c["name"] == "li_at" for c in json.loads(session.read_text())["cookies"])
    second = await harness.run(harness.workflow(LOGIN))
    assert second.outputs["login"] == {"signed_in": True, "reused_session": True}
    assert _submits(harness) == 1, "the second run (a new browser pool) signed in with the stored session"
    if variant != "classic":
        return
    forced_login = LOGIN.replace('password }}"}', 'password }}", force: true}')
    forced = await harness.run(harness.workflow(forced_login))
    assert forced.ok
    assert forced.outputs["login"]["reused_session"] is False
    assert _submits(harness) == 2


async def test_wrong_credentials_are_login_required_and_never_shown(
    harness: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = "wrong-pw-4321"
    result = await harness.run(harness.workflow(LOGIN), user=USER, password=wrong)
    error_class, message = error_of(result, "login")
    assert error_class == "LoginRequired"
    assert "rejected the sign-in (Wrong email or password" in (message or "")
    assert len([s for s in result.steps if s.step_id == "login"]) == 1, "rejected credentials are not retried"
    captured = capsys.readouterr()
    for text in (message or "", result.run.error_message or "", captured.out, captured.err):
        assert wrong not in text
        assert USER not in text


async def test_a_security_checkpoint_is_never_retried(harness: Harness) -> None:
    harness.sites.linkedin.set(checkpoint=True)
    result = await harness.run(harness.workflow(LOGIN))
    error_class, message = error_of(result, "login")
    assert error_class == "Checkpoint"
    assert "solve it yourself" in (message or "")
    assert len([s for s in result.steps if s.step_id == "login"]) == 1


async def test_credentials_must_come_from_secrets(harness: Harness) -> None:
    literal = "- id: login\n  uses: linkedin.login\n  with: {username: me@example.com, password: hunter2hunter2}\n"
    result = await harness.run(harness.workflow(literal))
    error_class, message = error_of(result, "login")
    assert error_class == "ConfigError"
    assert "must come from the workflow's secrets" in (message or "")
    assert harness.sites.linkedin.state.requests == 0, "refused before any page opened"
