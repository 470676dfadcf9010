"""``jobflow doctor``: is this machine ready to run workflows? One line per check, exit 1 if any fails.

Checks, in order: the Python version, the settings, the jobflow home directory, the database (opened and
migrated; its URL shown with the password masked), the scheduler's job store (jobs that cannot be loaded
are listed: they are set aside, never deleted), the notification outbox (notifications given up or
retrying after an error are listed), the plugins (load failures named), and the browser (found in the
order the browser pool uses, see :mod:`jobflow.browser.discovery`).
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Annotated

import typer

from jobflow.cli.output import console, dumps, symbol

if TYPE_CHECKING:
    from jobflow.config import Settings
    from jobflow.store import Store

__all__ = ["Check", "doctor"]

MIN_PYTHON = (3, 11)


@dataclass
class Check:
    """The outcome of one check: ``ok``, ``warn`` (works, but worth knowing) or ``fail``."""

    name: str
    status: str
    detail: str
    notes: list[str] = field(default_factory=list)


def check_python() -> Check:
    """This interpreter is recent enough."""
    version = ".".join(str(part) for part in sys.version_info[:3])
    ok = sys.version_info[:2] >= MIN_PYTHON
    wanted = ".".join(str(part) for part in MIN_PYTHON)
    detail = f"Python {version} ({sys.executable})" + ("" if ok else f": jobflow needs Python {wanted} or newer")
    return Check("python", "ok" if ok else "fail", detail)


def check_home(settings: Settings) -> Check:
    """``JOBFLOW_HOME`` exists (or can be made) and a file can be written in it."""
    home = settings.home
    try:
        home.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=home, prefix=".doctor-"):
            pass
    except OSError as exc:
        return Check("home", "fail", f"{home} is not writable: {exc.strerror or exc} (set JOBFLOW_HOME elsewhere)")
    return Check("home", "ok", f"{home} (writable)")


async def _store_checks(url: str) -> tuple[Check, Check | None]:
    """The database opens and is migrated to the newest schema (as every command that uses it does), and
    what its notification outbox says (``None`` when the database cannot be read): one connection for both."""
    from jobflow.errors import JobflowError
    from jobflow.store import Store, safe_url

    try:
        store = await Store.open(url)
    except JobflowError as exc:
        return Check("database", "fail", str(exc)), None
    try:
        revision = await store.revision()
        return Check("database", "ok", f"{safe_url(url)} (migrated, schema revision {revision})"), (
            await check_notifications(store)
        )
    except JobflowError as exc:
        return Check("database", "fail", str(exc)), None
    finally:
        await store.close()


def check_plugins(settings: Settings) -> Check:
    """Every plugin loads and registers its steps and sites."""
    from jobflow.errors import JobflowError
    from jobflow.plugins import build_plugins

    try:
        plugins = build_plugins(
            load_plugins=settings.jobflow_load_plugins, disable_autoload=settings.jobflow_disable_plugin_autoload
        )
        infos = plugins.info()
        steps = len(plugins.steps.names())
        sites = sorted(plugins.sites)
    except JobflowError as exc:
        return Check("plugins", "fail", str(exc))
    names = ", ".join(info.name for info in infos)
    detail = f"{len(infos)} loaded ({names}); {steps} step types; sites: {', '.join(sites) or 'none'}"
    if plugins.failures:
        return Check(
            "plugins", "fail", f"{len(plugins.failures)} failed to load; {detail}", [str(f) for f in plugins.failures]
        )
    return Check("plugins", "ok", detail)


def check_browser(settings: Settings) -> Check:
    """A Chromium is available from the first source the pool would use (:mod:`jobflow.browser.discovery`)."""
    from jobflow.browser.discovery import candidates, install_hints, pick

    found = candidates(settings)
    first = pick(found)
    chosen = first if first is not None and first.usable else None
    notes = [f"{c.source:<28}{c.detail}{'  (used)' if c is chosen else ''}" for c in found]
    if first is not None and chosen is None:
        return Check("browser", "fail", f"{first.source} is set but unusable: {first.detail}", notes)
    if chosen is None:
        return Check("browser", "fail", "no Chromium found; install one with: " + " or ".join(install_hints()), notes)
    return Check("browser", "ok", f"{chosen.source}: {chosen.detail}", notes)


def check_scheduler(settings: Settings) -> Check:
    """Every job the scheduler stored can be loaded (unloadable ones are set aside, never deleted)."""
    from jobflow.scheduler.config import SchedulerConfig
    from jobflow.scheduler.status import probe_jobstore

    config = SchedulerConfig.from_settings(settings)
    if not config.persistence or not config.jobstore_url:
        return Check("scheduler", "ok", "job store in memory (SCHEDULER_PERSISTENCE_ENABLED=false)")
    try:
        count, bad = probe_jobstore(config.jobstore_url, config.jobstore_table)
    except Exception as exc:
        return Check("scheduler", "fail", f"cannot read the job store: {type(exc).__name__}: {exc}")
    if not bad:
        return Check("scheduler", "ok", f"{count} stored job(s) in {config.jobstore_table}, all loadable")
    notes = [f"{job}: {reason}" for job, reason in bad]
    detail = f"{len(bad)} of {count} stored job(s) cannot be loaded: set aside (kept, not run)"
    return Check("scheduler", "warn", detail, notes)


async def check_notifications(store: Store) -> Check:
    """Notifications are being delivered: none given up, none waiting for a retry after an error."""
    from jobflow.errors import JobflowError
    from jobflow.scheduler.status import notifications

    try:
        outbox = await notifications(store)
    except JobflowError as exc:
        return Check("notify", "fail", str(exc))
    counts, undelivered = outbox["counts"], outbox["undelivered"]
    summary = ", ".join(f"{n} {state}" for state, n in counts.items()) or "none yet"
    if not undelivered:
        return Check("notify", "ok", f"notifications: {summary}")
    failed = counts.get("failed", 0)
    retrying = sum(1 for n in undelivered if n["state"] == "pending")
    detail = (
        f"{failed} notification(s) given up, {retrying} or more retrying after an error ({summary}); "
        "see `jobflow notifications --state failed` and the channels in notify.yaml"
    )
    notes = [f"{n['kind']} ({n['state']}, {n['attempts']} attempt(s)): {n['last_error']}" for n in undelivered]
    return Check("notify", "warn", detail, notes)


def run_checks() -> list[Check]:
    """Every check, in order; a check that cannot run (no settings) fails instead of stopping the rest."""
    from jobflow.cli.boot import settings as load_settings
    from jobflow.errors import JobflowError

    checks = [check_python()]
    try:
        settings = load_settings()
    except JobflowError as exc:
        return [*checks, Check("settings", "fail", str(exc))]
    checks.append(check_home(settings))
    import asyncio

    database, notify = asyncio.run(_store_checks(settings.effective_database_url))
    checks += [database, check_scheduler(settings)]
    if notify is not None:
        checks.append(notify)
    checks.append(check_plugins(settings))
    checks.append(check_browser(settings))
    return checks


def doctor(
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    stealth: Annotated[
        bool,
        typer.Option("--stealth", help="Run the browser against jobflow's detection page and show every check."),
    ] = False,
) -> None:
    """Check that jobflow can run here: Python, home directory, database, plugins and browser."""
    if stealth:
        from jobflow.cli import stealth as stealth_check
        from jobflow.cli.boot import settings as load_settings

        stealth_check.run(load_settings(), json_output=json_output)
        return
    checks = run_checks()
    failed = [c for c in checks if c.status == "fail"]
    if json_output:
        typer.echo(dumps({"ok": not failed, "checks": [asdict(c) for c in checks]}))
    else:
        _print(checks, failed)
    if failed:
        raise typer.Exit(1)


def _print(checks: list[Check], failed: list[Check]) -> None:
    from rich.text import Text

    out = console()
    styles = {"ok": "green", "warn": "yellow", "fail": "red"}
    for check in checks:
        mark = symbol(check.status, out.file)
        out.print(Text.assemble((f"{mark} ", styles[check.status]), (f"{check.name:<10}", "bold"), check.detail))
        for note in check.notes:
            out.print(Text(f"{'':12}{note}", style="dim"))
    if failed:
        out.print(Text(f"\n{len(failed)} of {len(checks)} checks failed", style="red"))
    else:
        out.print(Text(f"\nall {len(checks)} checks passed", style="green"))
    if os.environ.get("DATABASE_URL") and any(c.name == "database" and c.status == "fail" for c in checks):
        out.print(Text("DATABASE_URL is set: unset it to use the SQLite file in JOBFLOW_HOME", style="dim"))
