"""Agents into PostgreSQL, through the app's own process (`streamlit run server.py`) on loopback.

(a) Ingest: 10 agents (threads, bodies encoded before the clock starts) push batches of 1,000 results
    for their 200 targets each to /agent/v1/results, first on the app's own process, then on the ingest
    service (web/ingest.py) with two processes; goal ≥ 5,000 results/s stored. Reference in the same
    run: the same number of results written by the central worker's own writer (probes.store.write) on the
    same store, without HTTP.
(b) Freshness: real `python -m probes.agent` processes check loopback listeners every 10 s and push every
    PUSH_S; the time from each check to the moment the state the wall reads (target_state) holds it, p50
    and p95; goal p95 ≤ 2 s + the push interval. Reference in the same run: targets checked by a central
    `python -m probes` beside them.
"""

import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert, select

from bench.__main__ import PG_URL, ZONE, fresh_store
from core.access import SYSTEM
from core.agents import agents
from db.agents import Agent
from db.engine import session_scope
from db.models import Unit
from db.monitoring import Heartbeat, Target, TargetState
from db.types import utcnow
from probes import store as probe_store
from probes.kinds.base import Check

ROOT = Path(__file__).resolve().parent.parent
AGENTS, TARGETS, BATCH, BATCHES = 10, 200, 1000, 12
PUSH_S = 5


def _app(url: str, folder: Path, worker_in_app: bool = False):
    from tests.browser import free_port

    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MONEV_DATABASE_URL": url, "MONEV_COOKIE_KEY": secrets.token_urlsafe(48),
           "MONEV_DATA_DIR": str(folder / "data"), "MONEV_WORKER_IN_APP": str(worker_in_app).lower()}
    log = open(folder / "app.log", "w")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "server.py"), "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true",
                             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
                            cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if urllib.request.urlopen(f"{base}/healthz", timeout=1).status == 200:
                return proc, base, env
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError((folder / "app.log").read_text()[-2000:])


def _unit(engine) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(Unit.id))


def _ingest_service(url: str, folder: Path, workers: int):
    from tests.browser import free_port

    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MONEV_DATABASE_URL": url, "MONEV_COOKIE_KEY": secrets.token_urlsafe(48),
           "MONEV_DATA_DIR": str(folder / "data")}
    log = open(folder / "ingest.log", "w")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "web.ingest:app", "--workers", str(workers), "--host",
                             "127.0.0.1", "--port", str(port), "--log-level", "warning"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(f"{base}/agent/v1/targets", timeout=1)
        except urllib.error.HTTPError:
            return proc, base, env  # 401: it answers
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError((folder / "ingest.log").read_text()[-2000:])


def _agents_with_targets(engine, count: int, per_agent: int, port: int = 22, interval_s: int = 60):
    """`count` enrolled agents, each with `per_agent` targets; returns [(agent id, credential, code, ids)]."""
    made, unit_id = [], _unit(engine)
    for n in range(count):
        with session_scope(engine) as s:
            code = agents.create_enrolment(session=s, viewer=SYSTEM, name=f"agen-{n}", unit_ids=[unit_id])
        with session_scope(engine) as s:
            enrolled = agents.enrol(session=s, code=code)
            s.get(Agent, enrolled.agent_id).push_interval_s = PUSH_S
            ids = list(s.scalars(insert(Target).returning(Target.id), [
                dict(unit_id=unit_id, name=f"a{n}-t{i}", kind="tcp", host="127.0.0.1", port=port, interval_s=interval_s,
                     timeout_s=2, fail_threshold=3, criticality="normal", enabled=True, options={},
                     agent_id=enrolled.agent_id) for i in range(per_agent)]))
            s.execute(insert(TargetState), [dict(target_id=i, details={}) for i in ids])
        made.append((enrolled.agent_id, enrolled.credential, code, ids))
    return made


def _bodies(ids: list[int], start) -> list[bytes]:
    bodies, seq = [], 0
    per_target = BATCH * BATCHES // len(ids)
    items = [(k, t) for k in range(per_target) for t in ids]
    for b in range(BATCHES):
        chunk = []
        for k, target in items[b * BATCH:(b + 1) * BATCH]:
            seq += 1
            chunk.append({"seq": seq, "target_id": target, "status": "UP", "latency_ms": 0.4, "reason": "",
                          "details": {}, "at": (start + timedelta(seconds=k)).isoformat()})
        bodies.append(json.dumps({"results": chunk, "backlog": 0}).encode())
    return bodies


