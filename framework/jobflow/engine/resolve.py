"""What applies to a step: its site, timeout, retry policy and wait strategy (the most specific wins).

Used by the engine to run a step and by :mod:`jobflow.engine.plan` to show it, so both read the same
answer. Orders:

- site: the step's ``site:``, else the step type's ``site``; its config is the plugin's registered
  defaults overridden field by field by the workflow's ``sites.<name>`` (:func:`jobflow.sites.merge_site`).
- timeout: step > site > ``defaults.timeout`` > none.
- retry: step > site (workflow's, else the plugin's) > ``defaults.retry`` > none (one attempt).
- wait: step > the workflow's ``sites.<name>.wait`` > ``defaults.wait`` > the site plugin's registered wait.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from jobflow.errors import ConfigError
from jobflow.plugins import Plugins
from jobflow.sites import merge_site
from jobflow.spec.inputs import default_value
from jobflow.spec.models import RetryPolicy, SiteConfig, Step, WaitSpec, Workflow
from jobflow.steptype import StepType

__all__ = ["Resolved", "complete_inputs", "resolve_site", "resolve_step", "site_wait"]


@dataclass(frozen=True, slots=True)
class Resolved:
    """The effective settings of one step."""

    step_id: str
    step: Step
    step_type: StepType[Any, Any] | None
    site_name: str | None
    site: SiteConfig | None
    timeout: timedelta | None
    retry: RetryPolicy | None
    wait: WaitSpec | None


def complete_inputs(workflow: Workflow, given: dict[str, Any]) -> dict[str, Any]:
    """The run's inputs: ``given`` (typed values, e.g. from :func:`jobflow.spec.inputs.resolve_inputs`)
    completed with each declared input's default. Undeclared names are kept.

    Raises :class:`jobflow.errors.ConfigError` when a required input has no value or a default is bad.
    """
    values: dict[str, Any] = {}
    for name, spec in workflow.inputs.items():
        if name in given:
            values[name] = given[name]
            continue
        try:
            values[name] = default_value(spec)
        except ValueError as exc:
            raise ConfigError(f"input {name!r}: default: {exc}") from exc
        if values[name] is None and spec.required:
            raise ConfigError(f"input {name!r} is required: pass --input {name}=VALUE")
    for name, value in given.items():
        values.setdefault(name, value)
    return values


def resolve_site(workflow: Workflow, plugins: Plugins, name: str | None) -> SiteConfig | None:
    """The effective config of site ``name`` (plugin defaults + the workflow's overrides)."""
    if name is None:
        return None
    return merge_site(plugins.sites.get(name), workflow.sites.get(name))


def site_wait(workflow: Workflow, plugins: Plugins, name: str | None) -> WaitSpec | None:
    """The wait strategy a step on site ``name`` gets when the step sets none itself."""
    own = workflow.sites.get(name) if name else None
    if own is not None and own.wait is not None:
        return own.wait
    if workflow.defaults.wait is not None:
        return workflow.defaults.wait
    spec = plugins.sites.get(name) if name else None
    return spec.wait if spec is not None else None


def resolve_step(workflow: Workflow, plugins: Plugins, step: Step, step_id: str) -> Resolved:
    """Everything the engine (and the plan) needs to know about ``step`` before running it."""
    step_type = plugins.steps.get(step.uses)
    site_name = step.site or (step_type.site if step_type is not None else None)
    site = resolve_site(workflow, plugins, site_name)
    timeout = step.timeout or (site.timeout if site else None) or workflow.defaults.timeout
    retry = step.retry or (site.retry if site else None) or workflow.defaults.retry
    wait = step.wait or site_wait(workflow, plugins, site_name)
    if site is not None and wait is not None and site.wait != wait:
        site = site.model_copy(update={"wait": wait})  # the step reads its effective wait from ctx.site
    return Resolved(step_id, step, step_type, site_name, site, timeout, retry, wait)
