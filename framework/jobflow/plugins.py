"""The plugin manager: built in one function, entry points loaded one by one, a typed facade over hooks.

Core defaults (core steps, the run recorder) are plugins too, listed in ``DEFAULT_PLUGINS`` and registered
exactly like entry-point plugins. Nothing outside this module calls ``pm.hook`` directly.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

import pluggy
import structlog

from jobflow import hookspecs
from jobflow.errors import DuplicateStep, PluginError
from jobflow.events import RunInfo, StepInfo
from jobflow.notify.types import NotifierType
from jobflow.sites import SiteSpec
from jobflow.steptype import StepType

__all__ = ["DEFAULT_PLUGINS", "ENTRY_POINT_GROUP", "LoadFailure", "Plugins", "StepRegistry", "build_plugins"]

ENTRY_POINT_GROUP = "jobflow"

DEFAULT_PLUGINS: tuple[str, ...] = (
    "jobflow.steps.core",
    "jobflow.steps.data",
    "jobflow.steps.browser",
    "jobflow.steps.jobs",
    "jobflow.testing.steps",
    "jobflow.steps.notify",
    "jobflow.steps.tracking",
    "jobflow.notify.builtin",
)
"""Modules registered before any entry point: jobflow's own defaults, written as ordinary plugins."""

log = structlog.get_logger("jobflow.plugins")


@dataclass(frozen=True)
class LoadFailure:
    """A plugin that could not be imported or registered: reported by name, the rest keep working."""

    name: str
    distribution: str | None
    error: str

    def __str__(self) -> str:
        dist = f" (distribution {self.distribution})" if self.distribution else ""
        return f"plugin {self.name!r}{dist} failed to load: {self.error}"


@dataclass(frozen=True)
class PluginInfo:
    name: str
    distribution: str | None
    version: str | None
    hooks: tuple[str, ...]
    steps: tuple[str, ...] = ()


class StepRegistry:
    """Step types by name; refuses a duplicate name and names both plugins."""

    def __init__(self) -> None:
        self._steps: dict[str, StepType[Any, Any]] = {}

    def add(self, step_type: StepType[Any, Any], plugin: str) -> None:
        from dataclasses import replace

        if step_type.name in self._steps:
            other = self._steps[step_type.name].plugin
            raise DuplicateStep(
                f"step {step_type.name!r} is registered twice: by plugin {other!r} and by plugin {plugin!r}"
            )
        self._steps[step_type.name] = replace(step_type, plugin=plugin)

    def get(self, name: str) -> StepType[Any, Any] | None:
        return self._steps.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._steps

    def __iter__(self) -> Iterator[StepType[Any, Any]]:
        return iter(sorted(self._steps.values(), key=lambda s: s.name))

    def names(self) -> list[str]:
        return sorted(self._steps)

    def closest(self, name: str) -> StepType[Any, Any] | None:
        """The installed step most like ``name`` (for "did you mean")."""
        from difflib import get_close_matches

        found = get_close_matches(name, list(self._steps), n=1, cutoff=0.6)
        return self._steps[found[0]] if found else None


def _distribution_of(ep: metadata.EntryPoint) -> tuple[str | None, str | None]:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return None, None
    return dist.metadata["Name"], dist.version


