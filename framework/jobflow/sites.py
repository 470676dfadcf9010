"""Job sites as data: what a site plugin registers and how a workflow's ``sites:`` block overrides it."""

from __future__ import annotations

from dataclasses import dataclass, field

from jobflow.spec.durations import Rate
from jobflow.spec.models import RetryPolicy, SiteConfig, WaitSpec

__all__ = ["SiteSpec", "merge_site"]


@dataclass(frozen=True)
class SiteSpec:
    """A site's defaults, registered by its plugin in ``register_sites``."""

    name: str
    base_url: str
    wait: WaitSpec = field(default_factory=WaitSpec)
    rate: Rate | None = None
    retry: RetryPolicy | None = None
    plugin: str = ""


def merge_site(spec: SiteSpec | None, override: SiteConfig | None) -> SiteConfig:
    """The effective site config: the workflow's ``sites.<name>`` fields win over the plugin's defaults."""
    base = SiteConfig.model_construct(
        base_url=spec.base_url if spec else None,
        wait=spec.wait if spec else None,
        rate=spec.rate if spec else None,
        limits={},
        retry=spec.retry if spec else None,
        timeout=None,
    )
    if override is None:
        return base
    updates = {name: getattr(override, name) for name in override.model_fields_set}
    return base.model_copy(update=updates)
