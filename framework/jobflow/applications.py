"""Applications and their reminders: the vocabulary shared by the store, the steps and the command line.

An *application* is one job the user plans to apply to or applied to, with a status that moves through
:data:`APPLICATION_STATUSES` and a dated history of every change. A *reminder* (``follow_up``,
``check_status``, ``interview_prep``) belongs to one application; its id is deterministic,
``reminder:<application id>:<type>``, so adding the same reminder twice is harmless.

This module is light on purpose (no database import): the CLI validates options with it at start-up.
"""

from __future__ import annotations

from typing import Literal, get_args

__all__ = [
    "APPLICATION_STATUSES",
    "PENDING_REMINDER_STATES",
    "REMINDER_STATES",
    "REMINDER_TITLES",
    "REMINDER_TYPES",
    "ApplicationStatus",
    "ReminderState",
    "ReminderType",
    "application_ref",
    "check_status",
    "reminder_id",
]

ApplicationStatus = Literal["planned", "ready", "applied", "interviewing", "offer", "rejected", "withdrawn"]
APPLICATION_STATUSES: tuple[str, ...] = get_args(ApplicationStatus)
"""Every status an application can have, in the order an application usually moves through them. ``ready``:
filled in and stopped before sending (a dry run of ``linkedin.easy_apply``); a later submit moves the same
application to ``applied``."""

ReminderType = Literal["follow_up", "check_status", "interview_prep"]
REMINDER_TYPES: tuple[str, ...] = get_args(ReminderType)

ReminderState = Literal["scheduled", "fired", "missed", "cancelled", "failed"]
REMINDER_STATES: tuple[str, ...] = get_args(ReminderState)
"""``scheduled``: waiting for ``due_at``. ``missed``: its time passed unnoticed and it was rescheduled to
``due_at`` (``retry_count`` says how often). ``fired``, ``cancelled`` and ``failed`` (missed too often)
are final."""

PENDING_REMINDER_STATES: tuple[str, ...] = ("scheduled", "missed")
"""States of a reminder that will still fire: the scheduler keeps a timer for each."""

REMINDER_TITLES: dict[str, str] = {
    "follow_up": "Follow up",
    "check_status": "Check the status",
    "interview_prep": "Prepare the interview",
}
"""How a reminder of each type starts its notification title."""


def application_ref(value: int | str) -> int:
    """An application id given as ``12`` or ``"12"``; ``ValueError`` for anything else."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not an application id")
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not text.isdigit():
            raise ValueError(f"{value!r} is not an application id (a whole number, see `jobflow applications`)")
        number = int(text)
    if number <= 0:
        raise ValueError(f"{value!r} is not an application id (ids start at 1)")
    return number


def reminder_id(application_id: int | str, type: str) -> str:
    """The deterministic id of an application's reminder of ``type``: ``reminder:12:follow_up``."""
    if type not in REMINDER_TYPES:
        raise ValueError(f"unknown reminder type {type!r}: expected one of {', '.join(REMINDER_TYPES)}")
    return f"reminder:{application_ref(application_id)}:{type}"


def check_status(status: str) -> str:
    """``status`` when it is an application status; ``ValueError`` naming the valid ones otherwise."""
    if status not in APPLICATION_STATUSES:
        raise ValueError(f"unknown application status {status!r}: expected one of {', '.join(APPLICATION_STATUSES)}")
    return status
