"""The worker's side of the store: claim due targets, write a batch of results, prune old rows.

Each function is one transaction and says how much it did, so tests call them one by one.
"""

import json
import logging
import math
import os
import socket
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, case, delete, func, insert, or_, select, text, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.alerts.alerts import Router, raise_alert
from core.monitoring import availability, buckets
from core.monitoring.dependencies import parent_states
from core.monitoring.maintenance import Window, load_windows
from core.monitoring.state_machine import Status, apply, explained
from core.monitoring.states import ANSWERED
from db.monitoring import (
    Heartbeat,
    Incident,
    InterfaceSample,
    State,
    Target,
    TargetEvent,
    TargetState,
    Worker,
)
from db.types import utcnow
from probes.kinds.base import Check

log = logging.getLogger(__name__)
ROLLUPS = availability.TABLES  # level → rollup table, one map for writer and readers
STATUS_COLUMN = {State.UP: "up_s", State.DEGRADED: "degraded_s", State.DOWN: "down_s", State.MAINTENANCE: "maintenance_s"}


@dataclass
class Claimed:
    check: Check
    unit_id: int
    interval_s: int
    fail_threshold: int
    due_at: datetime
    details: dict
    failing: bool = False  # its last check failed: it goes to its kind's suspect lane (probes.worker)


@dataclass
class Result:
    claimed: Claimed
    at: datetime
    status: State  # UP, DEGRADED or DOWN
    latency_ms: float | None
    reason: str
    details: dict


@dataclass(frozen=True)
class Retention:
    heartbeats: timedelta = timedelta(hours=48)
    minutes: timedelta = timedelta(hours=48)
    hours: timedelta = timedelta(days=90)
    days: timedelta = timedelta(days=5 * 365)


def claim(engine: Engine, *, worker: str, now: datetime, limit: int, lease: timedelta) -> list[Claimed]:
    """Lease up to `limit` due targets. The UPDATE re-checks the lease, so a second worker is harmless."""
    if limit <= 0:
        return []
    free = or_(TargetState.lease_until.is_(None), TargetState.lease_until < now)
    due = (select(TargetState.target_id).join(Target, Target.id == TargetState.target_id)
           .where(Target.enabled.is_(True), Target.agent_id.is_(None), TargetState.next_due_at <= now, free)
           .order_by(TargetState.next_due_at).limit(limit))
    if engine.dialect.name == "postgresql":
        due = due.with_for_update(of=TargetState, skip_locked=True)
    with Session(engine) as session, session.begin():
        ids = session.scalars(
            update(TargetState).where(TargetState.target_id.in_(due.scalar_subquery()), free)
            .values(lease_owner=worker, lease_until=now + lease).returning(TargetState.target_id)
        ).all()
        if not ids:
            return []
        rows = session.execute(select(Target, TargetState.next_due_at, TargetState.details,
                                      TargetState.consecutive_failures)
                               .join(TargetState, TargetState.target_id == Target.id)
                               .where(Target.id.in_(ids))).all()
        return [Claimed(Check(t.id, t.kind, t.host, t.port, t.timeout_s, dict(t.options)), t.unit_id,
                        t.interval_s, t.fail_threshold, due_at, dict(details or {}), failures > 0)
                for t, due_at, details, failures in rows]


def next_due(due_at: datetime, interval_s: int, now: datetime) -> datetime:
    """Keep each target on its own phase: the first slot of its interval grid after now."""
    steps = max(1, math.floor((now - due_at).total_seconds() / interval_s) + 1)
    return due_at + timedelta(seconds=steps * interval_s)


def write(engine: Engine, results: list[Result], *, zone: ZoneInfo, windows: list[Window], now: datetime) -> int:
    """Write a batch in one transaction: heartbeats, states, incidents, events, rollups; release leases."""
    if not results:
        return 0
    with Session(engine) as session, session.begin():
        return write_in(session, results, zone=zone, windows=windows, now=now)


