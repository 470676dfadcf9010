"""``jobflow doctor --stealth``: run the browser pool against jobflow's own detection page, print the table.

Every check of :mod:`jobflow.browser.detect` runs in a real page leased from a fresh pool, with stealth as
the settings say (``ANTI_DETECTION_ENABLED=false`` shows what a plain browser gives away). The command
exits 1 when a check fails, except those that depend on a GPU (WebGL's renderer is never faked; on a host
without a GPU it names the software renderer), which are shown with a note.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from jobflow.cli.output import console, dumps, symbol, table

if TYPE_CHECKING:
    from jobflow.browser.detect import CheckResult
    from jobflow.config import Settings

__all__ = ["run", "stealth_document"]


def stealth_document(results: list[CheckResult], settings: Settings) -> dict[str, Any]:
    """The JSON form: whether it passed, the profile, and each check with its note."""
    failed = [r for r in results if not r.passed and not r.gpu_dependent]
    return {
        "ok": not failed,
        "stealth": settings.anti_detection_enabled,
        "passed": sum(r.passed for r in results),
        "total": len(results),
        "checks": [
            {"name": r.name, "passed": r.passed, "detail": r.detail, "gpu_dependent": r.gpu_dependent, "note": r.note}
            for r in results
        ],
    }


def _print(results: list[CheckResult], settings: Settings) -> None:
    from rich.text import Text

    out = console()
    state = "on" if settings.anti_detection_enabled else "off (ANTI_DETECTION_ENABLED=false)"
    out.print(Text(f"stealth {state}: {len(results)} checks on jobflow's detection page", style="bold"))
    rows = []
    for r in results:
        kind = "ok" if r.passed else ("warn" if r.gpu_dependent else "fail")
        style = {"ok": "green", "warn": "yellow", "fail": "red"}[kind]
        rows.append([Text(symbol(kind, out.file), style=style), r.name, r.detail + (f" ({r.note})" if r.note else "")])
    out.print(table(["", "check", "detail"], rows))
    failed = [r for r in results if not r.passed and not r.gpu_dependent]
    passed = sum(r.passed for r in results)
    if failed:
        out.print(Text(f"{len(failed)} checks failed: {', '.join(r.name for r in failed)}", style="red"))
    else:
        out.print(Text(f"{passed} of {len(results)} checks passed", style="green"))


def run(settings: Settings, *, json_output: bool) -> None:
    """Run the detection page through a fresh pool and report; ``typer.Exit(1)`` when a check fails."""
    import asyncio

    from jobflow.browser.detect import run_stealth_check

    results = asyncio.run(run_stealth_check(settings))
    document = stealth_document(results, settings)
    if json_output:
        typer.echo(dumps(document))
    else:
        _print(results, settings)
    if not document["ok"]:
        raise typer.Exit(1)
