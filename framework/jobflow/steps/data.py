"""Core data steps: ``data.load`` reads records from a file, ``data.write`` writes them as CSV or JSON Lines."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from jobflow.errors import StepError
from jobflow.hookspecs import hookimpl
from jobflow.steptype import StepContext, StepOutputs, StepParams, StepType, step

Format = Literal["auto", "json", "jsonl", "csv", "yaml"]


def _format_of(path: Path, declared: Format) -> str:
    if declared != "auto":
        return declared
    suffix = path.suffix.lower().lstrip(".")
    known = {"json": "json", "jsonl": "jsonl", "ndjson": "jsonl", "csv": "csv", "yaml": "yaml", "yml": "yaml"}
    if suffix not in known:
        raise StepError(f"cannot tell the format of {path.name}: set 'format' (json, jsonl, csv or yaml)")
    return known[suffix]


class LoadParams(StepParams):
    path: str
    format: Format = "auto"


class LoadOutputs(StepOutputs):
    records: list[Any]
    count: int


@step("data.load", params=LoadParams, outputs=LoadOutputs)
async def load(ctx: StepContext, params: LoadParams) -> LoadOutputs:
    """Read records from a JSON, JSON Lines, CSV or YAML file (relative to the workflow file)."""
    path = ctx.resolve_path(params.path)
    kind = _format_of(path, params.format)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise StepError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        records = _parse(text, kind)
    except ValueError as exc:
        raise StepError(f"{path}: not valid {kind}: {exc}") from exc
    ctx.log.info("records loaded", path=str(path), count=len(records))
    return LoadOutputs(records=records, count=len(records))


def _parse(text: str, kind: str) -> list[Any]:
    if kind == "csv":
        return list(csv.DictReader(io.StringIO(text)))
    if kind == "jsonl":
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    if kind == "yaml":
        import yaml

        data = yaml.safe_load(text)
    else:
        data = json.loads(text)
    if not isinstance(data, list):
        raise ValueError("expected a list of records at the top level")
    return data


class WriteParams(StepParams):
    path: str
    records: list[dict[str, Any]]
    format: Literal["auto", "csv", "jsonl", "json"] = "auto"
    columns: list[str] | None = Field(default=None, description="CSV column order; default: keys in first-seen order")


class WriteOutputs(StepOutputs):
    path: str
    count: int


@step("data.write", params=WriteParams, outputs=WriteOutputs)
async def write(ctx: StepContext, params: WriteParams) -> WriteOutputs:
    """Write records to a CSV, JSON Lines or JSON file (relative to the workflow file); parents are created."""
    path = ctx.resolve_path(params.path)
    kind = _format_of(path, params.format)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as out:
        if kind == "csv":
            columns = params.columns or list(dict.fromkeys(k for r in params.records for k in r))
            writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            for record in params.records:
                writer.writerow({k: _cell(v) for k, v in record.items()})
        elif kind == "jsonl":
            for record in params.records:
                out.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        else:
            json.dump(params.records, out, ensure_ascii=False, indent=2, default=str)
    tmp.replace(path)
    ctx.log.info("records written", path=str(path), count=len(params.records))
    return WriteOutputs(path=str(path), count=len(params.records))


def _cell(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value


STEPS: tuple[StepType[Any, Any], ...] = (load, write)


@hookimpl
def register_steps(register: Any) -> None:
    for step_type in STEPS:
        register(step_type)
