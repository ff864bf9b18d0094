"""Helpers for the monitoring tests: targets in the test city, and driving a worker one step at a time."""

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from core.monitoring.targets import TargetCreate, create_target
from db.engine import session_scope
from db.monitoring import Heartbeat, Incident, TargetState
from db.types import utcnow
from probes.worker import ProbeWorker

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
