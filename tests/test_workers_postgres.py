"""Three `python -m probes` processes on the real PostgreSQL share 300 targets; kill one and its targets move."""

import os
import signal
import subprocess
import sys
import time
from collections import defaultdict

import pytest
from sqlalchemy import select

from db.monitoring import Heartbeat, Worker
from tests.conftest import ROOT
from tests.monitoring import add_target
from tests.peers import tcp_listener

INTERVAL = 10
LEASE = 6


def start_worker(env, name, log_dir):
    log = open(log_dir / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
    return subprocess.Popen([sys.executable, "-m", "probes"], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            env={**os.environ, **env, "MONEV_WORKER_NAME": name, "MONEV_PROBE_LEASE_S": str(LEASE),
                                 "PYTHONPATH": str(ROOT)})


def gaps_by_target(beats):
    times = defaultdict(list)
    for target_id, at in sorted(beats, key=lambda b: b[1]):
        times[target_id].append(at.timestamp())
    return {t: [b - a for a, b in zip(ts, ts[1:], strict=False)] for t, ts in times.items()}, times


@pytest.mark.only_store("postgresql")  # several workers share targets through PostgreSQL (SKIP LOCKED claims)
def test_three_workers_share_300_targets_once_per_interval_and_take_over_a_killed_one(store, env, admin, city,
                                                                                       tmp_path):
    with tcp_listener() as port:
        ids = {add_target(store, admin, city.units["DINKES"], name=f"svc {i}", port=port, interval_s=INTERVAL,
                          timeout_s=2) for i in range(300)}
        workers = {name: start_worker(env, name, tmp_path) for name in ("w1", "w2", "w3")}
        try:
            started = time.time()
            time.sleep(3 * INTERVAL + 4)
            killed_at = time.time()
            workers["w2"].send_signal(signal.SIGKILL)
            workers["w2"].wait(5)
            time.sleep(2 * INTERVAL + LEASE + 4)
            ended = time.time()
        finally:
            for proc in workers.values():
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            for proc in workers.values():
                proc.wait(20)
    with store.session() as s:
        beats = s.execute(select(Heartbeat.target_id, Heartbeat.at)).all()
        counts = dict(s.execute(select(Worker.name, Worker.checks)).all())
    gaps, times = gaps_by_target(beats)
    assert set(times) == ids, "every target was checked"
    assert all(counts.get(name, 0) > 0 for name in ("w1", "w2", "w3")), counts
    shares = {name: checks / sum(counts.values()) for name, checks in counts.items()}
    assert max(shares.values()) < 2 / 3, f"claims in slices share the load: {counts}"

    pairs = [(a, a + g) for t in ids for a, g in zip(times[t], gaps[t], strict=False)]
    steady = [b - a for a, b in pairs if started + INTERVAL < a and b < killed_at]
    assert min(steady) >= INTERVAL * 0.8, "no target was checked twice in one interval"
    assert max(steady) <= INTERVAL * 1.5, "no target missed its interval"

    around_kill = [b - a for a, b in pairs if b > killed_at]
    assert max(around_kill) <= 2 * INTERVAL, "the killed worker's targets moved within two intervals"
    assert all(times[t][-1] > ended - 1.5 * INTERVAL for t in ids), "after the kill every target is still checked"
