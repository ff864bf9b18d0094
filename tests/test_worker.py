"""The worker, one step at a time, on a real store against real peers."""

import asyncio
import os
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.monitoring.maintenance import WindowCreate, create_window
from db.engine import session_scope
from db.monitoring import Heartbeat, RollupDay, RollupHour, RollupMinute, Target, TargetEvent, Worker
from db.types import utcnow
from probes import store as probe_store
from probes.worker import ProbeWorker, WorkerThread
from tests.monitoring import JAKARTA, add_target, heartbeats, incidents, make_due, rounds, state
from tests.peers import closed_port, listen_on, netns_host, tcp_listener


@pytest.fixture
def worker(store):
    w = ProbeWorker(store.engine, zone=JAKARTA, name="w1")
    w.housekeeping(force=True)
    return w



def test_a_closed_port_turns_down_after_three_failures_and_up_when_it_opens(store, admin, city, worker):
    port = closed_port()
    target = add_target(store, admin, city.units["DINKES"], port=port)
    opened = []
    rounds(worker, store, 5, between=lambda i: i == 4 and opened.append(listen_on(port)))
    beats = heartbeats(store, target)
    assert [b.status for b in beats] == ["DOWN", "DOWN", "DOWN", "DOWN", "UP"]
    assert state(store, target).state == "UP"
    [incident] = incidents(store, target)
    assert incident.started_at == beats[0].at and incident.ended_at == beats[4].at
    assert '"probe.refused"' in incident.reason
    with store.session() as s:
        changes = s.scalars(select(TargetEvent.new).where(TargetEvent.kind == "state").order_by(TargetEvent.id)).all()
        minute = s.execute(select(func.sum(RollupMinute.down_s), func.sum(RollupMinute.up_s))).one()
        day = s.execute(select(func.sum(RollupDay.down_s), func.sum(RollupDay.up_s))).one()
    assert changes == ["PENDING", "DOWN", "UP"]
    assert tuple(minute) == tuple(day) == (4 * 60, 60)
    opened[0].close()


def test_two_workers_never_claim_the_same_target(store, admin, city):
    for i in range(20):
        add_target(store, admin, city.units["DINKES"], name=f"t{i}", port=closed_port())
    make_due(store)
    one = ProbeWorker(store.engine, zone=JAKARTA, name="a").claim_due(limit=12)
    two = ProbeWorker(store.engine, zone=JAKARTA, name="b").claim_due(limit=12)
    ids_one = {c.check.target_id for c in one}
    ids_two = {c.check.target_id for c in two}
    assert len(ids_one) == 12 and len(ids_two) == 8 and not ids_one & ids_two


def test_a_checked_target_is_not_due_again_before_its_interval(store, admin, city, worker):
    target = add_target(store, admin, city.units["DINKES"], port=closed_port(), interval_s=30)
    rounds(worker, store, 1)
    due = state(store, target).next_due_at
    assert worker.claim_due() == []
    assert timedelta(seconds=0) < due - utcnow() <= timedelta(seconds=30)


def test_an_expired_lease_lets_another_worker_take_the_target(store, admin, city):
    add_target(store, admin, city.units["DINKES"], port=closed_port())
    make_due(store)
    dead = ProbeWorker(store.engine, zone=JAKARTA, name="dead", lease_s=0.2)
    assert len(dead.claim_due()) == 1
    other = ProbeWorker(store.engine, zone=JAKARTA, name="other")
    assert other.claim_due() == []
    time.sleep(0.3)
    assert len(other.claim_due()) == 1


@pytest.mark.only_store("sqlite")  # moving the database file away is how this test takes a store away
def test_results_survive_a_store_that_is_gone_and_are_written_when_it_is_back(store, admin, city, worker):
    target = add_target(store, admin, city.units["DINKES"], port=closed_port())
    make_due(store)
    claimed = worker.claim_due()
    path = store.url.removeprefix("sqlite:///")
    store.engine.dispose()
    os.rename(path, path + ".away")  # the store is gone: writes fail ("no such table")
    try:
        async def checks():
            return [await worker.check(c) for c in claimed]
        worker.done.extend(asyncio.run(checks()))
        assert worker.flush() == 0 and len(worker.done) == 1  # kept, not dropped
    finally:
        store.engine.dispose()
        if os.path.exists(path):
            os.remove(path)
        os.rename(path + ".away", path)
    assert worker.flush() == 1 and worker.done == []
    assert len(heartbeats(store, target)) == 1


