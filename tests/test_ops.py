"""Backup, restore and moving a store, on a real SQLite file and the machine's PostgreSQL (a database of
its own per test, as an installation has): what the manifest holds, a backup taken while a writer writes,
restoring into an empty store only, refusing a schema this release does not know or a damaged file, the
backup → upgrade → restore path, and copying a SQLite installation into PostgreSQL with its ids."""

import hashlib
import json
import secrets
import shutil
import subprocess
import sys
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import func, select, text

from core.access import SYSTEM
from core.evaluation import assessment, lifecycle
from core.ops import backup as ops
from core.ops.copy import copy_store
from core.org.units import UnitRow, create_unit
from db.engine import make_engine, session_scope
from db.evaluation import Evidence
from db.migrate import alembic_config, current_revision, head_revision, upgrade_to_head
from db.models import AuditLog, Unit
from tests.conftest import CITY, PG_BASE_URL, _postgres_unreachable, skip_or_fail

ROOT = Path(__file__).resolve().parents[1]
PDF = b"%PDF-1.4\n% Monev TIK bukti\n" + bytes(range(256)) * 40
BACKENDS = ["sqlite", "postgresql"]


@contextmanager
def empty_store(backend: str, tmp_path, name: str = "store"):
    """An empty database: a new SQLite file, or a new PostgreSQL database dropped afterwards."""
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / f'{name}.db'}")
        yield engine
        engine.dispose()
        return
    reason = _postgres_unreachable()
    if reason:
        skip_or_fail(reason)
    database = f"monev_ops_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_BASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{database}"'))
    engine = make_engine(PG_BASE_URL.rsplit("/", 1)[0] + f"/{database}")
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


def fill(engine) -> int:
    """Units, a period with an evidence file: what an installation holds. Returns the evidence id."""
    upgrade_to_head(engine)
    with session_scope(engine) as s:
        for row in CITY:
            create_unit(session=s, viewer=SYSTEM, data=row)
        period = lifecycle.create_period(session=s, viewer=SYSTEM, year=2026)
        unit = s.scalar(select(Unit.id).where(Unit.code == "DINKES"))
        return assessment.add_evidence(session=s, viewer=SYSTEM, period_id=period.id, unit_id=unit, indicator=1,
                                       filename="SK Tim SPBE.pdf", data=PDF)


def cli(*args, url: str, cwd) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "MONEV_DATABASE_URL": url, "MONEV_DATA_DIR": str(cwd / "data"),
           "MONEV_COOKIE_KEY": secrets.token_urlsafe(48), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "core.cli", *args], capture_output=True, text=True, cwd=str(cwd),
                          env=env, timeout=300, check=False)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_backup_restores_into_an_empty_store_with_the_same_rows_and_evidence_bytes(backend, tmp_path):
    with empty_store(backend, tmp_path) as source, empty_store(backend, tmp_path, "restored") as target:
        evidence = fill(source)
        manifest = ops.backup(source, tmp_path / "backup", "2026-12-03T10:00:00+00:00")
        with source.connect() as conn:
            assert manifest["tables"] == ops.counts(conn) and manifest["revision"] == head_revision()
        [item] = manifest["evidence"]
        assert item["sha256"] == hashlib.sha256(PDF).hexdigest() == item["recorded_sha256"]
        assert (tmp_path / "backup" / item["file"]).read_bytes() == PDF  # readable without restoring
        done = ops.restore(target, tmp_path / "backup")
        assert done.tables == manifest["tables"] and done.evidence == 1
        with session_scope(target) as s:
            assert s.get(Evidence, evidence).data == PDF
            assert {u.code for u in s.scalars(select(Unit))} == {row.code for row in CITY}


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_backup_taken_while_a_writer_writes_is_one_consistent_moment(backend, tmp_path):
    with empty_store(backend, tmp_path) as source, empty_store(backend, tmp_path, "restored") as target:
        fill(source)
        stop, written = threading.Event(), [0]

        def writer():
            while not stop.is_set():
                with session_scope(source) as s:
                    s.add(AuditLog(actor="worker", action="check", table_name="target"))
                written[0] += 1

        thread = threading.Thread(target=writer)
        thread.start()
        try:
            while written[0] < 20:
                stop.wait(0.01)
            manifest = ops.backup(source, tmp_path / "backup", "2026-12-03T10:00:00+00:00")
            while written[0] < manifest["tables"]["audit_log"] + 20:  # the writer kept writing after it
                stop.wait(0.01)
        finally:
            stop.set()
            thread.join()
        with source.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(AuditLog)) > manifest["tables"]["audit_log"]
        assert ops.restore(target, tmp_path / "backup").tables == manifest["tables"]  # counts of one snapshot


