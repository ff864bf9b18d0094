"""Head-of-line blocking: do misbehaving targets make healthy ones late?

130 healthy targets (TCP, HTTP, SNMP on loopback peers) are checked every 30 s beside 800 that misbehave:
160 hanging TCP (a listener whose accept queue is full, so SYNs are dropped), 160 hanging HTTP (accepted,
never answered), 160 silent SNMP agents, 160 names behind a resolver that never answers, 160 refused
ports. The same healthy targets alone are the reference, measured in the same run. Everything runs in a
network namespace of its own (the silent resolver needs one); nothing leaves it. Goal: healthy p95
lateness ≤ 1 s.
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

INTERVAL_S, SECONDS = 30, 100
HEALTHY = {"tcp": 50, "http": 50, "snmp": 30}
BAD_EACH = 160
ROOT = Path(__file__).resolve().parent.parent


def _hanging_tcp(stack: ExitStack) -> int:
    """A port whose accept queue is full: the kernel drops new SYNs, so a connect waits for its timeout."""
    sock = stack.enter_context(socket.socket())
    sock.bind(("127.0.0.1", 0))
    sock.listen(0)
    port = sock.getsockname()[1]
    for _ in range(4):  # fill the queue (backlog 0 still queues one or two)
        filler = stack.enter_context(socket.socket())
        filler.setblocking(False)
        try:
            filler.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
    time.sleep(0.2)
    return port


def _mute_http(stack: ExitStack) -> int:
    """Accepts connections and never answers them."""
    sock = stack.enter_context(socket.socket())
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    held = []

    def accept():
        while True:
            try:
                held.append(sock.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    return sock.getsockname()[1]


def _mute_udp(stack: ExitStack) -> int:
    sock = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
    sock.bind(("127.0.0.1", 0))
    return sock.getsockname()[1]


def child(with_bad: bool) -> dict:
    """Inside the namespace: one store, one worker, SECONDS of checks; returns the healthy lateness."""
    from bench.__main__ import fresh_store
    from db.engine import session_scope
    from db.monitoring import Target, TargetState
    from db.types import utcnow
    from probes.worker import ProbeWorker, WorkerThread
    from tests.peers import closed_port, device, http_server, snmpsim, tcp_listener

    with ExitStack() as stack:
        data = Path(tempfile.mkdtemp()) / "snmp"
        data.mkdir()
        (data / "sw.snmprec").write_text(device(1000, [{"name": "ge-0/0/1", "admin": 1, "oper": 1,
                                                        "in64": 1, "out64": 2}]))
        snmp_port = stack.enter_context(snmpsim(data))
        base = stack.enter_context(http_server())
        tcp_port = stack.enter_context(tcp_listener())
        healthy = ([("tcp", "127.0.0.1", tcp_port, {})] * HEALTHY["tcp"]
                   + [("http", f"{base}/ok", None, {})] * HEALTHY["http"]
                   + [("snmp", "127.0.0.1", snmp_port, {"community": "sw"})] * HEALTHY["snmp"])
        bad = []
        if with_bad:
            hanging, mute = _hanging_tcp(stack), _mute_http(stack)
            silent, refused = _mute_udp(stack), closed_port()
            bad = ([("tcp", "127.0.0.1", hanging, {})] * BAD_EACH
                   + [("http", f"http://127.0.0.1:{mute}/", None, {})] * BAD_EACH
                   + [("snmp", "127.0.0.1", silent, {})] * BAD_EACH
                   + [("tcp", f"svc{i}.skpd.malangkota.invalid", 443, {}) for i in range(BAD_EACH)]
                   + [("tcp", "127.0.0.1", refused, {})] * BAD_EACH)
        engine = fresh_store()
        now = utcnow()
        rows = [dict(unit_id=1, name=f"t{i}", kind=kind, host=host, port=port, interval_s=INTERVAL_S, timeout_s=10,
                     fail_threshold=3, criticality="normal", enabled=True, options=options, created_at=now,
                     updated_at=now) for i, (kind, host, port, options) in enumerate(healthy + bad)]
        with session_scope(engine) as s:
            s.execute(insert(Target), rows)
            ids = s.scalars(select(Target.id).order_by(Target.id)).all()
            s.execute(insert(TargetState), [dict(target_id=t, next_due_at=now + timedelta(seconds=(t % 300) / 10),
                                                 details={}) for t in ids])
        healthy_ids = set(ids[:len(healthy)])
        worker = ProbeWorker(engine, zone=ZoneInfo("Asia/Jakarta"), name="hol")
        runner = WorkerThread(worker).start()
        time.sleep(SECONDS)
        runner.stop(30)
        late = sorted(lateness for target, lateness in list(worker.started) if target in healthy_ids)
        return {"checks": len(late), "p50": late[len(late) // 2], "p95": late[int(len(late) * 0.95)],
                "max": late[-1], "all_checks": len(worker.started)}


def main() -> None:
    from tests.peers import silent_resolver_netns

    if os.geteuid() != 0:
        print("head-of-line: not measured (network namespaces need root)")
        return
    results = {}
    with silent_resolver_netns("hol") as inside:
        for label, with_bad in (("reference", False), ("with 800 misbehaving", True)):
            run = subprocess.run([*inside, sys.executable, "-m", "bench.hol", "child", str(int(with_bad))], cwd=ROOT,
                                 capture_output=True, text=True, timeout=SECONDS + 120,
                                 env={"PYTHONPATH": str(ROOT), "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                                      "HOME": os.environ.get("HOME", "/root")})
            if run.returncode:
                print(f"head-of-line {label}: failed\n{run.stderr[-2000:]}")
                return
            results[label] = json.loads(run.stdout.strip().splitlines()[-1])
    for label, r in results.items():
        print(f"head-of-line, 130 healthy targets at {INTERVAL_S} s for {SECONDS} s, {label}: lateness "
              f"p50 {r['p50']:.2f} s p95 {r['p95']:.2f} s max {r['max']:.2f} s "
              f"({r['checks']} healthy checks of {r['all_checks']}){' (goal p95 ≤ 1 s)' if 'mis' in label else ''}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        threading.current_thread().name = "bench"
        print(json.dumps(child(sys.argv[2] == "1")), flush=True)
        sys.exit(0)
    main()
