"""Backup and restore of a whole installation: the store (PostgreSQL through pg_dump in one snapshot;
SQLite through its online backup API, safe while the worker writes), the evidence files written out beside
it, and a manifest with the schema version, every table's row count and checksums, all taken from the same
consistent view. Restore brings a backup into an empty store, refusing a schema version this release does
not know, and checks the counts and the evidence checksums against the manifest.

Evidence files live in the store (so the store's copy holds them); they are also written out as files so
that an auditor can open them from a backup without restoring it."""

import hashlib
import json
import re
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel

import db.agents  # noqa: F401 - every table registered on the metadata
import db.inventory  # noqa: F401
import db.models  # noqa: F401
import db.monitoring  # noqa: F401
import db.needs  # noqa: F401
import db.services  # noqa: F401
import db.tickets  # noqa: F401
from core.errors import MonevError
from db.engine import make_engine, safe_url
from db.evaluation import Evidence
from db.migrate import alembic_config, head_revision

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "store.sqlite"
PG_FILE = "store.dump"
EVIDENCE_DIR = "evidence"
CHUNK = 1 << 20


class BackupError(MonevError):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Restored:
    tables: dict[str, int]
    evidence: int
    revision: str


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def tables() -> list[str]:
    """Every table of the schema, parents before children."""
    return [t.name for t in SQLModel.metadata.sorted_tables]


def counts(conn: Connection) -> dict[str, int]:
    """Rows of every table the store has (an older schema has fewer)."""
    held = set(inspect(conn).get_table_names())
    return {name: conn.scalar(select(func.count()).select_from(SQLModel.metadata.tables[name])) or 0
            for name in tables() if name in held}


def revision_of(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.scalar(text("SELECT version_num FROM alembic_version"))


def _backend(engine: Engine) -> str:
    return "postgresql" if engine.dialect.name == "postgresql" else "sqlite"


def libpq(engine: Engine) -> tuple[str, str | None]:
    """The URL as pg_dump and pg_restore take it, and the schema its search_path names (tests run in one)."""
    url = engine.url
    schema = None
    options = url.query.get("options")
    if options:
        found = re.search(r"search_path\s*=\s*([A-Za-z0-9_]+)", unquote(str(options)))
        schema = found.group(1) if found else None
    plain = url.set(drivername="postgresql", query={k: v for k, v in url.query.items() if k != "options"})
    return plain.render_as_string(hide_password=False), schema


def _empty_dir(target: Path) -> None:
    if target.exists() and any(target.iterdir()):
        raise BackupError("ops.backup_dir_not_empty", path=str(target))
    target.mkdir(parents=True, exist_ok=True)


def backup(engine: Engine, target: Path, now: str) -> dict:
    """Write a backup of the store into `target` (a new or empty folder); returns the manifest."""
    _empty_dir(target)
    if _backend(engine) == "sqlite":
        manifest = _backup_sqlite(engine, target)
    else:
        manifest = _backup_postgres(engine, target)
    manifest.update(format=FORMAT, created_at=now, backend=_backend(engine), source=safe_url(str(engine.url)))
    manifest["files"] = {name: {"sha256": sha256_file(target / name), "bytes": (target / name).stat().st_size}
                         for name in (SQLITE_FILE, PG_FILE) if (target / name).exists()}
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return manifest


def _write_evidence(conn: Connection, target: Path) -> list[dict]:
    """The evidence files as files, each with the checksum of what was written."""
    folder = target / EVIDENCE_DIR
    folder.mkdir()
    listed = []
    for row in conn.execute(select(Evidence.id, Evidence.filename, Evidence.sha256, Evidence.data)
                            .order_by(Evidence.id)):
        name = f"{row.id}-{re.sub(r'[^A-Za-z0-9._-]+', '_', row.filename)[:120]}"
        (folder / name).write_bytes(row.data)
        listed.append({"id": row.id, "file": f"{EVIDENCE_DIR}/{name}", "sha256": hashlib.sha256(row.data).hexdigest(),
                       "recorded_sha256": row.sha256, "bytes": len(row.data)})
    return listed


def _backup_sqlite(engine: Engine, target: Path) -> dict:
    source = engine.url.database
    copy = target / SQLITE_FILE
    # The online backup API copies a consistent state page by page, while the worker keeps writing.
    with closing(sqlite3.connect(source, timeout=30)) as live, closing(sqlite3.connect(copy)) as out:
        live.backup(out)
    # The copy read back: counts and files from exactly what was saved.
    snapshot = make_engine(f"sqlite:///{copy}")
    try:
        with snapshot.connect() as conn:
            return {"revision": revision_of(conn), "tables": counts(conn), "evidence": _write_evidence(conn, target)}
    finally:
        snapshot.dispose()


def _backup_postgres(engine: Engine, target: Path) -> dict:
    url, schema = libpq(engine)
    with engine.connect() as conn:
        # One snapshot for the counts, the evidence files and pg_dump: they describe the same moment.
        conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
        snapshot = conn.scalar(text("SELECT pg_export_snapshot()"))
        manifest = {"revision": revision_of(conn), "tables": counts(conn), "evidence": _write_evidence(conn, target)}
        command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                   f"--file={target / PG_FILE}"] + ([f"--schema={schema}"] if schema else []) + [f"--dbname={url}"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=3600, check=False)
        conn.rollback()
    if done.returncode != 0:
        raise BackupError("ops.pg_dump_failed", error=done.stderr.strip()[-500:])
    return manifest


