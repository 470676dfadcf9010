"""``jobflow run --dry-run``: what a run would do, with every effective setting, without running anything.

The plan reads the same resolution the engine uses (:mod:`jobflow.engine.resolve`), so what it shows is
what a run applies: each step's plugin, condition, loop, site, timeout, wait strategy and retry policy in
words; the resolved inputs; the sites involved; the triggers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from jobflow.plugins import Plugins
from jobflow.spec.durations import format_duration
from jobflow.spec.models import CronTrigger, DateTrigger, IntervalTrigger, WaitSpec, Workflow

from .resolve import complete_inputs, resolve_site, resolve_step, site_wait
from .retry import describe_retry

__all__ = ["Plan", "PlannedSite", "PlannedStep", "build_plan", "describe_trigger", "describe_wait"]


@dataclass(frozen=True)
class PlannedStep:
    """One step as it would run."""

    id: str
    uses: str
    plugin: str | None
    name: str | None
    if_: str | bool | None
    for_each: str | list[Any] | None
    as_: str | None
    concurrency: int | None
    site: str | None
    timeout: str | None
    wait: str | None
    retry: str
    continue_on_error: bool


@dataclass(frozen=True)
class PlannedSite:
    """A site some step uses, with its effective base URL, rate limit and default wait."""

    name: str
    base_url: str | None
    rate: str | None
    wait: str | None


@dataclass(frozen=True)
class Plan:
    """A dry run of a workflow: ``as_dict()`` for ``--json``, ``as_text()`` for people."""

    workflow: str
    description: str
    inputs: dict[str, Any]
    secrets: list[str]
    triggers: list[str]
    steps: list[PlannedStep] = field(default_factory=list)
    sites: list[PlannedSite] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-serialisable document (``if``, ``as`` spelled as in the workflow format)."""
        data = asdict(self)
        for step in data["steps"]:
            step["if"] = step.pop("if_")
            step["as"] = step.pop("as_")
        return data

    def as_text(self) -> str:
        """The plan as lines for a terminal."""
        lines = [f"workflow {self.workflow}" + (f": {self.description}" if self.description else "")]
        lines.append("triggers: " + ("; ".join(self.triggers) if self.triggers else "none (run by hand)"))
        if self.inputs:
            lines.append("inputs:")
            lines.extend(f"  {name} = {value!r}" for name, value in self.inputs.items())
        if self.secrets:
            lines.append("secrets: " + ", ".join(self.secrets))
        if self.sites:
            lines.append("sites:")
            for site in self.sites:
                parts = [site.base_url or "no base URL", f"rate {site.rate or 'unlimited'}"]
                parts.append(f"wait {site.wait or 'default'}")
                lines.append(f"  {site.name}: " + ", ".join(parts))
        lines.append(f"steps ({len(self.steps)}):")
        for n, step in enumerate(self.steps, start=1):
            plugin = f" (plugin {step.plugin})" if step.plugin else " (not installed)"
            lines.append(f"  {n}. {step.id}: {step.uses}{plugin}")
            if step.if_ is not None:
                lines.append(f"     if: {step.if_}")
            if step.for_each is not None:
                lines.append(f"     for each {step.as_} in {step.for_each}, {step.concurrency} at a time")
            if step.site:
                lines.append(f"     site: {step.site}")
            lines.append(f"     timeout: {step.timeout or 'none'}")
            if step.wait:
                lines.append(f"     wait: {step.wait}")
            lines.append(f"     retry: {step.retry}")
            if step.continue_on_error:
                lines.append("     continue on error")
        return "\n".join(lines)


def describe_wait(wait: WaitSpec | None) -> str | None:
    """``networkidle, timeout 60s`` or ``selector '#jobs', timeout 30s, settle 500ms``."""
    if wait is None:
        return None
    head = f"selector {wait.selector!r}" if wait.until == "selector" else wait.until
    parts = [head, f"timeout {format_duration(wait.timeout)}"]
    if wait.settle is not None:
        parts.append(f"settle {format_duration(wait.settle)}")
    return ", ".join(parts)


def describe_trigger(trigger: CronTrigger | IntervalTrigger | DateTrigger) -> str:
    """``cron '0 8 * * mon-fri' (Europe/Berlin), jitter 10m``, ``every 6h`` or ``at 2026-12-01T09:00:00+01:00``."""
    if isinstance(trigger, CronTrigger):
        text = f"cron {trigger.cron!r} ({trigger.timezone})"
    elif isinstance(trigger, IntervalTrigger):
        text = f"every {format_duration(trigger.every)}"
        if trigger.start is not None:
            text += f" from {trigger.start.isoformat()}"
    else:
        return f"at {trigger.at.isoformat()}"
    if trigger.jitter is not None:
        text += f", jitter {format_duration(trigger.jitter)}"
    return text


def build_plan(workflow: Workflow, plugins: Plugins, inputs: dict[str, Any]) -> Plan:
    """The plan of a run of ``workflow`` with ``inputs`` (the ``--input`` values). Runs nothing."""
    steps: list[PlannedStep] = []
    site_names: list[str] = []
    for step, step_id in zip(workflow.steps, workflow.step_ids(), strict=True):
        r = resolve_step(workflow, plugins, step, step_id)
        if r.site_name and r.site_name not in site_names:
            site_names.append(r.site_name)
        looped = step.for_each is not None
        steps.append(
            PlannedStep(
                id=step_id,
                uses=step.uses,
                plugin=r.step_type.plugin if r.step_type else None,
                name=step.name,
                if_=step.if_,
                for_each=step.for_each,
                as_=step.as_ if looped else None,
                concurrency=step.concurrency if looped else None,
                site=r.site_name,
                timeout=format_duration(r.timeout) if r.timeout is not None else None,
                wait=describe_wait(r.wait),
                retry=describe_retry(r.retry),
                continue_on_error=step.continue_on_error,
            )
        )
    sites = []
    for name in site_names:
        config = resolve_site(workflow, plugins, name)
        sites.append(
            PlannedSite(
                name=name,
                base_url=config.base_url if config else None,
                rate=str(config.rate) if config and config.rate else None,
                wait=describe_wait(site_wait(workflow, plugins, name)),
            )
        )
    return Plan(
        workflow=workflow.name,
        description=workflow.description,
        inputs=complete_inputs(workflow, inputs),
        secrets=sorted(workflow.secrets),
        triggers=[describe_trigger(t) for t in workflow.triggers],
        steps=steps,
        sites=sites,
    )