def write_in(session: Session, results: list[Result], *, zone: ZoneInfo, windows: list[Window], now: datetime) -> int:
    """The batch written inside the caller's transaction (an agent's push stores its sequence numbers in
    the same one); several results of one target are applied in the order they were checked.

    States are read and written as plain rows, one UPDATE by key for the batch; on PostgreSQL heartbeats
    go in by COPY and each rollup level by one INSERT … ON CONFLICT over arrays (bench/agents.py)."""
    if not results:
        return 0
    table = TargetState.__table__
    ids = {r.claimed.check.target_id for r in results}
    states = {row.target_id: dict(row._mapping)
              for row in session.execute(select(table).where(table.c.target_id.in_(ids)))}
    # The parents of this batch's failing targets, in one query (none when every check answered): a parent
    # checked in this batch is read from `states` instead, as this batch has left it so far.
    parents = parent_states(session, {r.claimed.check.target_id for r in results if r.status not in ANSWERED})
    heartbeats, events, incident_ends, samples = [], [], [], []
    rollup = defaultdict(lambda: defaultdict(float))
    alerts = _Alerts(session)
    for result in sorted(results, key=lambda r: r.at):
        state = states.get(result.claimed.check.target_id)
        if state is None:  # target deleted while its check ran
            continue
        _write_one(session, state, result, zone, windows, heartbeats, events, incident_ends, rollup, now, alerts,
                   _parent_state(parents, states, result.claimed.check.target_id))
        samples += [dict(target_id=state["target_id"], at=result.at, if_index=i["index"], name=i["name"][:80],
                         oper=i["oper"], in_bps=i["in_bps"], out_bps=i["out_bps"])
                    for i in result.details.get("interfaces", [])]
    _insert_rows(session, Heartbeat.__table__, heartbeats)
    _insert_rows(session, InterfaceSample.__table__, samples)
    _insert_rows(session, TargetEvent.__table__, events)
    for incident_id, ended_at, reason in incident_ends:
        session.execute(update(Incident).where(Incident.id == incident_id, Incident.ended_at.is_(None))
                        .values(ended_at=ended_at, end_reason=reason))
    _upsert_rollups(session, rollup)
    _save_states(session, states.values())
    return len(heartbeats)


STATE_TYPES = {"target_id": "integer", "state": "text", "state_since": "timestamp", "consecutive_failures": "integer",
               "first_failure_at": "timestamp", "first_failure_reason": "text", "last_check_at": "timestamp",
               "last_latency_ms": "double precision", "last_reason": "text", "recent": "text", "flapping": "boolean",
               "open_incident_id": "integer", "next_due_at": "timestamp", "details": "json"}
STATE_COLUMNS = tuple(STATE_TYPES)[1:]  # what a check changes: every column of STATE_TYPES but the key


def _save_states(session: Session, states) -> None:
    """Every written state in one UPDATE by key, its lease released in the same statement (a claim may
    have renewed the lease after this batch read it; setting it here, not comparing, always frees it)."""
    states = list(states)
    if not states:
        return
    table = TargetState.__table__
    if session.get_bind().dialect.name == "postgresql":
        arrays = _arrays(session, table, states, STATE_TYPES)
        columns = ", ".join(STATE_TYPES)
        assigned = ", ".join(f"{c} = v.{c}" for c in STATE_COLUMNS)
        session.execute(text(f"UPDATE target_state AS t SET {assigned}, lease_owner = NULL, lease_until = NULL "
                             f"FROM unnest({_unnest(STATE_TYPES)}) AS v({columns}) WHERE t.target_id = v.target_id"),
                        arrays)
        return
    values = {c: bindparam(c, type_=table.c[c].type) for c in STATE_COLUMNS}
    session.execute(update(table).where(table.c.target_id == bindparam("key"))
                    .values(**values, lease_owner=None, lease_until=None),
                    [{"key": s["target_id"], **{c: s[c] for c in STATE_COLUMNS}} for s in states])


