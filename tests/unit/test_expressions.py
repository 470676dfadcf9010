"""The ``${{ }}`` evaluator: native values, string rendering, conditions, references, errors, sandbox."""

from __future__ import annotations

import time
from typing import Any

import pytest

from jobflow.errors import ExpressionError
from jobflow.redact import Redactor, reset_redactor, use_redactor
from jobflow.spec.expressions import Evaluator, is_expression, references, syntax_error

CTX: dict[str, Any] = {
    "inputs": {"keywords": "python developer", "limit": 50, "remote": True},
    "steps": {
        "li": {"postings": [{"title": "A"}, {"title": "B"}]},
        "ind": {"postings": [{"title": "C"}]},
        "save": {"new": []},
    },
    "secrets": {"password": "hunter2-secret"},
    "run": {"id": "r1", "attempt": 1},
}


@pytest.fixture
def ev() -> Evaluator:
    return Evaluator()


def test_is_expression() -> None:
    assert is_expression("a ${{ b }}")
    assert not is_expression("{{ b }}")
    assert not is_expression("$ {{ b }}")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${{ inputs.limit }}", 50),
        ("  ${{ inputs.remote }}\n", True),
        ("${{ steps.li.postings + steps.ind['postings'] }}", [{"title": "A"}, {"title": "B"}, {"title": "C"}]),
        ("${{ {'a': {'b': [1, 2]}} }}", {"a": {"b": [1, 2]}}),
        ("${{ steps.save.new | length }}", 0),
        ("${{ none }}", None),
        ("${{ '42' }}", "42"),  # a string stays a string: no literal_eval surprises
        ("${{ inputs | tojson }}", '{"keywords": "python developer", "limit": 50, "remote": true}'),
        ("${{ '[1, 2]' | fromjson }}", [1, 2]),
        ("${{ steps.missing | default('none') }}", "none"),
    ],
)
def test_single_expression_keeps_native_type(ev: Evaluator, text: str, expected: Any) -> None:
    assert ev.render(text, CTX) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${{ inputs.limit }} jobs", "50 jobs"),
        ("${{ inputs.limit }}${{ inputs.limit }}", "5050"),
        ("first: ${{ steps.li.postings[0] }}", 'first: {"title": "A"}'),
        ("[${{ none }}]", "[]"),
        ("{{ not ours }} {% if x %} {# c #}", "{{ not ours }} {% if x %} {# c #}"),
        ("line ${{ inputs.keywords }}\n", "line python developer\n"),
    ],
)
def test_text_around_expressions_renders_a_string(ev: Evaluator, text: str, expected: str) -> None:
    assert ev.render(text, CTX) == expected


def test_render_recurses_and_leaves_other_values(ev: Evaluator) -> None:
    value = {"a": ["${{ inputs.limit * 2 }}", "plain", 3, None], "b": {"c": "${{ inputs.remote }}"}}
    assert ev.render(value, CTX) == {"a": [100, "plain", 3, None], "b": {"c": True}}


def test_undefined_attribute_names_expression_and_reason(ev: Evaluator) -> None:
    with pytest.raises(ExpressionError) as info:
        ev.render("${{ steps.li.postingz }}", CTX)
    assert str(info.value) == "expression '${{ steps.li.postingz }}' failed: 'dict object' has no attribute 'postingz'"


@pytest.mark.parametrize(
    "text",
    [
        "${{ nothing }}",
        "${{ [steps.li.nope] }}",
        "x ${{ steps.nope.postings }}",
        "${{ 1 / 0 }}",
        "${{ inputs.limit + 'a' }}",
        "${{ a + }}",
    ],
)
def test_every_failure_is_an_expression_error(ev: Evaluator, text: str) -> None:
    with pytest.raises(ExpressionError, match="failed"):
        ev.render(text, CTX)


@pytest.mark.parametrize(
    "text",
    [
        "${{ steps.li.postings.append(1) }}",
        "${{ inputs.__class__.__mro__ }}",
        "${{ ''.__class__.__subclasses__() }}",
        "${{ inputs.update({'x': 1}) }}",
    ],
)
def test_sandbox_refuses_unsafe_access(ev: Evaluator, text: str) -> None:
    with pytest.raises(ExpressionError, match="unsafe"):
        ev.render(text, CTX)
    assert CTX["steps"]["li"]["postings"] == [{"title": "A"}, {"title": "B"}]


def test_secret_values_never_in_messages() -> None:
    ev = Evaluator(Redactor(["hunter2-secret"]))
    with pytest.raises(ExpressionError) as info:
        ev.render("${{ steps[secrets.password] }}", CTX)
    assert "hunter2-secret" not in str(info.value)
    assert "'dict object' has no attribute '***'" in str(info.value)
    with pytest.raises(ExpressionError) as info:
        ev.render("${{ secrets.password.missing }}", CTX)
    assert "hunter2" not in str(info.value)


