"""What a local site's search returns: a site-neutral query over the postings' ``facts``.

Each site maps its own URL parameters (LinkedIn ``f_WT``, Indeed ``sc``, Glassdoor ``filterParams``) to a
:class:`Query`; :func:`select` applies it to the site's result sequence, which holds duplicates on purpose
(a posting repeated on a later page, as the real sites do). Matching rules:

* ``keywords``: every word is a substring of the posting's title or company (case-insensitive);
* ``location``: empty, "worldwide" or "anywhere" match all; otherwise the text must equal one of the
  posting's place terms (its location text, "city, ST", city, state code or name, country name or code,
  "remote" for remote postings) or be contained in its location text;
* ``work_models``/``job_types``/``levels``: the posting's value is one of them (empty: any);
* ``max_age``: posted no longer ago than that (against the data's reference ``now``);
* ``easy_apply_only``; ``by_date``: newest first, duplicates dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

__all__ = ["Query", "matches", "select"]


@dataclass(frozen=True)
class Query:
    """A search, site-neutral."""

    keywords: str = ""
    location: str = ""
    work_models: frozenset[str] = field(default_factory=frozenset)
    job_types: frozenset[str] = field(default_factory=frozenset)
    levels: frozenset[int] = field(default_factory=frozenset)
    max_age: timedelta | None = None
    easy_apply_only: bool = False
    by_date: bool = False


def matches(facts: Mapping[str, Any], query: Query, now: datetime) -> bool:
    """Whether a posting (its ``facts``) matches ``query``."""
    text = str(facts["text"]).lower()
    if any(word not in text for word in query.keywords.lower().split()):
        return False
    where = " ".join(query.location.lower().replace(",", " , ").split()).replace(" ,", ",")
    if where and where not in ("worldwide", "anywhere"):
        terms = [str(t).lower() for t in facts["places"]]
        if where not in terms and not any(where in term for term in terms[:1]):
            return False
    if query.work_models and facts["work_model"] not in query.work_models:
        return False
    if query.job_types and facts["job_type"] not in query.job_types:
        return False
    if query.levels and facts["level"] not in query.levels:
        return False
    if query.max_age is not None and datetime.fromisoformat(facts["posted_at"]) < now - query.max_age:
        return False
    return not (query.easy_apply_only and not facts["easy_apply"])


def select(sequence: Sequence[str], facts: Mapping[str, Mapping[str, Any]], query: Query, now: datetime) -> list[str]:
    """The ids ``query`` returns, in page order, duplicates included (unless sorted by date)."""
    chosen = [native_id for native_id in sequence if matches(facts[native_id], query, now)]
    if not query.by_date:
        return chosen
    unique = list(dict.fromkeys(chosen))
    return sorted(unique, key=lambda i: facts[i]["posted_at"], reverse=True)
