"""Alembic environment: runs on the engine the caller hands over (see db.migrate)."""

import os

from alembic import context
from sqlmodel import SQLModel

import db.agents  # noqa: F401
import db.evaluation  # noqa: F401
import db.inventory  # noqa: F401
import db.models  # noqa: F401 - registers the tables on SQLModel.metadata
import db.monitoring  # noqa: F401
import db.needs  # noqa: F401
import db.services  # noqa: F401
import db.tickets  # noqa: F401
from db.engine import make_engine

target_metadata = SQLModel.metadata
config = context.config


def run_migrations_online() -> None:
    engine = config.attributes.get("engine") or make_engine(os.environ["MONEV_DATABASE_URL"])
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        context.run_migrations()


run_migrations_online()
