"""The workflow format: YAML -> typed, validated :class:`~jobflow.spec.models.Workflow`.

Every problem comes out as ``FILE:LINE:COL: message``. Run-time inputs and secrets are resolved here too,
and the JSON Schema for editors is built here. Imports are lazy so ``import jobflow.spec`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    "load_workflow",
    "parse_input_args",
    "resolve_inputs",
    "resolve_secrets",
    "validate_file",
    "workflow_schema",
]

_EXPORTS: dict[str, str] = {
    "load_workflow": "jobflow.spec.loader",
    "validate_file": "jobflow.spec.loader",
    "parse_input_args": "jobflow.spec.inputs",
    "resolve_inputs": "jobflow.spec.inputs",
    "resolve_secrets": "jobflow.spec.secrets",
    "workflow_schema": "jobflow.spec.schema",
}

if TYPE_CHECKING:
    from jobflow.spec.inputs import parse_input_args, resolve_inputs
    from jobflow.spec.loader import load_workflow, validate_file
    from jobflow.spec.schema import workflow_schema
    from jobflow.spec.secrets import resolve_secrets


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'jobflow.spec' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