def _unnest(types: dict[str, str]) -> str:
    return ", ".join(f"CAST(:{c} AS {kind}[])" for c, kind in types.items())


def _arrays(session: Session, table, rows: list[dict], types: dict[str, str]) -> dict[str, str]:
    """Each column of `rows` as one PostgreSQL array literal, written here in C-speed joins: psycopg's own
    list adaptation costs more than the statement it feeds."""
    dialect = session.get_bind().dialect
    arrays = {}
    for column, kind in types.items():
        bind = table.c[column].type.bind_processor(dialect)
        values = [row[column] for row in rows]
        if bind is not None and kind != "json":
            values = [bind(v) for v in values]
        if kind in ("integer", "double precision"):
            items = ("NULL" if v is None else repr(v) for v in values)
        elif kind == "boolean":
            items = ("NULL" if v is None else ("t" if v else "f") for v in values)
        else:
            if kind == "json":
                values = [None if v is None else json.dumps(v) for v in values]
            items = ("NULL" if v is None else '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'
                     for v in values)
        arrays[column] = "{" + ",".join(items) + "}"
    return arrays


def _insert_rows(session: Session, table, rows: list[dict]) -> None:
    """Append-only rows: COPY on PostgreSQL (a tenth of the server's work of one INSERT per row), an
    executemany INSERT on SQLite."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        session.execute(insert(table), rows)
        return
    columns = list(rows[0])
    binds = [table.c[c].type.bind_processor(connection.dialect) or (lambda v: v) for c in columns]
    names = ", ".join(f'"{c}"' for c in columns)
    with connection.connection.dbapi_connection.cursor() as cursor, \
            cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([bind(row[c]) for bind, c in zip(binds, columns, strict=True)])


class _Alerts:
    """Alerts for a batch: DOWN when an incident opens, recovery (with its length) when it closes."""

    def __init__(self, session: Session):
        self.session, self._router = session, None

    def raise_(self, kind: str, result: Result, incident_id: int, params: dict) -> None:
        self._router = self._router or Router(self.session)
        raise_alert(self.session, kind, at=result.at, target_id=result.claimed.check.target_id,
                    unit_id=result.claimed.unit_id, incident_id=incident_id, params=params, router=self._router)


def _parent_state(parents: dict, states: dict, target_id: int) -> str | None:
    if target_id not in parents:
        return None
    parent_id, stored = parents[target_id]
    return states[parent_id]["state"] if parent_id in states else stored


def _write_one(session, state, result, zone, windows, heartbeats, events, incident_ends, rollup, now, alerts, parent):
    claimed, target_id = result.claimed, result.claimed.check.target_id
    maintenance = any(w.covers(target_id, claimed.unit_id, result.at, zone) for w in windows)
    status = Status(state["state"], state["state_since"], state["consecutive_failures"], state["first_failure_at"],
                    state["first_failure_reason"], state["recent"], state["flapping"],
                    state["open_incident_id"] is not None)
    step = apply(status, result.status, result.at, result.reason, claimed.fail_threshold, maintenance)
    if not maintenance and result.status not in ANSWERED:  # explained by a failing parent: no incident, no alert
        step = explained(status, step, result.at, parent)
    new = step.status
    if step.open_incident:
        incident = Incident(target_id=target_id, unit_id=claimed.unit_id, started_at=step.open_incident[0],
                            reason=step.open_incident[1])
        session.add(incident)
        session.flush()
        state["open_incident_id"] = incident.id
        alerts.raise_("down", result, incident.id, {"since": incident.started_at.isoformat(),
                                                    "reason": incident.reason})
    if step.close_incident and state["open_incident_id"] is not None:
        incident_id = state["open_incident_id"]
        incident_ends.append((incident_id, result.at, ""))
        started = session.scalar(select(Incident.started_at).where(Incident.id == incident_id))
        alerts.raise_("recovery", result, incident_id, {
            "since": started.isoformat() if started else None, "until": result.at.isoformat(),
            "duration_s": round((result.at - started).total_seconds()) if started else None})
        state["open_incident_id"] = None
    for kind, old, new_state, message in step.events:
        events.append(dict(target_id=target_id, at=result.at, kind=kind, old=old, new=new_state, message=message))
    before = state["details"] or {}  # what the previous result left (the claim's copy, for one result)
    if result.details.get("rebooted"):
        events.append(dict(target_id=target_id, at=result.at, kind="reboot", old=str(before.get(
            "sys_uptime", "")), new=str(result.details.get("sys_uptime", "")), message=""))
    _credit(rollup, target_id, result, State.MAINTENANCE if maintenance else result.status, claimed, zone,
            before.get("_last_at"))
    state.update(state=new.state, state_since=new.state_since, consecutive_failures=new.consecutive_failures,
                 first_failure_at=new.first_failure_at, first_failure_reason=new.first_failure_reason[:300],
                 recent=new.recent, flapping=new.flapping, last_check_at=result.at, last_latency_ms=result.latency_ms,
                 last_reason=result.reason[:300], next_due_at=next_due(claimed.due_at, claimed.interval_s, now),
                 details={k: v for k, v in result.details.items() if k != "rebooted"})
    shown = State.MAINTENANCE if maintenance else result.status
    heartbeats.append(dict(target_id=target_id, at=result.at, status=shown, latency_ms=result.latency_ms,
                           reason=result.reason[:300]))


def _credit(rollup, target_id, result, shown, claimed, zone, last):
    """A check stands for the interval that follows it, split over the minutes, hours and days it spans. A
    check later than one interval of grace also books, as unknown, the time nobody checked (from the end of
    the previous check's interval to this check) in the buckets that time fell in, not in this check's."""
    result.details["_last_at"] = result.at.timestamp()
    interval = timedelta(seconds=claimed.interval_s)
    gap = None
    if isinstance(last, int | float):
        covered_until = datetime.fromtimestamp(last, UTC) + interval
        if result.at - covered_until > interval:
            gap = (covered_until, result.at)
    for level in buckets.LEVELS:
        for bucket, seconds in buckets.split(result.at, result.at + interval, level, zone):
            rollup[(level, target_id, bucket)][STATUS_COLUMN[shown]] += seconds
        if gap is not None:
            for bucket, seconds in buckets.split(*gap, level, zone):
                rollup[(level, target_id, bucket)]["unknown_s"] += seconds
        row = rollup[(level, target_id, buckets.floor(result.at, level, zone))]
        row["checks"] += 1
        if result.latency_ms is not None and shown != State.DOWN:
            row["latency_n"] += 1
            row["latency_sum_ms"] += result.latency_ms
            row["latency_min_ms"] = min(row.get("latency_min_ms", math.inf), result.latency_ms)
            row["latency_max_ms"] = max(row.get("latency_max_ms", -math.inf), result.latency_ms)


COUNTERS = ("up_s", "down_s", "degraded_s", "maintenance_s", "unknown_s", "checks", "latency_n")


def _upsert_rollups(session: Session, rollup) -> None:
    grouped = defaultdict(list)
    for (level, target_id, bucket), row in rollup.items():
        values = {k: int(round(row.get(k, 0))) for k in COUNTERS}
        values.update(target_id=target_id, bucket=bucket, latency_sum_ms=row.get("latency_sum_ms", 0.0),
                      latency_min_ms=row.get("latency_min_ms"), latency_max_ms=row.get("latency_max_ms"))
        grouped[level].append(values)
    postgres = session.get_bind().dialect.name == "postgresql"
    for level, rows in grouped.items():
        table = ROLLUPS[level].__table__
        if postgres:
            _upsert_arrays(session, table, rows)
            continue
        stmt = sqlite.insert(table)
        ex = stmt.excluded
        merged = {k: table.c[k] + ex[k] for k in (*COUNTERS, "latency_sum_ms")}
        merged["latency_min_ms"] = case(
            (table.c.latency_min_ms.is_(None), ex.latency_min_ms),
            (ex.latency_min_ms < table.c.latency_min_ms, ex.latency_min_ms), else_=table.c.latency_min_ms)
        merged["latency_max_ms"] = case(
            (table.c.latency_max_ms.is_(None), ex.latency_max_ms),
            (ex.latency_max_ms > table.c.latency_max_ms, ex.latency_max_ms), else_=table.c.latency_max_ms)
        session.execute(stmt.on_conflict_do_update(index_elements=["target_id", "bucket"], set_=merged), rows)


ARRAY_TYPES = {"target_id": "integer", "bucket": "timestamp", **dict.fromkeys(COUNTERS, "integer"),
               **dict.fromkeys(("latency_sum_ms", "latency_min_ms", "latency_max_ms"), "double precision")}


def _upsert_arrays(session: Session, table, rows: list[dict]) -> None:
    """One statement for a level's rows: the same merge as SQLite's, over one array per column (a row's key
    occurs once per batch, as ON CONFLICT requires)."""
    merged = [f"{c} = t.{c} + EXCLUDED.{c}" for c in (*COUNTERS, "latency_sum_ms")]
    merged += [f"{c} = CASE WHEN t.{c} IS NULL OR EXCLUDED.{c} {op} t.{c} THEN EXCLUDED.{c} ELSE t.{c} END"
               for c, op in (("latency_min_ms", "<"), ("latency_max_ms", ">"))]
    session.execute(text(f"INSERT INTO {table.name} AS t ({', '.join(ARRAY_TYPES)}) SELECT * FROM "
                         f"unnest({_unnest(ARRAY_TYPES)}) ON CONFLICT (target_id, bucket) DO UPDATE SET "
                         f"{', '.join(merged)}"), _arrays(session, table, rows, ARRAY_TYPES))


def prune(engine: Engine, *, now: datetime, keep: Retention) -> int:
    """Delete heartbeats and rollups past their retention, one table per transaction; events stay.

    Heartbeats have no index on time alone (it would cost a fifth of the table), so they are
    pruned target by target through the (target_id, at) index.
    """
    removed = 0
    with Session(engine) as session, session.begin():
        ids = session.scalars(select(Target.id)).all()
        for chunk in range(0, len(ids), 500):
            for model in (Heartbeat, InterfaceSample):
                result = session.execute(delete(model).where(model.target_id.in_(ids[chunk:chunk + 500]),
                                                             model.at < now - keep.heartbeats))
                removed += result.rowcount or 0
    for level, age in (("minute", keep.minutes), ("hour", keep.hours), ("day", keep.days)):
        model = ROLLUPS[level]
        with Session(engine) as session, session.begin():
            result = session.execute(delete(model).where(model.bucket < now - age))
            removed += result.rowcount or 0
            if level in availability.COARSER:  # windows reaching further back read the coarser buckets
                availability.set_kept_from(session, level, now - age)
    return removed


def register(engine: Engine, name: str) -> None:
    with Session(engine) as session, session.begin():
        worker = session.scalar(select(Worker).where(Worker.name == name))
        if worker is None:
            session.add(Worker(name=name, host=socket.gethostname(), pid=os.getpid()))
        else:
            worker.pid, worker.started_at, worker.seen_at = os.getpid(), utcnow(), utcnow()


def beat(engine: Engine, name: str, checks: int) -> None:
    with Session(engine) as session, session.begin():
        session.execute(update(Worker).where(Worker.name == name)
                        .values(seen_at=utcnow(), checks=Worker.checks + checks))


def windows(engine: Engine) -> list[Window]:
    with Session(engine) as session:
        return load_windows(session)


def newest_heartbeat(engine: Engine) -> datetime | None:
    with Session(engine) as session:
        return session.scalar(select(func.max(Heartbeat.at)))
