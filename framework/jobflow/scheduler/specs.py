"""Workflow files -> the schedules they declare (one per trigger, id ``workflow:<name>:<n>``).

A trigger is stored as JSON and identified by a hash of what the file says, so re-reading an unchanged
file yields the same hash (its schedule keeps its next fire time). An ``every:`` trigger without ``start``
is anchored at its first registration; the anchor is kept in the stored JSON, outside the hash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from jobflow.errors import WorkflowInvalid
from jobflow.plugins import Plugins
from jobflow.scheduler.triggers import trigger_from_json
from jobflow.spec.models import CronTrigger, DateTrigger, IntervalTrigger, Workflow
from jobflow.store.scheduling import ScheduleSpec

__all__ = ["Loaded", "discover", "load_schedules", "schedule_id", "specs_for", "trigger_json"]

PATTERNS = ("*.yaml", "*.yml")


def schedule_id(workflow: str, position: int) -> str:
    """``workflow:<name>:<n>``: the id of trigger ``n`` (0-based) of a workflow."""
    return f"workflow:{workflow}:{position}"


def trigger_json(trigger: CronTrigger | IntervalTrigger | DateTrigger, now: datetime) -> tuple[dict[str, Any], str]:
    """The stored JSON of ``trigger`` and its hash (of what the file says, not of the anchor)."""
    declared = trigger.model_dump(mode="json", exclude_none=True)
    digest = hashlib.sha256(json.dumps(declared, sort_keys=True).encode()).hexdigest()
    jitter = trigger.jitter.total_seconds() if not isinstance(trigger, DateTrigger) and trigger.jitter else 0.0
    if isinstance(trigger, CronTrigger):
        stored: dict[str, Any] = {"cron": trigger.cron, "timezone": trigger.timezone}
    elif isinstance(trigger, IntervalTrigger):
        anchor = trigger.start if trigger.start is not None else now + trigger.every
        stored = {"seconds": trigger.every.total_seconds(), "anchor": anchor.isoformat()}
    else:
        stored = {"at": trigger.at.isoformat()}
    stored["jitter"] = jitter
    return stored, digest


def specs_for(workflow: Workflow, path: Path, now: datetime, default_grace: float) -> list[ScheduleSpec]:
    """The schedules of one workflow; ``next_fire_time`` is the first fire at or after ``now``."""
    policy = workflow.schedule
    grace = workflow.defaults.misfire_grace
    retry = workflow.defaults.retry
    out = []
    for position, trigger in enumerate(workflow.triggers):
        stored, digest = trigger_json(trigger, now)
        computed = trigger_from_json(stored)
        first = stored.get("at")
        next_fire = datetime.fromisoformat(first) if first else computed.next_after(now - timedelta(microseconds=1))
        out.append(
            ScheduleSpec(
                id=schedule_id(workflow.name, position),
                workflow=workflow.name,
                path=str(path),
                position=position,
                trigger=stored,
                trigger_hash=digest,
                next_fire_time=next_fire,
                misfire_grace=grace.total_seconds() if grace is not None else default_grace,
                overlap=policy.overlap,
                max_instances=policy.max_instances if policy.overlap == "allow" else 1,
                catch_up=policy.catch_up,
                catch_up_max=policy.catch_up_max,
                retry=retry.model_dump(mode="json") if retry is not None else None,
            )
        )
    return out


def discover(paths: Iterable[Path]) -> list[Path]:
    """Workflow files named directly, plus ``*.yaml``/``*.yml`` files under named directories (sorted)."""
    found: dict[Path, None] = {}
    for path in paths:
        if path.is_dir():
            for pattern in PATTERNS:
                for file in sorted(path.rglob(pattern)):
                    found[file.resolve()] = None
        else:
            found[path.resolve()] = None
    return sorted(found)


@dataclass
class Loaded:
    """What loading the workflow files gave: schedules, files that failed (kept as they were), names."""

    specs: list[ScheduleSpec] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    """Path -> one-line reason."""
    names: dict[str, str] = field(default_factory=dict)
    """Workflow name -> the path declaring it (two files may not share a name)."""


def load_schedules(files: Iterable[Path], plugins: Plugins, now: datetime, default_grace: float) -> Loaded:
    """Load and validate each file; an invalid file (or a duplicate workflow name) is reported, not fatal."""
    from jobflow.spec import load_workflow

    loaded = Loaded()
    for file in files:
        try:
            workflow = load_workflow(file, plugins)
        except WorkflowInvalid as exc:
            first = exc.problems[0] if exc.problems else None
            loaded.failed[str(file)] = str(first) if first else "invalid workflow"
            continue
        other = loaded.names.setdefault(workflow.name, str(file))
        if other != str(file):
            loaded.failed[str(file)] = f"workflow name {workflow.name!r} is already used by {other}"
            continue
        loaded.specs += specs_for(workflow, file, now, default_grace)
    return loaded
