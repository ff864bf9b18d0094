"""Evaluation on the demo city: the leadership overview's data for all 91 units (both periods, the open one
measured live) and the annual report built as a click on the overview builds it. Medians of 5."""

import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from bench.pages import demo_store
from core.access import SYSTEM
from core.config import load_settings
from core.evaluation import leadership, report
from db.engine import session_scope
from db.evaluation import EvaluationPeriod

RUNS = 5


def median_of(fn) -> tuple[float, object]:
    times, result = [], None
    for _ in range(RUNS):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="monev-bench-eval-"))
    _env, engine = demo_store(folder)
    settings = load_settings()
    with session_scope(engine) as s:
        period = s.scalar(select(EvaluationPeriod).order_by(EvaluationPeriod.year.desc()))

    def run(fn, **kw):
        with session_scope(engine) as s:
            return fn(session=s, viewer=SYSTEM, period_id=period.id, zone=settings.zone,
                      org_name=settings.org_name, **kw)

    seconds, view = median_of(lambda: run(leadership.overview))
    print(f"evaluation: overview data, {len(view.rows)} units, two periods: median {seconds:.2f} s")
    for kind in ("xlsx", "pdf"):
        seconds, data = median_of(lambda kind=kind: run(report.build, kind=kind, lang="id"))
        print(f"evaluation: annual report {kind}: median {seconds:.2f} s, {len(data) / 1024:.0f} KiB")
