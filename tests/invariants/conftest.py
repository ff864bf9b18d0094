"""The demo city, built once per store and process, that every invariant reads (read-only).

Each invariant names the rule it encodes; a test that writes takes `demo_copy` (SQLite) instead.
"""

import atexit
import os
import shutil
import sqlite3
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core import demo
from core.access import Viewer
from core.demo.monitoring import APP_TARGET
from core.org import users
from db.engine import make_engine, session_scope
from db.migrate import upgrade_to_head
from db.monitoring import Target
from tests.conftest import PG_BASE_URL

JAKARTA = ZoneInfo("Asia/Jakarta")
# The demo's accounts: every role, and operators of a dinas, a kecamatan (with its kelurahan) and Setda.
ROLES = ("admin", "pimpinan", "presenter", "dinkes", "klojen", "setda")


@dataclass
class DemoCity:
    backend: str
    url: str
    engine: Engine
    path: Path | None  # the SQLite file, for copies

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def viewer(self, username: str) -> Viewer:
        with self.session() as s:
            return users.load_viewer(session=s, username=username)


def _load(engine: Engine) -> None:
    upgrade_to_head(engine)
    with session_scope(engine) as s:
        demo.load(session=s, zone=JAKARTA, org_name="Pemerintah Kota Malang")


_BUILT: dict[str, DemoCity] = {}  # per store, for the whole test process (see demo_city)


def build(backend: str, then=None) -> DemoCity:
    """A new demo city on this store, `then(engine)` run on it; dropped when the test process ends."""
    if backend == "sqlite":
        path = Path(tempfile.mkdtemp(prefix="monev-demo-")) / "monev.db"
        url = f"sqlite:///{path}"
        engine = make_engine(url)
        _load(engine)
        if then is not None:
            then(engine)
        atexit.register(shutil.rmtree, path.parent, True)
        return DemoCity("sqlite", url, engine, path)
    schema = f"monev_demo_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_BASE_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop():
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    atexit.register(drop)
    url = f"{PG_BASE_URL}?options=-csearch_path%3D{schema}"
    engine = make_engine(url)
    _load(engine)
    if then is not None:
        then(engine)
    return DemoCity("postgresql", url, engine, None)


@pytest.fixture
def demo_city(backend) -> DemoCity:
    """The demo city on this store: SQLite in a file of its own, PostgreSQL in a schema of its own (the
    `store` fixture truncates the shared test schema between tests). Built once per test process and kept
    (read-only) until it ends: pytest would tear a session fixture down each time the store parameter
    changes, and a build costs 7 s on SQLite, 14 s on PostgreSQL."""
    if backend[0] not in _BUILT:
        _BUILT[backend[0]] = build(backend[0])
    return _BUILT[backend[0]]


@pytest.fixture
def demo_copy(demo_city, tmp_path) -> DemoCity:
    """A private copy of the SQLite demo city, for an invariant that has to write (a page that saves)."""
    assert demo_city.backend == "sqlite", "a test that writes is marked @pytest.mark.only_store(\"sqlite\")"
    path = tmp_path / "monev.db"
    with demo_city.engine.connect() as conn:  # the online backup: a consistent copy of a WAL store
        raw = conn.connection.driver_connection
        target = sqlite3.connect(path)
        raw.backup(target)
        target.close()
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    yield DemoCity("sqlite", url, engine, path)
    engine.dispose()



@pytest.fixture
def demo_env(demo_city, tmp_path, monkeypatch):
    """Settings for AppTest on the demo city: its store, demo mode (a demo store refuses anything else)."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("MONEV_"):
            monkeypatch.delenv(name)
    with demo_city.session() as s:  # the port the demo's own target names: opening the app then writes nothing
        host = s.scalar(select(Target.host).where(Target.name == APP_TARGET))
    for name, value in {"MONEV_DATABASE_URL": demo_city.url, "MONEV_DEMO": "true", "MONEV_DATA_DIR": str(tmp_path),
                        "MONEV_WORKER_IN_APP": "false", "MONEV_BCRYPT_ROUNDS": "4",
                        "MONEV_DEMO_APP_PORT": host.rsplit(":", 1)[1].split("/")[0]}.items():
        monkeypatch.setenv(name, value)
    import streamlit as st

    st.cache_data.clear()  # page reads are cached for a few seconds across tests
    return demo_city