def test_current_redactor_used_when_none_given() -> None:
    token = use_redactor(Redactor(["python developer"]))
    try:
        with pytest.raises(ExpressionError) as info:
            Evaluator().render("${{ steps[inputs.keywords].x }}", CTX)
    finally:
        reset_redactor(token)
    assert "python developer" not in str(info.value)
    assert "***" in str(info.value)


# ---------------------------------------------------------------------------------------- conditions


@pytest.mark.parametrize(
    ("expr", "failed", "cancelled", "expected"),
    [
        (None, False, False, True),
        (None, True, False, False),
        (None, False, True, False),
        (True, False, False, True),
        (False, False, False, False),
        (True, True, False, False),
        ("steps.save.new | length > 0", False, False, False),
        ("${{ steps.li.postings | length > 0 }}", False, False, True),
        ("steps.li.postings | length > 0", True, False, False),  # implicit success()
        ("${{ always() }}", True, False, True),
        ("${{ always() }}", False, True, True),
        ("failure()", True, False, True),
        ("failure()", False, False, False),
        ("${{ success() }}", False, False, True),
        ("${{ cancelled() }}", False, True, True),
        ("${{ cancelled() }}", False, False, False),
        ("failure() and inputs.remote", True, False, True),
        ("always() and inputs.limit > 100", True, False, False),
    ],
)
def test_condition(ev: Evaluator, expr: str | bool | None, failed: bool, cancelled: bool, expected: bool) -> None:
    assert ev.condition(expr, CTX, failed=failed, cancelled=cancelled) is expected


def test_condition_with_text_around_is_refused(ev: Evaluator) -> None:
    with pytest.raises(ExpressionError, match="one"):
        ev.condition("${{ inputs.limit }} == ${{ inputs.limit }}", CTX, failed=False, cancelled=False)


def test_condition_errors_name_the_expression(ev: Evaluator) -> None:
    with pytest.raises(ExpressionError, match=r"steps\.nope\.x"):
        ev.condition("steps.nope.x", CTX, failed=False, cancelled=False)


# ------------------------------------------------------------------------------------ static checks


@pytest.mark.parametrize(
    ("text", "bare", "expected"),
    [
        (
            "${{ steps.li.postings + steps.ind['postings'] }}",
            False,
            [("steps", "li", "postings"), ("steps", "ind", "postings")],
        ),
        ("${{ inputs.keywords }}", False, [("inputs", "keywords")]),
        ("Apply to ${{ job.title }} at ${{ job.company }}", False, [("job", "title"), ("job", "company")]),
        ("steps.save.new | length > 0", True, [("steps", "save", "new")]),
        ("success() and always()", True, []),
        ("steps.li.postings[0].title", True, [("steps", "li", "postings")]),
        ("steps[inputs.site].postings", True, [("inputs", "site"), ("steps",)]),
        ("inputs.a == inputs.a", True, [("inputs", "a")]),
        ("steps.li.outputs.items() | list", True, [("steps", "li", "outputs")]),
        ("'literal' ~ 3", True, []),
    ],
)
def test_references(text: str, bare: bool, expected: list[tuple[str, ...]]) -> None:
    assert references(text, bare=bare) == expected


@pytest.mark.parametrize(
    ("text", "bare", "fragment"),
    [
        ("${{ a + }}", False, "unexpected"),
        ("${{ a", False, "end of template"),
        ("a b", True, "unexpected 'b'"),
        ("a | lenght", True, "No filter named 'lenght'"),
        ("${{ a is frobbed }}", False, "No test named 'frobbed'"),
    ],
)
def test_syntax_error(text: str, bare: bool, fragment: str) -> None:
    message = syntax_error(text, bare=bare)
    assert message is not None
    assert fragment in message


@pytest.mark.parametrize(
    ("text", "bare"),
    [("${{ a.b | length > 0 }}", False), ("plain text", False), ("x ${{ a }} ${{ b }}", False), ("a.b and c", True)],
)
def test_no_syntax_error(text: str, bare: bool) -> None:
    assert syntax_error(text, bare=bare) is None


def test_render_is_fast_with_the_cache(ev: Evaluator) -> None:
    value = {"keywords": "${{ inputs.keywords }}", "limit": "${{ inputs.limit }}", "s": "${{ steps.li.postings }}"}
    ev.render(value, CTX)
    start = time.perf_counter()
    for _ in range(1000):
        ev.render(value, CTX)
    per_render_ms = time.perf_counter() - start
    assert per_render_ms < 1.0  # 1000 renders of three expressions well under a second: compiled once
