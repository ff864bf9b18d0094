"""Command line.

- `python -m core.cli prepare` migrates the store and fills it (demo or first admin).
- `python -m core.cli index FRAMEWORK L1 L2 …` computes a framework's index from levels given in
  indicator order (spbe-2020: 47 levels, pemdi-2026: 20) and prints every group's index, the index and its
  predicate as JSON, from the shipped reference files: a way to check a calculation by hand.
"""

import argparse
import json
import sys

from core.config import load_settings
from core.errors import MonevError
from core.evaluation import frameworks
from core.i18n import t
from core.startup import open_store, prepare


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
    args = parser.parse_args(argv)
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


if __name__ == "__main__":
    sys.exit(main())
