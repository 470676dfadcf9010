"""``${{ ... }}`` expressions, evaluated in a sandboxed Jinja2 environment.

A string that is exactly one expression (whitespace around it allowed) evaluates to the expression's
native Python value: ``"${{ steps.li.postings }}"`` is a list, ``"${{ inputs.limit }}"`` an int. A string
with text around its expressions renders to a string (lists and dicts as JSON, ``None`` as nothing).
Strings without ``${{`` are returned unchanged. Only ``${{ }}`` is syntax: Jinja's ``{% %}`` blocks and
``{# #}`` comments are plain text here.

``if:`` conditions may also be bare expressions (``steps.save.new | length > 0``) and may call the status
functions ``success()``, ``failure()``, ``always()`` and ``cancelled()``. Without one of them a condition
means ``success() and (expr)``, as in GitHub Actions.

Every failure at run time raises :class:`jobflow.errors.ExpressionError` whose message holds the
expression text; secret values never appear in it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from jinja2 import StrictUndefined, TemplateSyntaxError, Undefined, nodes
from jinja2.environment import Template
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.parser import Parser
from jinja2.sandbox import ImmutableSandboxedEnvironment

from jobflow.errors import ExpressionError
from jobflow.redact import Redactor, current_redactor

__all__ = ["STATUS_FUNCTIONS", "Evaluator", "is_expression", "references", "syntax_error"]

START, END = "${{", "}}"
STATUS_FUNCTIONS = frozenset({"success", "failure", "always", "cancelled"})
_RESULT = "_jobflow_result"
_MAX_SHOWN = 200  # characters of an expression quoted in an error message


def _tojson(value: Any, indent: int | None = None) -> str:
    return json.dumps(value, indent=indent, ensure_ascii=False, default=str)


def _fromjson(value: str) -> Any:
    return json.loads(value)


def _finalize(value: Any) -> Any:
    """How a value looks inside a larger string: containers as JSON, ``None`` as nothing."""
    if value is None:
        return ""
    if isinstance(value, dict | list | tuple):
        return _tojson(value)
    return value


class _Environment(ImmutableSandboxedEnvironment):
    """The sandbox, with ``a.b`` on a dict reading the key first: ``steps.x.values`` is data, not a method."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, dict) and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


def _environment() -> _Environment:
    env = _Environment(
        variable_start_string=START,
        variable_end_string=END,
        # Blocks and comments are switched off: nobody types these delimiters.
        block_start_string="\x00\x01{%",
        block_end_string="%}\x01\x00",
        comment_start_string="\x00\x01{#",
        comment_end_string="#}\x01\x00",
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
        finalize=_finalize,
    )
    env.filters["tojson"] = _tojson
    env.filters["fromjson"] = _fromjson
    env.tests["search"] = _search
    env.tests["contains"] = _contains
    return env


def _search(value: Any, pattern: str) -> bool:
    """Test ``x is search('(?i)python')``: a regular expression found anywhere in the text."""
    return value is not None and re.search(pattern, str(value)) is not None


def _contains(value: Any, needle: Any) -> bool:
    """Test ``title is contains('Python')``: case-insensitive for text, membership for lists."""
    if isinstance(value, str) and isinstance(needle, str):
        return needle.casefold() in value.casefold()
    return value is not None and needle in value


_ENV = _environment()


@dataclass(frozen=True, slots=True)
class _Compiled:
    kind: Literal["native", "template"]
    run: Callable[[Mapping[str, Any]], Any]
    uses_status: bool = False


def is_expression(text: str) -> bool:
    """Whether ``text`` contains a ``${{`` expression."""
    return START in text


def _parse_bare(text: str) -> nodes.Expr:
    parser = Parser(_ENV, text, state="variable")
    expr = parser.parse_expression()
    if not parser.stream.eos:
        token = parser.stream.current
        raise TemplateSyntaxError(f"unexpected {token.value!r} after the expression", token.lineno)
    return expr


def _single(tree: nodes.Template) -> nodes.Expr | None:
    """The one expression of a template that is nothing but ``${{ expr }}`` and whitespace."""
    if len(tree.body) != 1 or not isinstance(tree.body[0], nodes.Output):
        return None
    exprs = [n for n in tree.body[0].nodes if not isinstance(n, nodes.TemplateData)]
    text = [n for n in tree.body[0].nodes if isinstance(n, nodes.TemplateData)]
    if len(exprs) != 1 or any(n.data.strip() for n in text):
        return None
    return exprs[0]


def _uses_status(expr: nodes.Node) -> bool:
    calls = [expr, *expr.find_all(nodes.Call)] if isinstance(expr, nodes.Call) else expr.find_all(nodes.Call)
    return any(isinstance(call.node, nodes.Name) and call.node.name in STATUS_FUNCTIONS for call in calls)


def _native(expr: nodes.Expr) -> _Compiled:
    body: list[nodes.Node] = [nodes.Assign(nodes.Name(_RESULT, "store"), expr, lineno=1)]
    template = _ENV.from_string(nodes.Template(body, lineno=1))

    def run(context: Mapping[str, Any]) -> Any:
        ctx = template.new_context(dict(context))
        for _ in template.root_render_func(ctx):
            pass
        return ctx.vars[_RESULT]

    return _Compiled("native", run, _uses_status(expr))


@lru_cache(maxsize=2048)
def _compile(text: str, bare: bool) -> _Compiled:
    """Parse and compile once; raises ``TemplateSyntaxError`` (or its ``TemplateAssertionError``)."""
    if bare:
        return _native(_parse_bare(text))
    tree = _ENV.parse(text)
    expr = _single(tree)
    if expr is not None:
        return _native(expr)
    template: Template = _ENV.from_string(tree)
    return _Compiled("template", template.render)