@dataclass
class Plugins:
    """Typed facade over the pluggy manager (tox's idea): the rest of jobflow calls these methods."""

    pm: pluggy.PluginManager
    failures: list[LoadFailure] = field(default_factory=list)
    distributions: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    _steps: StepRegistry | None = None
    _sites: dict[str, SiteSpec] | None = None
    _notifiers: dict[str, NotifierType[Any]] | None = None

    # -------------------------------------------------------------------------------- registration

    def _call_each(self, hook_name: str, register: Callable[[str], Callable[[Any], None]]) -> None:
        caller = getattr(self.pm.hook, hook_name)
        # Registration order: jobflow's defaults first, so a later plugin is the one named as the duplicate.
        for impl in caller.get_hookimpls():
            try:
                impl.function(register(impl.plugin_name))
            except PluginError:
                raise
            except Exception as exc:
                raise PluginError(
                    f"plugin {impl.plugin_name!r} raised in {hook_name}: {type(exc).__name__}: {exc}"
                ) from exc

    @property
    def steps(self) -> StepRegistry:
        if self._steps is None:
            registry = StepRegistry()

            def register_for(plugin: str) -> Callable[[Any], None]:
                def register(step_type: StepType[Any, Any]) -> None:
                    if not isinstance(step_type, StepType):
                        raise PluginError(
                            f"plugin {plugin!r} registered {step_type!r}, which is not a jobflow StepType"
                        )
                    registry.add(step_type, plugin)

                return register

            self._call_each("register_steps", register_for)
            self._steps = registry
        return self._steps

    def _collect_named(self, hook_name: str, noun: str, kind: type[Any]) -> dict[str, Any]:
        """Call ``hook_name`` on every plugin; each registers ``kind`` objects with a unique ``name``,
        stored with the registering plugin's name in their ``plugin`` field."""
        from dataclasses import replace

        found: dict[str, Any] = {}

        def register_for(plugin: str) -> Callable[[Any], None]:
            def register(item: Any) -> None:
                if not isinstance(item, kind):
                    raise PluginError(f"plugin {plugin!r} registered {item!r}, which is not a {kind.__name__}")
                if item.name in found:
                    raise PluginError(
                        f"{noun} {item.name!r} is registered twice: by plugin {found[item.name].plugin!r} "
                        f"and by plugin {plugin!r}"
                    )
                found[item.name] = replace(item, plugin=plugin)

            return register

        self._call_each(hook_name, register_for)
        return found

    @property
    def sites(self) -> dict[str, SiteSpec]:
        """Sites by name (``register_sites``)."""
        if self._sites is None:
            self._sites = self._collect_named("register_sites", "site", SiteSpec)
        return self._sites

    @property
    def notifiers(self) -> dict[str, NotifierType[Any]]:
        """Notification channel types by name (``register_notifiers``)."""
        if self._notifiers is None:
            self._notifiers = self._collect_named("register_notifiers", "notifier", NotifierType)
        return self._notifiers

    def register_commands(self, app: Any) -> None:
        self.pm.hook.register_commands(app=app)

    # ---------------------------------------------------------------------------------- lifecycle

    async def _notify(self, hook_name: str, **kwargs: Any) -> None:
        caller = getattr(self.pm.hook, hook_name)
        for impl in reversed(caller.get_hookimpls()):
            try:
                result = impl.function(**{k: kwargs[k] for k in impl.argnames})
                if inspect.isawaitable(result):
                    await result
            except Exception as exc:
                log.error(
                    "plugin hook failed", plugin=impl.plugin_name, hook=hook_name, error=f"{type(exc).__name__}: {exc}"
                )
                if getattr(impl.plugin, "critical", False):
                    raise

    async def run_started(self, run: RunInfo) -> None:
        await self._notify("run_started", run=run)

    async def step_started(self, run: RunInfo, step: StepInfo) -> None:
        await self._notify("step_started", run=run, step=step)

    async def step_finished(self, run: RunInfo, step: StepInfo) -> None:
        await self._notify("step_finished", run=run, step=step)

    async def run_heartbeat(self, run: RunInfo) -> None:
        await self._notify("run_heartbeat", run=run)

    async def run_finished(self, run: RunInfo) -> None:
        await self._notify("run_finished", run=run)

    def register(self, plugin: object, name: str) -> None:
        """Register a plugin object (the CLI adds the recorder and the reporter this way)."""
        self.pm.register(plugin, name=name)
        self._check(name)

    def unregister(self, name: str) -> None:
        self.pm.unregister(name=name)

    def _check(self, name: str | None = None) -> None:
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            plugin = self.pm.get_name(exc.plugin) if exc.plugin is not None else name
            raise PluginError(f"plugin {plugin!r}: {exc}") from exc

    # ----------------------------------------------------------------------------------- listing

    def info(self) -> list[PluginInfo]:
        """Every registered plugin with its distribution, version, hooks and steps (``jobflow plugins``)."""
        by_plugin: dict[str, list[str]] = {}
        for step_type in self.steps:
            by_plugin.setdefault(step_type.plugin, []).append(step_type.name)
        out = []
        for name, plugin in sorted(self.pm.list_name_plugin(), key=lambda item: item[0]):
            hooks = tuple(sorted(impl.name for impl in self.pm.get_hookcallers(plugin) or ()))
            dist, version = self.distributions.get(name, ("jobflow (core)", _own_version()))
            out.append(PluginInfo(name, dist, version, hooks, tuple(by_plugin.get(name, ()))))
        return out


def _own_version() -> str | None:
    try:
        return metadata.version("jobflow")
    except metadata.PackageNotFoundError:
        return None


def _wanted(names: str | None) -> set[str] | None:
    if not names:
        return None
    return {n.strip() for n in names.split(",") if n.strip()}


def build_plugins(
    *,
    load_plugins: str | None = None,
    disable_autoload: bool = False,
    defaults: Iterable[str] = DEFAULT_PLUGINS,
    extra: Iterable[tuple[str, object]] = (),
) -> Plugins:
    """Build the manager: hookspecs, the defaults, then each entry point of group ``jobflow`` in turn.

    :param load_plugins: ``JOBFLOW_LOAD_PLUGINS``: when set, only the named entry points load.
    :param disable_autoload: ``JOBFLOW_DISABLE_PLUGIN_AUTOLOAD``: load no entry point unless named above.
    :param extra: ``(name, plugin)`` pairs registered after the defaults (tests use throwaway plugins).

    An entry point that fails to import or register is recorded in ``Plugins.failures`` by name and
    the rest still load. A misspelled hookimpl fails at once with :class:`PluginError`.
    """
    pm = pluggy.PluginManager("jobflow")
    pm.add_hookspecs(hookspecs)
    plugins = Plugins(pm)
    for module_name in defaults:
        plugins.register(importlib.import_module(module_name), module_name)
    for name, plugin in extra:
        plugins.register(plugin, name)

    wanted = _wanted(load_plugins)
    if not (disable_autoload and wanted is None):
        seen: set[str] = set()
        for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
            if wanted is not None and ep.name not in wanted:
                continue
            seen.add(ep.name)
            if pm.has_plugin(ep.name):
                continue
            dist = _distribution_of(ep)
            try:
                module = ep.load()
            except Exception as exc:
                plugins.failures.append(LoadFailure(ep.name, dist[0], f"{type(exc).__name__}: {exc}"))
                log.warning("plugin failed to load", plugin=ep.name, error=f"{type(exc).__name__}: {exc}")
                continue
            try:
                plugins.register(module, ep.name)
            except (PluginError, ValueError) as exc:
                if pm.has_plugin(ep.name):
                    pm.unregister(name=ep.name)
                plugins.failures.append(LoadFailure(ep.name, dist[0], str(exc)))
                log.warning("plugin failed to load", plugin=ep.name, error=str(exc))
                continue
            plugins.distributions[ep.name] = dist
        if wanted:
            missing = wanted - seen - {name for name, _ in pm.list_name_plugin()}
            for name in sorted(missing):
                plugins.failures.append(LoadFailure(name, None, "no entry point of that name is installed"))
                log.warning("plugin failed to load", plugin=name, error="no entry point of that name is installed")
    return plugins


AsyncHook = Callable[..., Awaitable[None]]
