"""What the command line shows: error lines, JSON documents, tables, durations and times.

Command results go to stdout; errors, warnings and logs go to stderr. ``rich`` is imported only when a
table is drawn, so ``jobflow --help`` and machine output stay fast.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

if TYPE_CHECKING:
    from rich.console import Console

__all__ = [
    "JsonOption",
    "console",
    "dumps",
    "fmt_duration",
    "fmt_time",
    "one_line",
    "plural",
    "print_error",
    "print_rows",
    "print_warning",
    "state",
    "status_text",
    "symbol",
    "table",
]


@dataclasses.dataclass
class _State:
    """Process-wide CLI options, set by the root callback and read by ``main``'s error handler."""

    debug: bool = False


state = _State(debug=os.environ.get("JOBFLOW_DEBUG", "").lower() in {"1", "true", "yes", "on"})


def one_line(text: str) -> str:
    """``text`` on one line: line breaks become ``; `` (an error is always one line on stderr)."""
    return "; ".join(part.strip() for part in str(text).splitlines() if part.strip())


def print_error(message: str) -> None:
    """``error: message`` on stderr, the prefix in red on a terminal."""
    typer.secho("error:", fg="red", bold=True, err=True, nl=False)
    typer.echo(f" {one_line(message)}", err=True)


def print_warning(message: str) -> None:
    """``warning: message`` on stderr."""
    typer.secho("warning:", fg="yellow", bold=True, err=True, nl=False)
    typer.echo(f" {one_line(message)}", err=True)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return dump(mode="json")
    as_dict = getattr(value, "as_dict", None)
    if callable(as_dict):
        return as_dict()
    return str(value)


def dumps(document: Any) -> str:
    """A JSON document for ``--json`` output: indented, times as ISO 8601, durations in seconds."""
    return json.dumps(document, indent=2, default=_plain, ensure_ascii=False)


def plural(count: int, word: str) -> str:
    """``1 file``, ``3 files``."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def fmt_duration(seconds: float | None) -> str:
    """``0.42s``, ``2.31s``, ``1m05s``, ``2h03m``; ``-`` when unknown."""
    if seconds is None:
        return "-"
    if seconds < 60:
        return f"{seconds:.2f}s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def duration_between(start: datetime | None, end: datetime | None) -> float | None:
    """Seconds from ``start`` to ``end`` (``None`` if either is missing)."""
    if start is None or end is None:
        return None
    return (end - start).total_seconds()


def fmt_time(value: datetime | None, *, seconds_only: bool = False) -> str:
    """A UTC time shown in local time: ``2026-01-05 08:00:03`` (or ``08:00:03``)."""
    if value is None:
        return "-"
    local = value.astimezone() if value.tzinfo else value
    return local.strftime("%H:%M:%S" if seconds_only else "%Y-%m-%d %H:%M:%S")


def _utf8(stream: Any) -> bool:
    return "utf" in (getattr(stream, "encoding", None) or "").lower()


_SYMBOLS = {"ok": ("✓", "ok"), "fail": ("✗", "FAIL"), "warn": ("!", "WARN"), "info": ("·", "-")}


def symbol(kind: str, stream: Any = None) -> str:
    """A check mark for ``ok``/``fail``/``warn``/``info``; ASCII words when the stream is not UTF-8."""
    fancy, ascii_ = _SYMBOLS[kind]
    return fancy if _utf8(stream or sys.stdout) else ascii_


def console(*, stderr: bool = False) -> Console:
    """A rich console on stdout (or stderr). Off a terminal: no colours, and wide enough not to truncate."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else int(os.environ.get("COLUMNS", "200"))
    return Console(file=stream, width=width, soft_wrap=False, highlight=False)


R = TypeVar("R")

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
"""The ``--json`` flag of every listing command."""


def print_rows(columns: Sequence[tuple[str, Callable[[R], Any]]], rows: Iterable[R]) -> None:
    """Print ``rows`` as a table on stdout: one column per ``(header, cell of a row)`` pair."""
    console().print(table([name for name, _ in columns], ([cell(row) for _, cell in columns] for row in rows)))


def table(columns: Iterable[str], rows: Iterable[Iterable[Any]], *, title: str | None = None) -> Any:
    """A rich table (a rule under the header) whose cells wrap instead of ending in an ellipsis."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    grid = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left", pad_edge=False, show_edge=False)
    for name in columns:
        grid.add_column(name, overflow="fold")
    for row in rows:
        # Plain strings become Text, so brackets in an error message are never read as rich markup.
        grid.add_row(*(cell if hasattr(cell, "__rich_console__") else Text(str(cell)) for cell in row))
    return grid


_STATUS_STYLES = {
    "succeeded": "green",
    "running": "cyan",
    "queued": "cyan",
    "failed": "red",
    "crashed": "red",
    "timed_out": "red",
    "cancelled": "yellow",
    "interrupted": "yellow",
    "skipped": "dim",
    "missed": "yellow",
}


def status_text(status: str) -> Any:
    """A run or step status as rich ``Text``, coloured by outcome (colours vanish off a terminal)."""
    from rich.text import Text

    return Text(status, style=_STATUS_STYLES.get(status, ""))
