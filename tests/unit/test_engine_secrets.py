"""Secret values never leave a run: error messages, StepInfo outputs, RunInfo inputs and outputs, logs."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog
from engine_support import SECRET, Recorder, StepsPlugin, make_engine, make_plugins, workflow

from jobflow.clock import FakeClock
from jobflow.config import Settings
from jobflow.engine.summary import summarize
from jobflow.logging import configure_logging
from jobflow.redact import Redactor, current_redactor

PATH = Path("/flows/test.yaml")


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    """JSON log lines of jobflow's real logging set-up, restored afterwards."""
    saved = structlog.get_config()
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    stream = io.StringIO()
    configure_logging(Settings(jobflow_log_format="json", jobflow_log_level="debug"), stream=stream)
    yield stream
    structlog.configure(**saved)
    root.handlers[:] = handlers
    root.setLevel(level)


async def test_secrets_masked_everywhere_but_the_live_outputs(log_stream: io.StringIO) -> None:
    steps, recorder = StepsPlugin(), Recorder()
    engine = make_engine(make_plugins(steps, recorder), FakeClock())
    flow = workflow(
        [
            {"id": "leak", "uses": "t.leak", "with": {"value": "${{ secrets.password }}"}},
            {"id": "use", "uses": "t.echo", "with": {"value": "${{ steps.leak.postings[0] }}"}},
            {
                "id": "fail",
                "uses": "t.flaky",
                "with": {"message": "login with ${{ secrets.password }} refused", "error": "auth"},
                "continue_on_error": True,
            },
            {"id": "boom", "uses": "t.boom", "with": {"value": "${{ secrets.password }}"}},
        ],
        inputs={"who": {"default": "x"}},
    )
    result = await engine.run(flow, path=PATH, inputs={"who": f"user {SECRET}"}, secrets={"password": SECRET})
    assert result.outputs["use"]["value"] == f"token {SECRET}"  # later steps get the real value

    shown = [
        str(result.run),
        *(str(s) for s in result.steps),
        *(str(payload) for _, payload in recorder.events),
        log_stream.getvalue(),
    ]
    for text in shown:
        assert SECRET not in text
    assert result.run.inputs == {"who": "user ***"}
    assert result.steps[0].outputs == {"postings": ["token ***"]}
    assert result.steps[2].error_message == "login with *** refused"
    assert result.run.error_message is not None
    assert "***" in result.run.error_message
    assert result.run.outputs is not None
    assert result.run.outputs["use"] == {"value": "token ***", "count": 0}
    assert '"password": "***"' in log_stream.getvalue()  # the step's own log line, masked
    assert "pw=***" in log_stream.getvalue()
    assert current_redactor() is None  # the run's redactor was reset


async def test_engine_logs_are_bound_with_run_step_and_site(log_stream: io.StringIO) -> None:
    import json

    steps, recorder = StepsPlugin(), Recorder()
    engine = make_engine(make_plugins(steps, recorder), FakeClock())
    result = await engine.run(workflow([{"id": "s", "uses": "t.sited"}]), path=PATH, inputs={}, secrets={})
    lines = [json.loads(line) for line in log_stream.getvalue().splitlines()]
    done = [line for line in lines if line["event"] == "step succeeded"]
    assert done
    assert done[0]["run_id"] == result.run.id
    assert (done[0]["step"], done[0]["site"]) == ("s", "demo")


def test_summary_bounds_size_and_masks_before_cutting() -> None:
    long = "x" * 495 + SECRET + "y" * 600
    data = {"postings": list(range(50)), "text": long, "deep": {"a": {"b": {"c": {"d": {"e": {"f": 1}}}}}}}
    out = summarize(data, Redactor([SECRET]))
    assert out["postings"] == [0, 1, 2, 3, 4, "… 45 more (50 items)"]
    assert out["text"].startswith("x" * 495 + "***")
    assert out["text"].endswith(f"… ({len(long) - len(SECRET) + 3} chars)")
    assert "s3cr" not in out["text"]
    assert out["deep"]["a"]["b"]["c"]["d"] == "{… 1 keys}"
    assert summarize({"few": [1, 2], "n": None}) == {"few": [1, 2], "n": None}
