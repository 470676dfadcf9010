"""Secrets at run time: each ``secrets:`` reference resolved to its value, and nothing else.

::

    secrets:
      linkedin_password: {env: LINKEDIN_PASSWORD}
      smtp_password: {file: ~/.config/jobflow/smtp}    # relative paths: from the workflow's directory

A value is never written into any message: errors name the secret and where it was looked for. Values
shorter than :data:`MIN_LENGTH` characters are refused: the redactor masks every occurrence of a secret
in logs and records, and a value that short would mask ordinary text.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from jobflow.errors import SecretError
from jobflow.spec.models import SecretRef, Workflow

__all__ = ["MIN_LENGTH", "resolve_secret", "resolve_secrets"]

MIN_LENGTH = 4
"""The shortest secret value accepted."""


def _from_file(name: str, file: str, base_dir: Path) -> str:
    path = Path(file).expanduser()
    if not path.is_absolute():
        path = base_dir / path
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise SecretError(f"secret {name!r}: file {path} does not exist") from exc
    except IsADirectoryError as exc:
        raise SecretError(f"secret {name!r}: {path} is a directory, not a file") from exc
    except OSError as exc:
        raise SecretError(f"secret {name!r}: file {path} cannot be read: {exc.strerror or type(exc).__name__}") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        # ``from None``: the decode error quotes bytes of the secret, which must not reach a traceback.
        raise SecretError(f"secret {name!r}: file {path} is not UTF-8 text") from None
    return text.rstrip("\r\n")


def resolve_secret(name: str, ref: SecretRef, base_dir: Path, environ: Mapping[str, str]) -> str:
    """One secret's value; :class:`SecretError` (naming the secret, never the value) when it cannot be had."""
    if ref.env is not None:
        value = environ.get(ref.env)
        if value is None:
            raise SecretError(f"secret {name!r}: environment variable {ref.env} is not set")
        origin = f"environment variable {ref.env}"
    elif ref.file is not None:
        value = _from_file(name, ref.file, base_dir)
        origin = f"file {ref.file}"
    else:  # the model refuses this; kept for a SecretRef built by hand
        raise SecretError(f"secret {name!r}: needs one of 'env' or 'file'")
    if not value:
        raise SecretError(f"secret {name!r}: {origin} is empty")
    if len(value) < MIN_LENGTH:
        raise SecretError(
            f"secret {name!r}: the value from {origin} is shorter than {MIN_LENGTH} characters; "
            "refused, because masking it in logs would also mask ordinary text"
        )
    return value


def resolve_secrets(workflow: Workflow, base_dir: Path, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every declared secret's value, by name.

    :param base_dir: the workflow file's directory (``{file: PATH}`` is relative to it).
    :param environ: where ``{env: NAME}`` is looked up; ``os.environ`` by default.
    :raises SecretError: naming every secret that could not be resolved, on one line.
    """
    env = os.environ if environ is None else environ
    values: dict[str, str] = {}
    problems: list[str] = []
    for name, ref in workflow.secrets.items():
        try:
            values[name] = resolve_secret(name, ref, base_dir, env)
        except SecretError as exc:
            problems.append(str(exc))
    if problems:
        raise SecretError("; ".join(problems))
    return values
