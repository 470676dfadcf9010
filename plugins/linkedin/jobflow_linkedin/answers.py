"""Answering a form question from the profile, and never otherwise.

Where an answer comes from, in order: the answer bank (``answers``, keys compared after
:func:`question_key`), the ``rules`` (every phrase contained in the question), then the contact details
(by label: email, phone country, phone, first/last name, city, LinkedIn, website). The answer must then
*fit* the field: an option of a choice (exactly, as Yes/No for a boolean, or as the only option containing
its words: ``+1`` fits "United States (+1)"), a whole number for a numeric field, a yes/no for a checkbox.
An answer that does not fit is treated as no answer: the question is queued, not bent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jobflow_linkedin.pages.fields import FormField
from jobflow_linkedin.profile import AnswerValue, Profile

__all__ = ["Answer", "find_answer", "fit", "question_key"]

_NON_WORD = re.compile(r"[^\w+]+")
CONTACT_LABELS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("email",), "email"),
    (("phone", "country"), "phone_country"),
    (("phone",), "phone"),
    (("mobile",), "phone"),
    (("first", "name"), "first_name"),
    (("last", "name"), "last_name"),
    (("city",), "city"),
    (("linkedin",), "linkedin"),
    (("website",), "website"),
    (("portfolio",), "website"),
)
"""Label words -> contact field; the first whose words all appear in the label wins."""
_TRUE = {"yes", "y", "true", "1", "agree", "i agree", "checked", "on"}
_FALSE = {"no", "n", "false", "0", "unchecked", "off"}


def question_key(text: str) -> str:
    """A question normalised for matching and for the queue: lower case, words only, single spaces."""
    return " ".join(_NON_WORD.sub(" ", text.casefold()).split())


def _words(text: str) -> list[str]:
    return question_key(text).replace("+", " ").split()


@dataclass(frozen=True)
class Answer:
    """A profile value for a question and where it came from (``answers``, ``rules`` or ``contact``)."""

    value: AnswerValue
    source: str


def find_answer(profile: Profile, label: str) -> Answer | None:
    """The profile's answer to the question ``label``, or ``None``."""
    key = question_key(label)
    for question, value in profile.answers.items():
        if question_key(question) == key:
            return Answer(value, "answers")
    for rule in profile.rules:
        if all(question_key(part) in key for part in rule.contains):
            return Answer(rule.answer, "rules")
    words = set(_words(label))
    for needed, name in CONTACT_LABELS:
        value = getattr(profile.contact, name)
        if value is not None and set(needed) <= words:
            return Answer(value, "contact")
    return None


def _option(options: tuple[str, ...], value: AnswerValue) -> str | None:
    text = ("Yes" if value else "No") if isinstance(value, bool) else str(value).strip()
    exact = [o for o in options if o.casefold() == text.casefold()]
    if exact:
        return exact[0]
    wanted = _words(text)
    if not wanted:
        return None

    def contains(option: str) -> bool:
        have = _words(option)
        return any(have[i : i + len(wanted)] == wanted for i in range(len(have) - len(wanted) + 1))

    found = [o for o in options if contains(o)]
    return found[0] if len(found) == 1 else None


def _number(value: AnswerValue) -> str | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    return str(int(number)) if number.is_integer() else str(number)


def fit(field: FormField, value: AnswerValue) -> str | bool | None:
    """``value`` as ``field`` takes it (an option's text, a number, a checkbox state), or ``None``."""
    if field.kind in ("select", "radio"):
        return _option(field.options, value)
    if field.kind == "checkbox":
        if isinstance(value, bool):
            return value
        text = str(value).strip().casefold()
        return True if text in _TRUE else False if text in _FALSE else None
    if field.kind == "numeric":
        return _number(value)
    if field.kind == "unknown":
        return None
    text = str(value).strip()
    return text or None
