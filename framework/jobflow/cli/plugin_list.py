"""``jobflow plugins``: every plugin with its distribution, version, steps, sites and hooks."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from jobflow.cli.boot import boot
from jobflow.cli.output import console, dumps, table

__all__ = ["plugins"]


def plugins(
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """List installed plugins (core defaults, bundled sites, third-party) and those that failed to load."""
    _, loaded = boot()
    sites: dict[str, list[str]] = {}
    for site in loaded.sites.values():
        sites.setdefault(site.plugin, []).append(site.name)
    rows: list[dict[str, Any]] = [
        {
            "name": info.name,
            "distribution": info.distribution,
            "version": info.version,
            "steps": list(info.steps),
            "sites": sorted(sites.get(info.name, [])),
            "hooks": list(info.hooks),
        }
        for info in sorted(loaded.info(), key=lambda i: (i.distribution != "jobflow (core)", i.name))
    ]
    failures = [{"name": f.name, "distribution": f.distribution, "error": f.error} for f in loaded.failures]
    if json_output:
        typer.echo(dumps({"plugins": rows, "failures": failures}))
        return
    out = console()
    out.print(
        table(
            ["plugin", "distribution", "version", "steps", "sites", "hooks"],
            (
                [
                    row["name"],
                    row["distribution"] or "-",
                    row["version"] or "-",
                    ", ".join(row["steps"]) or "-",
                    ", ".join(row["sites"]) or "-",
                    ", ".join(row["hooks"]) or "-",
                ]
                for row in rows
            ),
        )
    )
    steps = sum(len(row["steps"]) for row in rows)
    out.print(f"{len(rows)} plugins loaded, {steps} step types", highlight=False, markup=False)
    if failures:
        out.print(f"\n{len(failures)} failed to load:", style="red", markup=False)
        for failure in loaded.failures:
            out.print(f"  {failure}", markup=False)
