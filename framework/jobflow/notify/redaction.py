"""Secret values never reach a notification: the run's redactor plus every configured channel secret.

The run's own secrets come from :func:`jobflow.redact.current_redactor` (set by the engine for the run in
progress). Channel secrets (SMTP passwords, webhook URLs, tokens) are remembered process-wide whenever a
channel configuration is resolved, so an error message echoing one is masked as well.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from jobflow.redact import Redactor, current_redactor

__all__ = ["leaked", "remember_secrets", "scrub", "scrub_data"]

_channel_secrets = Redactor()


def remember_secrets(values: Iterable[str]) -> None:
    """Add secret values (of a channel configuration) to the process-wide set that is always masked."""
    for value in values:
        if value:
            _channel_secrets.add(value)


def _redactors(extra: Iterable[str]) -> list[Redactor]:
    found = [_channel_secrets]
    run = current_redactor()
    if run is not None:
        found.append(run)
    extra = [value for value in extra if value]
    if extra:
        found.append(Redactor(extra))
    return found


def scrub(text: str, extra: Iterable[str] = ()) -> str:
    """``text`` with every known secret value (and each of ``extra``) replaced by ``***``."""
    for redactor in _redactors(extra):
        text = redactor.text(text)
    return text


def scrub_data(data: dict[str, Any], extra: Iterable[str] = ()) -> dict[str, Any]:
    """JSON-ready ``data`` (times and other objects become strings) with secret values masked everywhere."""
    plain: dict[str, Any] = json.loads(json.dumps(data, default=str, ensure_ascii=False))
    for redactor in _redactors(extra):
        plain = redactor(plain)
    return plain


def leaked(text: str, extra: Iterable[str] = ()) -> bool:
    """Whether ``text`` still contains a known secret value (the last check before anything is stored)."""
    return any(redactor.text(text) != text for redactor in _redactors(extra))