@pytest.mark.parametrize("backend", BACKENDS)
def test_restore_refuses_a_store_that_is_not_empty_an_unknown_schema_and_a_damaged_file(backend, tmp_path):
    with empty_store(backend, tmp_path) as source, empty_store(backend, tmp_path, "restored") as target:
        fill(source)
        ops.backup(source, tmp_path / "backup", "2026-12-03T10:00:00+00:00")
        with pytest.raises(ops.BackupError) as caught:
            ops.restore(source, tmp_path / "backup")
        assert caught.value.key == "ops.target_not_empty"
        with pytest.raises(ops.BackupError) as caught:
            ops.backup(source, tmp_path / "backup", "again")
        assert caught.value.key == "ops.backup_dir_not_empty"

        newer = tmp_path / "newer"
        shutil.copytree(tmp_path / "backup", newer)
        manifest = json.loads((newer / "manifest.json").read_text())
        (newer / "manifest.json").write_text(json.dumps({**manifest, "revision": "0099"}))
        with pytest.raises(ops.BackupError) as caught:
            ops.restore(target, newer)
        assert caught.value.key == "ops.unknown_revision"
        assert "0099" in caught.value.message("id") and head_revision() in caught.value.message("id")

        damaged = tmp_path / "damaged"
        shutil.copytree(tmp_path / "backup", damaged)
        evidence = damaged / manifest["evidence"][0]["file"]
        evidence.write_bytes(evidence.read_bytes()[:-1] + b"X")
        with pytest.raises(ops.BackupError) as caught:
            ops.restore(target, damaged)
        assert caught.value.key == "ops.checksum"
        with target.connect() as conn:  # every refusal left the target as it was: empty
            assert ops.revision_of(conn) is None


@pytest.mark.parametrize("backend", BACKENDS)
def test_backup_before_an_upgrade_then_restore_brings_back_the_old_schema_and_the_next_start_upgrades_it(
        backend, tmp_path):
    previous = ops.known_revisions()[-2]  # the release before this one
    with empty_store(backend, tmp_path) as source, empty_store(backend, tmp_path, "restored") as target:
        command.upgrade(alembic_config(source), previous)
        with session_scope(source) as s:
            s.execute(Unit.__table__.insert(), [{"code": r.code, "name": r.name, "short_name": r.short_name,
                                                 "kind": r.kind, "active": True} for r in CITY[:5]])
        manifest = ops.backup(source, tmp_path / "before-upgrade", "2026-12-03T10:00:00+00:00")
        assert manifest["revision"] == previous
        upgrade_to_head(source)  # the upgrade (say it went wrong): recovered from the backup taken before it
        done = ops.restore(target, tmp_path / "before-upgrade")
        assert done.revision == previous and current_revision(target) == previous
        upgrade_to_head(target)  # what the app does on its next start
        assert current_revision(target) == head_revision()
        with target.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(Unit)) == 5


def test_the_cli_backs_up_and_restores_the_configured_store_and_says_why_it_refuses(tmp_path):
    with empty_store("sqlite", tmp_path) as source:
        fill(source)
        url = str(source.url)
        made = cli("backup", str(tmp_path / "b"), url=url, cwd=tmp_path)
        assert made.returncode == 0 and "Cadangan ditulis" in made.stdout, made.stderr
        refused = cli("restore", str(tmp_path / "b"), url=url, cwd=tmp_path)
        assert refused.returncode == 2 and "tidak kosong" in refused.stderr
        fresh = cli("restore", str(tmp_path / "b"), url=f"sqlite:///{tmp_path / 'new.db'}", cwd=tmp_path)
        assert fresh.returncode == 0 and "cocok dengan manifes" in fresh.stdout, fresh.stderr


def test_copy_store_moves_a_sqlite_installation_into_postgresql_with_ids_and_new_rows_after_them(tmp_path):
    with empty_store("sqlite", tmp_path) as source, empty_store("postgresql", tmp_path) as target:
        evidence = fill(source)
        with session_scope(source) as s:  # a gap in the ids, as deletions leave
            leaf = next(r.code for r in CITY if r.code != "DINKES" and all(o.parent_code != r.code for o in CITY))
            gone = s.scalar(select(Unit.id).where(Unit.code == leaf))
            s.execute(AuditLog.__table__.delete().where(AuditLog.unit_id == gone))
            s.execute(Unit.__table__.delete().where(Unit.id == gone))
            ids = dict(s.execute(select(Unit.code, Unit.id)).all())
            parents = dict(s.execute(select(Unit.code, Unit.parent_id)).all())
        done = copy_store(source, target)
        with source.connect() as conn:
            assert done.tables == ops.counts(conn)
        with session_scope(target) as s:
            assert dict(s.execute(select(Unit.code, Unit.id)).all()) == ids
            assert dict(s.execute(select(Unit.code, Unit.parent_id)).all()) == parents  # the tree as it was
            assert s.get(Evidence, evidence).data == PDF
            new = create_unit(session=s, viewer=SYSTEM, data=UnitRow("UPT-LAB", "UPT Laboratorium", "upt",
                                                                     parent_code="DINKES"))
            assert new.id > max(ids.values())  # the id sequence moved past the copied ids
        with pytest.raises(ops.BackupError) as caught:
            copy_store(source, target)
        assert caught.value.key == "ops.target_not_empty"
