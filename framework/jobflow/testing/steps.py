"""The ``sites.local`` step: the bundled local LinkedIn, Indeed and Glassdoor, started for one run.

The demo (and any offline workflow) starts them as its first step. Either serve them where the
workflow's ``sites:`` block points (one YAML anchor, so the URL is written once)::

    sites:
      indeed: {base_url: &indeed "http://127.0.0.1:47312"}
    steps:
      - id: sites
        uses: sites.local
        with: {serve_at: {indeed: *indeed}}
      - uses: indeed.search
        with: {query: python}

or on free ports, handing the URLs to steps that take a ``base_url``
(``base_url: "${{ steps.sites.base_urls.indeed }}"``).

The servers run on the run's event loop and stop when the run ends (``run_finished``), whatever its
outcome. Registered as a default plugin; nothing heavy is imported until the step runs.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from pydantic import Field

from jobflow.hookspecs import hookimpl
from jobflow.steptype import StepContext, StepOutputs, StepParams, StepType, step

if TYPE_CHECKING:
    from jobflow.events import RunInfo
    from jobflow.testing.sites import LocalSites

__all__ = ["STEPS", "local_sites", "running"]

_RUNNING: defaultdict[str, list[LocalSites]] = defaultdict(list)


def running(run_id: str) -> list[LocalSites]:
    """The local sites started by run ``run_id`` and not stopped yet."""
    return list(_RUNNING.get(run_id, ()))


class LocalParams(StepParams):
    serve_at: dict[str, str] = Field(
        default_factory=dict, description="site -> http://127.0.0.1:<port> to serve it at (default: a free port)"
    )
    seed: int | None = Field(default=0, description="seed of the sites' random choices (latency, hashes)")
    behaviour: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="hostile behaviour per site, e.g. {indeed: {latency: [0.1, 0.3]}}"
    )


class LocalOutputs(StepOutputs):
    base_urls: dict[str, str] = Field(default_factory=dict, description="site name -> http://127.0.0.1:<port>")
    now: str = Field(default="", description="the reference time of the sites' relative dates (ISO 8601)")


@step("sites.local", params=LocalParams, outputs=LocalOutputs)
async def local_sites(ctx: StepContext, params: LocalParams) -> LocalOutputs:
    """Start the bundled local job sites (LinkedIn, Indeed, Glassdoor) for this run; outputs their URLs."""
    from jobflow.errors import StepError
    from jobflow.testing.sites import LocalSites

    sites = LocalSites(seed=params.seed)
    unknown = sorted((set(params.behaviour) | set(params.serve_at)) - set(sites.sites))
    if unknown:
        raise StepError(f"sites.local: unknown site(s) {', '.join(unknown)}; known: {', '.join(sites.sites)}")
    for name, url in params.serve_at.items():
        sites[name].server.host, sites[name].server.port = _address(name, url)
    try:
        await sites.start()
    except OSError as exc:
        await sites.close()
        raise StepError(f"sites.local: cannot listen at {_wanted(params.serve_at)}: {exc.strerror or exc}") from exc
    _RUNNING[ctx.run_id].append(sites)
    try:
        for name, changes in params.behaviour.items():
            sites[name].set(**changes)
    except ValueError as exc:
        raise StepError(f"sites.local: bad behaviour: {exc}") from exc
    ctx.log.info("local sites started", **sites.base_urls())
    return LocalOutputs(base_urls=sites.base_urls(), now=sites.now.isoformat())


def _address(name: str, url: str) -> tuple[str, int]:
    from urllib.parse import urlsplit

    from jobflow.errors import StepError

    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in ("127.0.0.1", "localhost") or not parts.port:
        raise StepError(f"sites.local: serve_at.{name} must be http://127.0.0.1:<port>, got {url!r}")
    return parts.hostname, parts.port


def _wanted(serve_at: dict[str, str]) -> str:
    return ", ".join(f"{name} {url}" for name, url in serve_at.items()) or "free ports"


@hookimpl
async def run_finished(run: RunInfo) -> None:
    """Stop the local sites the run started."""
    for sites in _RUNNING.pop(run.id, []):
        await sites.close()


STEPS: tuple[StepType[Any, Any], ...] = (local_sites,)


@hookimpl
def register_steps(register: Any) -> None:
    for step_type in STEPS:
        register(step_type)
