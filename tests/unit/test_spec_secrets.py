"""Secrets: env and file references, missing ones, short values, and never a value in a message."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from jobflow.errors import SecretError
from jobflow.spec import resolve_secrets
from jobflow.spec.models import SecretRef, Workflow
from jobflow.spec.secrets import resolve_secret

VALUE = "s3cr3t-v4lue"


def _workflow(secrets: dict[str, Any]) -> Workflow:
    return Workflow.model_validate({"version": 1, "name": "x", "secrets": secrets, "steps": [{"uses": "core.noop"}]})


def _chain(exc: BaseException | None) -> list[BaseException]:
    seen: list[BaseException] = []
    while exc is not None and exc not in seen:
        seen.append(exc)
        exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    return seen


def test_env_and_file_secrets(tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "smtp").write_text("smtp-password\n", encoding="utf-8")
    absolute = tmp_path / "abs.txt"
    absolute.write_text("windows-line\r\n", encoding="utf-8")
    workflow = _workflow(
        {"li": {"env": "LI_PASSWORD"}, "smtp": {"file": "conf/smtp"}, "other": {"file": str(absolute)}}
    )
    assert resolve_secrets(workflow, tmp_path, {"LI_PASSWORD": VALUE}) == {
        "li": VALUE,
        "smtp": "smtp-password",
        "other": "windows-line",
    }


def test_os_environ_is_the_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("JOBFLOW_TEST_SECRET", VALUE)
    assert resolve_secrets(_workflow({"s": {"env": "JOBFLOW_TEST_SECRET"}}), tmp_path) == {"s": VALUE}
    assert os.environ["JOBFLOW_TEST_SECRET"] == VALUE


def test_missing_env_var(tmp_path: Path) -> None:
    workflow = _workflow({"linkedin_password": {"env": "LINKEDIN_PASSWORD"}})
    with pytest.raises(SecretError) as info:
        resolve_secrets(workflow, tmp_path, {})
    assert str(info.value) == "secret 'linkedin_password': environment variable LINKEDIN_PASSWORD is not set"
    assert info.value.exit_code == 2


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing", "secret 's': file {dir}/nope.txt does not exist"),
        ("directory", "secret 's': {dir}/nope.txt is a directory, not a file"),
        ("binary", "secret 's': file {dir}/nope.txt is not UTF-8 text"),
    ],
)
def test_file_problems_name_the_file_not_the_content(tmp_path: Path, setup: str, message: str) -> None:
    target = tmp_path / "nope.txt"
    if setup == "directory":
        target.mkdir()
    elif setup == "binary":
        target.write_bytes(b"\xffsecret-bytes\xfe")
    with pytest.raises(SecretError) as info:
        resolve_secrets(_workflow({"s": {"file": "nope.txt"}}), tmp_path, {})
    assert str(info.value) == message.format(dir=tmp_path)
    with pytest.raises(SecretError) as single:
        resolve_secret("s", SecretRef(file="nope.txt"), tmp_path, {})
    for exc in [*_chain(info.value), *_chain(single.value)]:  # nothing a traceback shows quotes the bytes
        assert "secret-bytes" not in str(exc)
        assert not isinstance(exc, UnicodeDecodeError)


@pytest.mark.parametrize("value", ["", "abc", "\n"])
def test_short_values_are_refused_without_showing_them(tmp_path: Path, value: str) -> None:
    (tmp_path / "short").write_text(value, encoding="utf-8")
    workflow = _workflow({"a": {"env": "A"}, "b": {"file": "short"}})
    with pytest.raises(SecretError) as info:
        resolve_secrets(workflow, tmp_path, {"A": value})
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("secret 'a': ")
    assert "; secret 'b': " in message
    if value.strip():
        assert value not in message.replace("secret 'a'", "").replace("secret 'b'", "")
        assert "shorter than 4 characters" in message
    else:
        assert "is empty" in message


def test_all_failures_are_reported_together_and_values_never(tmp_path: Path) -> None:
    workflow = _workflow({"ok": {"env": "OK"}, "gone": {"env": "GONE"}, "tiny": {"env": "TINY"}})
    with pytest.raises(SecretError) as info:
        resolve_secrets(workflow, tmp_path, {"OK": VALUE, "TINY": "xy"})
    message = str(info.value)
    assert "secret 'gone': environment variable GONE is not set" in message
    assert "secret 'tiny': the value from environment variable TINY is shorter than 4 characters" in message
    assert VALUE not in message
    assert "xy" not in message
