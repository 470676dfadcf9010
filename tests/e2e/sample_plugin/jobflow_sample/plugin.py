"""Hook implementations of the sample plugin."""

from __future__ import annotations

from typing import Any

from jobflow import StepContext, StepOutputs, StepParams, hookimpl, step


class GreetParams(StepParams):
    name: str
    times: int = 1


class GreetOutputs(StepOutputs):
    greeting: str
    length: int


@step("sample.greet", params=GreetParams, outputs=GreetOutputs)
async def greet(ctx: StepContext, params: GreetParams) -> GreetOutputs:
    """Greet someone, a number of times."""
    text = " ".join([f"hello {params.name}"] * params.times)
    ctx.log.info("greeted", name=params.name)
    return GreetOutputs(greeting=text, length=len(text))


@hookimpl
def register_steps(register: Any) -> None:
    register(greet)
