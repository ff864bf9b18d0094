"""Move an installation from one store to another (a pilot on SQLite to PostgreSQL): every table with its
ids and history, into an empty store migrated to this release's schema, in one transaction, then the
counts compared table by table. The source is only read."""

from dataclasses import dataclass

from sqlalchemy import Integer, func, select, text, update
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from core.ops.backup import BackupError, counts, revision_of, tables
from db.engine import safe_url
from db.migrate import head_revision, upgrade_to_head

BATCH = 5_000


@dataclass(frozen=True)
class Copied:
    tables: dict[str, int]
    revision: str


def _self_references(table) -> list[str]:
    """Columns of a table that point at its own rows (a unit's parent): written after every row is in."""
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def copy_store(source: Engine, target: Engine) -> Copied:
    with source.connect() as conn:
        revision = revision_of(conn)
    if revision != head_revision():
        raise BackupError("ops.copy_source_revision", revision=revision, head=head_revision())
    with target.connect() as conn:
        held = revision_of(conn)
        if held is not None and any(n for name, n in counts(conn).items() if name not in SEEDED):
            raise BackupError("ops.target_not_empty", url=safe_url(str(target.url)))
    upgrade_to_head(target)  # the schema, with the lists the migrations seed: replaced by the source's below
    ordered = [SQLModel.metadata.tables[name] for name in tables()]
    with source.connect() as src, target.begin() as dst:
        for table in reversed(ordered):
            dst.execute(table.delete())
        for table in ordered:
            later = _self_references(table)
            pending = []
            rows = src.execution_options(yield_per=BATCH).execute(select(table).order_by(*table.primary_key.columns))
            for batch in rows.partitions(BATCH):
                values = [dict(r._mapping) for r in batch]
                for row in values:
                    for name in later:
                        if row[name] is not None:
                            pending.append((row, name, row[name]))
                            row[name] = None
                dst.execute(table.insert(), values)
            for row, name, value in pending:
                key = {c.name: row[c.name] for c in table.primary_key.columns}
                dst.execute(update(table).where(*(table.c[k] == v for k, v in key.items())).values({name: value}))
        if dst.dialect.name == "postgresql":
            _advance_sequences(dst, ordered)
        found = counts(dst)
    with source.connect() as conn:
        wanted = counts(conn)
    wrong = {name: (n, found[name]) for name, n in wanted.items() if found[name] != n}
    if wrong:
        raise BackupError("ops.counts_differ", tables=", ".join(f"{k} {a}→{b}" for k, (a, b) in wrong.items()))
    return Copied(found, revision)


def _advance_sequences(conn, ordered) -> None:
    """Ids were copied as they were: each id sequence moves past the largest, so new rows do not clash."""
    for table in ordered:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, Integer):
            continue
        sequence = conn.scalar(text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": keys[0].name})
        if sequence:
            top = conn.scalar(select(func.max(keys[0])))
            conn.execute(text("SELECT setval(:s, :v, :called)"), {"s": sequence, "v": top or 1, "called": top is not None})


# Tables the migrations fill on an empty store: a target holding only these counts as empty.
SEEDED = {"device_category", "staff_position", "account_code", "account_rule"}
