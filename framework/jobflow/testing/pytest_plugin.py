"""The pytest plugin behind ``jobflow.testing`` (kept light: it loads in every pytest session)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from jobflow.plugins import Plugins
    from jobflow.testing.sites import LocalSites


@pytest.fixture
def jobflow_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An isolated ``JOBFLOW_HOME``; ``DATABASE_URL`` and plugin switches unset for the test."""
    from jobflow.config import get_settings

    home = tmp_path / "jobflow-home"
    home.mkdir()
    monkeypatch.setenv("JOBFLOW_HOME", str(home))
    for name in ("DATABASE_URL", "JOBFLOW_LOAD_PLUGINS", "JOBFLOW_DISABLE_PLUGIN_AUTOLOAD"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield home
    get_settings.cache_clear()


@pytest.fixture
def make_plugins() -> Callable[..., Plugins]:
    """``make_plugins(obj, ..., autoload=False)``: a plugin manager with throwaway plugins registered."""
    from jobflow.plugins import build_plugins

    def make(*plugins: object, autoload: bool = False) -> Plugins:
        extra = [(f"test-plugin-{n}", plugin) for n, plugin in enumerate(plugins)]
        return build_plugins(disable_autoload=not autoload, extra=extra)

    return make


@pytest.fixture
def write_workflow(tmp_path: Path) -> Callable[..., Path]:
    """``write_workflow(yaml_text, name="workflow.yaml")``: dedent and write a workflow file."""

    def write(text: str, name: str = "workflow.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"))
        return path

    return write


@pytest.fixture(scope="session")
def require_browser() -> None:
    """Skip the test when no browser is found (the discovery order of ``jobflow doctor``)."""
    from jobflow.browser import find_browser
    from jobflow.config import Settings
    from jobflow.errors import ConfigError

    try:
        find_browser(Settings())
    except ConfigError as exc:
        pytest.skip(f"no browser: {exc}")


@pytest.fixture(scope="session")
def local_sites_session() -> Iterator[LocalSites]:
    """The local LinkedIn, Indeed and Glassdoor on a background thread, shared by the whole session.

    Read-only use; a test that switches behaviour takes ``local_sites`` instead, which resets after it.
    """
    from jobflow.testing.sites import start_local_sites

    with start_local_sites() as sites:
        yield sites


@pytest.fixture
def local_sites(local_sites_session: LocalSites) -> Iterator[LocalSites]:
    """The session's local sites, reset to normal behaviour and a fresh state before and after the test.

    ``local_sites.linkedin.base_url``, ``local_sites.base_urls()``, ``local_sites.indeed.set(rate_limit_after=2)``,
    ``local_sites.glassdoor.expected("card")``, ``local_sites.now`` (the data's reference time).
    """
    local_sites_session.reset()
    yield local_sites_session
    local_sites_session.reset()
