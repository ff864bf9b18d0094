"""Fixtures: a real store per test (SQLite file, then the machine's PostgreSQL), a small city, one viewer per role."""

import os
import secrets
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

import db.agents  # noqa: F401 - registers the agent and token tables for the truncation below
import db.evaluation  # noqa: F401 - registers the evaluation tables for the truncation below
import db.inventory  # noqa: F401 - registers the inventory tables for the truncation below
import db.monitoring  # noqa: F401 - registers the monitoring tables for the truncation below
import db.needs  # noqa: F401 - registers the needs tables for the truncation below
import db.services  # noqa: F401 - registers the digital-services tables for the truncation below
import db.tickets  # noqa: F401 - registers the ticket tables for the truncation below
from core.access import SYSTEM, Viewer
from core.org import passwords
from core.org.units import UnitRow, create_unit
from core.org.users import UserCreate, create_user, viewer_for
from db.engine import make_engine, session_scope
from db.migrate import upgrade_to_head

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI") == "true"
PG_BASE_URL = os.environ.get("MONEV_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "rahasia-123"

passwords.set_rounds(4)  # cheap hashes in tests; production keeps settings.bcrypt_rounds


def skip_or_fail(reason: str) -> None:
    """Outside CI a missing peer skips with the reason; under CI=true it fails the run."""
    if IN_CI:
        pytest.fail(f"required under CI: {reason}", pytrace=False)
    pytest.skip(reason)


def _postgres_unreachable() -> str | None:
    try:
        engine = make_engine(PG_BASE_URL)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure means: no PostgreSQL here
        return f"PostgreSQL not reachable at {PG_BASE_URL}: {exc}"
    return None


@dataclass
class Store:
    backend: str
    url: str
    engine: Engine

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request, tmp_path_factory):
    """A migrated template store per backend; each test gets a clean copy of it."""
    if request.param == "sqlite":
        template = tmp_path_factory.mktemp("template") / "monev.db"
        engine = make_engine(f"sqlite:///{template}")
        upgrade_to_head(engine)
        engine.dispose()
        yield ("sqlite", template)
        return
    reason = _postgres_unreachable()
    if reason:
        skip_or_fail(reason)
    schema = f"monev_test_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_BASE_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_BASE_URL}?options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    with engine.connect() as conn:  # lists the migrations seed; every test starts from them again
        seeded = {t.name: [dict(r._mapping) for r in conn.execute(t.select())] for t in SQLModel.metadata.sorted_tables}
        seeded = {table: rows for table, rows in seeded.items() if rows}
    yield ("postgresql", url, engine, seeded)
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def store(backend, tmp_path) -> Store:
    import streamlit as st

    st.cache_data.clear()  # pages share read results for a few seconds; PostgreSQL tests reuse one URL
    if backend[0] == "sqlite":
        path = tmp_path / "monev.db"
        shutil.copy(backend[1], path)
        url = f"sqlite:///{path}"
        engine = make_engine(url)
        yield Store("sqlite", url, engine)
        engine.dispose()
        return
    _, url, engine, seeded = backend
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        for table, rows in seeded.items():
            if rows:
                conn.execute(SQLModel.metadata.tables[table].insert(), rows)
    yield Store("postgresql", url, engine)


@pytest.fixture
def env(store, tmp_path, monkeypatch):
    """Environment for code that reads settings: this test's store, a safe key, no stray .env."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("MONEV_"):
            monkeypatch.delenv(name)
    values = {
        "MONEV_DATABASE_URL": store.url,
        "MONEV_COOKIE_KEY": secrets.token_urlsafe(48),
        "MONEV_DATA_DIR": str(tmp_path / "data"),
        "MONEV_BCRYPT_ROUNDS": "4",
        "MONEV_WORKER_IN_APP": "false",  # tests that want the worker start it themselves
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


# The test city: unit A (a kecamatan with two kelurahan) and unit B (a dinas) are the two operators' units.
CITY = [
    UnitRow("SETDA", "Sekretariat Daerah", "sekretariat", "Setda"),
    UnitRow("BAG-HUKUM", "Bagian Hukum", "bagian", "Bag. Hukum", "SETDA"),
    UnitRow("DISKOMINFO", "Dinas Komunikasi dan Informatika", "dinas", "Diskominfo"),
    UnitRow("DINKES", "Dinas Kesehatan", "dinas", "Dinkes"),
    UnitRow("KEC-KLOJEN", "Kecamatan Klojen", "kecamatan", "Kec. Klojen"),
    UnitRow("KEL-ORO-ORO-DOWO", "Kelurahan Oro-oro Dowo", "kelurahan", "Kel. Oro-oro Dowo", "KEC-KLOJEN"),
    UnitRow("KEL-KAUMAN", "Kelurahan Kauman", "kelurahan", "Kel. Kauman", "KEC-KLOJEN"),
    UnitRow("KEC-SUKUN", "Kecamatan Sukun", "kecamatan", "Kec. Sukun"),
    UnitRow("KEL-SUKUN", "Kelurahan Sukun", "kelurahan", "Kel. Sukun", "KEC-SUKUN"),
]
UNIT_A, UNIT_B = "KEC-KLOJEN", "DINKES"
ROLE_USERS = [
    ("admin", "admin", None),
    ("pimpinan", "pimpinan", None),
    ("op_a", "skpd", UNIT_A),
    ("op_b", "skpd", UNIT_B),
    ("presenter", "presenter", None),
]


@dataclass
class City:
    units: dict[str, int]
    viewers: dict[str, Viewer]

    def subtree(self, code: str) -> set[int]:
        parent_of = {row.code: row.parent_code for row in CITY}
        return {self.units[c] for c in self.units if c == code or parent_of.get(c) == code}


@pytest.fixture
def city(store) -> City:
    with session_scope(store.engine) as s:
        units = {row.code: create_unit(session=s, viewer=SYSTEM, data=row).id for row in CITY}
        viewers = {}
        for username, role, unit in ROLE_USERS:
            user = create_user(session=s, viewer=SYSTEM, data=UserCreate(
                username=username, display_name=username.title(), role=role,
                unit_id=units.get(unit), password=PASSWORD))
            viewers[username] = viewer_for(user)
    return City(units, viewers)


@pytest.fixture
def admin(city) -> Viewer:
    return city.viewers["admin"]


@pytest.fixture
def pimpinan(city) -> Viewer:
    return city.viewers["pimpinan"]


@pytest.fixture
def operator_a(city) -> Viewer:
    """The operator of Kecamatan Klojen, which has two kelurahan under it."""
    return city.viewers["op_a"]


@pytest.fixture
def operator_b(city) -> Viewer:
    """The operator of Dinas Kesehatan."""
    return city.viewers["op_b"]


@pytest.fixture
def presenter(city) -> Viewer:
    return city.viewers["presenter"]


# The global 120 s timeout guards against hangs. A browser test walks several roles through several pages
# of a real app (80-90 s alone on a 2-core machine, well over 120 s while the other process runs its own
# heavy file, as CI showed); it gets more room, still a hang guard, never a speed assertion.
BROWSER_TIMEOUT_S = 420


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(BROWSER_TIMEOUT_S))
    # A test about one store's own behaviour runs on that store only: its other variant is not collected
    # (deselected, so it is neither run nor counted as skipped).
    wrong_store = [item for item in items if (marker := item.get_closest_marker("only_store"))
                   and getattr(item, "callspec", None) and item.callspec.params.get("backend") not in marker.args]
    if wrong_store:
        config.hook.pytest_deselected(items=wrong_store)
        items[:] = [item for item in items if item not in wrong_store]
