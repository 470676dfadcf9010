"""The README's first command: the demo workflow, offline, as a user runs it; then ``jobflow jobs``."""

from __future__ import annotations

import csv
import shutil
import socket
from pathlib import Path

import pytest
from cli_support import Cli

from jobflow.postings.table import EXPORT_COLUMNS

pytestmark = pytest.mark.browser
DEMO = Path(__file__).resolve().parents[2] / "workflows" / "demo.yaml"
PORTS = (47311, 47312, 47313)


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    if not all(port_free(p) for p in PORTS):
        pytest.skip("the demo's ports are taken (is a demo running?)")
    (tmp_path / "workflows").mkdir()
    shutil.copy(DEMO, tmp_path / "workflows" / "demo.yaml")
    return Cli(tmp_path)


def test_the_demo_searches_the_local_sites_saves_filters_exports_and_summarises(cli: Cli) -> None:
    result = cli("run", "workflows/demo.yaml", "--json", "--input", "limit=20", timeout=240)
    assert result.code == 0, result
    outputs = result.json()["outputs"]
    searched = {site: len(outputs[site]["postings"]) for site in ("linkedin", "indeed", "glassdoor")}
    assert searched == {"linkedin": 20, "indeed": 20, "glassdoor": 20}
    assert outputs["save"]["count"] == 60
    assert len(outputs["save"]["new"]) == 60
    kept = outputs["matches"]["postings"]
    assert 0 < len(kept) < 60, "the salary floor and title blocklist keep some postings, not all"
    assert outputs["summary"]["count"] == len(kept)
    assert outputs["summary"]["table"] in result.err, "the summary table is printed"
    rows = list(csv.reader((cli.dir / "out" / "demo-matches.csv").open(encoding="utf-8", newline="")))
    assert rows[0] == list(EXPORT_COLUMNS)
    assert len(rows) == len(kept) + 1
    assert all(port_free(p) for p in PORTS), "the local sites stop when the run ends"

    listed = cli("jobs", "--json", "--site", "indeed")
    assert listed.code == 0, listed
    assert {p["site"] for p in listed.json()["postings"]} == {"indeed"}
    assert len(listed.json()["postings"]) == 20
    table = cli("jobs", "--search", "engineer", "--limit", "5")
    assert table.code == 0, table
    assert "engineer" in table.out.lower()
    assert cli("jobs", "--since", "someday").code == 2


def test_the_demo_reports_a_taken_port_clearly(cli: Cli) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", PORTS[1]))
        squatter.listen()
        result = cli("run", "workflows/demo.yaml", timeout=120)
    assert result.code == 1, result
    assert any("sites.local: cannot listen at" in line for line in result.error_lines()), result
