"""Checks beyond the shape of the document: step ids, step names, each ``with:`` and every expression.

They read the raw data defensively (a malformed part is skipped: the model validation has reported it),
so one pass reports as much as possible.
"""

from __future__ import annotations

from collections.abc import Iterator
from difflib import get_close_matches
from typing import Any

from pydantic import ValidationError

from jobflow.errors import Problem
from jobflow.plugins import Plugins
from jobflow.spec.errormap import model_problems, show
from jobflow.spec.expressions import is_expression, references, syntax_error
from jobflow.spec.inputs import default_value
from jobflow.spec.locate import describe, format_rest
from jobflow.spec.models import STEP_NAME, InputSpec
from jobflow.spec.yamlsource import Source
from jobflow.steptype import StepType
from jobflow.types import Path_

__all__ = ["CONTEXT_ROOTS", "semantic_problems"]

CONTEXT_ROOTS: tuple[str, ...] = ("steps", "inputs", "secrets", "run")
"""The names every expression may start from (plus a ``for_each`` step's ``as`` variable)."""


def _strings(value: Any, path: Path_) -> Iterator[tuple[Path_, str]]:
    """Every string holding an expression inside ``value``, with its path."""
    if isinstance(value, str):
        if is_expression(value):
            yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from _strings(item, (*path, n))


_JINJA_WORDS = {
    "'end of print statement'": "'}}'",
    "'end of template'": "end of expression",
    "token 'name'": "a name",
}


def _readable(error: str) -> str:
    """Jinja's parser words -> ours (``unexpected 'end of print statement'`` -> ``unexpected '}}'``)."""
    for jinja, ours in _JINJA_WORDS.items():
        error = error.replace(jinja, ours)
    return error


