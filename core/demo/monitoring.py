"""Demo monitoring: live targets that point only at this machine, and a year of plausible history."""

import os
import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlmodel import Session

from core.i18n import encode_reason
from core.monitoring import availability, buckets
from db.models import Unit
from db.monitoring import (
    Incident,
    MaintenanceWindow,
    RollupDay,
    RollupHour,
    RollupMinute,
    State,
    Target,
    TargetState,
)

HISTORY_DAYS = 365
HOURLY_DAYS = 30  # hour buckets for the last month; older history is kept per day
APP_TARGET = "Dasbor Monev TIK"
APP_HEALTH = "http://127.0.0.1:{port}/_stcore/health"
CLOSED_PORT = "Server ATCS (port 9)"  # the port that stays closed: an outage the live worker goes on seeing
OUTAGE_MINUTES = 55  # how long it has been down when the demo is made
# Each kecamatan's router is the uplink of its kelurahan's routers (their parent). This one's line is cut: its
# router and those behind it point at the closed port, so the live worker goes on seeing it DOWN and its
# kelurahan UNREACHABLE, one root-cause tile on the wall (core.monitoring.dependencies).
CUT_UPLINK = "KEC-SUKUN"
UPLINK_MINUTES = 25


def app_health_url() -> str:
    """The demo dashboard's own health URL, on the port it runs on (`make run PORT=…` exports it)."""
    return APP_HEALTH.format(port=int(os.environ.get("MONEV_DEMO_APP_PORT") or 8501))


def follow_app_port(*, session: Session) -> bool:
    """Point the demo dashboard's own target at the port this run uses: a demo store first made by
    `make run` on 8501 and opened again with `make run PORT=8611` must not show a false outage. Only the
    loopback health URL the demo made is touched; True when it changed."""
    url = app_health_url()
    target = session.scalar(select(Target).where(Target.name == APP_TARGET,
                                                 Target.host.like(APP_HEALTH.format(port="%"))))
    if target is None or target.host == url:
        return False
    target.host, target.updated_at = url, datetime.now(UTC)
    return True


def _targets(units: list[Unit], snmp_port: int | None) -> list[dict]:
    """One loopback 'router' per unit; the app's own health URL; a closed port that stays DOWN;
    and, when `make run` started snmpsim, a core switch read over SNMP."""
    rows = []
    by_id = {u.id: u for u in units}
    for i, unit in enumerate(units[:250]):
        row = dict(unit_id=unit.id, name=f"Router {unit.short_name or unit.name}", kind="ping",
                   host=f"127.0.0.{i + 2}", criticality="high" if unit.kind != "kelurahan" else "normal")
        if CUT_UPLINK in (unit.code, by_id[unit.parent_id].code if unit.parent_id in by_id else None):
            row.update(kind="tcp", host="127.0.0.1", port=9)
        rows.append(row)
    by_code = {u.code: u for u in units}
    if "DISKOMINFO" in by_code:
        rows.append(dict(unit_id=by_code["DISKOMINFO"].id, name=APP_TARGET, kind="http",
                         host=app_health_url(), options={"keyword": "ok"}, criticality="critical"))
    if "DISHUB" in by_code:
        rows.append(dict(unit_id=by_code["DISHUB"].id, name=CLOSED_PORT, kind="tcp", host="127.0.0.1",
                         port=9, criticality="critical"))
    if snmp_port and "DISKOMINFO" in by_code:
        rows.append(dict(unit_id=by_code["DISKOMINFO"].id, name="Switch inti (SNMP)", kind="snmp", host="127.0.0.1",
                         port=snmp_port, options={"version": "2c", "community": "demo-switch"},
                         criticality="critical"))
    return rows


