"""Naming a LinkedIn posting in a step's ``with:``: a JobPosting (from ``linkedin.search``), a job id, or a URL.

``JobRef`` is the params type; :func:`resolve` turns one into the job id and, when a posting was given, the
posting itself (so details can complete it and an application can name it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pydantic import ValidationError

from jobflow.errors import StepError
from jobflow.postings import JobPosting

__all__ = ["JobRef", "Resolved", "resolve"]

JobRef = dict[str, Any] | str | int
"""The params type: a posting's JSON, ``4012345678``, ``"4012345678"`` or ``https://www.linkedin.com/jobs/view/<slug>-<id>``."""
_ID = re.compile(r"^\d{5,}$")
_URN = re.compile(r"jobPosting:(\d+)")


@dataclass(frozen=True)
class Resolved:
    """A posting reference made concrete."""

    native_id: str
    posting: JobPosting | None = None


def _from_text(text: str) -> str | None:
    text = text.strip()
    if _ID.match(text):
        return text
    if urn := _URN.search(text):
        return urn.group(1)
    segments = [s for s in urlsplit(text).path.split("/") if s]
    for segment in reversed(segments):
        tail = segment.rsplit("-", 1)[-1]
        if _ID.match(tail):
            return tail
    return None


def resolve(ref: JobRef | JobPosting) -> Resolved:
    """The job id (and posting) ``ref`` names; ``StepError`` for something that names no LinkedIn job."""
    if isinstance(ref, JobPosting):
        posting = ref
    elif isinstance(ref, dict):
        try:
            posting = JobPosting.model_validate(ref)
        except ValidationError:
            found = _from_text(str(ref.get("native_id") or ref.get("id") or ref.get("url") or ""))
            if found is None:
                raise StepError(f"job {ref!r} names no LinkedIn posting (give a posting, an id or a URL)") from None
            return Resolved(found)
    else:
        found = _from_text(str(ref))
        if found is None:
            raise StepError(f"job {ref!r} is not a LinkedIn job id or posting URL")
        return Resolved(found)
    if posting.site != "linkedin":
        raise StepError(f"posting {posting.native_id} is from {posting.site}, not linkedin")
    return Resolved(posting.native_id, posting)
