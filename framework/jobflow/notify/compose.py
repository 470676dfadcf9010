"""A notification as the outbox stores it: every known secret value masked before anything is written."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jobflow.notify.config import ALL, secret_values
from jobflow.notify.redaction import leaked, scrub, scrub_data
from jobflow.redact import MASK

if TYPE_CHECKING:
    from jobflow.config import Settings

__all__ = ["notification_values"]


def _settings() -> Settings | None:
    from jobflow.config import get_settings
    from jobflow.errors import ConfigError

    try:
        return get_settings()
    except ConfigError:
        return None


def notification_values(
    *,
    kind: str,
    title: str,
    body: str,
    data: dict[str, Any],
    dedupe_key: str,
    channel: str = ALL,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """The outbox row of a notification with every known secret value masked: the running run's secrets
    and every secret of the channel configuration (``settings``' ``notify.yaml``; default: the process's)."""
    settings = settings or _settings()
    extra = secret_values(settings) if settings is not None else []
    values = {
        "kind": kind,
        "title": scrub(title, extra),
        "body": scrub(body, extra),
        "data": scrub_data(data, extra),
        "dedupe_key": scrub(dedupe_key, extra),
        "channel": channel,
    }
    if leaked(f"{values}", extra):  # pragma: no cover - the last check; masking above makes it unreachable
        return {**values, "title": MASK, "body": MASK, "data": {}}
    return values
