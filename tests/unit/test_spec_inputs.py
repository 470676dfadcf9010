"""Inputs: --input parsing, coercion to the declared type, choices, required, unknown names."""

from __future__ import annotations

from typing import Any

import pytest

from jobflow.errors import ConfigError
from jobflow.spec import parse_input_args, resolve_inputs
from jobflow.spec.models import Workflow


def _workflow(inputs: dict[str, Any]) -> Workflow:
    return Workflow.model_validate({"version": 1, "name": "x", "inputs": inputs, "steps": [{"uses": "core.noop"}]})


INPUTS: dict[str, Any] = {
    "keywords": {"default": "python developer"},
    "limit": {"type": "integer", "default": 50},
    "ratio": {"type": "number", "default": 0.5},
    "remote": {"type": "boolean", "default": False},
    "cities": {"type": "list", "default": ["Berlin"]},
    "extra": {"type": "object", "default": {}},
    "level": {"choices": ["junior", "senior"], "default": "senior"},
    "note": {},
}


def test_parse_input_args_splits_at_the_first_equals_sign() -> None:
    assert parse_input_args(["limit=20", "keywords=a=b", "empty="]) == {"limit": "20", "keywords": "a=b", "empty": ""}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["limit"], "--input 'limit': expected NAME=VALUE, e.g. --input limit=20"),
        (["=3"], "--input '=3': expected NAME=VALUE, e.g. --input limit=20"),
        (["a=1", "a=2"], "--input a: given more than once"),
    ],
)
def test_parse_input_args_errors(args: list[str], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_input_args(args)
    assert str(info.value) == message


def test_defaults_when_nothing_is_given() -> None:
    assert resolve_inputs(_workflow(INPUTS), {}) == {
        "keywords": "python developer",
        "limit": 50,
        "ratio": 0.5,
        "remote": False,
        "cities": ["Berlin"],
        "extra": {},
        "level": "senior",
        "note": None,
    }


@pytest.mark.parametrize(
    ("name", "raw", "value"),
    [
        ("keywords", " rust dev ", " rust dev "),
        ("limit", "20", 20),
        ("limit", "-3", -3),
        ("ratio", "2", 2.0),
        ("ratio", "1e-3", 0.001),
        ("remote", "yes", True),
        ("remote", "FALSE", False),
        ("remote", "0", False),
        ("cities", "Berlin, Hamburg", ["Berlin", "Hamburg"]),
        ("cities", '["a,b", "c"]', ["a,b", "c"]),
        ("cities", "", []),
        ("extra", '{"a": [1, 2]}', {"a": [1, 2]}),
        ("level", "junior", "junior"),
    ],
)
def test_overrides_are_coerced_to_the_declared_type(name: str, raw: str, value: Any) -> None:
    resolved = resolve_inputs(_workflow(INPUTS), {name: raw})
    assert resolved[name] == value
    assert type(resolved[name]) is type(value)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"limit": "ten"}, "--input limit=ten: expected an integer"),
        ({"limit": "2.5"}, "--input limit=2.5: expected an integer"),
        ({"ratio": "nan"}, "--input ratio=nan: expected a number"),
        ({"remote": "maybe"}, "--input remote=maybe: expected true or false"),
        ({"extra": "[1]"}, '--input extra=[1]: expected a JSON object such as {"a": 1}'),
        (
            {"extra": "{a: 1}"},
            '--input extra={a: 1}: expected a JSON object such as {"a": 1} '
            "(Expecting property name enclosed in double quotes at character 2)",
        ),
        ({"level": "principal"}, "--input level=principal: expected one of 'junior', 'senior'"),
        ({"limt": "3"}, "--input limt: no input 'limt' is declared; did you mean 'limit'?"),
        (
            {"zzz": "3"},
            "--input zzz: no input 'zzz' is declared (declared: keywords, limit, ratio, remote, cities, "
            "extra, level, note)",
        ),
    ],
)
def test_bad_overrides(overrides: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        resolve_inputs(_workflow(INPUTS), overrides)
    assert str(info.value) == message
    assert info.value.exit_code == 2


def test_required_input_without_value() -> None:
    workflow = _workflow({"profile": {"required": True}, "limit": {"type": "integer", "required": True, "default": 3}})
    with pytest.raises(ConfigError) as info:
        resolve_inputs(workflow, {})
    assert str(info.value) == "input 'profile' is required: pass --input profile=VALUE"
    assert resolve_inputs(workflow, {"profile": "me.yaml"}) == {"profile": "me.yaml", "limit": 3}


def test_every_problem_is_on_one_line() -> None:
    workflow = _workflow({"a": {"type": "integer"}, "b": {"required": True}})
    with pytest.raises(ConfigError) as info:
        resolve_inputs(workflow, {"a": "x", "c": "1"})
    message = str(info.value)
    assert "\n" not in message
    assert message == (
        "--input c: no input 'c' is declared (declared: a, b); --input a=x: expected an integer; "
        "input 'b' is required: pass --input b=VALUE"
    )


def test_no_inputs_declared() -> None:
    with pytest.raises(ConfigError, match="this workflow declares no inputs"):
        resolve_inputs(_workflow({}), {"x": "1"})


def test_string_defaults_of_typed_inputs_are_coerced() -> None:
    workflow = _workflow({"limit": {"type": "integer", "default": "7"}, "bad": {"type": "integer", "default": "x"}})
    with pytest.raises(ConfigError) as info:
        resolve_inputs(workflow, {})
    assert str(info.value) == "input 'bad': default: expected an integer"
    assert resolve_inputs(workflow, {"bad": "1"}) == {"limit": 7, "bad": 1}
