"""Channel configuration: ``JOBFLOW_HOME/notify.yaml`` (or ``JOBFLOW_NOTIFY_CONFIG``) names the channels.

::

    channels:
      console: {}                          # type defaults to the channel's name
      mail:
        type: email
        host: smtp.example.com
        port: 587
        starttls: true
        username: me@example.com
        password: {env: SMTP_PASSWORD}     # secrets are references: {env: NAME} or {file: PATH}
        from: jobflow@example.com
        to: [me@example.com]
      team:
        type: webhook
        url: {env: SLACK_WEBHOOK_URL}
        style: slack
        kinds: [reminder, run_failed]      # with channel "all", only these kinds come here
        enabled: true

Without the file, one channel is configured: ``console``. ``type``, ``enabled`` and ``kinds`` are common to
every channel; the other keys are the options of the channel's type, validated by the type's model. A
channel that cannot be built (unknown type, bad option, unresolvable secret) is reported and left out;
the others work. Values given as references and ``SecretStr`` options are secrets: they are masked
wherever a notification, an error or a log line could show them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError

from jobflow.errors import ConfigError, SecretError
from jobflow.notify.redaction import remember_secrets

if TYPE_CHECKING:
    from jobflow.config import Settings
    from jobflow.notify.types import Notifier, NotifierType

__all__ = ["Channel", "Channels", "build_channels", "config_path", "load_channels", "read_config", "secret_values"]

DEFAULT_CHANNELS: dict[str, dict[str, Any]] = {"console": {}}
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
ALL = "all"
"""The channel name that means every enabled channel."""


class _Entry(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str | None = None
    enabled: bool = True
    kinds: list[str] | None = None


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channels: dict[str, dict[str, Any]]


@dataclass(frozen=True)
class Channel:
    """A configured, ready channel."""

    name: str
    type: str
    notifier: Notifier
    enabled: bool = True
    kinds: frozenset[str] | None = None

    def wants(self, kind: str) -> bool:
        """Whether a notification of ``kind`` sent to ``all`` comes to this channel."""
        return self.enabled and (self.kinds is None or kind in self.kinds)


@dataclass
class Channels:
    """Every channel built from the configuration, and one line per channel that could not be built."""

    by_name: dict[str, Channel] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)

    def names(self) -> list[str]:
        return sorted(self.by_name)


def config_path(settings: Settings) -> Path:
    """Where the channel configuration is read from."""
    return (settings.jobflow_notify_config or settings.home / "notify.yaml").expanduser()


def read_config(path: Path) -> dict[str, dict[str, Any]]:
    """The channel entries of ``path`` (the default console channel when it does not exist).

    :raises ConfigError: the file is unreadable, not YAML, or not ``channels: {NAME: {...}}``.
    """
    import yaml

    if not path.exists():
        return {name: dict(entry) for name, entry in DEFAULT_CHANNELS.items()}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return {name: dict(entry or {}) for name, entry in _File.model_validate(data).channels.items()}
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {str(exc).splitlines()[0]}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the file"
        raise ConfigError(f"{path}: {where}: {first['msg']} (expected `channels: {{NAME: {{type: ...}}}}`)") from exc


def _resolve(channel: str, key: str, value: Any, base_dir: Path, environ: Mapping[str, str], found: list[str]) -> Any:
    """``value`` with every ``{env: NAME}`` / ``{file: PATH}`` replaced by the secret it names."""
    if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in ("env", "file"):
        from jobflow.spec.models import SecretRef
        from jobflow.spec.secrets import resolve_secret

        secret = resolve_secret(f"{channel}.{key}", SecretRef.model_validate(value), base_dir, environ)
        found.append(secret)
        return secret
    if isinstance(value, dict):
        return {k: _resolve(channel, f"{key}.{k}" if key else k, v, base_dir, environ, found) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(channel, f"{key}[{i}]", v, base_dir, environ, found) for i, v in enumerate(value)]
    return value


def _secret_fields(value: Any, found: list[str]) -> None:
    if isinstance(value, SecretStr):
        found.append(value.get_secret_value())
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            _secret_fields(getattr(value, name), found)
    elif isinstance(value, dict):
        for item in value.values():
            _secret_fields(item, found)
    elif isinstance(value, list | tuple):
        for item in value:
            _secret_fields(item, found)


def build_channels(
    entries: Mapping[str, Mapping[str, Any]],
    types: Mapping[str, NotifierType[Any]],
    *,
    base_dir: Path,
    environ: Mapping[str, str] | None = None,
) -> Channels:
    """Build each configured channel with its type's factory; problems are collected, never raised."""
    env = os.environ if environ is None else environ
    out = Channels()
    for name, raw in entries.items():
        if not NAME.match(name) or name == ALL:
            out.problems.append(f"channel {name!r}: invalid name (letters, digits, '_', '-', '.'; not 'all')")
            continue
        found: list[str] = []
        try:
            entry = _Entry.model_validate(raw)
            kind = types.get(entry.type or name)
            if kind is None:
                known = ", ".join(sorted(types)) or "none"
                out.problems.append(f"channel {name!r}: unknown type {entry.type or name!r} (installed: {known})")
                continue
            options = _resolve(name, "", dict(entry.model_extra or {}), base_dir, env, found)
            validated = kind.options.model_validate(options)
            _secret_fields(validated, found)
            notifier = kind.create(name, validated)
        except SecretError as exc:
            out.problems.append(f"channel {name!r}: {exc}")
            continue
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            out.problems.append(f"channel {name!r}: {where + ': ' if where else ''}{first['msg']}")
            continue
        except Exception as exc:  # a plugin's factory: reported by channel, never fatal
            out.problems.append(f"channel {name!r}: cannot be created: {type(exc).__name__}: {exc}")
            continue
        finally:
            remember_secrets(found)
            out.secrets.extend(found)
        kinds = frozenset(entry.kinds) if entry.kinds is not None else None
        out.by_name[name] = Channel(name, kind.name, notifier, entry.enabled, kinds)
    return out


def load_channels(settings: Settings, types: Mapping[str, NotifierType[Any]]) -> Channels:
    """The channels of ``notify.yaml`` (see the module docstring); a broken file is one problem, no channel."""
    path = config_path(settings)
    try:
        entries = read_config(path)
    except ConfigError as exc:
        return Channels(problems=[str(exc)])
    return build_channels(entries, types, base_dir=path.parent)


_cache: dict[Path, tuple[tuple[int, int], list[str]]] = {}


def secret_values(settings: Settings) -> list[str]:
    """Every secret value the channel configuration resolves to (what no notification may contain)."""
    path = config_path(settings)
    try:
        stat = path.stat()
    except OSError:
        return []
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _cache.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    try:
        entries = read_config(path)
    except ConfigError:
        return []
    found: list[str] = []
    for name, raw in entries.items():
        for key, value in raw.items():
            try:
                _resolve(name, key, value, path.parent, os.environ, found)
            except SecretError:
                continue
    _cache[path] = (stamp, found)
    remember_secrets(found)
    return found
