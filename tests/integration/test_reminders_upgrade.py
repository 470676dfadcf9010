"""Scenario 23's upgrade: reminders written by a jobflow at revision 0003 survive the upgrade to the newest
schema, keep their ids and states, and still fire exactly once."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from alembic import command
from store_support import T0

from jobflow.clock import FakeClock
from jobflow.reminders import fire_reminder, list_reminders
from jobflow.store import Store
from jobflow.store.migrate import alembic_config, head_revision

ROWS = """
INSERT INTO applications (id, title, company, status, status_changed_at, history, notes, created_by, created_at,
                          updated_at)
VALUES (1, 'Python developer', 'Acme', 'applied', '2026-03-01 08:00:00', '[]', '', 'cli', '2026-03-01 08:00:00',
        '2026-03-01 08:00:00');
INSERT INTO reminder_jobs (id, application_id, type, due_at, state, retry_count, created_by, note, created_at,
                           updated_at)
VALUES ('reminder:1:follow_up', 1, 'follow_up', '2026-03-08 08:00:00', 'scheduled', 0, 'cli', 'ask',
        '2026-03-01 08:00:00', '2026-03-01 08:00:00'),
       ('reminder:1:check_status', 1, 'check_status', '2026-03-02 08:00:00', 'fired', 0, 'cli', '',
        '2026-03-01 08:00:00', '2026-03-02 08:00:00');
INSERT INTO reminder_executions (reminder_id, fire_time, executed_at, outcome)
VALUES ('reminder:1:check_status', '2026-03-02 08:00:00', '2026-03-02 08:00:00', 'fired');
"""


async def test_reminders_of_an_older_schema_survive_the_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    await asyncio.to_thread(command.upgrade, alembic_config(f"sqlite:///{path}"), "0003")
    with sqlite3.connect(path) as connection:
        connection.executescript(ROWS)

    store = await Store.open(f"sqlite:///{path}", clock=FakeClock(T0))
    try:
        assert await store.revision() == head_revision()
        rows = {row.id: row for row in await list_reminders(store)}
        assert {rid: row.state for rid, row in rows.items()} == {
            "reminder:1:follow_up": "scheduled",
            "reminder:1:check_status": "fired",
        }
        due = rows["reminder:1:follow_up"].due_at
        assert due.isoformat() == "2026-03-08T08:00:00+00:00"
        assert (
            await fire_reminder(store, "reminder:1:check_status", fire_time=rows["reminder:1:check_status"].due_at)
            is False
        )
        assert await fire_reminder(store, "reminder:1:follow_up", fire_time=due) is True
        assert await fire_reminder(store, "reminder:1:follow_up", fire_time=due) is False
    finally:
        await store.close()