def _hint(name: str, known: list[str]) -> str:
    close = get_close_matches(name, known, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


class _Checker:
    def __init__(self, source: Source, plugins: Plugins) -> None:
        self.source = source
        self.plugins = plugins
        data = source.data
        self.steps: list[Any] = data["steps"]
        self.ids = [
            (s["id"] if isinstance(s.get("id"), str) else f"step{n}") if isinstance(s, dict) else None
            for n, s in enumerate(self.steps, start=1)
        ]
        self.inputs = list(data["inputs"]) if isinstance(data.get("inputs"), dict) else []
        self.secrets = list(data["secrets"]) if isinstance(data.get("secrets"), dict) else []
        self.loop_vars = {
            i: (s.get("as", "item") if isinstance(s.get("as", "item"), str) else "item")
            for i, s in enumerate(self.steps)
            if isinstance(s, dict) and s.get("for_each") is not None
        }
        self.problems: list[Problem] = []

    def add(self, path: Path_, message: str, *, at_key: bool = False) -> None:
        self.problems.append(self.source.problem(path, message, at_key=at_key))

    # ----------------------------------------------------------------------------------- step ids

    def duplicate_ids(self) -> None:
        seen: dict[str, int] = {}
        for i, step_id in enumerate(self.ids):
            if step_id is None:
                continue
            if step_id not in seen:
                seen[step_id] = i
                continue
            first = seen[step_id]
            explicit = isinstance(self.steps[i].get("id"), str)
            if explicit and isinstance(self.steps[first].get("id"), str):
                line = self.source.value_pos(("steps", first, "id"))[0]
                message = f"duplicate step id {step_id!r} (first used at line {line})"
            elif explicit:
                message = f"step id {step_id!r} is already the name of step {first + 1}, which has no id"
            else:
                message = f"step {i + 1} has no id, so it is called {step_id!r}, which step {first + 1} already uses"
            self.add(("steps", i, "id") if explicit else ("steps", i), message)

    # ------------------------------------------------------------------------------ uses and with

    def step_type(self, i: int, step: dict[str, Any]) -> StepType[Any, Any] | None:
        uses = step.get("uses")
        if not isinstance(uses, str) or not STEP_NAME.match(uses):
            return None  # missing or malformed: already reported
        registry = self.plugins.steps
        found = registry.get(uses)
        if found is not None:
            return found
        path = ("steps", i, "uses")
        close = registry.closest(uses)
        namespace = uses.split(".", 1)[0]
        siblings = [name for name in registry.names() if name.split(".", 1)[0] == namespace]
        failed = [f for f in self.plugins.failures if f.name == namespace]
        if close is not None:
            self.add(path, f"unknown step {uses!r}; did you mean {close.name!r} (plugin {close.plugin!r})?")
        elif siblings:
            self.add(path, f"unknown step {uses!r}; the {namespace}.* steps are: {', '.join(siblings)}")
        elif failed:
            self.add(path, f"unknown step {uses!r}: {failed[0]}")
        else:
            self.add(
                path,
                f"unknown step {uses!r}: no installed plugin provides '{namespace}.*' steps (see: jobflow plugins)",
            )
        return None

    def params(self, i: int, step: dict[str, Any], step_type: StepType[Any, Any]) -> None:
        raw = step.get("with", {})
        if isinstance(raw, dict):
            base = ("steps", i, "with")
            self.problems += model_problems(self.source, step_type.params, raw, base=base, skip_expressions=True)

    # -------------------------------------------------------------------------------- expressions

    def who(self, path: Path_) -> str:
        return describe(self.source.data, path)[0] or "the workflow"

    def where(self, path: Path_) -> str:
        context, rest = describe(self.source.data, path)
        return " ".join(part for part in (context, format_rest(rest)) if part)

    def expressions(self, i: int, step: dict[str, Any]) -> None:
        loop_var = self.loop_vars.get(i)
        for key, value in step.items():
            path: Path_ = ("steps", i, key)
            if key == "if":
                self.condition(i, path, value, loop_var)
            elif key == "for_each":
                if isinstance(value, str) and not is_expression(value):
                    self.plain_for_each(path, value)
                for where, text in _strings(value, path):
                    self.text(i, where, text, None)
            else:
                for where, text in _strings(value, path):
                    self.text(i, where, text, loop_var)

    def plain_for_each(self, path: Path_, value: str) -> None:
        hint = f' (write "${{{{ {value} }}}}")' if value.strip() and syntax_error(value, bare=True) is None else ""
        got = f"got {value!r}{hint}"
        self.add(path, f"{self.who(path)}: for_each: expected a list or a ${{{{ }}}} expression, {got}")

    def condition(self, i: int, path: Path_, value: Any, loop_var: str | None) -> None:
        if not isinstance(value, str):
            return  # a boolean, or a wrong type already reported
        text = value.strip()
        if not is_expression(text):
            self.text(i, path, text, loop_var, bare=True)
        elif text.count("${{") == 1 and text.startswith("${{") and text.endswith("}}"):
            self.text(i, path, text, loop_var)
        else:
            message = "an if: condition is one ${{ }} expression or a bare one, not text around expressions"
            self.add(path, f"invalid expression in {self.where(path)}: {message}")

    def text(self, i: int, path: Path_, text: str, loop_var: str | None, *, bare: bool = False) -> None:
        error = syntax_error(text, bare=bare)
        if error is not None:
            self.add(path, f"invalid expression in {self.where(path)}: {_readable(error)}")
            return
        for ref in references(text, bare=bare):
            message = self.reference(i, ref, loop_var)
            if message is not None:
                self.add(path, message)

    def reference(self, i: int, ref: tuple[str, ...], loop_var: str | None) -> str | None:
        who, root = self.who(("steps", i)), ref[0]
        if root == loop_var:
            return None
        if root == "steps" and len(ref) > 1:
            target = ref[1]
            if target not in self.ids:
                known = [x for x in self.ids if x is not None]
                return f"{who} refers to steps.{target}, which does not exist{_hint(target, known)}"
            j = self.ids.index(target)
            if j == i:
                return f"{who} refers to itself (steps.{target})"
            return f"{who} refers to steps.{target}, which runs later" if j > i else None
        if root in ("inputs", "secrets") and len(ref) > 1:
            names = self.inputs if root == "inputs" else self.secrets
            if ref[1] not in names:
                return f"{who} refers to {root}.{ref[1]}, which is not declared under {root}:{_hint(ref[1], names)}"
            return None
        if root in CONTEXT_ROOTS:
            return None
        owners = [self.ids[j] for j, var in self.loop_vars.items() if var == root and j != i]
        if owners:
            return f"{who} refers to {root!r}, which only exists inside step {owners[0]!r} (its for_each variable)"
        known = [*CONTEXT_ROOTS, *([loop_var] if loop_var else [])]
        hint = _hint(root, known) or f" (expressions start from {', '.join(known)})"
        return f"{who} refers to unknown name {root!r}{hint}"

    # ------------------------------------------------------------------------------------ inputs

    def input_defaults(self) -> None:
        inputs = self.source.data.get("inputs")
        for name, raw in inputs.items() if isinstance(inputs, dict) else ():
            try:
                spec = InputSpec.model_validate(raw)
            except ValidationError:
                continue  # reported by the model check
            try:
                default_value(spec)
            except ValueError as exc:
                got = "" if ", got " in str(exc) else f", got {show(spec.default)}"
                self.add(("inputs", name, "default"), f"input {name!r}: default: {exc}{got}")


def semantic_problems(source: Source, plugins: Plugins) -> list[Problem]:
    """Every problem with step ids, step names, ``with:`` params, expressions and input defaults."""
    data = source.data
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
        return []
    checker = _Checker(source, plugins)
    checker.duplicate_ids()
    checker.input_defaults()
    for i, step in enumerate(checker.steps):
        if not isinstance(step, dict):
            continue
        step_type = checker.step_type(i, step)
        if step_type is not None:
            checker.params(i, step, step_type)
        checker.expressions(i, step)
    return checker.problems
