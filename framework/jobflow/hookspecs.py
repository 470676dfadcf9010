"""Every hook a jobflow plugin can implement, in one file (pluggy project name ``jobflow``).

A plugin is a module or object with functions decorated ``@jobflow.hookimpl`` whose names match the specs
below; it enters through the ``jobflow`` entry-point group (bundled and third-party alike). Registration
hooks receive a ``register`` callback and return nothing. Lifecycle hooks are past-tense events; an
implementation may be ``async def`` (or return an awaitable): jobflow awaits it, and a failing lifecycle
implementation is logged with the plugin's name and never breaks the run.

Every hook is documented in ``docs/plugins.md``; ``tests/unit/test_docs.py`` fails when one is not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from jobflow.events import RunInfo, StepInfo
    from jobflow.notify.types import NotifierType
    from jobflow.sites import SiteSpec
    from jobflow.steptype import StepType

__all__ = ["hookimpl", "hookspec"]

hookspec = pluggy.HookspecMarker("jobflow")
hookimpl = pluggy.HookimplMarker("jobflow")


# ------------------------------------------------------------------------------------------ registration


@hookspec
def register_steps(register: Callable[[StepType[Any, Any]], None]) -> None:
    """Register step types. Called once when the registry is first needed.

    :param register: call it with each :class:`jobflow.steptype.StepType` the plugin provides. A name already
        registered by another plugin is refused with an error naming both plugins.
    """


@hookspec
def register_sites(register: Callable[[SiteSpec], None]) -> None:
    """Register job sites: name, default base URL, wait strategy, rate limit and retry policy.

    :param register: call it with each :class:`jobflow.sites.SiteSpec`. A workflow's ``sites.<name>``
        block overrides these defaults field by field.
    """


@hookspec
def register_notifiers(register: Callable[[NotifierType[Any]], None]) -> None:
    """Register notification channel types (console, email, webhook, ...). Called once, the first time a
    notification is delivered or channels are listed.

    :param register: call it with each :class:`jobflow.notify.NotifierType`: a name, a pydantic options
        model and a factory building the channel from a ``notify.yaml`` entry. A name already registered by
        another plugin is refused with an error naming both plugins.
    """


@hookspec
def register_commands(app: Any) -> None:
    """Add commands to the ``jobflow`` command line.

    :param app: the root ``typer.Typer``; add commands or sub-apps to it. Called only when the command
        the user typed is not a built-in one, so ``jobflow --help`` stays fast.
    """


# ---------------------------------------------------------------------------------------------- lifecycle


@hookspec
def run_started(run: RunInfo) -> Any:
    """A run was claimed and is about to execute its first step.

    :param run: the run record (status ``running``; secrets redacted). May be ``async``.
    """


@hookspec
def step_started(run: RunInfo, step: StepInfo) -> Any:
    """One attempt of a step (one iteration inside ``for_each``) started.

    :param run: the run. :param step: the attempt (status ``running``). May be ``async``.
    """


@hookspec
def step_finished(run: RunInfo, step: StepInfo) -> Any:
    """One attempt of a step ended: succeeded, failed, timed out, was skipped or cancelled.

    :param run: the run. :param step: the attempt with its final status, error class and message, an
        outputs summary, and ``will_retry_in`` seconds when another attempt follows. May be ``async``.
    """


@hookspec
def run_heartbeat(run: RunInfo) -> Any:
    """A running run is alive; called every ``JOBFLOW_HEARTBEAT_INTERVAL`` seconds while it runs.

    :param run: the run. The store writes ``heartbeat_at`` so zombie detection can find dead runs.
    """


@hookspec
def run_finished(run: RunInfo) -> Any:
    """A run ended (``succeeded``, ``failed``, ``cancelled``, ...). Called exactly once per started run.

    :param run: the run with its final status, ``finished_at`` and error. May be ``async``.
    """
