"""Command line: `python -m core.cli prepare` migrates the store and fills it (demo or first admin)."""

import argparse
import sys

from core.config import load_settings
from core.errors import MonevError
from core.startup import open_store, prepare


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core.cli")
    parser.add_argument("command", choices=["prepare"], help="migrate to head and load the demo or first admin")
    parser.parse_args(argv)
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
