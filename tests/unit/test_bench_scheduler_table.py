"""``bench/scheduler.py`` says, for every figure it prints, which target it is held to and whether it was met."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[2] / "bench" / "scheduler.py"


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_scheduler", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_each_figure_is_marked_met_or_missed() -> None:
    targets = load_bench().Targets()
    assert targets.check("SQLite (WAL)", "dispatch p99", 12.4, 50) == "target < 50 ms: met"
    assert targets.check("PostgreSQL", "register", 2500.0, 2000) == "target < 2 s: MISSED"
    lines = targets.table()
    assert lines[1].split() == ["database", "figure", "measured", "target"]
    assert lines[2].endswith("  met")
    assert "12 ms" in lines[2]
    assert "< 50 ms" in lines[2]
    assert lines[3].endswith("  MISSED")
    assert "2,500 ms" in lines[3]
    assert "< 2,000 ms" in lines[3]
    assert lines[-1] == "1 of 2 targets met"
