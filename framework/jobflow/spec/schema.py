"""A JSON Schema (draft 2020-12) of the whole workflow format, installed plugin steps included.

``jobflow schema > workflow.schema.json`` and point the editor at it (the YAML language server reads
``# yaml-language-server: $schema=workflow.schema.json``). Each step's ``with:`` is described by its own
params model, chosen by ``uses``; wherever a typed value is expected a ``${{ }}`` expression is accepted
too, because its type is only known at run time.
"""

from __future__ import annotations

from typing import Any

from jobflow.plugins import Plugins
from jobflow.spec.models import Workflow

__all__ = ["EXPRESSION_SCHEMA", "workflow_schema"]

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
EXPRESSION_SCHEMA: dict[str, Any] = {
    "type": "string",
    "pattern": r"\$\{\{",
    "description": "a ${{ }} expression, evaluated at run time",
}
_META = ("title", "description", "default", "examples")


def _tolerant(schema: Any) -> Any:
    """``schema`` with every property, item and map value also accepting an expression."""
    if not isinstance(schema, dict):
        return schema
    out = dict(schema)
    if isinstance(out.get("properties"), dict):
        out["properties"] = {key: _or_expression(value) for key, value in out["properties"].items()}
    for key in ("items", "additionalProperties"):
        if isinstance(out.get(key), dict):
            out[key] = _or_expression(out[key])
    for key in ("anyOf", "oneOf", "allOf"):
        if isinstance(out.get(key), list):
            out[key] = [_tolerant(item) for item in out[key]]
    return out


def _or_expression(schema: Any) -> Any:
    if not isinstance(schema, dict):
        return schema
    inner = _tolerant(schema)
    meta = {key: inner.pop(key) for key in _META if key in inner}
    if inner in ({}, {"type": "string"}):
        return schema  # accepts any value (or any string) already
    return {**meta, "anyOf": [inner, EXPRESSION_SCHEMA]}


def _params_schema(name: str, params: Any, defs: dict[str, Any]) -> tuple[str, bool]:
    """Add the params model of step ``name`` (and its sub-models) to ``defs``: its key, and whether
    ``with:`` is required (the model has required fields)."""
    prefix = f"{name}:"
    schema = params.model_json_schema(by_alias=True, ref_template=f"#/$defs/{prefix}{{model}}")
    for sub, sub_schema in schema.pop("$defs", {}).items():
        defs[prefix + sub] = _tolerant(sub_schema)
    key = f"with:{name}"
    defs[key] = _tolerant(schema)
    return key, bool(schema.get("required"))


def workflow_schema(plugins: Plugins) -> dict[str, Any]:
    """The JSON Schema of a workflow file, for editors and ``jobflow schema``."""
    base = Workflow.model_json_schema(by_alias=True)
    defs: dict[str, Any] = base.pop("$defs")
    step = defs["Step"]
    names = plugins.steps.names()
    branches = []
    for step_type in plugins.steps:
        key, needs_with = _params_schema(step_type.name, step_type.params, defs)
        then: dict[str, Any] = {"properties": {"with": {"$ref": f"#/$defs/{key}"}}}
        if needs_with:
            then["required"] = ["with"]
        branches.append({"if": {"properties": {"uses": {"const": step_type.name}}, "required": ["uses"]}, "then": then})
    if names:
        step["properties"]["uses"] = {**step["properties"]["uses"], "enum": names}
    step["allOf"] = branches
    secret = defs.get("SecretRef")
    if secret is not None:
        secret["oneOf"] = [{"required": ["env"]}, {"required": ["file"]}]
    return {
        "$schema": SCHEMA_DIALECT,
        **base,
        "title": "jobflow workflow",
        "description": "A jobflow workflow file (format version 1).",
        "$defs": defs,
    }