def _push(base: str, credential: str, bodies: list[bytes], stored: list[int]) -> None:
    for body in bodies:
        request = urllib.request.Request(f"{base}/agent/v1/results", data=body, method="POST", headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {credential}"})
        with urllib.request.urlopen(request, timeout=120) as response:
            stored.append(json.loads(response.read())["stored"])


def ingest() -> None:
    for workers in (0, 2):
        _ingest(workers)


def _ingest(workers: int) -> None:
    """Through the app's own process (workers 0), or the ingest service with that many processes."""
    folder = Path(tempfile.mkdtemp())
    url = f"{PG_URL}?options=-csearch_path%3Dmonev_bench_agents"
    try:
        engine = fresh_store(PG_URL, "monev_bench_agents")
    except Exception as exc:  # noqa: BLE001 - a benchmark reports what it could not measure
        print(f"(a) agents → PostgreSQL: not measured ({exc})")
        return
    made = _agents_with_targets(engine, AGENTS, TARGETS)
    start = utcnow() - timedelta(minutes=30)
    bodies = [_bodies(ids, start) for _a, _c, _code, ids in made]
    proc, base, _env = _ingest_service(url, folder, workers) if workers else _app(url, folder)
    try:
        stored: list[int] = []
        threads = [threading.Thread(target=_push, args=(base, cred, b, stored)) for (_a, cred, _c, _i), b in zip(made, bodies, strict=True)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        took = time.perf_counter() - began
    finally:
        proc.terminate()
        proc.wait(20)
    total = sum(stored)
    # Reference: the central worker's own writer, the same number of results in batches of BATCH.
    ids = [i for *_x, batch_ids in made for i in batch_ids]
    with session_scope(engine) as s:
        targets = {t.id: t for t in s.scalars(select(Target).where(Target.id.in_(ids)))}
    later = utcnow() - timedelta(minutes=5)
    results = [probe_store.Result(probe_store.Claimed(Check(t, "tcp", "127.0.0.1", 22, 2, {}), targets[t].unit_id, 60, 3,
                                                      utcnow(), {}), later + timedelta(milliseconds=k), "UP", 0.4, "", {})
               for k in range(BATCH * BATCHES * AGENTS // len(ids)) for t in ids]
    began = time.perf_counter()
    for n in range(0, len(results), BATCH):
        probe_store.write(engine, results[n:n + BATCH], zone=ZONE, windows=[], now=utcnow())
    direct = time.perf_counter() - began
    with session_scope(engine) as s:
        beats = s.scalar(select(Heartbeat.id).order_by(Heartbeat.id.desc()).limit(1))
    where = f"uvicorn web.ingest:app --workers {workers}" if workers else "the app's process (server.py)"
    print(f"(a) {AGENTS} agents × {TARGETS} targets → PostgreSQL, /agent/v1/results on {where}: {total:,} results stored "
          f"in {took:.1f} s = {total / took:,.0f} results/s (goal ≥ 5,000); reference, the central writer "
          f"without HTTP: {len(results) / direct:,.0f} results/s; heartbeats in the store: {beats:,}")


def freshness() -> None:
    from tests.peers import tcp_listener

    folder = Path(tempfile.mkdtemp())
    url = f"{PG_URL}?options=-csearch_path%3Dmonev_bench_fresh"
    try:
        engine = fresh_store(PG_URL, "monev_bench_fresh")
    except Exception as exc:  # noqa: BLE001
        print(f"(b) agent freshness: not measured ({exc})")
        return
    with tcp_listener() as port:
        unit_id = _unit(engine)
        with session_scope(engine) as s:
            central = list(s.scalars(insert(Target).returning(Target.id), [
                dict(unit_id=unit_id, name=f"c{i}", kind="tcp", host="127.0.0.1", port=port, interval_s=10, timeout_s=2,
                     fail_threshold=3, criticality="normal", enabled=True, options={}) for i in range(100)]))
            s.execute(insert(TargetState), [dict(target_id=i, details={}) for i in central])
        made = _agents_with_targets(engine, 2, 100, port=port, interval_s=10)
        proc, base, env = _app(url, folder)
        worker = subprocess.Popen([sys.executable, "-m", "probes"], cwd=folder, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        runners = []
        for n, (_a, credential, _code, _ids) in enumerate(made):
            state = folder / f"agent{n}"  # enrolled above: its credential put where the agent keeps it
            state.mkdir()
            (state / "credential").write_text(credential)
            runners.append(subprocess.Popen([sys.executable, "-m", "probes.agent", "--server", base, "--state",
                                             str(state)], env=env,
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        agent_ids = {i for *_x, ids in made for i in ids}
        seen: dict[tuple[int, object], float] = {}
        lags = {"agent": [], "central": []}
        try:
            until = time.monotonic() + 75
            while time.monotonic() < until:
                now = utcnow()
                with engine.connect() as conn:
                    rows = conn.execute(select(TargetState.target_id, TargetState.last_check_at)
                                        .where(TargetState.last_check_at.is_not(None))).all()
                for target_id, at in rows:
                    if (target_id, at) not in seen:
                        seen[(target_id, at)] = 0
                        if time.monotonic() > until - 60:  # after the first 15 s (enrolment, first pull)
                            lags["agent" if target_id in agent_ids else "central"].append((now - at).total_seconds())
                time.sleep(0.1)
        finally:
            for p in (*runners, worker, proc):
                p.terminate()
            for p in (*runners, worker, proc):
                p.wait(20)

    def q(values, share):
        ordered = sorted(values)
        return ordered[max(0, int(share * len(ordered)) - 1)] if ordered else float("nan")
    a, c = lags["agent"], lags["central"]
    print(f"(b) check → the state the wall reads, agents pushing every {PUSH_S} s: p50 {statistics.median(a):.2f} s, "
          f"p95 {q(a, 0.95):.2f} s over {len(a)} checks (goal ≤ {2 + PUSH_S} s); reference, a central worker: "
          f"p50 {statistics.median(c):.2f} s, p95 {q(c, 0.95):.2f} s over {len(c)} checks")


def main() -> None:
    ingest()
    freshness()
