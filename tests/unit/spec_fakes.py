"""Test doubles for the spec tests: a throwaway plugin with a few site-like step types.

Nothing here runs: the spec package only reads each step type's name and params model.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from jobflow.hookspecs import hookimpl
from jobflow.plugins import Plugins, build_plugins
from jobflow.spec.models import Duration
from jobflow.steptype import StepContext, StepOutputs, StepParams, step


class SearchParams(StepParams):
    keywords: str
    location: str = ""
    posted_within: Duration = timedelta(days=1)
    limit: int = 25
    remote: bool = False


class Postings(StepOutputs):
    postings: list[dict[str, Any]]


class ApplyParams(StepParams):
    job: dict[str, Any]
    profile: str


class Applied(StepOutputs):
    applied: bool


class SaveParams(StepParams):
    postings: list[dict[str, Any]]


class Saved(StepOutputs):
    new: list[dict[str, Any]]


class SendParams(StepParams):
    channel: Literal["console", "email"] = "console"
    message: str


class Sent(StepOutputs):
    sent: bool


@step("linkedin.search", params=SearchParams, outputs=Postings)
async def search(ctx: StepContext, params: SearchParams) -> Postings:
    """Fake search."""
    return Postings(postings=[])


@step("linkedin.easy_apply", params=ApplyParams, outputs=Applied)
async def easy_apply(ctx: StepContext, params: ApplyParams) -> Applied:
    """Fake apply."""
    return Applied(applied=True)


@step("demo.save", params=SaveParams, outputs=Saved)
async def save(ctx: StepContext, params: SaveParams) -> Saved:
    """Fake save."""
    return Saved(new=params.postings)


@step("demo.send", params=SendParams, outputs=Sent)
async def send(ctx: StepContext, params: SendParams) -> Sent:
    """Fake notification."""
    return Sent(sent=True)


class FakeLinkedIn:
    """Registers the fake ``linkedin.*`` steps."""

    @hookimpl
    def register_steps(self, register: Any) -> None:
        register(search)
        register(easy_apply)


class FakeDemo:
    """Registers the fake ``demo.*`` steps."""

    @hookimpl
    def register_steps(self, register: Any) -> None:
        register(save)
        register(send)


def fake_plugins() -> Plugins:
    """Core steps plus the fakes, and no installed entry point (results do not depend on the machine)."""
    return build_plugins(
        defaults=("jobflow.steps.core",),
        extra=[("linkedin", FakeLinkedIn()), ("demo", FakeDemo())],
        disable_autoload=True,
    )
