"""Workflow files the daemon scenarios use (core steps only, so a plain ``jobflow daemon`` runs them)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

SLOW_START: dict[str, Any] = {"misfire_grace": "60s"}
"""``defaults`` for a one-off due a second after the daemon starts: the daemons run with a 5 s grace, which
a daemon starting slowly on a loaded machine can overrun, and these tests are not about lateness."""


def write_flow(
    flows: Path,
    name: str,
    triggers: list[dict[str, Any]],
    *,
    hold: str | None = None,
    fail: bool = False,
    **top: Any,
) -> Path:
    """A workflow that logs ``mark <run id> <attempt>`` (one line per execution), then optionally waits for
    the file ``hold`` (relative to the flows directory) and optionally fails."""
    steps: list[dict[str, Any]] = [
        {"id": "mark", "uses": "core.log", "with": {"message": "mark ${{ run.id }} ${{ run.attempt }} " + name}}
    ]
    if hold:
        steps.append({"id": "hold", "uses": "core.wait_file", "with": {"path": hold, "timeout": "10m"}})
    if fail:
        steps.append({"id": "boom", "uses": "core.fail", "with": {"message": "planned", "error": "captcha"}})
    document = {"version": 1, "name": name, "triggers": triggers, **top, "steps": steps}
    path = flows / f"{name}.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def at(when: datetime) -> dict[str, str]:
    return {"at": when.isoformat()}