@pytest.mark.only_store("postgresql")  # SQLite: see above
def test_results_survive_a_postgresql_that_refuses_connections(store, admin, city):
    from db.engine import make_engine

    target = add_target(store, admin, city.units["DINKES"], port=closed_port())
    make_due(store)
    good = ProbeWorker(store.engine, zone=JAKARTA, name="pg")
    claimed = good.claim_due()

    async def checks():
        return [await good.check(c) for c in claimed]
    results = asyncio.run(checks())
    away = ProbeWorker(make_engine(f"postgresql://postgres@127.0.0.1:{closed_port()}/test"), zone=JAKARTA, name="x")
    away.done.extend(results)
    assert away.flush() == 0 and len(away.done) == 1
    away.engine = store.engine  # the server is back
    assert away.flush() == 1
    assert len(heartbeats(store, target)) == 1


def test_a_maintenance_window_opens_no_incident_and_counts_as_maintenance(store, admin, city, worker):
    target = add_target(store, admin, city.units["DINKES"], port=closed_port())
    with session_scope(store.engine) as s:
        create_window(session=s, viewer=admin, data=WindowCreate(
            kind="once", unit_id=city.units["DINKES"], starts_at=utcnow() - timedelta(minutes=5),
            ends_at=utcnow() + timedelta(hours=1), reason="ganti switch"))
    worker.housekeeping(force=True)
    rounds(worker, store, 4)
    assert {b.status for b in heartbeats(store, target)} == {"MAINTENANCE"}
    assert incidents(store, target) == []
    with store.session() as s:
        assert s.scalar(select(func.sum(RollupHour.maintenance_s))) == 4 * 60


def test_retention_removes_old_heartbeats_and_minutes_but_keeps_days_and_events(store, admin, city, worker):
    target = add_target(store, admin, city.units["DINKES"], port=closed_port())
    rounds(worker, store, 3)
    models = (Heartbeat, RollupMinute, RollupHour, RollupDay, TargetEvent)
    with store.session() as s:
        before = {m.__name__: s.scalar(select(func.count()).select_from(m)) for m in models}
    later = utcnow() + timedelta(days=3)
    removed = probe_store.prune(store.engine, now=later, keep=probe_store.Retention())
    with store.session() as s:
        left = {m.__name__: s.scalar(select(func.count()).select_from(m)) for m in models}
    # Three checks a minute's interval each: their minute buckets (one or two: an interval may cross a minute).
    assert before["Heartbeat"] == 3 and before["RollupMinute"] in (1, 2)
    assert removed == 3 + before["RollupMinute"]
    assert left == {**before, "Heartbeat": 0, "RollupMinute": 0} and left["TargetEvent"] == 2
    assert len(incidents(store, target)) == 1


def test_a_probe_that_crashes_is_a_failure_with_a_reason_and_the_worker_goes_on(store, admin, city, worker):
    bad = add_target(store, admin, city.units["DINKES"], kind="snmp", port=closed_port(),
                     options={"version": "3", "user": "x", "auth_key": "12345678"})
    with session_scope(store.engine) as s:  # options no form accepts, as a row written by hand would hold them
        s.get(Target, bad).options = {"version": "3", "user": "x", "auth_key": "12345678", "auth_protocol": "rot13"}
    good = add_target(store, admin, city.units["DINKES"], port=closed_port())
    rounds(worker, store, 1)
    assert '"probe.internal"' in heartbeats(store, bad)[0].reason
    assert len(heartbeats(store, good)) == 1


