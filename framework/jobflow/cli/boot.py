"""What every working command does first: read the settings, configure logging, load the plugins."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from jobflow.config import Settings
    from jobflow.plugins import Plugins
    from jobflow.store import Store

__all__ = ["boot", "settings", "with_store"]

T = TypeVar("T")


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


def with_store(work: Callable[[Store], Awaitable[T]]) -> T:
    """Open the store of the settings, run ``work`` with it, close it; returns what ``work`` returned."""
    import asyncio

    from jobflow.store import Store

    url = settings().effective_database_url

    async def main() -> T:
        store = await Store.open(url)
        try:
            return await work(store)
        finally:
            await store.close()

    return asyncio.run(main())
