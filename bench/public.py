"""The public status page under load: `wrk` (Debian package) at 64 connections on loopback against
/publik served by the app's own process (`streamlit run server.py`, the demo city, the probe worker
writing beside it as its own process), and against nginx (Debian package) serving a saved static copy
of the same page, in the same run. Goal: ≥ 1,000 requests/s and p99 ≤ 50 ms. Then the SLA report of
100 services × 12 months (goal ≤ 2 s).
"""

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECONDS, CONNECTIONS = 15, 64


def _wrk(url: str) -> tuple[float, float]:
    """(requests per second, p99 latency in ms) of one wrk run."""
    run = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", url], capture_output=True,
                         text=True, timeout=SECONDS + 30)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", run.stdout).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", run.stdout).groups()
    p99 = float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", run.stdout)
    if errors:
        print(f"    {errors.group(0)} at {url}")
    return rps, p99


def _nginx(folder: Path, page: bytes) -> tuple[subprocess.Popen, int]:
    from tests.browser import free_port

    site = folder / "static" / "publik"
    site.mkdir(parents=True)
    (site / "index.html").write_bytes(page)
    port = free_port()
    (folder / "logs").mkdir()
    conf = folder / "nginx.conf"
    user = "user root;" if os.geteuid() == 0 else ""
    conf.write_text(f"""{user}
worker_processes 2; pid {folder}/nginx.pid; error_log {folder}/logs/error.log; daemon off;
events {{ worker_connections 1024; }}
http {{ access_log off; default_type text/html; sendfile on; keepalive_requests 100000;
  server {{ listen 127.0.0.1:{port}; root {folder}/static; location / {{ index index.html; }} }} }}
""")
    proc = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(folder)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    for _ in range(50):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/publik/", timeout=1).read()
            break
        except OSError:
            time.sleep(0.1)
    return proc, port


def sla_report_timing() -> None:
    from sqlalchemy import insert, select

    from bench.__main__ import fresh_store
    from core.access import SYSTEM
    from core.evaluation import evidence
    from db.engine import session_scope
    from db.monitoring import RollupDay, RollupHour, Target
    from db.services import DigitalService
    from db.types import utcnow

    engine = fresh_store()
    now = utcnow()
    with session_scope(engine) as s:
        s.execute(insert(Target), [dict(unit_id=1, name=f"t{i}", kind="ping", host="127.0.0.1", interval_s=60,
                                        timeout_s=2, fail_threshold=3, criticality="normal", enabled=True, options={},
                                        created_at=now.replace(year=now.year - 1), updated_at=now) for i in range(100)])
        ids = list(s.scalars(select(Target.id)))
        for t in ids:  # 90 days of hours, a year of days
            s.execute(insert(RollupHour), [dict(target_id=t, bucket=now - timedelta(hours=h), up_s=3600, checks=60,
                                                latency_n=60, latency_sum_ms=6000.0) for h in range(1, 90 * 24)])
            s.execute(insert(RollupDay), [dict(target_id=t, bucket=now - timedelta(days=d), up_s=86400, checks=1440)
                                          for d in range(1, 366)])
        for n, t in enumerate(ids):
            s.add(DigitalService(unit_id=1, name=f"Layanan {n}", target_ids=[t], days=[0, 1, 2, 3, 4],
                                 start_minute=450, end_minute=960))
    from zoneinfo import ZoneInfo

    from core.services import sla

    zone = ZoneInfo("Asia/Jakarta")
    months = sla.last_months(now.date(), 12)
    times = []
    for _ in range(3):
        started = time.perf_counter()
        with session_scope(engine) as s:
            services = list(s.scalars(select(DigitalService)))
            sla.measure_many(s, services, months, zone, now)
        times.append(time.perf_counter() - started)
    with session_scope(engine) as s:
        started = time.perf_counter()
        evidence.sla_report(session=s, viewer=SYSTEM, month=months[-2], service_id=None, fmt="pdf", lang="id",
                            zone=zone, org_name="Bench")
        one_month = time.perf_counter() - started
    print(f"SLA compliance of 100 services x 12 months: median {statistics.median(times):.2f} s over 3 runs "
          f"(goal <= 2 s); the monthly city report (100 services, PDF) {one_month:.2f} s")


def main(sla_only: bool = False) -> None:
    if sla_only:
        sla_report_timing()
        return
    if shutil.which("wrk") is None or shutil.which("nginx") is None:
        print("public page under load: not measured (apt-get install wrk nginx-light)")
    else:
        from bench.pages import demo_store
        from tests.browser import running_app

        folder = Path(tempfile.mkdtemp(prefix="monev-bench-public-"))
        env, _engine = demo_store(folder)
        env = {**env, "MONEV_WORKER_IN_APP": "false"}
        worker = subprocess.Popen([sys.executable, "-m", "probes"], cwd=folder, env={**os.environ, **env,
                                                                                     "PYTHONPATH": str(ROOT)},
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            with running_app(env, folder) as base:
                page = urllib.request.urlopen(f"{base}/publik", timeout=60).read()
                nginx, port = _nginx(folder, page)
                try:
                    app_rps, app_p99 = _wrk(f"{base}/publik")
                    static_rps, static_p99 = _wrk(f"http://127.0.0.1:{port}/publik/")
                finally:
                    nginx.terminate()
                    nginx.wait(10)
        finally:
            worker.terminate()
            worker.wait(10)
        print(f"public page, wrk {CONNECTIONS} connections {SECONDS} s, worker writing ({len(page) / 1024:.0f} KiB page):"
              f" app {app_rps:,.0f} req/s p99 {app_p99:.1f} ms (goal >= 1,000 req/s, p99 <= 50 ms); nginx static copy "
              f"{static_rps:,.0f} req/s p99 {static_p99:.1f} ms; app/nginx {app_rps / static_rps:.2f}")
        shutil.rmtree(folder, ignore_errors=True)
    sla_report_timing()


if __name__ == "__main__":
    main()
