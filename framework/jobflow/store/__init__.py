"""jobflow's store: SQLAlchemy models, migrations run on open, repositories, and the run recorder.

``sqlalchemy`` and ``alembic`` are imported only inside this package. Tables, one module per area, live
in ``store/models/``; their migrations in ``store/migrations/versions/``.
"""

from __future__ import annotations

from jobflow.store.db import Store
from jobflow.store.recorder import RunRecorder
from jobflow.store.rows import RunDetail, RunRow, StepRow
from jobflow.store.runs import RunRepository
from jobflow.store.urls import async_url, safe_url, sync_url

__all__ = [
    "RunDetail",
    "RunRecorder",
    "RunRepository",
    "RunRow",
    "StepRow",
    "Store",
    "async_url",
    "safe_url",
    "sync_url",
]
