"""The broken-workflow corpus: each ``tests/fixtures/broken/NAME.yaml`` must give exactly the lines of
``NAME.expected`` (``NAME.yaml:LINE:COL: message``, sorted by position); each workflow under
``tests/fixtures/valid/`` must give none.

After a deliberate change of wording, rewrite the expectations with
``JOBFLOW_REWRITE_EXPECTED=1 .venv/bin/pytest tests/unit/test_spec_corpus.py`` and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from spec_fakes import fake_plugins

from jobflow.errors import WorkflowInvalid
from jobflow.plugins import Plugins
from jobflow.spec import load_workflow, validate_file
from jobflow.spec.models import Workflow

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BROKEN = sorted((FIXTURES / "broken").glob("*.yaml"))
VALID = sorted((FIXTURES / "valid").glob("*.yaml"))


@pytest.fixture(scope="module")
def plugins() -> Plugins:
    return fake_plugins()


def _lines(path: Path, plugins: Plugins) -> list[str]:
    return [f"{path.name}:{p.line}:{p.col}: {p.message}" for p in validate_file(path, plugins)]


def test_corpus_is_large_enough() -> None:
    assert len(BROKEN) >= 45
    assert len(VALID) >= 4


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_broken_workflow(path: Path, plugins: Plugins) -> None:
    expected_file = path.with_suffix(".expected")
    got = _lines(path, plugins)
    if os.environ.get("JOBFLOW_REWRITE_EXPECTED"):
        expected_file.write_text("".join(line + "\n" for line in got), encoding="utf-8")
    expected = expected_file.read_text(encoding="utf-8").splitlines()
    assert got == expected
    assert got, "a broken workflow must produce at least one problem"


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_load_workflow_raises_with_every_problem(path: Path, plugins: Plugins) -> None:
    with pytest.raises(WorkflowInvalid) as info:
        load_workflow(path, plugins)
    assert [f"{Path(p.file).name}:{p.line}:{p.col}: {p.message}" for p in info.value.problems] == _lines(path, plugins)
    assert all(p.file == str(path) for p in info.value.problems)


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_workflow(path: Path, plugins: Plugins) -> None:
    assert _lines(path, plugins) == []
    workflow = load_workflow(path, plugins)
    assert isinstance(workflow, Workflow)
    assert workflow.steps
