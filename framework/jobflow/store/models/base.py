"""The declarative base every store model derives from, with one naming convention for constraints.

Named constraints and indexes let later migrations alter or drop them by name on every database
(SQLite's batch mode included).
"""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

__all__ = ["NAMING_CONVENTION", "Base"]

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of jobflow's tables; ``Base.metadata`` is what Alembic compares migrations with."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