def syntax_error(text: str, *, bare: bool = False) -> str | None:
    """``None`` when ``text`` parses (and names only known filters and tests), else a short message."""
    try:
        _compile(text, bare)
    except TemplateSyntaxError as exc:
        message = exc.message or "invalid expression"
        return f"{message} (line {exc.lineno})" if "\n" in text.strip() else message
    return None


def _chain(node: nodes.Node, found: list[tuple[str, ...]]) -> None:
    parts: list[str] = []
    while True:
        if isinstance(node, nodes.Getattr):
            parts.append(node.attr)
            node = node.node
        elif isinstance(node, nodes.Getitem):
            if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                parts.append(node.arg.value)
            else:
                parts = []  # an index or computed key: only the part below it is a known path
                _walk(node.arg, found)
            node = node.node
        elif isinstance(node, nodes.Name):
            parts.append(node.name)
            found.append(tuple(reversed(parts)))
            return
        else:
            _walk(node, found)
            return


def _walk(node: nodes.Node, found: list[tuple[str, ...]]) -> None:
    if isinstance(node, nodes.Name | nodes.Getattr | nodes.Getitem):
        _chain(node, found)
        return
    if isinstance(node, nodes.Call):
        if isinstance(node.node, nodes.Getattr):  # a method call: the object is the reference
            _chain(node.node.node, found)
        elif not isinstance(node.node, nodes.Name):
            _walk(node.node, found)
        arguments: list[nodes.Node | None] = [*node.args, *node.kwargs, node.dyn_args, node.dyn_kwargs]
        for argument in arguments:
            if argument is not None:
                _walk(argument, found)
        return
    for child in node.iter_child_nodes():
        _walk(child, found)


def references(text: str, *, bare: bool = False) -> list[tuple[str, ...]]:
    """Attribute/item chains rooted at a name, in order, without duplicates.

    ``steps.li.postings + steps.ind['postings']`` -> ``[("steps", "li", "postings"), ("steps", "ind",
    "postings")]``. Function calls (``success()``) are not references. Raises ``TemplateSyntaxError``
    when ``text`` does not parse (check :func:`syntax_error` first).
    """
    tree: nodes.Node = _parse_bare(text) if bare else _ENV.parse(text)
    found: list[tuple[str, ...]] = []
    _walk(tree, found)
    return list(dict.fromkeys(found))


def _check_defined(value: Any) -> None:
    if isinstance(value, Undefined):
        str(value)  # a StrictUndefined raises UndefinedError with the reason
    elif isinstance(value, list | tuple):
        for item in value:
            _check_defined(item)
    elif isinstance(value, dict):
        for item in value.values():
            _check_defined(item)


class Evaluator:
    """Renders ``with:`` values and decides ``if:`` conditions against a run's context."""

    def __init__(self, redactor: Redactor | None = None) -> None:
        self._redactor = redactor

    def _fail(self, text: str, exc: Exception | str) -> ExpressionError:
        if isinstance(exc, str):
            reason = exc
        elif isinstance(exc, TemplateSyntaxError):
            reason = f"invalid syntax: {exc.message}"
        elif isinstance(exc, UndefinedError | SecurityError):
            reason = str(exc)
        else:
            reason = f"{type(exc).__name__}: {exc}"
        shown = text if len(text) <= _MAX_SHOWN else text[:_MAX_SHOWN] + "..."
        message = f"expression '{shown}' failed: {reason}"
        redactor = self._redactor or current_redactor()
        return ExpressionError(redactor.text(message) if redactor else message)

    def _evaluate(self, text: str, bare: bool, context: Mapping[str, Any]) -> tuple[Any, bool]:
        try:
            compiled = _compile(text, bare)
            value = compiled.run(context)
            if compiled.kind == "native":
                _check_defined(value)
        except Exception as exc:
            raise self._fail(text, exc) from exc
        return value, compiled.uses_status

    def render(self, value: Any, context: Mapping[str, Any]) -> Any:
        """Evaluate every expression inside ``value`` (recursing into dicts and lists)."""
        if isinstance(value, str):
            if START not in value:
                return value
            return self._evaluate(value, False, context)[0]
        if isinstance(value, dict):
            return {key: self.render(item, context) for key, item in value.items()}
        if isinstance(value, list):
            return [self.render(item, context) for item in value]
        return value

    def condition(self, expr: str | bool | None, context: Mapping[str, Any], *, failed: bool, cancelled: bool) -> bool:
        """Decide an ``if:``. ``failed``: an earlier step failed; ``cancelled``: the run is being cancelled."""
        ok = not failed and not cancelled
        if expr is None:
            return ok
        if isinstance(expr, bool):
            return ok and expr
        text = expr.strip()
        bare = START not in text
        if not bare:
            try:
                kind = _compile(text, False).kind
            except TemplateSyntaxError as exc:
                raise self._fail(text, exc) from exc
            if kind != "native":
                raise self._fail(text, "an if: condition must be one ${{ }} expression (or a bare one), not text")
        status: dict[str, Callable[[], bool]] = {
            "success": lambda: ok,
            "failure": lambda: failed,
            "always": lambda: True,
            "cancelled": lambda: cancelled,
        }
        value, uses_status = self._evaluate(text, bare, {**context, **status})
        return bool(value) if uses_status else ok and bool(value)
