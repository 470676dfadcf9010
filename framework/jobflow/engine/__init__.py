"""Running workflows: the engine, its retry policy executor, dry-run plans and the executor seam.

Nothing here is imported by ``jobflow --help``; the CLI imports the engine when a command runs.
"""

from __future__ import annotations

from .ids import new_run_id
from .owner import current_owner
from .plan import Plan, build_plan
from .runner import Engine, RunResult

__all__ = ["Engine", "Plan", "RunResult", "build_plan", "current_owner", "new_run_id"]