def load(*, session: Session, now: datetime, zone: ZoneInfo, seed: int = 2026, snmp_port: int | None = None) -> int:
    """Create the demo targets with a year of rollups and incidents; returns how many targets."""
    rng = random.Random(seed)
    units = list(session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.id)))
    created = now - timedelta(days=HISTORY_DAYS)
    targets = []
    for spec in _targets(units, snmp_port):
        target = Target(**{"interval_s": 60, "timeout_s": 2, "options": {}, **spec}, created_at=created,
                        updated_at=created)
        session.add(target)
        targets.append(target)
    session.flush()
    _uplinks(units, targets)
    states = {}
    for target in targets:
        states[target.id] = TargetState(target_id=target.id, next_due_at=now + timedelta(seconds=rng.uniform(0, 60)))
        session.add(states[target.id])
    kominfo = next((u for u in units if u.code == "DISKOMINFO"), None)
    if kominfo is not None:
        session.add(MaintenanceWindow(unit_id=kominfo.id, kind="weekly", weekday=6, start_minute=60, duration_min=120,
                                      reason="Pemeliharaan rutin pusat data (Minggu 01.00–03.00)"))
    closed = next((t for t in targets if t.name == CLOSED_PORT), None)
    # Today only, so that its day stays the one day of the year this target was down.
    began = max(buckets.floor(now, "day", zone), buckets.floor(now, "minute", zone) - timedelta(minutes=OUTAGE_MINUTES))
    cut = max(buckets.floor(now, "day", zone), buckets.floor(now, "minute", zone) - timedelta(minutes=UPLINK_MINUTES))
    cut_unit = next((u.id for u in units if u.code == CUT_UPLINK), None)
    uplink = next((t for t in targets if t.unit_id == cut_unit), None)  # the unit's router: its first target
    behind = [t for t in targets if uplink is not None and t.parent_id == uplink.id]
    down_since = ({closed.id: began} if closed else {}) | {t.id: cut for t in ([uplink] if uplink else []) + behind}
    _history(session, targets, now, zone, rng, down_since)
    if closed is not None:
        _ongoing(session, closed, states[closed.id], began, now)
    if uplink is not None:
        _ongoing(session, uplink, states[uplink.id], cut, now)
        for target in behind:  # unreachable behind it: no incident, no alert of their own
            _ongoing(session, target, states[target.id], cut, now, unreachable=True)
    return len(targets)


def _uplinks(units: list[Unit], targets: list[Target]) -> None:
    """Each kelurahan's router gets its kecamatan's router (the uplink) as parent."""
    router = {}
    for target in targets:
        router.setdefault(target.unit_id, target)  # the unit's router is its first target
    by_id = {u.id: u for u in units}
    for unit_id, target in router.items():
        unit = by_id.get(unit_id)
        if unit is not None and unit.kind == "kelurahan" and unit.parent_id in router:
            target.parent_id = router[unit.parent_id].id


