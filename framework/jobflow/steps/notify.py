"""Core step ``notify.send``: tell the user something through the notification channels of ``notify.yaml``.

The notification goes through the outbox like every other one. Under the daemon, its outbox worker (in
the same process) is woken and delivers it; elsewhere (``jobflow run``) the step delivers it at once. A
channel that fails never fails the step: the notification stays in the outbox, to be retried with
backoff by the next worker (the daemon), and the step's ``state`` output says ``pending``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import Field

from jobflow.errors import StepError
from jobflow.hookspecs import hookimpl
from jobflow.steptype import StepContext, StepOutputs, StepParams, StepType, step

if TYPE_CHECKING:
    from jobflow.notify.outbox import OutboxWorker
    from jobflow.plugins import Plugins

__all__ = ["SendOutputs", "SendParams", "send"]


class SendParams(StepParams):
    message: str = Field(description="the text of the notification")
    title: str = Field(default="jobflow", description="a short title: mail subject, first line of a chat message")
    channel: str = Field(default="all", description="a channel named in notify.yaml, or `all` (every enabled one)")
    data: dict[str, Any] = Field(default_factory=dict, description="extra fields (JSON), e.g. for a webhook")
    kind: str = Field(default="workflow", description="what the notification is about; channels may filter on it")
    dedupe_key: str | None = Field(
        default=None,
        description="a notification whose key was used before is not sent again; default: run, step and iteration",
    )


class SendOutputs(StepOutputs):
    dedupe_key: str = ""
    queued: bool = False
    """False when the key was used before: nothing new was sent."""
    state: str = ""
    """``sent``, ``pending`` (a channel failed or the daemon delivers it) or ``failed``."""
    delivered: list[str] = Field(default_factory=list)
    """Channels that took the notification."""


def _plugins(ctx: StepContext) -> Plugins:
    if ctx.plugins is not None:
        plugins: Plugins = ctx.plugins
        return plugins
    from jobflow.plugins import build_plugins

    return build_plugins(
        load_plugins=ctx.settings.jobflow_load_plugins, disable_autoload=ctx.settings.jobflow_disable_plugin_autoload
    )


def _check_channel(worker: OutboxWorker, name: str) -> None:
    from jobflow.notify.config import ALL

    channels = worker.channels()
    if name != ALL and name not in channels.by_name:
        configured = ", ".join(channels.names()) or "none"
        problems = f"; {'; '.join(channels.problems)}" if channels.problems else ""
        raise StepError(f"no notification channel named {name!r} (configured: {configured}){problems}")


@step("notify.send", params=SendParams, outputs=SendOutputs)
async def send(ctx: StepContext, params: SendParams) -> SendOutputs:
    """Send a notification (console, e-mail, webhook, ...) through the outbox; a failing channel is retried."""
    from jobflow.notify.outbox import OutboxWorker, background_delivery_active, enqueue

    if ctx.store is None:
        raise StepError("notify.send needs the store (the outbox is a table): run it with a database configured")
    key = params.dedupe_key or f"notify:{ctx.run_id}:{ctx.step_id}"
    if params.dedupe_key is None and ctx.iteration is not None:
        key += f":{ctx.iteration}"
    worker = OutboxWorker(ctx.store, _plugins(ctx), ctx.clock, settings=ctx.settings)
    _check_channel(worker, params.channel)
    queued = await enqueue(
        ctx.store,
        kind=params.kind,
        title=params.title,
        body=params.message,
        data=params.data,
        dedupe_key=key,
        channel=params.channel,
        settings=ctx.settings,
    )
    if queued and background_delivery_active():  # the daemon's worker, woken by enqueue, delivers it
        state, delivered = "pending", []
    else:
        row = await worker.deliver(key) if queued else await worker.repo.get(key)
        state = row.state if row is not None else "pending"
        delivered = list(row.delivered) if row is not None else []
    ctx.log.info("notification", key=key, queued=queued, state=state, channels=delivered)
    return SendOutputs(dedupe_key=key, queued=queued, state=state, delivered=delivered)


STEPS: tuple[StepType[Any, Any], ...] = (send,)


@hookimpl
def register_steps(register: Any) -> None:
    for step_type in STEPS:
        register(step_type)
