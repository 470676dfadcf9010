"""``jobflow applications`` as a user types it, its bad input, and ``jobflow --help``.

``jobflow reminders`` and the workflow that records, reminds and notifies are in test_cli_reminders.py
(split so the two xdist workers share the subprocess-heavy e2e files).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import Cli


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)


@pytest.fixture(scope="module")
def one_application(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    """A home holding application 1; the bad-input tests below only read it."""
    cli = Cli(tmp_path_factory.mktemp("bad-input"))
    assert cli("applications", "add", "--title", "Python developer").code == 0
    return cli


def test_applications_add_list_set_show(cli: Cli) -> None:
    added = cli("applications", "add", "--title", "Python developer", "--company", "Acme", "--site", "indeed")
    cli("applications", "add", "--title", "Data engineer", "--company", "Initech", "--status", "applied")

    assert added.code == 0, added
    assert added.out.strip() == "application 1 added (planned): Python developer at Acme"
    table = cli("applications")
    assert table.code == 0, table
    header, _rule, *rows = table.out.strip().splitlines()
    assert header.split() == ["id", "status", "title", "company", "site", "applied", "updated"]
    assert [row.split()[:2] for row in rows] == [["2", "applied"], ["1", "planned"]]

    moved = cli("applications", "set", "1", "--status", "interviewing", "--note", "call on Monday")
    assert moved.out.strip() == "application 1 is interviewing (note: call on Monday)", moved
    listed = cli("applications", "list", "--status", "interviewing", "--json").json()["applications"]
    assert [(a["id"], a["title"], a["site"]) for a in listed] == [(1, "Python developer", "indeed")]
    assert [(h["status"], h["note"]) for h in listed[0]["history"]] == [
        ("planned", ""),
        ("interviewing", "call on Monday"),
    ]
    shown = cli("applications", "show", "1")
    assert shown.code == 0, shown
    assert "interviewing   call on Monday" in shown.out
    assert cli("applications", "list", "--company", "initech", "--json").json()["applications"][0]["id"] == 2
    assert "no applications match" in cli("applications", "list", "--status", "offer").out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("applications", "add", "--title", "x", "--status", "hired"), "'hired' is not one of planned, ready, applied"),
        (("applications", "set", "7", "--status", "offer"), "error: no application has id 7"),
        (("applications", "set", "1"), "give --status, --note or both"),
        (("applications", "set", "one", "--note", "x"), "'one' is not an application id"),
        (("applications", "show", "3"), "error: no application has id 3"),
        (("reminders", "add", "9", "--in", "1d"), "error: no application has id 9"),
        (("reminders", "add", "1", "--type", "nag", "--in", "1d"), "'nag' is not one of follow_up"),
        (("reminders", "add", "1", "--in", "1d", "--at", "2030-01-01T09:00"), "give exactly one of --in"),
        (("reminders", "add", "1", "--in", "soon"), "invalid duration 'soon'"),
        (("reminders", "cancel", "reminder:5:follow_up"), "error: no reminder has id 'reminder:5:follow_up'"),
        (("reminders", "list", "--state", "done"), "'done' is not one of scheduled"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line(one_application: Cli, args: tuple[str, ...], message: str) -> None:
    result = one_application(*args)

    assert result.code == 2, result
    assert message in result.err


def test_help_lists_the_commands_without_importing_the_database() -> None:
    code = "import sys, jobflow.cli.app; print(sorted(m for m in ('sqlalchemy', 'jobflow.store') if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout

    assert loaded.strip() == "[]"
    result = Cli(Path.cwd())("--help")
    assert result.code == 0
    assert "applications" in result.out
    assert "reminders" in result.out
