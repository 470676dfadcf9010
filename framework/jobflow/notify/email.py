"""The ``email`` channel: plain-text mail over SMTP (``smtplib`` in a worker thread).

Options: ``host``, ``port`` (default 465 with ``ssl``, 587 with ``starttls``, else 25), ``username`` and
``password`` (log in when given; the password is a secret), ``from``, ``to`` (one address or a list),
``starttls`` or ``ssl``, ``ca_file`` (trust this CA instead of the system's, e.g. a company relay),
``timeout`` in seconds and ``subject_prefix``.
"""

from __future__ import annotations

import asyncio
import json
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from pydantic import Field, SecretStr, field_validator, model_validator

from jobflow.notify.types import Message, NotifierOptions, NotifierType

__all__ = ["EMAIL", "EmailNotifier", "EmailOptions"]


class EmailOptions(NotifierOptions):
    host: str
    port: int | None = Field(default=None, ge=1, le=65535)
    username: str | None = None
    password: SecretStr | None = None
    sender: str = Field(alias="from")
    to: list[str] = Field(min_length=1)
    starttls: bool = False
    ssl: bool = False
    ca_file: str | None = None
    timeout: float = Field(default=30.0, gt=0)
    subject_prefix: str = "[jobflow] "

    @field_validator("to", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _one_tls_mode(self) -> EmailOptions:
        if self.ssl and self.starttls:
            raise ValueError("choose one of 'ssl' (implicit TLS, port 465) and 'starttls' (port 587)")
        if self.password is not None and not self.username:
            raise ValueError("'password' needs 'username'")
        return self

    @property
    def effective_port(self) -> int:
        return self.port or (465 if self.ssl else 587 if self.starttls else 25)


def _body(message: Message) -> str:
    lines = [message.body] if message.body else []
    if message.data:
        lines.append("")
        for key, value in sorted(message.data.items()):
            shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
            lines.append(f"{key}: {shown}")
    return "\n".join(lines) + "\n"


class EmailNotifier:
    """Sends each notification as one mail to every ``to`` address."""

    def __init__(self, name: str, options: EmailOptions) -> None:
        self.name = name
        self.options = options

    def build(self, message: Message) -> EmailMessage:
        """The mail of ``message``: subject ``prefix + title``, the body and ``data`` as sorted ``key: value`` lines."""
        mail = EmailMessage()
        mail["Subject"] = f"{self.options.subject_prefix}{message.title}"
        mail["From"] = self.options.sender
        mail["To"] = ", ".join(self.options.to)
        mail["Date"] = formatdate(localtime=False, usegmt=True)
        mail["Message-ID"] = make_msgid(domain="jobflow.local")
        if message.dedupe_key:
            mail["X-Jobflow-Key"] = message.dedupe_key
        mail.set_content(_body(message))
        return mail

    async def send(self, message: Message) -> None:
        await asyncio.to_thread(self._deliver, self.build(message))

    def _deliver(self, mail: EmailMessage) -> None:
        import smtplib
        import ssl

        o = self.options
        context = ssl.create_default_context(cafile=o.ca_file) if (o.ssl or o.starttls) else None
        smtp = (
            smtplib.SMTP_SSL(o.host, o.effective_port, timeout=o.timeout, context=context)
            if o.ssl
            else smtplib.SMTP(o.host, o.effective_port, timeout=o.timeout)
        )
        with smtp:
            if o.starttls:
                smtp.starttls(context=context)
            if o.username and o.password is not None:
                smtp.login(o.username, o.password.get_secret_value())
            smtp.send_message(mail)


EMAIL = NotifierType("email", EmailOptions, EmailNotifier, description="Mail over SMTP")