def read_manifest(source: Path) -> dict:
    path = source / MANIFEST
    if not path.is_file():
        raise BackupError("ops.no_manifest", path=str(source))
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        raise BackupError("ops.bad_manifest", path=str(path)) from None
    if manifest.get("format") != FORMAT:
        raise BackupError("ops.bad_manifest", path=str(path))
    return manifest


def known_revisions() -> list[str]:
    """The schema versions this release knows, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def check(source: Path) -> dict:
    """The manifest, once every file in it is there with the checksum it had when written."""
    manifest = read_manifest(source)
    revision = manifest.get("revision")
    if revision not in known_revisions():
        raise BackupError("ops.unknown_revision", revision=revision, head=head_revision())
    for name, facts in {**manifest["files"], **{e["file"]: e for e in manifest["evidence"]}}.items():
        path = source / name
        if not path.is_file() or sha256_file(path) != facts["sha256"]:
            raise BackupError("ops.checksum", file=name)
    return manifest


def _is_empty(engine: Engine) -> bool:
    with engine.connect() as conn:
        return not inspect(conn).get_table_names()


def restore(engine: Engine, source: Path) -> Restored:
    """Bring the backup in `source` into the empty store behind `engine`, then check it against the manifest.
    The schema stays at the backup's version: the next start migrates it to this release's."""
    manifest = check(source)
    if not _is_empty(engine):
        raise BackupError("ops.target_not_empty", url=safe_url(str(engine.url)))
    backend = _backend(engine)
    if backend != manifest["backend"]:
        raise BackupError("ops.backend_mismatch", backup=manifest["backend"], target=backend)
    if backend == "sqlite":
        engine.dispose()
        with closing(sqlite3.connect(source / SQLITE_FILE)) as copy, \
                closing(sqlite3.connect(engine.url.database)) as live:
            copy.backup(live)
    else:
        url, schema = libpq(engine)
        command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                   f"--dbname={url}", str(source / PG_FILE)]
        if schema:  # the dump creates its schema: an empty one already there (a test's) goes first
            with engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}"'))
        done = subprocess.run(command, capture_output=True, text=True, timeout=3600, check=False)
        if done.returncode != 0:
            raise BackupError("ops.pg_restore_failed", error=done.stderr.strip()[-500:])
    return verify(engine, manifest)


def verify(engine: Engine, manifest: dict) -> Restored:
    """The restored store against the manifest: the same rows in every table, the same evidence bytes."""
    with engine.connect() as conn:
        found = counts(conn)
        revision = revision_of(conn)
        sums = {row.id: hashlib.sha256(row.data).hexdigest()
                for row in conn.execute(select(Evidence.id, Evidence.data))}
    wrong = {name: (n, found.get(name)) for name, n in manifest["tables"].items() if found.get(name) != n}
    if wrong or revision != manifest["revision"]:
        raise BackupError("ops.counts_differ", tables=", ".join(f"{k} {a}→{b}" for k, (a, b) in wrong.items())
                          or f"revision {manifest['revision']}→{revision}")
    for item in manifest["evidence"]:
        if sums.get(item["id"]) != item["sha256"]:
            raise BackupError("ops.checksum", file=item["file"])
    return Restored(found, len(manifest["evidence"]), revision)
