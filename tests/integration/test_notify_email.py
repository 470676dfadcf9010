"""The e-mail channel against a real local SMTP server (aiosmtpd): plain, AUTH over STARTTLS, failures."""

from __future__ import annotations

from pathlib import Path

import pytest
import structlog
from notify_support import SmtpServer, free_port, make_certificate, make_worker, notify_settings, stored_text

from jobflow.notify.outbox import enqueue
from jobflow.store import Store
from jobflow.store.outbox import OutboxRepository

PASSWORD = "smtp-Pa55w0rd-77"


async def queue(store: Store, key: str = "k") -> None:
    await enqueue(
        store,
        kind="reminder",
        title="Follow up: Python developer at Acme",
        body="Ask about the next steps.",
        data={"application_id": 7, "url": "https://jobs.example/7"},
        dedupe_key=key,
    )


async def test_a_plain_mail_is_delivered(store: Store, tmp_path: Path) -> None:
    with SmtpServer() as server:
        config = f"""\
            channels:
              mail: {{type: email, host: 127.0.0.1, port: {server.port}, from: jobflow@example.com,
                      to: [me@example.com, you@example.com]}}
            """
        await queue(store)
        assert await make_worker(store, notify_settings(tmp_path / "home", config)).run_once() == 1

    (mail,) = server.mails
    assert mail["Subject"] == "[jobflow] Follow up: Python developer at Acme"
    assert mail["From"] == "jobflow@example.com"
    assert mail["To"] == "me@example.com, you@example.com"
    assert mail["X-Jobflow-Key"] == "k"
    assert mail.get_payload(decode=True).decode().replace("\r\n", "\n") == (
        "Ask about the next steps.\n\napplication_id: 7\nurl: https://jobs.example/7\n"
    )
    assert server.collector.envelopes == [("jobflow@example.com", ["me@example.com", "you@example.com"])]


async def test_login_over_starttls_keeps_the_password_secret(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = make_certificate(tmp_path)
    monkeypatch.setenv("JF_TEST_SMTP_PASSWORD", PASSWORD)
    with SmtpServer(login=("me@example.com", PASSWORD), tls=(cert, key)) as server:
        config = f"""\
            channels:
              mail:
                type: email
                host: localhost
                port: {server.port}
                starttls: true
                ca_file: {cert}
                username: me@example.com
                password: {{env: JF_TEST_SMTP_PASSWORD}}
                from: jobflow@example.com
                to: me@example.com
            """
        settings = notify_settings(tmp_path / "home", config)
        worker = make_worker(store, settings)
        await enqueue(
            store,
            kind="workflow",
            title=f"the password is {PASSWORD}",
            body=f"again: {PASSWORD}",
            data={"password": PASSWORD},
            dedupe_key="k",
            settings=settings,
        )
        with structlog.testing.capture_logs() as logs:
            assert await worker.run_once() == 1

    assert server.logins == ["me@example.com"]
    (mail,) = server.mails
    assert mail["Subject"] == "[jobflow] the password is ***"
    assert PASSWORD not in mail.as_string()
    assert PASSWORD not in await stored_text(store)
    assert PASSWORD not in repr(logs)


async def test_a_wrong_password_or_a_dead_server_is_retried_not_raised(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = make_certificate(tmp_path)
    monkeypatch.setenv("JF_TEST_SMTP_PASSWORD", PASSWORD)
    dead = free_port()
    with SmtpServer(login=("me@example.com", "another-password"), tls=(cert, key)) as server:
        config = f"""\
            channels:
              mail: {{type: email, host: localhost, port: {server.port}, starttls: true, ca_file: "{cert}",
                      username: me@example.com, password: {{env: JF_TEST_SMTP_PASSWORD}},
                      from: jobflow@example.com, to: me@example.com}}
              down: {{type: email, host: 127.0.0.1, port: {dead}, from: jobflow@example.com, to: me@example.com}}
            """
        await queue(store)
        assert await make_worker(store, notify_settings(tmp_path / "home", config)).run_once() == 0

    assert server.mails == []
    row = await OutboxRepository(store).get("k")
    assert row is not None
    assert row.state == "pending"
    assert row.last_error is not None
    errors = row.last_error.split("; ")
    assert errors[0].startswith("mail: SMTPAuthenticationError: (535")
    assert errors[1] == "down: ConnectionRefusedError: [Errno 111] Connection refused"
    assert PASSWORD not in await stored_text(store)
