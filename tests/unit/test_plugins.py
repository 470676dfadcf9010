"""The plugin system: entry points loaded one by one, failures named, duplicates refused, typos caught."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from jobflow import StepContext, StepOutputs, StepParams, hookimpl, step
from jobflow.errors import DuplicateStep, PluginError
from jobflow.plugins import build_plugins


def _distribution(root: Path, name: str, version: str, entry_points: dict[str, str]) -> None:
    """Install a minimal distribution on ``root`` (a sys.path entry) the way pip lays one out."""
    info = root / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    lines = "\n".join(f"{key} = {value}" for key, value in entry_points.items())
    (info / "entry_points.txt").write_text(f"[jobflow]\n{lines}\n")


GOOD_PLUGIN = """
from jobflow import StepContext, StepOutputs, StepParams, hookimpl, step

class P(StepParams):
    x: int = 1

class O(StepOutputs):
    y: int

@step("good.double", params=P, outputs=O)
async def double(ctx: StepContext, params: P) -> O:
    return O(y=params.x * 2)

@hookimpl
def register_steps(register):
    register(double)
"""


@pytest.fixture
def site_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "site"
    root.mkdir()
    (root / "jf_good_plugin.py").write_text(textwrap.dedent(GOOD_PLUGIN))
    (root / "jf_broken_plugin.py").write_text("raise ImportError('cannot import name Thing from somewhere')\n")
    (root / "jf_typo_plugin.py").write_text(
        "from jobflow import hookimpl\n\n@hookimpl\ndef register_stepz(register):\n    pass\n"
    )
    _distribution(root, "jobflow-good", "2.0.1", {"good": "jf_good_plugin"})
    _distribution(root, "jobflow-broken", "0.3", {"broken": "jf_broken_plugin"})
    _distribution(root, "jobflow-typo", "0.1", {"typo": "jf_typo_plugin"})
    monkeypatch.syspath_prepend(str(root))
    return root


def test_a_plugin_that_fails_to_import_is_named_and_the_rest_still_load(site_dir: Path) -> None:
    plugins = build_plugins(load_plugins="good,broken")
    assert "good.double" in plugins.steps
    assert plugins.distributions["good"] == ("jobflow-good", "2.0.1")
    [failure] = plugins.failures
    assert failure.name == "broken"
    assert failure.distribution == "jobflow-broken"
    assert str(failure) == (
        "plugin 'broken' (distribution jobflow-broken) failed to load: "
        "ImportError: cannot import name Thing from somewhere"
    )


def test_a_misspelled_hookimpl_is_refused_at_start_up_by_name(site_dir: Path) -> None:
    plugins = build_plugins(load_plugins="typo,good")
    [failure] = plugins.failures
    assert failure.name == "typo"
    assert "register_stepz" in failure.error
    assert "good.double" in plugins.steps


def test_load_plugins_selects_and_autoload_can_be_switched_off(site_dir: Path) -> None:
    only_good = build_plugins(load_plugins="good")
    assert {info.name for info in only_good.info()} >= {"good", "jobflow.steps.core"}
    assert "broken" not in {info.name for info in only_good.info()}

    none = build_plugins(disable_autoload=True)
    names = {info.name for info in none.info()}
    assert "good" not in names
    assert "linkedin" not in names
    assert "core.log" in none.steps, "core defaults load even with autoload off"

    named = build_plugins(disable_autoload=True, load_plugins="good,missing")
    assert "good.double" in named.steps
    assert [f.name for f in named.failures] == ["missing"]


class _Params(StepParams):
    pass


class _Outputs(StepOutputs):
    pass


@step("core.log", params=_Params, outputs=_Outputs)
async def _clash(ctx: StepContext, params: _Params) -> _Outputs:
    return _Outputs()


class _ClashingPlugin:
    @hookimpl
    def register_steps(self, register: Any) -> None:
        register(_clash)


def test_a_duplicate_step_name_is_refused_naming_both_plugins() -> None:
    plugins = build_plugins(disable_autoload=True, extra=[("my-plugin", _ClashingPlugin())])
    with pytest.raises(DuplicateStep) as caught:
        _ = plugins.steps
    assert str(caught.value) == (
        "step 'core.log' is registered twice: by plugin 'jobflow.steps.core' and by plugin 'my-plugin'"
    )


class _NotAStep:
    @hookimpl
    def register_steps(self, register: Any) -> None:
        register("core.nothing")


class _Raising:
    @hookimpl
    def register_steps(self, register: Any) -> None:
        raise RuntimeError("boom")


def test_registering_something_else_or_raising_names_the_plugin() -> None:
    with pytest.raises(PluginError, match=r"plugin 'odd' registered 'core\.nothing', which is not a jobflow StepType"):
        _ = build_plugins(disable_autoload=True, extra=[("odd", _NotAStep())]).steps
    with pytest.raises(PluginError, match=r"plugin 'loud' raised in register_steps: RuntimeError: boom"):
        _ = build_plugins(disable_autoload=True, extra=[("loud", _Raising())]).steps


class _Typo:
    @hookimpl
    def run_finshed(self, run: Any) -> None:
        raise AssertionError("never called")


def test_an_extra_plugin_with_a_typo_fails_with_a_clear_error() -> None:
    with pytest.raises(PluginError, match=r"plugin 'typo-plugin'.*run_finshed"):
        build_plugins(disable_autoload=True, extra=[("typo-plugin", _Typo())])
