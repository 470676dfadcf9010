"""The applicant profile ``linkedin.easy_apply`` answers from: a YAML file the user owns (docs/profile.md).

::

    contact:
      first_name: Jo
      last_name: Seeker
      email: jobseeker@example.com       # must be one the LinkedIn account offers
      phone: "555 010 1234"
      phone_country: "+1"                # or "United States (+1)"
      city: Berlin
    resume: ./Jo_Seeker_Resume.pdf       # relative to this file; PDF, DOC or DOCX up to 5 MB
    follow_companies: false              # untick "Follow <company>" before submitting
    answers:                             # the answer bank: question text -> answer
      "How many years of work experience do you have with Python?": 6
      "Are you legally authorized to work in the United States?": "Yes"
    rules:                               # answers for every question containing all these words
      - contains: ["years", "experience"]
        answer: 5

Nothing is ever guessed: a required question the profile does not answer skips the job and is queued for
the user (``jobflow questions``), who answers it into ``answers`` here.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from jobflow.errors import ConfigError

__all__ = ["AnswerValue", "Contact", "Profile", "Rule", "load_profile"]

AnswerValue = str | bool | int | float
"""An answer: text, a number (numeric questions), a boolean (checkboxes; Yes/No for choices)."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Contact(_Model):
    """Contact details, matched to contact questions by their labels (email, phone, name, city ...)."""

    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    phone_country: str | None = Field(default=None, description='"+1" or the option text "United States (+1)"')
    city: str | None = None
    linkedin: str | None = None
    website: str | None = None


class Rule(_Model):
    """An answer for every question whose text contains all of ``contains`` (case-insensitive)."""

    contains: list[str] = Field(min_length=1)
    answer: AnswerValue

    @field_validator("contains", mode="before")
    @classmethod
    def _listify(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value


class Profile(_Model):
    """An applicant profile; :func:`load_profile` reads it from YAML."""

    contact: Contact = Field(default_factory=Contact)
    resume: Path | None = Field(default=None, description="uploaded on the resume step (relative to the profile)")
    follow_companies: bool = False
    answers: dict[str, AnswerValue] = Field(default_factory=dict)
    rules: list[Rule] = Field(default_factory=list)


def load_profile(path: Path) -> Profile:
    """Read and validate the profile at ``path``; ``ConfigError`` naming the file for any problem.

    A relative ``resume`` is resolved against the profile's directory and must exist.
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ConfigError(f"cannot read profile {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"profile {path} is not valid YAML: {exc}") from exc
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"profile {path}: {where}: {first['msg']}") from exc
    if profile.resume is not None:
        resume = profile.resume.expanduser()
        resume = resume if resume.is_absolute() else (path.parent / resume).resolve()
        if not resume.is_file():
            raise ConfigError(f"profile {path}: resume {resume} does not exist")
        profile = profile.model_copy(update={"resume": resume})
    return profile
