"""``jobflow validate`` and ``jobflow schema``: check workflow files, and describe the format for editors."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from jobflow.cli.boot import boot
from jobflow.cli.output import dumps, plural

if TYPE_CHECKING:
    from jobflow.errors import Problem

__all__ = ["schema", "validate"]

WORKFLOW_SUFFIXES = (".yml", ".yaml")


def _expand(paths: list[Path]) -> list[Path]:
    """Files as given; a directory stands for the workflow files directly inside it."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.iterdir() if p.suffix in WORKFLOW_SUFFIXES and p.is_file()))
        else:
            out.append(path)
    return out


def validate(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE", help="Workflow files, or directories of them (*.yml, *.yaml).", show_default=False
        ),
    ],
    json_output: Annotated[bool, typer.Option("--json", help="Print the problems as one JSON document.")] = False,
) -> None:
    """Check workflow files without running them: YAML, the format, every step's `with:`, expressions.

    Prints every problem of every file as FILE:LINE:COL: message and exits 2 if there is any.
    """
    from jobflow.errors import Problem
    from jobflow.spec import validate_file

    _, plugins = boot()
    paths = _expand(files)
    found: dict[str, list[Problem]] = {}
    for path in paths:
        if not path.is_file():
            reason = "is a directory" if path.is_dir() else "no such file"
            found[str(path)] = [Problem(str(path), 1, 1, reason)]
            continue
        found[str(path)] = list(validate_file(path, plugins))
    _show(found, json_output)
    if not found or any(found.values()):
        raise typer.Exit(2)


def _show(found: dict[str, list[Problem]], json_output: bool) -> None:
    problems = [p for file_problems in found.values() for p in file_problems]
    if json_output:
        typer.echo(
            dumps(
                {
                    "valid": not problems,
                    "files": [{"file": f, "valid": not ps, "problems": ps} for f, ps in found.items()],
                }
            )
        )
        return
    for problem in problems:
        typer.echo(str(problem))
    if not found:
        typer.echo("no workflow files found")
    elif problems:
        bad = sum(1 for ps in found.values() if ps)
        typer.echo(f"found {plural(len(problems), 'problem')} in {bad} of {plural(len(found), 'file')}")
    else:
        typer.echo(f"{plural(len(found), 'file')} valid")


def schema(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the schema to this file instead of stdout.", dir_okay=False),
    ] = None,
) -> None:
    """Print the JSON Schema of the workflow format, installed plugins' steps included (for editors)."""
    from jobflow.spec.schema import workflow_schema

    _, plugins = boot()
    text = dumps(workflow_schema(plugins))
    if output is None:
        typer.echo(text)
        return
    try:
        output.write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        from jobflow.errors import ConfigError

        raise ConfigError(f"cannot write {output}: {exc.strerror or exc}") from exc
    typer.echo(f"wrote the workflow schema to {output}", err=True)
