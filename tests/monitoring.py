"""Helpers for the monitoring tests: targets in the test city, and driving a worker one step at a time."""

import asyncio
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from core.monitoring.targets import TargetCreate, create_target
from db.engine import session_scope
from db.monitoring import Heartbeat, Incident, TargetState
from db.types import utcnow
from probes.worker import ProbeWorker, WorkerThread

JAKARTA = ZoneInfo("Asia/Jakarta")


def add_target(store, admin, unit_id, **fields) -> int:
    data = {"name": "target", "kind": "tcp", "host": "127.0.0.1", "interval_s": 60, "timeout_s": 1, **fields}
    with session_scope(store.engine) as s:
        return create_target(session=s, viewer=admin, data=TargetCreate(unit_id=unit_id, **data)).id


def make_due(store, at: datetime | None = None) -> None:
    """Skip the wait for the next interval: every target is due now."""
    with session_scope(store.engine) as s:
        s.execute(update(TargetState).values(next_due_at=at or utcnow(), lease_until=None, lease_owner=None))


async def cycle(worker: ProbeWorker) -> int:
    """One claim → check → write round, as the loop does it; returns heartbeats written."""
    claimed = worker.claim_due()
    worker.done.extend(await asyncio.gather(*(worker.check(c) for c in claimed)))
    return worker.flush()


def rounds(worker: ProbeWorker, store, count: int, between=None) -> list[int]:
    """`count` cycles on one event loop (probes keep loop-bound clients), each after making targets due."""
    async def go():
        written = []
        for i in range(count):
            if between is not None:
                between(i)
            make_due(store)
            written.append(await cycle(worker))
        await worker._close_probes()
        return written
    return asyncio.run(go())


def heartbeats(store, target_id) -> list[Heartbeat]:
    with store.session() as s:
        return list(s.scalars(select(Heartbeat).where(Heartbeat.target_id == target_id).order_by(Heartbeat.at)))


def incidents(store, target_id) -> list[Incident]:
    with store.session() as s:
        return list(s.scalars(select(Incident).where(Incident.target_id == target_id).order_by(Incident.id)))


def state(store, target_id) -> TargetState:
    with store.session() as s:
        return s.get(TargetState, target_id)


OUTAGE_INTERVAL_S = 10


def probe_through_an_outage(store, admin, unit_id, worker_engine, *, take_away, bring_back, seconds: float = 45):
    """300 TCP targets at a 10 s interval, checked by a worker on its own thread: two intervals of normal
    work, the store away for `seconds`, two intervals after. Returns ({target id: [check times]}, outage)."""
    from tests.peers import tcp_listener

    with tcp_listener() as port:
        ids = [add_target(store, admin, unit_id, name=f"svc {i}", port=port, interval_s=OUTAGE_INTERVAL_S)
               for i in range(300)]
        runner = WorkerThread(ProbeWorker(worker_engine, zone=JAKARTA, name="outage", flush_s=0.5)).start()
        try:
            time.sleep(2 * OUTAGE_INTERVAL_S + 2)
            away = time.time()
            take_away()
            try:
                time.sleep(seconds)
            finally:
                bring_back()
            back = time.time()
            time.sleep(2 * OUTAGE_INTERVAL_S + 5)  # the kept results reach the store
        finally:
            runner.stop()
    times = {target_id: [] for target_id in ids}
    with store.session() as s:
        for target_id, at in s.execute(select(Heartbeat.target_id, Heartbeat.at).order_by(Heartbeat.at)):
            times[target_id].append(at.timestamp())
    return times, (away, back)


def unchecked_slots(times: dict[int, list[float]], since: float, until: float) -> list[tuple[int, float, float]]:
    """(target, seconds after `since` the gap began, its length) for each gap between checks within
    [since, until] longer than 1.5 intervals: a slot that went without a check."""
    missed = []
    for target_id, checks in times.items():
        inside = [at for at in checks if since <= at <= until]
        edges = [since, *inside, until]
        missed += [(target_id, round(a - since, 1), round(b - a, 1)) for a, b in zip(edges, edges[1:], strict=False)
                   if b - a > 1.5 * OUTAGE_INTERVAL_S]
    return missed
