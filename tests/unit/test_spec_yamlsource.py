"""The YAML position loader: data, key and value positions, duplicate keys, syntax errors."""

from __future__ import annotations

import pytest

from jobflow.errors import Problem
from jobflow.spec.yamlsource import load_source

TEXT = """\
version: 1
name: demo
steps:
  - id: li
    uses: linkedin.search
    with: {keywords: python, limit: 10}
  - uses: core.log
    with:
      message: >
        folded text
"""


def test_data_is_plain_python() -> None:
    source = load_source(TEXT, "flow.yaml")
    assert source.problems == []
    assert source.data == {
        "version": 1,
        "name": "demo",
        "steps": [
            {"id": "li", "uses": "linkedin.search", "with": {"keywords": "python", "limit": 10}},
            {"uses": "core.log", "with": {"message": "folded text\n"}},
        ],
    }


def test_key_and_value_positions_are_one_based() -> None:
    source = load_source(TEXT, "flow.yaml")
    assert source.keys[("version",)] == (1, 1)
    assert source.values[("version",)] == (1, 10)
    assert source.values[("steps", 0)] == (4, 5)
    assert source.keys[("steps", 0, "uses")] == (5, 5)
    assert source.values[("steps", 0, "uses")] == (5, 11)
    assert source.keys[("steps", 0, "with", "limit")] == (6, 30)
    assert source.values[("steps", 0, "with", "limit")] == (6, 37)
    assert source.values[("steps", 1, "with", "message")] == (9, 16)


def test_missing_path_falls_back_to_nearest_ancestor() -> None:
    source = load_source(TEXT, "flow.yaml")
    assert source.value_pos(("steps", 0, "with", "nope", "deeper")) == (6, 11)
    assert source.key_pos(("steps", 0, "timeout")) == (4, 5)
    assert source.value_pos(()) == (1, 1)
    problem = source.problem(("steps", 0, "uses"), "boom", at_key=True)
    assert problem == Problem("flow.yaml", 5, 5, "boom")


@pytest.mark.parametrize(
    ("text", "line", "col", "key"),
    [
        ("a: 1\nb: 2\na: 3\n", 3, 1, "a"),
        ("s:\n  - uses: x\n    with: {}\n    uses: y\n", 4, 5, "uses"),
        ("w: {limit: 1, limit: 2}\n", 1, 15, "limit"),
    ],
)
def test_duplicate_keys_are_reported_at_the_second_key(text: str, line: int, col: int, key: str) -> None:
    source = load_source(text, "f.yaml")
    first = text.splitlines().index(next(s for s in text.splitlines() if f"{key}:" in s)) + 1
    assert source.problems == [Problem("f.yaml", line, col, f"duplicate key {key!r} (first defined at line {first})")]


def test_duplicate_key_keeps_the_first_value() -> None:
    source = load_source("a: 1\na: 2\n", "f.yaml")
    assert source.data == {"a": 1}
    assert source.values[("a",)] == (1, 4)


def test_keys_are_their_text_even_when_yaml_reads_a_boolean_or_number() -> None:
    source = load_source("on: 1\nyes: 2\n3: c\nnull: d\n", "f.yaml")
    assert source.problems == []
    assert source.data == {"on": 1, "yes": 2, "3": "c", "null": "d"}


def test_boolean_words_in_values_are_remembered() -> None:
    source = load_source("a: NO\nb: true\nc: off\n", "f.yaml")
    assert source.data == {"a": False, "b": True, "c": False}
    assert source.bool_words == {("a",): "NO", ("c",): "off"}


def test_merge_keys_and_aliases() -> None:
    text = "base: &b {timeout: 5s, retry: 2}\nstep:\n  <<: *b\n  timeout: 6s\n  other: *b\n"
    source = load_source(text, "f.yaml")
    assert source.problems == []
    assert source.data["step"] == {"timeout": "6s", "retry": 2, "other": {"timeout": "5s", "retry": 2}}
    assert source.values[("step", "timeout")] == (4, 12)
    assert source.values[("step", "retry")] == (1, 31)  # where the merged value was written


def test_recursive_alias_is_a_problem_not_a_crash() -> None:
    source = load_source("a: &x [1, *x]\n", "f.yaml")
    assert [p.message for p in source.problems] == ["a YAML alias refers to itself (a recursive structure)"]


@pytest.mark.parametrize(
    ("text", "line", "col", "message"),
    [
        ("a: b: c\n", 1, 5, "mapping values are not allowed here"),
        ('a: "open\nb: 1\n', 1, 4, "this quoted string is never closed"),
        ("a:\n\tb: 1\n", 2, 1, "a tab character here: indent with spaces, not tabs"),
        ("a:\n  b: 1\n c: 2\n", 3, 2, "bad indentation"),
        ("a: [1, 2\n", 1, 4, "this '[' is never closed"),
        ("a: 1\n---\nb: 2\n", 2, 1, "a second YAML document starts here"),
        ("a: *nothing\n", 1, 4, "found undefined alias 'nothing'"),
        ("a: @x\n", 1, 4, "character '@' cannot start a value: quote the value"),
    ],
)
def test_syntax_errors_become_one_problem(text: str, line: int, col: int, message: str) -> None:
    source = load_source(text, "f.yaml")
    assert len(source.problems) == 1
    problem = source.problems[0]
    assert (problem.line, problem.col) == (line, col)
    assert problem.message.startswith("YAML syntax error: ")
    assert message in problem.message
    assert source.data is None


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n"])
def test_empty_file(text: str) -> None:
    source = load_source(text, "f.yaml")
    assert [str(p) for p in source.problems] == [
        "f.yaml:1:1: the file is empty: a workflow needs at least 'version', 'name' and 'steps'"
    ]


@pytest.mark.parametrize(("text", "kind"), [("- a\n- b\n", "a list"), ("just text\n", "the value 'just text'")])
def test_top_level_must_be_a_mapping(text: str, kind: str) -> None:
    source = load_source(text, "f.yaml")
    assert [p.message for p in source.problems] == [
        f"a workflow must be a mapping of keys (version, name, steps, ...), not {kind}"
    ]


def test_unknown_tag_is_a_problem_at_the_value() -> None:
    source = load_source("a: 1\nb: !env HOME\n", "f.yaml")
    assert source.problems == [Problem("f.yaml", 2, 4, "unsupported YAML tag '!env'")]
    assert source.data == {"a": 1, "b": "HOME"}


def test_impossible_date_stays_text() -> None:
    source = load_source("at: 2026-13-01\n", "f.yaml")
    assert source.problems == []
    assert source.data == {"at": "2026-13-01"}
