"""The ``jobflow`` command itself: help, version, error handling, fast start, plugin commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import Cli

HEAVY = ("pydantic", "sqlalchemy", "playwright", "jinja2", "structlog", "yaml", "apscheduler", "alembic", "pluggy")

PLUGIN = '''\
import typer

from jobflow import hookimpl


@hookimpl
def register_commands(app):
    @app.command("hello")
    def hello(name: str = "world") -> None:
        """Say hello (a plugin's command)."""
        typer.echo(f"hello {name} from a plugin")
'''


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)


def python(code: str, cli: Cli, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=cli.env, cwd=cli.dir, timeout=60
    )


def test_help_lists_every_command(cli: Cli) -> None:
    result = cli("--help")

    assert result.code == 0, result
    for command in ("run", "validate", "schema", "plugins", "runs", "doctor"):
        assert f"│ {command} " in result.out, command
    assert cli("-h").out == result.out
    bare = cli()  # no arguments: the help, as a usage error
    assert bare.code == 2
    assert bare.out.strip() == result.out.strip()


def test_command_help_and_version(cli: Cli) -> None:
    run_help = cli("run", "--help")
    version = cli("--version")

    assert run_help.code == 0
    assert "--dry-run" in run_help.out
    assert "--input" in run_help.out
    assert version.code == 0
    assert version.out.startswith("jobflow 0.1.0 (Python 3.")


def test_help_imports_nothing_heavy(cli: Cli) -> None:
    code = (
        "import sys\nfrom jobflow.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)"
    )

    result = python(code, cli)

    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "[]"


def test_an_unknown_command_is_a_usage_error(cli: Cli) -> None:
    result = cli("frobnicate")

    assert result.code == 2, result
    assert "No such command 'frobnicate'" in result.err


BOOM = """\
from jobflow.cli import app, main

@app.command("boom")
def boom() -> None:
    raise RuntimeError("the flux capacitor broke")

main()
"""


def test_an_unexpected_error_is_one_line_and_exit_1(cli: Cli) -> None:
    result = python(BOOM, cli, "boom")

    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "error: unexpected RuntimeError: the flux capacitor broke",
        "run with --debug for the traceback",
    ]


@pytest.mark.parametrize("how", ["option", "env"])
def test_debug_shows_the_traceback(cli: Cli, how: str) -> None:
    if how == "env":
        cli.env["JOBFLOW_DEBUG"] = "1"
    result = python(BOOM, cli, *(["--debug", "boom"] if how == "option" else ["boom"]))

    assert result.returncode == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert result.stderr.rstrip().endswith("error: unexpected RuntimeError: the flux capacitor broke")


def test_debug_shows_the_traceback_of_a_jobflow_error(cli: Cli) -> None:
    result = cli("run", "--debug", cli.write("ok.yaml", "version: 1\nname: x\nsteps: []\n"))

    assert result.code == 2, result
    assert "Traceback" in result.err
    assert "WorkflowInvalid" in result.err


def test_plugin_commands_are_added_for_commands_jobflow_does_not_have(cli: Cli) -> None:
    site = cli.dir / "site"
    (site / "jobflow_hello-1.0.dist-info").mkdir(parents=True)
    (site / "jobflow_hello-1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: jobflow-hello\nVersion: 1.0\n"
    )
    (site / "jobflow_hello-1.0.dist-info" / "entry_points.txt").write_text("[jobflow]\nhello = jobflow_hello\n")
    (site / "jobflow_hello.py").write_text(PLUGIN)
    cli.env["PYTHONPATH"] = str(site)

    hello = cli("hello", "--name", "Ada")
    plugins = {p["name"]: p for p in cli("plugins", "--json").json()["plugins"]}

    assert hello.code == 0, hello
    assert hello.out == "hello Ada from a plugin\n"
    assert "hello" not in cli("--help").out.split()
    assert plugins["hello"]["distribution"] == "jobflow-hello"
    assert plugins["hello"]["hooks"] == ["register_commands"]
