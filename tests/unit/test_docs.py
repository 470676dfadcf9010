"""Every hook and every setting is documented (datasette's idea): adding one without docs fails here."""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import jobflow
from jobflow import hookspecs
from jobflow.config import Settings

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _hook_names() -> set[str]:
    return {name for name, func in inspect.getmembers(hookspecs, inspect.isfunction) if hasattr(func, "jobflow_spec")}


def test_there_are_hooks_to_document() -> None:
    assert {"register_steps", "run_started", "step_finished", "run_finished"} <= _hook_names()


def test_every_hook_is_documented() -> None:
    text = (DOCS / "plugins.md").read_text()
    documented = set(re.findall(r"^### `(\w+)`$", text, re.MULTILINE))
    assert _hook_names() - documented == set(), "hooks missing from docs/plugins.md"
    assert documented - _hook_names() == set(), "docs/plugins.md documents hooks that do not exist"


def test_every_hookspec_has_a_docstring() -> None:
    for name in _hook_names():
        assert (getattr(hookspecs, name).__doc__ or "").strip(), name


def test_every_setting_is_documented() -> None:
    text = (DOCS / "configuration.md").read_text()
    documented = set(re.findall(r"^### `(\w+)`$", text, re.MULTILINE))
    names = {name.upper() for name in Settings.model_fields}
    assert names - documented == set(), "settings missing from docs/configuration.md"
    assert documented - names == set(), "docs/configuration.md documents settings that do not exist"
    for name, field in Settings.model_fields.items():
        assert field.description, f"setting {name} has no description"


def test_public_api_is_complete() -> None:
    import types

    # import the submodules whose names a plugin author's ``from jobflow import ...`` could hit
    importlib.import_module("jobflow.engine")
    importlib.import_module("jobflow.plugins")

    for name in jobflow.__all__:
        value = getattr(jobflow, name)
        assert value is not None
        assert not isinstance(value, types.ModuleType), f"jobflow.{name} is shadowed by a submodule"
    assert {"hookimpl", "step", "StepContext"} <= set(jobflow.__all__)
