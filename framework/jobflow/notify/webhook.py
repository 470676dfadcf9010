"""The ``webhook`` channel: a JSON ``POST`` (``urllib`` in a worker thread), in one of three payload styles.

``generic``: ``{"kind", "title", "body", "data", "dedupe_key", "created_at"}``. ``slack``: ``{"text": ...}``
(Slack incoming webhooks, Mattermost, Rocket.Chat). ``discord``: ``{"content": ...}`` (at most 2,000
characters). The URL is a secret (chat webhook URLs carry their token): it never appears in a message or
an error; errors say ``HTTP 500 Internal Server Error`` or ``connection refused``.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator

from jobflow.notify.types import Message, NotifierOptions, NotifierType

__all__ = ["WEBHOOK", "WebhookError", "WebhookNotifier", "WebhookOptions", "payload"]

DISCORD_LIMIT = 2000


class WebhookOptions(NotifierOptions):
    url: SecretStr
    style: Literal["generic", "slack", "discord"] = "generic"
    headers: dict[str, SecretStr] = Field(default_factory=dict)
    timeout: float = Field(default=10.0, gt=0)

    @field_validator("url")
    @classmethod
    def _http(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().lower().startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value


class WebhookError(Exception):
    """The endpoint answered with an error status or could not be reached (never names the URL)."""


def payload(message: Message, style: str) -> dict[str, Any]:
    """The JSON document posted for ``message`` in ``style``."""
    if style == "slack":
        return {"text": f"*{message.title}*\n{message.body}" if message.body else f"*{message.title}*"}
    if style == "discord":
        text = f"**{message.title}**\n{message.body}" if message.body else f"**{message.title}**"
        return {"content": text if len(text) <= DISCORD_LIMIT else text[: DISCORD_LIMIT - 1] + "…"}
    return {
        "kind": message.kind,
        "title": message.title,
        "body": message.body,
        "data": message.data,
        "dedupe_key": message.dedupe_key,
        "created_at": message.created_at.isoformat() if message.created_at else None,
    }


class WebhookNotifier:
    """Posts each notification; any status outside 2xx is a failure (retried by the outbox)."""

    def __init__(self, name: str, options: WebhookOptions) -> None:
        self.name = name
        self.options = options

    async def send(self, message: Message) -> None:
        body = json.dumps(payload(message, self.options.style), ensure_ascii=False, default=str).encode()
        await asyncio.to_thread(self._post, body)

    def _post(self, body: bytes) -> None:
        import urllib.error
        import urllib.request

        headers = {"Content-Type": "application/json", "User-Agent": "jobflow-notify"}
        headers.update({k: v.get_secret_value() for k, v in self.options.headers.items()})
        request = urllib.request.Request(self.options.url.get_secret_value(), data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.options.timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            raise WebhookError(f"HTTP {exc.code} {exc.reason}") from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            text = getattr(reason, "strerror", None) or str(reason)
            raise WebhookError(f"cannot reach the webhook: {text}") from None
        except TimeoutError:
            raise WebhookError(f"no answer within {self.options.timeout:g}s") from None


WEBHOOK = NotifierType("webhook", WebhookOptions, WebhookNotifier, description="JSON POST (generic, Slack, Discord)")
