"""The progress of a run on the command line, as a plugin of the lifecycle hooks (pytest's terminal idea).

On a terminal it is a live ``rich`` table updating in place: a status icon, the attempt, the time spent and
a countdown while a retry waits. Anywhere else it writes one plain line per event::

    [12:00:01] step li (linkedin.search) attempt 1 started
    [12:00:03] step li (linkedin.search) attempt 1 failed: RateLimited: HTTP 429 (retrying in 60s)

Never both. ``jobflow run`` registers it as ``jobflow.reporter``; with ``--json`` it writes to stderr.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TextIO

from jobflow.cli.output import fmt_duration, fmt_time
from jobflow.hookspecs import hookimpl

if TYPE_CHECKING:
    from jobflow.events import RunInfo, StepInfo

__all__ = ["ProgressReporter"]

_ICONS = {
    "pending": ("·", "dim"),
    "succeeded": ("✓", "green"),
    "failed": ("✗", "red"),
    "timed_out": ("✗", "red"),
    "retrying": ("↻", "yellow"),
    "skipped": ("-", "dim"),
    "cancelled": ("■", "yellow"),
}


@dataclass
class _Row:
    step_id: str
    uses: str
    status: str = "pending"
    attempt: int = 0
    started: float | None = None
    ended: float | None = None
    detail: str = ""
    retry_at: float | None = None


def _label(step: StepInfo) -> str:
    suffix = f"[{step.iteration}]" if step.iteration is not None else ""
    return f"step {step.step_id}{suffix} ({step.uses})"


def _error(step: StepInfo) -> str:
    if step.error_class and step.error_message:
        return f"{step.error_class}: {step.error_message}"
    return step.error_class or step.error_message or ""


def _elapsed(step: StepInfo) -> float | None:
    if step.finished_at is None:
        return None
    return (step.finished_at - step.started_at).total_seconds()


class ProgressReporter:
    """Shows one run's progress on ``stream``: live on a terminal, plain lines otherwise.

    :param stream: where to write (default stdout). :param live: force the mode (default: live when
        ``stream`` is a terminal and ``TERM`` is not ``dumb``). :param steps: ``(id, uses)`` of the
        workflow's steps, shown as pending rows in the live view before they start.
    """

    def __init__(
        self, stream: TextIO | None = None, *, live: bool | None = None, steps: Sequence[tuple[str, str]] = ()
    ) -> None:
        self._stream = stream or sys.stdout
        self.live = (self._stream.isatty() and os.environ.get("TERM") != "dumb") if live is None else live
        self._lock = threading.Lock()
        self._rows: dict[tuple[str, int | None], _Row] = {(sid, None): _Row(sid, uses) for sid, uses in steps}
        self._view: Any = None
        self._started = time.monotonic()
        self.run: RunInfo | None = None
        """The run as the last hook saw it (the CLI's summary of a cancelled run comes from here)."""
        self.steps: list[StepInfo] = []
        """Every finished step attempt, in order."""

    # ----------------------------------------------------------------------------------------- hooks

    @hookimpl
    def run_started(self, run: RunInfo) -> None:
        self.run = run
        self._started = time.monotonic()
        if self.live:
            self._start_view()
        else:
            self._line(run.started_at, f"run {run.id} ({run.workflow}) started")

    @hookimpl
    def step_started(self, run: RunInfo, step: StepInfo) -> None:
        with self._lock:
            row = self._row(step)
            row.status, row.attempt, row.detail, row.retry_at = "running", step.attempt, "", None
            row.started, row.ended = time.monotonic(), None
        if not self.live:
            self._line(step.started_at, f"{_label(step)} attempt {step.attempt} started")

    @hookimpl
    def step_finished(self, run: RunInfo, step: StepInfo) -> None:
        self.steps.append(step)
        now = time.monotonic()
        with self._lock:
            row = self._row(step)
            row.attempt, row.ended, row.detail = step.attempt, now, _error(step)
            row.status = "retrying" if step.will_retry_in is not None else step.status
            row.retry_at = now + step.will_retry_in if step.will_retry_in is not None else None
        if not self.live:
            self._line(step.finished_at or step.started_at, self._outcome(step))

    @hookimpl
    def run_finished(self, run: RunInfo) -> None:
        self.run = run
        self.close()

    def close(self) -> None:
        """Stop the live view (its last frame stays on screen). Safe to call more than once."""
        if self._view is not None:
            self._view.stop()
            self._view = None

    # --------------------------------------------------------------------------------------- plain

    def _line(self, when: datetime, text: str) -> None:
        self._stream.write(f"[{fmt_time(when, seconds_only=True)}] {text}\n")
        self._stream.flush()

    @staticmethod
    def _outcome(step: StepInfo) -> str:
        if step.status == "skipped":
            return f"{_label(step)} skipped"
        head = f"{_label(step)} attempt {step.attempt}"
        if step.status == "succeeded":
            return f"{head} succeeded in {fmt_duration(_elapsed(step))}"
        if step.status == "cancelled":
            return f"{head} cancelled"
        verb = "timed out" if step.status == "timed_out" else "failed"
        retry = f" (retrying in {fmt_duration(step.will_retry_in)})" if step.will_retry_in is not None else ""
        return f"{head} {verb}: {_error(step) or 'no error message'}{retry}"

    # ---------------------------------------------------------------------------------------- live

    def _row(self, step: StepInfo) -> _Row:
        key = (step.step_id, step.iteration)
        row = self._rows.get(key)
        if row is None:
            name = step.step_id if step.iteration is None else f"{step.step_id}[{step.iteration}]"
            row = _Row(name, step.uses)
            # After the step's other rows (or its pending placeholder), so the view keeps the workflow order.
            items = list(self._rows.items())
            at = max((i for i, (k, _) in enumerate(items) if k[0] == step.step_id), default=len(items) - 1)
            items.insert(at + 1, (key, row))
            placeholder = (step.step_id, None)
            self._rows = {k: r for k, r in items if not (k == placeholder != key and r.status == "pending")}
        return row

    def _start_view(self) -> None:
        from rich.console import Console
        from rich.live import Live

        view = Live(
            console=Console(file=self._stream),
            get_renderable=self._render,
            refresh_per_second=8,
            redirect_stdout=False,
            redirect_stderr=True,
        )
        view.start()
        self._view = view

    def _render(self) -> Any:
        from rich import box
        from rich.spinner import Spinner
        from rich.table import Table
        from rich.text import Text

        now = time.monotonic()
        title = f"run {self.run.id} · {self.run.workflow}" if self.run else "run"
        if self.run is not None and self.run.finished_at is not None:
            title += f" · {self.run.status.replace('_', ' ')}"
        grid = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left", show_edge=False, pad_edge=False)
        for name in ("", "step", "uses", "attempt", "elapsed", "status"):
            grid.add_column(name, no_wrap=name != "status")
        with self._lock:
            rows = list(self._rows.values())
        for row in rows:
            if row.status == "running":
                icon: Any = Spinner("dots", style="cyan")
            else:
                char, style = _ICONS.get(row.status, ("?", ""))
                icon = Text(char, style=style)
            end = row.ended if row.status != "running" else now
            elapsed = fmt_duration(end - row.started) if row.started is not None and end is not None else ""
            status = row.status.replace("_", " ")
            if row.retry_at is not None:
                status = f"retrying in {fmt_duration(max(0.0, row.retry_at - now))}"
            detail = f"{status}: {row.detail}" if row.detail and row.detail != status else status
            style = _ICONS.get(row.status, ("", "cyan"))[1]
            grid.add_row(icon, row.step_id, row.uses, str(row.attempt or ""), elapsed, Text(detail, style=style))
        grid.caption = f"elapsed {fmt_duration(now - self._started)}"
        grid.caption_justify = "left"
        return grid
