"""Alembic environment of jobflow's store.

jobflow runs it itself: :meth:`jobflow.store.Store.open` upgrades to ``head`` on the connection it holds
(passed in ``config.attributes["connection"]``, inside a locked transaction). For writing a new
migration, point Alembic at a scratch database with :func:`jobflow.store.migrate.alembic_config`::

    from alembic import command
    from jobflow.store.migrate import alembic_config

    cfg = alembic_config("sqlite:///scratch.db")
    command.upgrade(cfg, "head")
    command.revision(cfg, "add job postings", autogenerate=True, rev_id="0002")
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from jobflow.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_on(connection: Connection) -> None:
    """Run the pending migrations on ``connection`` (batch mode, so SQLite can alter tables)."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_standalone(url: str) -> None:
    """Open ``url`` just for this command (the developer path: ``alembic_config(url)``)."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(run_on)
    finally:
        await engine.dispose()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
elif (shared := config.attributes.get("connection")) is not None:
    run_on(shared)
else:
    asyncio.run(run_standalone(config.get_main_option("sqlalchemy.url") or ""))
