"""Command line.

- `python -m core.cli prepare` migrates the store and fills it (demo or first admin).
- `python -m core.cli backup DIR` writes a backup of the configured store (with its evidence files and a
  manifest of counts and checksums) into a new or empty folder; `restore DIR` brings one back into the
  configured store, which must be empty (see docs/operations.md).
- `python -m core.cli copy-store FROM_URL TO_URL` copies a whole installation (a SQLite pilot) into an
  empty store (PostgreSQL), ids and history kept, and compares the counts.
- `python -m core.cli index FRAMEWORK L1 L2 …` computes a framework's index from levels given in
  indicator order (spbe-2020: 47 levels, pemdi-2026: 20) and prints every group's index, the index and its
  predicate as JSON, from the shipped reference files: a way to check a calculation by hand.
"""

import argparse
import json
import sys
from pathlib import Path

from core.config import load_settings
from core.errors import MonevError, StoreUnavailable
from core.evaluation import frameworks
from core.i18n import t
from core.ops import backup, copy
from core.startup import open_store, prepare
from db.engine import StoreError, check_connection, make_engine, safe_url
from db.types import utcnow


def index(code: str, levels: list[str]) -> dict:
    """The JSON the `index` command prints; MonevError-free: a bad argument raises ValueError with a sentence."""
    if code not in frameworks.shipped():
        raise ValueError(t("cli.framework_unknown", code=code, known=", ".join(frameworks.shipped())))
    framework = frameworks.reference(code)
    indicators = framework.indicators()
    if len(levels) != len(indicators):
        raise ValueError(t("cli.levels_count", code=code, count=len(indicators), given=len(levels)))
    values = {}
    for node, raw in zip(indicators, levels, strict=True):
        if raw not in {str(lv) for lv in frameworks.LEVELS}:
            raise ValueError(t("cli.level_invalid", number=node.number, value=raw))
        values[node.number] = int(raw)
    result = framework.index(values)
    band = framework.band(result.overall)
    out = {"framework": code, "index_name": framework.index_name}
    for kind in framework.group_kinds():
        out[f"{kind}s"] = {c: round(v, 6) for c, v in result.of_kind(kind).items()}
    out |= {"index": round(result.overall, 6), "shown": str(frameworks.shown(result.overall)),
            "predicate": band.name, "maturity": band.maturity or None}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.cli")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("prepare", help="migrate to head and load the demo or first admin")
    compute = commands.add_parser("index", help="compute an index from levels in indicator order, as JSON")
    compute.add_argument("framework", help=", ".join(frameworks.shipped()))
    compute.add_argument("levels", nargs="*", help="one level (1-5) per indicator, in indicator order")
    save = commands.add_parser("backup", help="back up the store, its evidence files and a manifest into DIR")
    save.add_argument("dir", type=Path, help="a new or empty folder")
    load = commands.add_parser("restore", help="restore a backup from DIR into the configured (empty) store")
    load.add_argument("dir", type=Path)
    move = commands.add_parser("copy-store", help="copy every table of one store into another, empty one")
    move.add_argument("source", help="the store to copy from, e.g. sqlite:///data/monev.db")
    move.add_argument("target", help="an empty store, e.g. postgresql://monev@127.0.0.1/monev")
    args = parser.parse_args(argv)
    if args.command in ("backup", "restore", "copy-store"):
        return _operate(args)
    if args.command == "index":
        try:
            print(json.dumps(index(args.framework, args.levels), ensure_ascii=False, indent=2))
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return 2
        return 0
    try:
        settings = load_settings()
        engine = open_store(settings)
        notice = prepare(engine, settings)
    except MonevError as exc:
        print(exc.message("id"), file=sys.stderr)
        return 2
    if notice:
        print(notice, flush=True)
    return 0


def _engine(url: str):
    try:
        engine = make_engine(url)
        check_connection(engine)
    except StoreError as exc:
        raise StoreUnavailable("store.unreachable", url=exc.url, reason=exc.reason) from None
    return engine


def _operate(args) -> int:
    """backup, restore and copy-store: what they did on stdout, why not on stderr (exit 2)."""
    lang = "id"
    try:
        settings = load_settings()
        lang = settings.language
        if args.command == "copy-store":
            done = copy.copy_store(_engine(args.source), _engine(args.target))
            print(t("ops.copied", lang, rows=sum(done.tables.values()), tables=len(done.tables),
                    source=safe_url(args.source), target=safe_url(args.target)))
            return 0
        engine = _engine(settings.database_url)  # as it is: a backup or restore never migrates
        if args.command == "backup":
            manifest = backup.backup(engine, args.dir, utcnow().isoformat())
            print(t("ops.backed_up", lang, dir=str(args.dir), rows=sum(manifest["tables"].values()),
                    evidence=len(manifest["evidence"]), revision=manifest["revision"]))
            return 0
        done = backup.restore(engine, args.dir)
        print(t("ops.restored", lang, rows=sum(done.tables.values()), evidence=done.evidence, revision=done.revision))
        return 0
    except MonevError as exc:
        print(exc.message(lang), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
