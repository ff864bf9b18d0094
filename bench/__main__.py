"""`python -m bench [sweep|sustained|storage|availability|hol|pages|public|inventory|memory|evaluation|budget|agents]`: figures on this machine."""

import asyncio
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select, text

from core.access import SYSTEM
from core.monitoring import availability
from db.engine import make_engine, session_scope
from db.migrate import upgrade_to_head
from db.models import Unit
from db.monitoring import Heartbeat, RollupDay, RollupHour, RollupMinute, State, Target, TargetState
from db.types import utcnow
from probes.kinds.base import Check
from probes.kinds.ping import PingProbe
from probes.worker import ProbeWorker, WorkerThread

ZONE = ZoneInfo("Asia/Jakarta")
PG_URL = os.environ.get("MONEV_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
LOOPBACK = [f"127.{(i // 250) % 250}.{i % 250 + 1}.1" if i >= 250 else f"127.0.0.{i + 2}" for i in range(1000)]


def fresh_store(url: str | None = None, schema: str = "monev_bench"):
    if url is None:
        path = Path(tempfile.mkdtemp()) / "bench.db"
        engine = make_engine(f"sqlite:///{path}")
    else:
        admin = make_engine(url)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine = make_engine(f"{url}?options=-csearch_path%3D{schema}")
    upgrade_to_head(engine)
    with session_scope(engine) as s:
        s.add(Unit(code="BENCH", name="Bench", kind="dinas"))
    return engine


def stores(label: str):
    """A fresh SQLite store, then a fresh PostgreSQL schema when the server answers."""
    for name, url in (("SQLite", None), ("PostgreSQL", PG_URL)):
        try:
            yield name, fresh_store(url)
        except Exception as exc:  # noqa: BLE001 - a benchmark reports what it could not measure
            print(f"{label} {name}: not measured ({exc})")


def sweep() -> None:
    """(a) One sweep of 1,000 ICMP targets on 127.0.0.0/8, beside fping on the same list."""
    probe = PingProbe(threads=200)

    async def run():
        limit = asyncio.Semaphore(200)

        async def one(host):
            async with limit:
                try:
                    await probe.check(Check(0, "ping", host, None, 1), {})
                    return True
                except Exception:  # noqa: BLE001
                    return False
        started = time.perf_counter()
        ok = await asyncio.gather(*(one(h) for h in LOOPBACK))
        return time.perf_counter() - started, sum(ok)

    runs = [asyncio.run(run()) for _ in range(5)]
    probe.close()
    median = statistics.median(r[0] for r in runs)
    print(f"(a) ping sweep, 1,000 loopback targets: median {median:.2f} s over 5 runs, {runs[-1][1]} answered")
    if shutil.which("fping") is None and os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-qq", "fping"], capture_output=True)
    if shutil.which("fping"):
        times = []
        for _ in range(5):
            started = time.perf_counter()
            subprocess.run(["fping", "-q", "-c1", "-t1000", "-i1", *LOOPBACK], capture_output=True)
            times.append(time.perf_counter() - started)
        print(f"    fping -c1 -t1000 -i1 on the same list: median {statistics.median(times):.2f} s")
    else:
        print("    fping not installed (apt-get install fping) - no comparison")


def sustained(seconds: int = 180, count: int = 10_000) -> None:
    """(b) 10,000 mixed targets at 60 s for three minutes against loopback peers."""
    peers = subprocess.Popen([sys.executable, "-m", "bench.peers"], stdout=subprocess.PIPE, text=True,
                             cwd=Path(__file__).resolve().parent.parent)
    base, port = peers.stdout.readline().split()
    engine = fresh_store()
    rows = []
    for i in range(count):
        kind = ("ping", "tcp", "http")[i % 3]
        host = {"ping": LOOPBACK[i % 1000], "tcp": "127.0.0.1", "http": f"{base}/ok"}[kind]
        rows.append(dict(unit_id=1, name=f"t{i}", kind=kind, host=host, port=int(port) if kind == "tcp" else None,
                         interval_s=60, timeout_s=5, fail_threshold=3, criticality="normal", enabled=True,
                         options={}, created_at=utcnow(), updated_at=utcnow()))
    now = utcnow()
    with session_scope(engine) as s:
        s.execute(insert(Target), rows)
        ids = s.scalars(select(Target.id)).all()
        s.execute(insert(TargetState), [dict(target_id=t, next_due_at=now + timedelta(seconds=(t % 600) / 10),
                                             details={}) for t in ids])
    worker = ProbeWorker(engine, zone=ZONE, name="bench")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu0, wall0 = usage.ru_utime + usage.ru_stime, time.perf_counter()
    runner = WorkerThread(worker).start()
    time.sleep(seconds)
    runner.stop(60)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu, wall = usage.ru_utime + usage.ru_stime - cpu0, time.perf_counter() - wall0
    peers.terminate()
    with engine.connect() as conn:
        checks = conn.execute(select(func.count()).select_from(Heartbeat)).scalar()
        down = conn.execute(select(func.count()).select_from(Heartbeat).where(Heartbeat.status == State.DOWN)).scalar()
    late = sorted(worker.lateness)
    p95 = late[int(len(late) * 0.95)] if late else float("nan")
    print(f"(b) sustained {count:,} targets at 60 s for {seconds} s: {checks / wall:.0f} checks/s "
          f"({checks:,} checks, {down} failed), lateness p50 {late[len(late) // 2]:.2f} s p95 {p95:.2f} s, "
          f"CPU {cpu:.1f} s = {1000 * cpu / max(checks, 1):.2f} s per 1,000 checks = {100 * cpu / wall:.0f} % of one core, "
          f"peak RSS {usage.ru_maxrss / 1024:.0f} MiB")


def storage() -> None:
    """(c) Bytes per target-day once rollups and retention have done their work, SQLite and PostgreSQL."""
    targets, now = 50, utcnow()
    for name, engine in stores("(c)"):
        with session_scope(engine) as s:
            s.execute(insert(Target), [dict(unit_id=1, name=f"t{i}", kind="ping", host="127.0.0.1", interval_s=60,
                                            timeout_s=2, fail_threshold=3, criticality="normal", enabled=True,
                                            options={}, created_at=now, updated_at=now) for i in range(targets)])
        ids = list(range(1, targets + 1))
        # Steady state under the default retention at 60 s checks: 48 h of heartbeats and minutes,
        # 90 days of hours, 5 years of days.
        plan = [(Heartbeat, 2 * 1440, timedelta(minutes=1)), (RollupMinute, 2 * 1440, timedelta(minutes=1)),
                (RollupHour, 90 * 24, timedelta(hours=1)), (RollupDay, 5 * 365, timedelta(days=1))]
        for model, count, step in plan:
            with session_scope(engine) as s:
                for t in ids:
                    if model is Heartbeat:
                        rows = [dict(target_id=t, at=now - step * i, status=State.UP, latency_ms=0.31, reason="")
                                for i in range(count)]
                    else:
                        rows = [dict(target_id=t, bucket=now - step * i, up_s=60, checks=1, latency_n=1,
                                     latency_sum_ms=0.31, latency_min_ms=0.3, latency_max_ms=0.4) for i in range(count)]
                    s.execute(insert(model), rows)
        size = float(_size(engine))
        per_target = size / targets
        print(f"(c) {name}: {per_target / 1e6:.2f} MB per target in steady state "
              f"= {per_target / (5 * 365):.0f} bytes per target-day over the 5-year horizon; "
              f"10,000 targets ≈ {per_target * 10_000 / 1e9:.1f} GB")


def _size(engine) -> int:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            return conn.execute(text("PRAGMA page_count")).scalar() * conn.execute(text("PRAGMA page_size")).scalar()
        return conn.execute(text("SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n "
                                 "ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind = 'r'"
                                 )).scalar()


def availability_query(targets: int = 200) -> None:
    """(d) Availability of one unit with 200 targets over 365 days from a year of rollups."""
    now = utcnow()
    for name, engine in stores("(d)"):
        created = now - timedelta(days=366)
        with session_scope(engine) as s:
            s.execute(insert(Target), [dict(unit_id=1, name=f"t{i}", kind="ping", host="127.0.0.1", interval_s=60,
                                            timeout_s=2, fail_threshold=3, criticality="normal", enabled=True,
                                            options={}, created_at=created, updated_at=created) for i in range(targets)])
            for t in range(1, targets + 1):
                s.execute(insert(RollupDay), [dict(target_id=t, bucket=now - timedelta(days=d), up_s=86000, down_s=400,
                                                   checks=1440) for d in range(1, 367)])
                s.execute(insert(RollupHour), [dict(target_id=t, bucket=now - timedelta(hours=h), up_s=3600,
                                                    checks=60) for h in range(1, 90 * 24)])
            # Steady state: retention has run, so the window's start edge reads the day that holds it.
            availability.set_kept_from(s, "minute", now - timedelta(hours=48))
            availability.set_kept_from(s, "hour", now - timedelta(days=90))
        times = []
        for _ in range(21):
            started = time.perf_counter()
            with session_scope(engine) as s:
                result = availability.for_unit(session=s, viewer=SYSTEM, unit_id=1, start=now - timedelta(days=365),
                                               end=now, zone=ZONE)
            times.append(time.perf_counter() - started)
        print(f"(d) {name}: 365-day availability of a unit with {targets} targets: median "
              f"{1000 * statistics.median(times):.1f} ms over 21 runs ({result.percent:.3f} %)")


def main(argv: list[str]) -> None:
    from bench import agents, budget, evaluation, hol, inventory, memory, pages, public

    parts = {"sweep": sweep, "sustained": sustained, "storage": storage, "availability": availability_query,
             "hol": hol.main, "pages": pages.main, "public": public.main, "inventory": inventory.main, "memory": memory.main,
             "evaluation": evaluation.main, "budget": budget.main, "agents": agents.main}
    for name in argv or list(parts):
        parts[name]()


if __name__ == "__main__":
    threading.current_thread().name = "bench"
    main(sys.argv[1:])
