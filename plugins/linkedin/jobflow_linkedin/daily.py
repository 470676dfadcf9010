"""LinkedIn's daily Easy Apply limit, remembered for the rest of the day (in ``JOBFLOW_HOME``).

When LinkedIn shows "You've reached today's Easy Apply limit", no further application can succeed today:
the day is written to ``JOBFLOW_HOME/sites/linkedin/easy-apply-limit.json`` and every ``linkedin.easy_apply``
until the next (local) day stops at once with ``DailyLimitReached``, without opening a page.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

from jobflow.errors import DailyLimitReached

__all__ = ["DailyStop"]


class DailyStop:
    """The marker of a day LinkedIn closed Easy Apply for."""

    def __init__(self, home: Path) -> None:
        self.path = home / "sites" / "linkedin" / "easy-apply-limit.json"

    def reached_on(self) -> date | None:
        """The last day the limit was met, ``None`` when never (or the file is unreadable)."""
        try:
            return date.fromisoformat(json.loads(self.path.read_text(encoding="utf-8"))["day"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def check(self, today: date) -> None:
        """Raise ``DailyLimitReached`` when the limit was met ``today``."""
        if self.reached_on() == today:
            raise DailyLimitReached(
                f"LinkedIn's daily Easy Apply limit was reached today ({today.isoformat()}); applying resumes tomorrow"
            )

    def mark(self, today: date, message: str) -> None:
        """Remember that the limit was met ``today`` (written atomically)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"day": today.isoformat(), "message": message}), encoding="utf-8")
        os.replace(tmp, self.path)
