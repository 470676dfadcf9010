"""workflow_schema: a valid draft 2020-12 JSON Schema that accepts good workflows and rejects bad ones."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from spec_fakes import fake_plugins

from jobflow.plugins import Plugins
from jobflow.spec import workflow_schema

VALID = Path(__file__).resolve().parents[1] / "fixtures" / "valid"


@pytest.fixture(scope="module")
def plugins() -> Plugins:
    return fake_plugins()


@pytest.fixture(scope="module")
def validator(plugins: Plugins) -> jsonschema.Draft202012Validator:
    schema = workflow_schema(plugins)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _errors(validator: jsonschema.Draft202012Validator, data: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]


def test_schema_header(plugins: Plugins) -> None:
    schema = workflow_schema(plugins)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "jobflow workflow"
    assert "$id" not in schema
    assert schema["$defs"]["Step"]["properties"]["uses"]["enum"] == plugins.steps.names()


@pytest.mark.parametrize("path", sorted(VALID.glob("*.yaml")), ids=lambda p: p.stem)
def test_valid_workflows_validate(validator: jsonschema.Draft202012Validator, path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert _errors(validator, data) == []


def _flow(step: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"version": 1, "name": "x", "steps": [step], **top}


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (_flow({"uses": "linkedin.search", "with": {"keywords": "py", "limit": "ten"}}), "steps/0/with/limit"),
        (_flow({"uses": "linkedin.search", "with": {"keywords": "py", "limt": 3}}), "'limt' was unexpected"),
        (_flow({"uses": "linkedin.search"}), "'with' is a required property"),
        (_flow({"uses": "demo.send", "with": {"message": "m", "channel": "sms"}}), "steps/0/with/channel"),
        (_flow({"uses": "linkedin.serch"}), "steps/0/uses"),
        (_flow({"uses": "core.noop", "retires": 1}), "'retires' was unexpected"),
        (_flow({"uses": "core.noop"}, version=2), "version"),
        (_flow({"uses": "core.noop"}, triggers=[{"timezone": "UTC"}]), "triggers/0"),
        (_flow({"uses": "core.noop"}, secrets={"s": {"env": "A", "file": "b"}}), "secrets/s"),
        ({"version": 1, "name": "x", "steps": []}, "steps"),
    ],
)
def test_broken_workflows_do_not_validate(
    validator: jsonschema.Draft202012Validator, data: dict[str, Any], fragment: str
) -> None:
    errors = _errors(validator, data)
    assert errors
    assert any(fragment in error for error in errors), errors


def test_expressions_are_accepted_in_typed_params(validator: jsonschema.Draft202012Validator) -> None:
    step = {"uses": "linkedin.search", "with": {"keywords": "py", "limit": "${{ inputs.n }}", "remote": "${{ x }}"}}
    assert _errors(validator, _flow(step)) == []
    step["with"]["limit"] = "not an expression"
    assert _errors(validator, _flow(step))
