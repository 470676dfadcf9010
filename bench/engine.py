"""Engine overhead per step and the start-up time of ``jobflow --help``.

Run with ``.venv/bin/python bench/engine.py``. Prints plain lines such as::

    engine overhead per step: 0.21 ms (1000 steps)
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import structlog

from jobflow.config import Settings
from jobflow.engine import Engine
from jobflow.plugins import build_plugins
from jobflow.spec.models import Workflow

STEPS = 1000
HELP_RUNS = 7


def _quiet_logs() -> None:
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))


def _workflow(steps: list[dict[str, Any]]) -> Workflow:
    return Workflow.model_validate({"version": 1, "name": "bench", "steps": steps})


async def _time_run(engine: Engine, workflow: Workflow) -> float:
    start = time.perf_counter()
    result = await engine.run(workflow, path=Path("bench.yaml"), inputs={}, secrets={})
    elapsed = time.perf_counter() - start
    if not result.ok or len(result.steps) != len(workflow.steps):
        raise SystemExit(f"benchmark run failed: {result.run.error_message}")
    return elapsed


async def engine_figures() -> list[str]:
    _quiet_logs()
    engine = Engine(build_plugins(disable_autoload=True), Settings())
    noop = _workflow([{"uses": "core.noop"} for _ in range(STEPS)])
    chained = _workflow(
        [{"id": "s0", "uses": "core.set", "with": {"values": {"n": 0}}}]
        + [
            {"id": f"s{n}", "uses": "core.set", "with": {"values": {"n": f"${{{{ steps.s{n - 1}.values.n + 1 }}}}"}}}
            for n in range(1, STEPS)
        ]
    )
    await _time_run(engine, _workflow([{"uses": "core.noop"}]))  # warm caches and imports
    best_noop = min([await _time_run(engine, noop) for _ in range(3)])
    best_chained = min([await _time_run(engine, chained) for _ in range(3)])
    return [
        f"engine overhead per step: {best_noop / STEPS * 1000:.3f} ms ({STEPS} steps, core.noop)",
        f"engine overhead per step with one expression: {best_chained / STEPS * 1000:.3f} ms ({STEPS} steps, core.set)",
    ]


def help_figure() -> str:
    exe = Path(sys.executable).parent / "jobflow"
    times = []
    for _ in range(HELP_RUNS):
        start = time.perf_counter()
        done = subprocess.run([str(exe), "--help"], capture_output=True, check=False)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            return f"jobflow --help: unavailable (exit {done.returncode})"
    return f"jobflow --help: {statistics.median(times) * 1000:.0f} ms (median of {HELP_RUNS})"


def main() -> None:
    for line in asyncio.run(engine_figures()):
        print(line)
    try:
        print(help_figure())
    except OSError as exc:
        print(f"jobflow --help: unavailable ({exc})")


if __name__ == "__main__":
    main()
