"""``jobflow questions``: the application questions no profile answered, and answering them.

Apply steps (``linkedin.easy_apply``) never invent an answer: a required question the profile cannot answer
skips the job and lands here. ``jobflow questions`` lists them; ``jobflow questions answer ID TEXT
--profile profile.yaml`` writes the answer into the profile's answer bank (``answers:``, comments and order
kept) and marks the question answered, so the next run applies; ``jobflow questions dismiss ID`` drops it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from jobflow.cli.boot import settings
from jobflow.cli.output import console, dumps, fmt_time, plural, print_warning, table

if TYPE_CHECKING:
    from jobflow.store.questions import QuestionRepository, QuestionRow

__all__ = ["add_answer", "app", "typed_answer"]

T = TypeVar("T")
_ANSWERS = re.compile(r"^answers:[ \t]*(#.*)?$")
_TRUE, _FALSE = {"yes", "y", "true", "1", "on"}, {"no", "n", "false", "0", "off"}

app = typer.Typer(
    help="Application questions no profile answered: list them, answer them into a profile, or dismiss them.",
    invoke_without_command=True,
    no_args_is_help=False,
)


def _with_questions(work: Callable[[QuestionRepository], Awaitable[T]]) -> T:
    import asyncio

    from jobflow.store import Store
    from jobflow.store.questions import QuestionRepository

    async def main() -> T:
        store = await Store.open(settings().effective_database_url)
        try:
            return await work(QuestionRepository(store))
        finally:
            await store.close()

    return asyncio.run(main())


def typed_answer(row: QuestionRow, text: str) -> Any:
    """``text`` as the answer bank stores it for the question's input type (``BadParameter`` if it cannot)."""
    value = text.strip()
    if not value:
        raise typer.BadParameter("the answer is empty", param_hint="ANSWER")
    if row.input_type == "numeric":
        try:
            number = float(value)
        except ValueError:
            raise typer.BadParameter(f"{value!r} is not a number", param_hint="ANSWER") from None
        return int(number) if number.is_integer() else number
    if row.input_type == "checkbox":
        if value.casefold() not in _TRUE | _FALSE:
            raise typer.BadParameter("answer yes or no", param_hint="ANSWER")
        return value.casefold() in _TRUE
    if row.options:
        chosen = [o for o in row.options if o.casefold() == value.casefold()]
        if not chosen:
            raise typer.BadParameter(f"choose one of: {', '.join(row.options)}", param_hint="ANSWER")
        return chosen[0]
    return value


def add_answer(path: Path, question: str, value: Any) -> bool:
    """Add ``question: value`` to the profile's ``answers:`` (created when missing), keeping its comments.

    Returns ``False`` when the file had to be rewritten whole (a flow-style ``answers: {...}`` or a question
    already there), which drops its comments.
    """
    import yaml

    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict):
        raise typer.BadParameter(f"{path} is not a profile (a YAML mapping)", param_hint="--profile")
    answers = data.get("answers")
    if answers is not None and not isinstance(answers, dict):
        raise typer.BadParameter(f"{path}: `answers:` is not a mapping of question to answer", param_hint="--profile")
    entry = f"{json.dumps(question, ensure_ascii=False)}: {json.dumps(value, ensure_ascii=False)}"
    lines = text.splitlines()
    start = next((n for n, line in enumerate(lines) if _ANSWERS.match(line)), None)
    kept = True
    if answers is None and start is None:
        lines += ["answers:", f"  {entry}"]
    elif start is not None and (answers is None or (isinstance(answers, dict) and question not in answers)):
        following = [line for line in lines[start + 1 :] if line.strip() and not line.lstrip().startswith("#")]
        indent = "  "
        if following and following[0][:1] in (" ", "\t"):
            indent = following[0][: len(following[0]) - len(following[0].lstrip())]
        lines.insert(start + 1, indent + entry)
    else:
        data["answers"] = {**(answers or {}), question: value}
        lines, kept = yaml.safe_dump(data, sort_keys=False, allow_unicode=True).splitlines(), False
    new_text = "\n".join(lines) + "\n"
    if (yaml.safe_load(new_text) or {}).get("answers", {}).get(question) != value:
        raise typer.BadParameter(f"could not add the answer to {path}: edit its `answers:` by hand")
    path.write_text(new_text, encoding="utf-8")
    return kept


@app.callback()
def questions(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help="Also list questions already answered.")] = False,
    site: Annotated[str | None, typer.Option("--site", help="Only questions of this site.")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """List the questions waiting for an answer, oldest first."""
    if ctx.invoked_subcommand is not None:
        return
    rows = _with_questions(lambda repo: repo.list(answered=None if all_ else False, site=site))
    if json_output:
        typer.echo(dumps({"questions": [row.as_dict() for row in rows]}))
        return
    out = console()
    if not rows:
        out.print("no questions waiting: every question met so far has an answer", markup=False)
        return
    columns = ["id", "site", "question", "type", "options", "seen", "first job", "since"]
    cells = (
        [row.id, row.site, row.question, row.input_type, " | ".join(row.options) or "-",
         plural(row.count, "time"), row.first_job_id or "-", fmt_time(row.created_at)]
        for row in rows
    )  # fmt: skip
    out.print(table(columns, cells))
    out.print("answer one with: jobflow questions answer ID 'ANSWER' --profile PROFILE.yaml", markup=False)


@app.command("answer", no_args_is_help=True)
def answer(
    question_id: Annotated[int, typer.Argument(metavar="ID", help="The question's id (see `jobflow questions`).")],
    text: Annotated[str, typer.Argument(metavar="ANSWER", help="The answer; an option's text for a choice.")],
    profile: Annotated[
        Path, typer.Option("--profile", "-p", help="The profile YAML whose answer bank gets the answer.")
    ],
) -> None:
    """Write an answer into a profile's answer bank and mark the question answered."""
    from jobflow.errors import NotFound

    row = _with_questions(lambda repo: repo.get(question_id))
    if row is None:
        raise NotFound(f"no question has id {question_id} (see `jobflow questions`)")
    if not profile.is_file():
        raise typer.BadParameter(f"{profile} does not exist", param_hint="--profile")
    value = typed_answer(row, text)
    if not add_answer(profile, row.question, value):
        print_warning(f"{profile} was rewritten whole to add the answer: its comments are gone")
    _with_questions(lambda repo: repo.mark_answered(question_id))
    typer.echo(f"answered question {question_id} in {profile}: {row.question} -> {json.dumps(value)}")


@app.command("dismiss", no_args_is_help=True)
def dismiss(
    question_id: Annotated[int, typer.Argument(metavar="ID", help="The question's id (see `jobflow questions`).")],
) -> None:
    """Drop a question from the list without answering it (it comes back when a form asks it again)."""
    _with_questions(lambda repo: repo.mark_answered(question_id))
    typer.echo(f"dismissed question {question_id}")
