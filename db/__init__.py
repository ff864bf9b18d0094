"""Store: SQLModel tables, engine from settings, Alembic migrations, demo data."""
