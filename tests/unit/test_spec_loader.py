"""load_workflow / validate_file: the public entry points, beyond the fixture corpus."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from spec_fakes import fake_plugins

from jobflow.config import get_settings
from jobflow.errors import Problem, WorkflowInvalid
from jobflow.plugins import LoadFailure, Plugins
from jobflow.spec import load_workflow, validate_file
from jobflow.spec.loader import validate_text


@pytest.fixture(scope="module")
def plugins() -> Plugins:
    return fake_plugins()


def _messages(text: str, plugins: Plugins) -> list[str]:
    problems, _ = validate_text(text, "w.yaml", plugins)
    return [f"{p.line}:{p.col}: {p.message}" for p in problems]


def test_load_returns_the_typed_workflow(tmp_path: Path, plugins: Plugins) -> None:
    path = tmp_path / "flow.yaml"
    path.write_text(
        "version: 1\nname: flow\ndefaults: {timeout: 5m}\n"
        "steps:\n  - id: li\n    uses: linkedin.search\n    with: {keywords: python, limit: 5}\n",
        encoding="utf-8",
    )
    workflow = load_workflow(str(path), plugins)
    assert workflow.name == "flow"
    assert workflow.defaults.timeout == timedelta(minutes=5)
    assert workflow.steps[0].with_ == {"keywords": "python", "limit": 5}


def test_workflow_invalid_lists_every_problem_as_file_line_col(tmp_path: Path, plugins: Plugins) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("version: 1\nname: x\nsteps:\n  - uses: core.nope\n    timeout: forever\n", encoding="utf-8")
    with pytest.raises(WorkflowInvalid) as info:
        load_workflow(path, plugins)
    assert str(info.value).splitlines() == [
        f"{path}:4:11: unknown step 'core.nope'; did you mean 'core.noop' (plugin 'jobflow.steps.core')?",
        f"{path}:5:14: step 1: timeout: invalid duration 'forever': expected a duration such as 500ms, 60s, "
        "5m, 2h or 7d",
    ]
    assert info.value.exit_code == 2
    assert validate_file(path, plugins) == info.value.problems


def test_unreadable_and_undecodable_files_are_problems(tmp_path: Path, plugins: Plugins) -> None:
    missing = tmp_path / "missing.yaml"
    assert validate_file(missing, plugins) == [
        Problem(str(missing), 1, 1, "cannot read the file: No such file or directory")
    ]
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"version: 1\nname: \xff\xfe\n")
    assert [p.message for p in validate_file(binary, plugins)] == ["the file is not UTF-8 text (byte 18)"]
    with pytest.raises(WorkflowInvalid):
        load_workflow(missing, plugins)


def test_default_plugins_come_from_the_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JOBFLOW_DISABLE_PLUGIN_AUTOLOAD", "true")
    monkeypatch.delenv("JOBFLOW_LOAD_PLUGINS", raising=False)
    monkeypatch.setenv("JOBFLOW_HOME", str(tmp_path / "home"))
    get_settings.cache_clear()
    try:
        path = tmp_path / "flow.yaml"
        path.write_text("version: 1\nname: x\nsteps:\n  - uses: linkedin.search\n", encoding="utf-8")
        assert [p.message for p in validate_file(path)] == [
            "unknown step 'linkedin.search': no installed plugin provides 'linkedin.*' steps (see: jobflow plugins)"
        ]
    finally:
        get_settings.cache_clear()


def test_a_plugin_that_failed_to_load_is_named(plugins: Plugins) -> None:
    broken = fake_plugins()
    broken.failures.append(LoadFailure("greenhouse", "jobflow-greenhouse", "ImportError: no module named x"))
    problems, _ = validate_text("version: 1\nname: x\nsteps:\n  - uses: greenhouse.search\n", "w.yaml", broken)
    assert [p.message for p in problems] == [
        "unknown step 'greenhouse.search': plugin 'greenhouse' (distribution jobflow-greenhouse) failed to load: "
        "ImportError: no module named x"
    ]


def test_expression_values_skip_type_checks_but_not_missing_keys(plugins: Plugins) -> None:
    text = (
        "version: 1\nname: x\ninputs: {n: {type: integer, default: 3}}\nsteps:\n"
        "  - uses: linkedin.search\n    with: {limit: '${{ inputs.n }}', remote: 'yes ${{ inputs.n }}'}\n"
    )
    assert _messages(text, plugins) == ["6:11: step 1: with: missing required key 'keywords'"]


def test_invalid_uses_is_reported_once(plugins: Plugins) -> None:
    text = "version: 1\nname: x\nsteps:\n  - uses: Search\n"
    assert _messages(text, plugins) == [
        "4:11: step 1: uses: 'Search' is not a step name: expected PLUGIN.STEP such as linkedin.search"
    ]


def test_model_level_error_points_at_the_key_it_names(plugins: Plugins) -> None:
    text = "version: 1\nname: x\nsteps:\n  - uses: core.noop\n    wait:\n      until: load\n      settle: 3s\n"
    assert _messages(text, plugins) == [
        "7:15: step 1: wait.settle: 'settle' is at most 1s: wait on a condition, not on time"
    ]


def test_status_functions_and_loop_variable_are_known(plugins: Plugins) -> None:
    text = """\
version: 1
name: x
steps:
  - id: a
    uses: core.noop
  - uses: core.log
    for_each: [1, 2]
    if: success() and item > 1
    with: {message: "${{ item }} ${{ steps.a }}"}
  - uses: core.log
    if: ${{ always() }}
    with: {message: "${{ item }}"}
"""
    assert _messages(text, plugins) == [
        "12:21: step 3 refers to 'item', which only exists inside step 'step2' (its for_each variable)"
    ]


def test_unnamed_steps_are_referred_to_as_step_n(plugins: Plugins) -> None:
    text = (
        "version: 1\nname: x\nsteps:\n  - uses: core.noop\n"
        "  - uses: core.log\n    with: {message: '${{ steps.step1 }} ${{ steps.step3 }}'}\n  - uses: core.noop\n"
    )
    assert _messages(text, plugins) == ["6:21: step 2 refers to steps.step3, which runs later"]


def test_structure_errors_and_semantic_errors_come_together(plugins: Plugins) -> None:
    text = (
        "version: 1\nname: x\nbrowser: {contexts: 0}\nsteps:\n"
        "  - uses: linkedin.serch\n  - uses: core.log\n    with: {message: '${{ steps.nope }}'}\n"
    )
    assert _messages(text, plugins) == [
        "3:21: browser.contexts: must be at least 1, got 0",
        "5:11: unknown step 'linkedin.serch'; did you mean 'linkedin.search' (plugin 'linkedin')?",
        "7:21: step 2 refers to steps.nope, which does not exist",
    ]


def test_public_api_is_exported() -> None:
    import jobflow.spec

    for name in jobflow.spec.__all__:
        assert callable(getattr(jobflow.spec, name)), name
    with pytest.raises(AttributeError):
        _ = jobflow.spec.nothing_here