def test_the_worker_thread_checks_due_targets_and_stops_cleanly(store, admin, city):
    with tcp_listener() as port:
        target = add_target(store, admin, city.units["DINKES"], port=port, interval_s=10)
        make_due(store)
        runner = WorkerThread(ProbeWorker(store.engine, zone=JAKARTA, name="thread", flush_s=0.2)).start()
        deadline = time.monotonic() + 15
        while not heartbeats(store, target) and time.monotonic() < deadline:
            time.sleep(0.2)
        runner.stop()
    assert not runner.thread.is_alive()
    assert [b.status for b in heartbeats(store, target)] == ["UP"]
    with store.session() as s:
        assert s.scalar(select(Worker.name)) == "thread"


def test_a_host_whose_link_is_cut_goes_down_after_three_pings_and_back_up_with_one_incident(store, admin, city):
    with netns_host(index=7) as (address, cut, restore):
        target = add_target(store, admin, city.units["DINKES"], kind="ping", host=address, timeout_s=1)
        worker = ProbeWorker(store.engine, zone=JAKARTA, name="ns")
        actions = {1: cut, 5: restore}
        rounds(worker, store, 7, between=lambda i: actions[i]() if i in actions else None)
    beats = heartbeats(store, target)
    assert [b.status for b in beats] == ["UP", "DOWN", "DOWN", "DOWN", "DOWN", "UP", "UP"]
    [incident] = incidents(store, target)
    assert incident.started_at == beats[1].at and incident.ended_at == beats[5].at
    assert '"probe.ping_timeout"' in incident.reason
    assert threading.active_count() < 50


def test_a_batch_keeps_every_character_of_reasons_and_details_and_rollups_add_across_batches(store, admin, city):
    """The writer sends states and rollups as whole columns (arrays on PostgreSQL): quotes, backslashes,
    braces, commas and NULLs in a result come back as they were, and a second batch adds to the same buckets."""
    target = add_target(store, admin, city.units["DINKES"], port=closed_port())
    odd = 'refused "x" \\ {a,b} NULL, é'
    details = {"banner": 'say "hi" \\n {}', "n": [1, None, 2.5], "ok": True}
    with store.session() as s:
        t = s.get(Target, target)
        check = probe_store.Check(t.id, t.kind, t.host, t.port, t.timeout_s, {})
    # Early in an hour, so that every check's 60 s lies inside that one hour whenever the test runs.
    at = utcnow().replace(minute=10, second=5, microsecond=0) - timedelta(hours=1)

    def result(when, status, latency, reason, more):
        claimed = probe_store.Claimed(check, city.units["DINKES"], 60, 3, when, {})
        return probe_store.Result(claimed, when, status, latency, reason, dict(more))

    probe_store.write(store.engine, [result(at, "DOWN", None, odd, details)], zone=JAKARTA, windows=[], now=at)
    probe_store.write(store.engine, [result(at + timedelta(seconds=20), "UP", 7.5, "", {}),
                                     result(at + timedelta(seconds=40), "UP", 2.5, "", {})],
                      zone=JAKARTA, windows=[], now=at + timedelta(seconds=40))
    first = heartbeats(store, target)[0]
    assert (first.status, first.reason, first.latency_ms) == ("DOWN", odd, None)
    now = state(store, target)
    assert now.last_reason == "" and now.last_latency_ms == 2.5 and now.consecutive_failures == 0
    assert now.lease_owner is None and now.recent == "duu"
    with store.session() as s:
        minute = s.get(RollupMinute, (target, at.replace(second=0)))
        hour = s.scalar(select(RollupHour).where(RollupHour.target_id == target))
    assert minute.checks == 3 and (minute.latency_n, minute.latency_min_ms, minute.latency_max_ms) == (2, 2.5, 7.5)
    assert hour.checks == 3 and hour.latency_sum_ms == 10.0
    assert (hour.up_s, hour.down_s, hour.unknown_s) == (120, 60, 0)  # each check stands for its 60 s interval
    probe_store.write(store.engine, [result(at + timedelta(seconds=50), "DOWN", None, odd, details)],
                      zone=JAKARTA, windows=[], now=at + timedelta(seconds=50))
    assert state(store, target).details == {**details, "_last_at": (at + timedelta(seconds=50)).timestamp()}
    assert state(store, target).last_reason == odd
