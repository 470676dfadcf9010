"""The scheduler lease: one row per lease name, so exactly one scheduler per database is active.

Works the same on SQLite and PostgreSQL (no advisory lock needed): acquiring reads and writes the row in
one write transaction (``BEGIN IMMEDIATE`` on SQLite, ``SELECT ... FOR UPDATE`` on PostgreSQL; two schedulers
finding no row at once both insert it if absent, and the later one reads the winner's row). A lease is
free when nobody holds it, when it expired, or when its holder is known dead (``is_dead``, e.g. the pid is
gone on this machine), so a restart after SIGKILL takes over at once instead of waiting for expiry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, select, update

from jobflow.store.scheduling.base import LEASES, Repo, insert_absent, log_decisions
from jobflow.store.scheduling.rows import Decision

__all__ = ["Lease", "LeaseStore"]


@dataclass(frozen=True, slots=True)
class Lease:
    """A lease row as read: who holds it and until when."""

    name: str
    owner: str
    lease_until: datetime
    heartbeat_at: datetime
    acquired_at: datetime


class LeaseStore(Repo):
    """Acquire, renew, release and read the scheduler lease."""

    async def acquire(
        self, name: str, owner: str, seconds: float, *, is_dead: Callable[[str], bool] = lambda _: False
    ) -> tuple[bool, Lease | None]:
        """Take the lease ``name`` for ``owner`` if it is free (or already ours).

        :returns: ``(True, our lease)`` or ``(False, the holder's lease)``.
        """
        now = self._clock.now()
        until = now + timedelta(seconds=seconds)
        decisions: list[Decision] = []
        async with self._write("acquire the scheduler lease") as connection:
            locked = select(LEASES).where(LEASES.c.name == name).with_for_update()
            row = (await connection.execute(locked)).first()
            if row is None:
                added = await connection.execute(
                    insert_absent(connection, LEASES, ["name"]).values(
                        name=name, owner=owner, lease_until=until, heartbeat_at=now, acquired_at=now
                    )
                )
                if not added.rowcount:  # another scheduler found no row either and inserted first
                    row = (await connection.execute(locked)).first()
            if row is None:
                pass  # inserted above: the lease is ours
            elif row.owner == owner:
                await connection.execute(
                    update(LEASES).where(LEASES.c.name == name).values(lease_until=until, heartbeat_at=now)
                )
            elif row.lease_until <= now or is_dead(row.owner):
                reason = "expired" if row.lease_until <= now else "holder is gone"
                await connection.execute(
                    update(LEASES)
                    .where(LEASES.c.name == name)
                    .values(owner=owner, lease_until=until, heartbeat_at=now, acquired_at=now)
                )
                decisions.append(
                    Decision(
                        "lease_taken_over",
                        f"scheduler lease taken over ({reason})",
                        data={"previous_owner": row.owner, "owner": owner},
                    )
                )
            else:
                return False, Lease(*row)
            await self._decide(connection, decisions, now)
        log_decisions(decisions)
        return True, Lease(name, owner, until, now, now if row is None or row.owner != owner else row.acquired_at)

    async def renew(self, name: str, owner: str, seconds: float) -> bool:
        """Extend our lease (also one that expired while nobody took it over); ``False`` when another
        scheduler holds it now (we must stop scheduling)."""
        now = self._clock.now()
        async with self._write("renew the scheduler lease") as connection:
            result = await connection.execute(
                update(LEASES)
                .where(and_(LEASES.c.name == name, LEASES.c.owner == owner))
                .values(lease_until=now + timedelta(seconds=seconds), heartbeat_at=now)
            )
        return bool(result.rowcount)

    async def release(self, name: str, owner: str) -> None:
        """Give the lease up (a clean stop), so a standby takes over at once."""
        async with self._write("release the scheduler lease") as connection:
            await connection.execute(delete(LEASES).where(and_(LEASES.c.name == name, LEASES.c.owner == owner)))

    async def get(self, name: str) -> Lease | None:
        """The lease row, or ``None`` when nobody holds it."""
        async with self._read() as connection:
            row = (await connection.execute(select(LEASES).where(LEASES.c.name == name))).first()
        return Lease(*row) if row else None
