"""Posting dates: relative and absolute forms to a UTC date, keeping the raw text.

Forms (sites/README.md §1-§4), resolved against an injected ``now`` (timezone-aware; UTC is used):

* now: "Just posted", "Today", "just now", "Active today", "new" -> ``now``'s date;
* "N minutes/hours ago" (also "an hour ago", "13 hrs ago") -> the date of ``now - N``: today, or
  yesterday across midnight;
* "N days/weeks/months/years ago" -> ``now - N``, a week is 7 days, a month 30, a year 365; "yesterday";
* "30+ days ago", "30d+" -> ``now - 30`` days with ``approximate=True`` (posted at least that long ago);
* Glassdoor ages "24h" (under a day: today), "5h", "3d";
* prefixes are ignored: "Posted", "PostedPosted" (Indeed's hidden label), "EmployerActive", "Active",
  "Reposted" (sets ``reposted=True``);
* absolute: ISO dates and datetimes ("2026-02-27", "2026-02-27T10:00:00.000Z"), "February 27, 2026",
  "Feb 27, 2026", "27 Feb 2026", "02/27/2026" (US order); epoch milliseconds via :func:`date_from_epoch_ms`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from jobflow.postings.parse.text import clean_text

__all__ = [
    "PostedDate",
    "date_from_age_days",
    "date_from_epoch_ms",
    "parse_iso_date",
    "parse_posted",
]

_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}
_UNIT_ALIASES = {
    "min": "minute",
    "mins": "minute",
    "minute": "minute",
    "m": "minute",
    "h": "hour",
    "hr": "hour",
    "hrs": "hour",
    "hour": "hour",
    "d": "day",
    "day": "day",
    "w": "week",
    "wk": "week",
    "week": "week",
    "mo": "month",
    "month": "month",
    "y": "year",
    "yr": "year",
    "year": "year",
}
_NOW_WORDS = {"just posted", "today", "just now", "now", "new", "active today", "posted today", "moments ago"}
_PREFIXES = ("posted on", "posted", "employeractive", "employer active", "active", "reposted", "updated")
_RELATIVE = re.compile(r"^(?P<n>\d+|an?|one)\s*\+?\s*(?P<unit>[a-z]+?)s?\s*(?P<plus>\+)?(?:\s+ago)?$")
_ABSOLUTE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%m/%d/%Y", "%b %d %Y", "%B %d %Y")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PostedDate:
    """A parsed posting date: the UTC ``date``, the cleaned ``raw`` text and what the text implied."""

    date: date
    raw: str
    reposted: bool = False
    approximate: bool = False
    """The text gave a bound ("30+ days ago") or a coarse unit (weeks, months), not an exact day."""


def _utc(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(UTC)


def date_from_epoch_ms(ms: int | float | str) -> date:
    """The UTC date of an epoch-milliseconds timestamp (Indeed's ``pubDate``/``createDate``)."""
    return datetime.fromtimestamp(float(ms) / 1000.0, tz=UTC).date()


def date_from_age_days(days: int, now: datetime) -> date:
    """``now``'s UTC date minus ``days`` (Glassdoor's ``ageInDays``)."""
    return (_utc(now) - timedelta(days=days)).date()


def parse_iso_date(text: str) -> date | None:
    """An ISO date or datetime as a UTC date (a naive datetime is taken as UTC); ``None`` if not ISO."""
    value = clean_text(text)
    if not _ISO.match(value):
        return None
    try:
        parsed = datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.date()
    return parsed.astimezone(UTC).date()


def _relative(body: str, now: datetime) -> tuple[date, bool] | None:
    if body in _NOW_WORDS:
        return now.date(), False
    if body == "yesterday":
        return (now - timedelta(days=1)).date(), False
    match = _RELATIVE.match(body)
    if not match:
        return None
    unit = _UNIT_ALIASES.get(match["unit"])
    if unit is None:
        return None
    count = 1 if match["n"] in ("a", "an", "one") else int(match["n"])
    plus = bool(match["plus"]) or "+" in body
    if unit == "minute":
        return (now - timedelta(minutes=count)).date(), False
    if unit == "hour":
        if body.replace(" ", "") == "24h":  # Glassdoor's "24h" means "within the last day"
            return now.date(), False
        return (now - timedelta(hours=count)).date(), plus
    return (now - timedelta(days=count * _UNIT_DAYS[unit])).date(), plus or unit in ("week", "month", "year")


def parse_posted(text: str | None, now: datetime) -> PostedDate | None:
    """Parse a posting-date text (any form in the module docstring); ``None`` when it is not a date."""
    raw = clean_text(text)
    if not raw:
        return None
    current = _utc(now)
    body = raw.lower().rstrip(".")
    reposted = "reposted" in body
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            if body.startswith(prefix):
                body = body[len(prefix) :].lstrip(" :")
                changed = True
    if not body:
        return None
    iso = parse_iso_date(body)
    if iso is not None:
        return PostedDate(iso, raw, reposted)
    relative = _relative(body, current)
    if relative is not None:
        return PostedDate(relative[0], raw, reposted, relative[1])
    for fmt in _ABSOLUTE_FORMATS:
        try:
            return PostedDate(datetime.strptime(body, fmt).date(), raw, reposted)
        except ValueError:
            continue
    return None
