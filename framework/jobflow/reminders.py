"""Reminders of applications: add, cancel, list, and the two calls the scheduler makes (fire, mark missed).

::

    rid = await add_reminder(store, application_id=12, type="follow_up", due_at=now + timedelta(days=7))
    assert rid == "reminder:12:follow_up"
    await fire_reminder(store, rid, fire_time=due)     # True once; False for every later call

The ``reminder_jobs`` table is the record of each reminder (metadata, state, retry count); the scheduler
keeps one timer per pending reminder and calls :func:`fire_reminder` when it goes off, or
:func:`mark_missed` when it went off too late. Both are exactly-once per ``(reminder, fire_time)``, and
the notification they enqueue is keyed ``reminder:<id>:<fire_time>`` (``...:failed:<fire_time>`` when a
missed reminder is given up), so it is sent once however often either is called.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from jobflow.applications import (
    PENDING_REMINDER_STATES,
    REMINDER_STATES,
    REMINDER_TITLES,
    application_ref,
    reminder_id,
)
from jobflow.errors import NotFound

if TYPE_CHECKING:
    from jobflow.store import Store
    from jobflow.store.applications import ApplicationRow
    from jobflow.store.reminders import ReminderRepository, ReminderRow

__all__ = [
    "PENDING_REMINDER_STATES",
    "add_reminder",
    "cancel_reminder",
    "fire_reminder",
    "get_reminder",
    "list_reminders",
    "mark_missed",
    "reminder_id",
]


def _aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} {value.isoformat()} has no time zone: give an aware datetime")
    return value


def _repo(store: Store) -> ReminderRepository:
    from jobflow.store.reminders import ReminderRepository

    return ReminderRepository(store)


async def add_reminder(
    store: Store,
    *,
    application_id: int | str,
    type: str,
    due_at: datetime,
    note: str = "",
    created_by: str = "cli",
    replace: bool = False,
) -> str:
    """Add the application's reminder of ``type``, due at ``due_at``; returns its id ``reminder:<app>:<type>``.

    Adding it again is harmless: the row stays as it is (same due time, same state) unless ``replace`` is
    true, which reschedules it afresh (``scheduled`` at ``due_at``, retry count 0), also after it fired.

    :raises NotFound: the application does not exist.
    :raises ValueError: an unknown type or a naive ``due_at``.
    """
    try:
        app = application_ref(application_id)
    except ValueError as exc:
        raise NotFound(f"no application has id {application_id!r} (see `jobflow applications`)") from exc
    rid = reminder_id(app, type)
    await _repo(store).add(
        reminder_id=rid,
        application_id=app,
        type=type,
        due_at=_aware(due_at, "due_at"),
        note=note,
        created_by=created_by,
        replace=replace,
    )
    return rid


async def cancel_reminder(store: Store, reminder_id: str) -> bool:
    """Cancel a pending reminder; ``False`` when it is unknown or already fired, failed or cancelled."""
    return await _repo(store).cancel(reminder_id)


async def get_reminder(store: Store, reminder_id: str) -> ReminderRow | None:
    """The reminder with this id, or ``None``."""
    return await _repo(store).get(reminder_id)


async def list_reminders(
    store: Store, *, state: str | Iterable[str] | None = None, application_id: int | str | None = None
) -> list[ReminderRow]:
    """Reminders ordered by due time; ``state`` is one state or several (e.g. :data:`PENDING_REMINDER_STATES`)."""
    states = [state] if isinstance(state, str) else (list(state) if state is not None else None)
    for name in states or ():
        if name not in REMINDER_STATES:
            raise ValueError(f"unknown reminder state {name!r}: expected one of {', '.join(REMINDER_STATES)}")
    app = application_ref(application_id) if application_id is not None else None
    return await _repo(store).list(states=states, application_id=app)


def _subject(application: ApplicationRow | None, row: ReminderRow) -> str:
    if application is None:
        return f"application {row.application_id}"
    return f"{application.title} at {application.company}" if application.company else application.title


def _data(row: ReminderRow, application: ApplicationRow | None, fire_time: datetime) -> dict[str, Any]:
    data: dict[str, Any] = {
        "reminder_id": row.id,
        "application_id": row.application_id,
        "type": row.type,
        "due_at": row.due_at.isoformat(),
        "fire_time": fire_time.isoformat(),
    }
    if application is not None:
        data.update(title=application.title, company=application.company, status=application.status)
        if application.url:
            data["url"] = application.url
    return data


async def fire_reminder(store: Store, reminder_id: str, *, fire_time: datetime) -> bool:
    """Fire the reminder for ``fire_time``: record the execution, set it ``fired`` and enqueue its
    notification (key ``reminder:<id>:<fire_time>``), all in one transaction, exactly once.

    :returns: ``False`` (nothing happens) when the reminder is unknown, cancelled, already fired or failed,
        or this fire time was recorded before: safe to call from racing tasks or processes.
    """
    from jobflow.notify.outbox import notification_values, wake_workers

    fire_time = _aware(fire_time, "fire_time")

    def compose(row: ReminderRow, application: ApplicationRow | None) -> dict[str, Any]:
        title = f"{REMINDER_TITLES.get(row.type, row.type)}: {_subject(application, row)}"
        body = row.note or f"Reminder {row.type.replace('_', ' ')} for {_subject(application, row)}."
        return notification_values(
            kind="reminder",
            title=title,
            body=body,
            data=_data(row, application, fire_time),
            dedupe_key=f"reminder:{row.id}:{fire_time.isoformat()}",
        )

    fired = await _repo(store).fire(reminder_id, fire_time, compose)
    if fired:
        wake_workers()
    return fired


async def mark_missed(
    store: Store, reminder_id: str, *, fire_time: datetime, retry_in: timedelta | None
) -> ReminderRow | None:
    """Record that the reminder's ``fire_time`` passed unnoticed (once per fire time).

    :param retry_in: reschedule it this long from now (state ``missed``, ``retry_count`` + 1); ``None``
        gives up: state ``failed`` and the user is notified once (key ``reminder:<id>:failed:<fire_time>``).
    :returns: the reminder afterwards; ``None`` when it is unknown or no longer pending.
    """
    from jobflow.notify.outbox import notification_values, wake_workers

    fire_time = _aware(fire_time, "fire_time")

    def compose(row: ReminderRow, application: ApplicationRow | None) -> dict[str, Any]:
        return notification_values(
            kind="reminder_missed",
            title=f"Missed reminder: {REMINDER_TITLES.get(row.type, row.type)}: {_subject(application, row)}",
            body=(
                f"The reminder due {row.due_at.isoformat()} could not be delivered on time "
                f"(missed {row.retry_count + 1} times) and was given up." + (f" Note: {row.note}" if row.note else "")
            ),
            data={**_data(row, application, fire_time), "retry_count": row.retry_count},
            dedupe_key=f"reminder:{row.id}:failed:{fire_time.isoformat()}",
        )

    row = await _repo(store).missed(reminder_id, fire_time, retry_in, compose)
    if row is not None and row.state == "failed":
        wake_workers()
    return row
