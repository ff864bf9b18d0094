"""Store: SQLModel tables per domain, engine (SQLite pragmas, psycopg 3), Alembic migrations, reference data."""

from pathlib import Path

REFERENCE = Path(__file__).resolve().parent / "reference"  # data files shipped with the app
