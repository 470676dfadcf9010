"""Load and validate a workflow file: every problem found, each at ``FILE:LINE:COL``.

::

    try:
        workflow = load_workflow("flows/berlin.yaml", plugins)
    except WorkflowInvalid as exc:
        for problem in exc.problems:
            print(problem)   # flows/berlin.yaml:12:14: step 'li': with.limit: expected an integer, got 'ten'

The checks, in order: YAML syntax and duplicate keys (:mod:`jobflow.spec.yamlsource`), the shape of the
document against :class:`~jobflow.spec.models.Workflow` (:mod:`jobflow.spec.errormap`), then what the
shape cannot say (:mod:`jobflow.spec.checks`): step ids, step names, each step's ``with:`` against its
own params model, and the expressions with what they refer to.
"""

from __future__ import annotations

from pathlib import Path

from jobflow.errors import Problem, WorkflowInvalid
from jobflow.plugins import Plugins, build_plugins
from jobflow.spec.checks import semantic_problems
from jobflow.spec.errormap import model_problems
from jobflow.spec.models import Workflow
from jobflow.spec.yamlsource import load_source

__all__ = ["load_workflow", "validate_file", "validate_text"]


def _default_plugins() -> Plugins:
    from jobflow.config import get_settings

    settings = get_settings()
    return build_plugins(
        load_plugins=settings.jobflow_load_plugins, disable_autoload=settings.jobflow_disable_plugin_autoload
    )


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(dict.fromkeys(problems), key=lambda p: (p.file, p.line, p.col, p.message))


def validate_text(text: str, file: str, plugins: Plugins | None = None) -> tuple[list[Problem], Workflow | None]:
    """Validate workflow text as if read from ``file``: the problems (sorted) and, when none, the model."""
    source = load_source(text, file)
    problems = list(source.problems)
    if not isinstance(source.data, dict):
        return _sorted(problems), None
    problems += model_problems(source, Workflow, source.data)
    problems += semantic_problems(source, plugins if plugins is not None else _default_plugins())
    if problems:
        return _sorted(problems), None
    return [], Workflow.model_validate(source.data)


def _read(path: Path, file: str) -> tuple[str | None, Problem | None]:
    try:
        return path.read_text(encoding="utf-8-sig"), None
    except UnicodeDecodeError as exc:
        return None, Problem(file, 1, 1, f"the file is not UTF-8 text (byte {exc.start + 1})")
    except OSError as exc:
        return None, Problem(file, 1, 1, f"cannot read the file: {exc.strerror or exc}")


def _validate(path: str | Path, plugins: Plugins | None) -> tuple[list[Problem], Workflow | None]:
    file = str(path)
    text, problem = _read(Path(path), file)
    if text is None:
        return [problem] if problem is not None else [], None
    return validate_text(text, file, plugins)


def validate_file(path: str | Path, plugins: Plugins | None = None) -> list[Problem]:
    """Every problem in the workflow file at ``path`` (``[]`` when it is valid), sorted by position.

    ``plugins`` supplies the step types; by default they are built from the settings
    (``JOBFLOW_LOAD_PLUGINS``, ``JOBFLOW_DISABLE_PLUGIN_AUTOLOAD``).
    """
    return _validate(path, plugins)[0]


def load_workflow(path: str | Path, plugins: Plugins | None = None) -> Workflow:
    """The validated workflow at ``path``; raises :class:`WorkflowInvalid` carrying every problem."""
    problems, workflow = _validate(path, plugins)
    if workflow is None:
        raise WorkflowInvalid(problems)
    return workflow
