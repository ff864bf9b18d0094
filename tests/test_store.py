"""The store: SQLite pragmas, migrations to head on both backends, clear errors, first start."""

import pytest
from sqlalchemy import func, inspect, select, text

from core.config import load_settings
from core.errors import SettingsError, StoreUnavailable
from core.startup import open_store, prepare
from db.engine import make_engine, session_scope
from db.migrate import current_revision, head_revision
from db.models import User


def test_the_store_is_at_the_newest_migration_with_every_table(store):
    assert current_revision(store.engine) == head_revision()
    assert {"unit", "app_user", "audit_log", "app_meta"} <= set(inspect(store.engine).get_table_names())


def test_sqlite_runs_in_wal_with_foreign_keys_and_a_busy_timeout(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/sub/monev.db")  # the folder is made on demand
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_a_unit_pointing_at_a_missing_parent_is_refused_by_the_database_too(store):
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), store.engine.begin() as conn:
        conn.execute(text("INSERT INTO unit (code, name, short_name, kind, parent_id, active, head_name, address, "
                          "phone, email, website, created_at, updated_at) VALUES ('X', 'X', 'X', 'dinas', 999, "
                          "true, '', '', '', '', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))


def test_an_unreachable_database_gives_a_clear_indonesian_message(env, monkeypatch):
    monkeypatch.setenv("MONEV_DATABASE_URL", "postgresql://postgres@127.0.0.1:1/test")
    with pytest.raises(StoreUnavailable) as err:
        open_store(load_settings())
    message = err.value.message("id")
    assert message.startswith("Basis data tidak dapat dihubungi (postgresql+psycopg://postgres@127.0.0.1:1/test)")
    assert "MONEV_DATABASE_URL" in message


def test_a_malformed_database_url_is_reported_not_raised_as_a_crash(env, monkeypatch):
    monkeypatch.setenv("MONEV_DATABASE_URL", "bukan-url")
    with pytest.raises(StoreUnavailable):
        open_store(load_settings())


def test_first_start_outside_demo_creates_one_admin_and_tells_the_password_once(env, store):
    settings = load_settings()
    engine = open_store(settings)
    notice = prepare(engine, settings)
    again = prepare(engine, settings)
    with session_scope(engine) as s:
        accounts = s.scalars(select(User)).all()
    assert [(u.username, u.role) for u in accounts] == [("admin", "admin")]
    password = notice.split("Kata sandi: ")[1].split()[0]
    assert len(password) >= 12 and accounts[0].password_hash.startswith("$2b$")
    assert again is None


def test_a_store_with_demo_accounts_refuses_to_run_outside_demo_mode(env, store, monkeypatch):
    monkeypatch.setenv("MONEV_DEMO", "true")
    settings = load_settings()
    prepare(open_store(settings), settings)
    monkeypatch.setenv("MONEV_DEMO", "false")
    settings = load_settings()
    with pytest.raises(SettingsError) as err:
        prepare(open_store(settings), settings)
    assert "data demo" in err.value.message("id")


def test_demo_mode_on_an_empty_store_loads_the_city_once(env, store, monkeypatch):
    monkeypatch.setenv("MONEV_DEMO", "true")
    settings = load_settings()
    engine = open_store(settings)
    prepare(engine, settings)
    prepare(engine, settings)
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(User)) == 6


def test_the_migrations_build_exactly_the_tables_the_models_describe(store):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata)
    assert diff == []