def _ongoing(session: Session, target: Target, state: TargetState, began: datetime, now: datetime,
             unreachable: bool = False) -> None:
    """An outage as the worker would have left it: an open incident from its first failure and a DOWN state
    that points at it, so the live worker goes on with this incident instead of a new one; behind a dead
    parent (`unreachable`), the state UNREACHABLE and no incident."""
    reason = encode_reason("probe.refused", host=target.host, port=target.port)
    failures = max(1, int((now - began).total_seconds() // target.interval_s))
    state.consecutive_failures, state.first_failure_at, state.first_failure_reason = failures, began, reason
    state.last_check_at, state.last_reason, state.recent = now, reason, "d" * min(failures, 21)
    if unreachable:
        state.state, state.state_since = State.UNREACHABLE, began
        return
    incident = Incident(target_id=target.id, unit_id=target.unit_id, started_at=began, reason=reason)
    session.add(incident)
    session.flush()
    state.state, state.state_since, state.open_incident_id = State.DOWN, began, incident.id


def _history(session: Session, targets: list[Target], now: datetime, zone: ZoneInfo, rng: random.Random,
             down_since: dict[int, datetime]) -> None:
    """A year of rollups and ended incidents per target; a target in `down_since` is down from then until now."""
    today = buckets.floor(now, "day", zone)
    # Two city-wide evenings without a worker, so the views have 'unknown' time to show.
    blind_days = {today - timedelta(days=d) for d in (47, 180)}
    days, hours, minutes, incidents = [], [], [], []
    hour_start = buckets.floor(now, "hour", zone)
    hours_done = int((hour_start - today).total_seconds() // 3600)
    minutes_done = int((buckets.floor(now, "minute", zone) - hour_start).total_seconds() // 60)
    for target in targets:
        base = rng.uniform(2, 25) if target.kind == "ping" else rng.uniform(20, 120)
        flaky = rng.random() < 0.15  # some units have a poor link and miss their goal
        for back in range(HISTORY_DAYS, 0, -1):
            day = today - timedelta(days=back)
            outage = None
            if rng.random() < (0.25 if flaky else 0.015):
                start_min = rng.randrange(0, 1440 - 30)
                outage = (start_min, min(1440 - start_min, int(rng.expovariate(1 / (60 if flaky else 30))) + 3))
                began = day + timedelta(minutes=outage[0])
                incidents.append(dict(target_id=target.id, unit_id=target.unit_id, started_at=began,
                                      ended_at=began + timedelta(minutes=outage[1]),
                                      reason=encode_reason("probe.ping_timeout", host=target.host, seconds=2)))
            blind = 3 * 3600 if day in blind_days else 0
            latency = max(0.2, rng.gauss(base, base * 0.15))
            if back <= HOURLY_DAYS:
                hours += _hours(target.id, day, outage, blind, latency, rng)
            down = outage[1] * 60 if outage else 0
            checks = (86400 - blind) // 60
            days.append(dict(target_id=target.id, bucket=day, up_s=86400 - down - blind, down_s=down, degraded_s=0,
                             maintenance_s=0, unknown_s=blind, checks=checks, latency_n=checks - down // 60,
                             latency_sum_ms=latency * (checks - down // 60), latency_min_ms=latency * 0.6,
                             latency_max_ms=latency * 3))
        # Today up to this minute, so that "today" is not a stretch without data before the worker's checks.
        latency = max(0.2, rng.gauss(base, base * 0.15))
        since = down_since.get(target.id)
        down = None if since is None else (int((since - today).total_seconds() // 60), 1440)
        so_far = _hours(target.id, today, down, 0, latency, rng)[:hours_done]
        if minutes_done:
            this_hour = [_minute(target.id, hour_start + timedelta(minutes=m), latency,
                                 since is not None and hour_start + timedelta(minutes=m) >= since)
                         for m in range(minutes_done)]
            minutes += this_hour
            so_far.append(_sum_of(target.id, hour_start, this_hour))
        if so_far:
            hours += so_far
            days.append(_sum_of(target.id, today, so_far))
    # The demo keeps minutes from this hour on and hours for a month: windows reaching further back read
    # the hour (or day) that holds their edge, as they do after retention has run.
    availability.set_kept_from(session, "minute", hour_start)
    availability.set_kept_from(session, "hour", today - timedelta(days=HOURLY_DAYS))
    for rows, table in ((days, RollupDay), (hours, RollupHour), (minutes, RollupMinute), (incidents, Incident)):
        for i in range(0, len(rows), 5000):
            session.execute(insert(table), rows[i:i + 5000])


def _minute(target_id, bucket, latency, down: bool) -> dict:
    if down:
        return dict(target_id=target_id, bucket=bucket, up_s=0, down_s=60, degraded_s=0, maintenance_s=0, unknown_s=0,
                    checks=1, latency_n=0, latency_sum_ms=0.0, latency_min_ms=None, latency_max_ms=None)
    return dict(target_id=target_id, bucket=bucket, up_s=60, down_s=0, degraded_s=0, maintenance_s=0, unknown_s=0,
                checks=1, latency_n=1, latency_sum_ms=latency, latency_min_ms=latency, latency_max_ms=latency)


def _sum_of(target_id, bucket, rows: list[dict]) -> dict:
    """The coarser bucket that adds up the given finer ones."""
    counters = ("up_s", "down_s", "degraded_s", "maintenance_s", "unknown_s", "checks", "latency_n", "latency_sum_ms")
    lows = [r["latency_min_ms"] for r in rows if r["latency_min_ms"] is not None]  # none in a minute that was down
    highs = [r["latency_max_ms"] for r in rows if r["latency_max_ms"] is not None]
    return dict(target_id=target_id, bucket=bucket, **{k: sum(r[k] for r in rows) for k in counters},
                latency_min_ms=min(lows, default=None), latency_max_ms=max(highs, default=None))


def _hours(target_id, day, outage, blind, latency, rng) -> list[dict]:
    rows = []
    for hour in range(24):
        start = hour * 60
        down = 0
        if outage:
            overlap = min(start + 60, outage[0] + outage[1]) - max(start, outage[0])
            down = max(0, overlap) * 60
        unknown = 3600 if blind and hour >= 21 else 0
        checks = (3600 - unknown) // 60
        n = checks - down // 60
        lat = max(0.2, rng.gauss(latency, latency * 0.1))
        rows.append(dict(target_id=target_id, bucket=day + timedelta(hours=hour), up_s=3600 - down - unknown,
                         down_s=down, degraded_s=0, maintenance_s=0, unknown_s=unknown, checks=checks, latency_n=n,
                         latency_sum_ms=lat * n, latency_min_ms=lat * 0.6, latency_max_ms=lat * 3))
    return rows
