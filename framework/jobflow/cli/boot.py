"""What every working command does first: read the settings, configure logging, load the plugins."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jobflow.config import Settings
    from jobflow.plugins import Plugins

__all__ = ["boot", "settings"]


def settings() -> Settings:
    """The settings, with logging configured from them (a bad variable raises ``ConfigError``, exit 2)."""
    from jobflow.config import get_settings
    from jobflow.logging import configure_logging

    current = get_settings()
    configure_logging(current)
    return current


def boot() -> tuple[Settings, Plugins]:
    """Settings, logging, then every plugin; a plugin that fails to load is logged and the rest work."""
    from jobflow.plugins import build_plugins

    current = settings()
    plugins = build_plugins(
        load_plugins=current.jobflow_load_plugins, disable_autoload=current.jobflow_disable_plugin_autoload
    )
    return current, plugins
