"""Availability of a target or a unit over any window, from rollups: maintenance excluded, unknown apart.

availability = (up + degraded) / (window − maintenance − unknown). Time with no check at all (no
worker ran) is unknown, reported beside the figure and never counted as up. Degraded time counts
as available (the service answered) and is reported too.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from core.access import Viewer, scoped, subtree_ids
from core.monitoring import buckets
from db.models import AppMeta
from db.monitoring import RollupDay, RollupHour, RollupMinute, Target
from db.types import utcnow

TABLES = {"minute": RollupMinute, "hour": RollupHour, "day": RollupDay}
COARSER = {"minute": "hour", "hour": "day"}
PRESETS = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30),
           "90d": timedelta(days=90), "365d": timedelta(days=365)}


@dataclass(frozen=True)
class Availability:
    window_s: float
    up_s: float
    degraded_s: float
    down_s: float
    maintenance_s: float
    unknown_s: float
    checks: int
    latency_avg_ms: float | None

    @property
    def measured_s(self) -> float:
        return self.window_s - self.maintenance_s - self.unknown_s

    @property
    def ratio(self) -> float | None:
        """Share of measured time the target answered; None when nothing was measured."""
        return (self.up_s + self.degraded_s) / self.measured_s if self.measured_s > 0 else None

    @property
    def percent(self) -> float | None:
        return None if self.ratio is None else 100 * self.ratio


def _pieces(start: datetime, end: datetime, zone: ZoneInfo) -> list[tuple[str, datetime, datetime, float]]:
    """Cover [start, end) with whole day buckets in the middle, hours around them, minutes at the edges, and
    the part of a minute at either end as that minute's bucket weighted by the share of it inside: a
    window starting mid-outage counts the part of the outage inside it. (level, from, to, share)."""
    minute = timedelta(minutes=1)
    minute_a, minute_b = buckets.ceil(start, "minute", zone), buckets.floor(end, "minute", zone)
    if minute_a > minute_b:  # start and end fall in the same minute
        return [("minute", minute_b, minute_a, (end - start) / minute)] if start < end else []
    edges = []
    if start < minute_a:
        edges.append(("minute", minute_a - minute, minute_a, (minute_a - start) / minute))
    if minute_b < end:
        # The minute in progress counts as far as its checks already cover it: they stand for the interval
        # ahead of them, which is what a window ending now should read (the scale below trims the excess).
        share = 1.0 if end >= utcnow() - minute else (end - minute_b) / minute
        edges.append(("minute", minute_b, minute_b + minute, share))
    start, end = minute_a, minute_b
    pieces = []
    hour_a, hour_b = buckets.ceil(start, "hour", zone), buckets.floor(end, "hour", zone)
    if hour_a >= hour_b:
        return edges + [("minute", start, end, 1.0)] * (start < end)
    day_a, day_b = buckets.ceil(start, "day", zone), buckets.floor(end, "day", zone)
    pieces.append(("minute", start, hour_a))
    if day_a < day_b:
        pieces += [("hour", hour_a, day_a), ("day", day_a, day_b), ("hour", day_b, hour_b)]
    else:
        pieces.append(("hour", hour_a, hour_b))
    pieces.append(("minute", hour_b, end))
    return edges + [(level, a, b, 1.0) for level, a, b in pieces if a < b]


def _kept_key(level: str) -> str:
    return f"rollup_{level}_kept_from"


def kept_from(session: Session) -> dict[str, datetime]:
    """Per level, the time from which its buckets are all still stored (what retention last left)."""
    keys = {_kept_key(level): level for level in COARSER}
    rows = session.scalars(select(AppMeta).where(AppMeta.key.in_(keys)))
    return {keys[row.key]: datetime.fromisoformat(row.value) for row in rows}


def set_kept_from(session: Session, level: str, at: datetime) -> None:
    """Record that `level` buckets before `at` are gone (written by retention, and by the demo's history).
    Only ever moves forward: a longer retention set later does not bring removed buckets back."""
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    value = at.astimezone(UTC).isoformat(timespec="microseconds")
    stmt = dialect.insert(AppMeta).values(key=_kept_key(level), value=value)
    later = case((stmt.excluded.value > AppMeta.__table__.c.value, stmt.excluded.value),
                 else_=AppMeta.__table__.c.value)  # one fixed-width UTC ISO form: text order is time order
    session.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": later}))


def reads(start: datetime, end: datetime, zone: ZoneInfo, kept: dict[str, datetime]):
    """(level, from, to, share) to sum for [start, end): `_pieces`, except that a piece whose fine buckets
    retention has removed reads the coarser bucket that holds it, weighted by the share of it inside."""
    out = []
    for level, a, b, share in _pieces(start, end, zone):
        out += _covering(level, a, b, zone, kept, share)
    return out


def _covering(level: str, a: datetime, b: datetime, zone: ZoneInfo, kept: dict[str, datetime], share: float):
    first = buckets.ceil(kept[level], level, zone) if level in COARSER and level in kept else None
    if first is None or a >= first:
        return [(level, a, b, share)]
    out = [(level, first, b, share)] if first < b else []
    lost_to, coarse = min(b, first), COARSER[level]
    at = buckets.floor(a, coarse, zone)
    while at < lost_to:
        following = buckets.following(at, coarse, zone)
        inside = (min(lost_to, following) - max(a, at)) / (following - at)
        if inside > 0:
            out += _covering(coarse, at, following, zone, kept, share * inside)
        at = following
    return out


def _sum(session: Session, target_ids: list[int], start: datetime, end: datetime, zone: ZoneInfo) -> dict:
    totals = dict.fromkeys(("up_s", "down_s", "degraded_s", "maintenance_s", "unknown_s", "checks", "latency_n",
                            "latency_sum_ms"), 0.0)
    for level, a, b, share in reads(start, end, zone, kept_from(session)):
        table = TABLES[level]
        row = session.execute(
            select(*(func.coalesce(func.sum(getattr(table, k)), 0) for k in totals))
            .where(table.target_id.in_(target_ids), table.bucket >= a, table.bucket < b)
        ).one()
        for key, value in zip(totals, row, strict=True):
            totals[key] += float(value) * share
    return totals


def _measure(session: Session, targets: list[Target], start: datetime, end: datetime, zone: ZoneInfo) -> Availability:
    if not targets:
        return Availability(0, 0, 0, 0, 0, 0, 0, None)
    # A target only counts from its creation on; before that it was not expected to answer.
    window = sum(max(0.0, (end - max(start, t.created_at)).total_seconds()) for t in targets)
    totals = _sum(session, [t.id for t in targets], start, end, zone)
    covered = sum(totals[k] for k in ("up_s", "down_s", "degraded_s", "maintenance_s", "unknown_s"))
    scale = min(1.0, window / covered) if covered else 1.0  # checks credited past the window's end
    unknown = totals["unknown_s"] * scale + max(0.0, window - covered)
    latency = totals["latency_sum_ms"] / totals["latency_n"] if totals["latency_n"] else None
    return Availability(window, totals["up_s"] * scale, totals["degraded_s"] * scale, totals["down_s"] * scale,
                        totals["maintenance_s"] * scale, unknown, int(totals["checks"]), latency)


def of_targets(session: Session, target_ids: list[int], *, start: datetime, end: datetime, zone: ZoneInfo) -> Availability:
    """Time-weighted over the given targets, for callers that chose them already (a digital service's)."""
    targets = list(session.scalars(select(Target).where(Target.id.in_(target_ids)))) if target_ids else []
    return _measure(session, targets, start, end, zone)


def for_target(*, session: Session, viewer: Viewer, target_id: int, start: datetime, end: datetime,
               zone: ZoneInfo) -> Availability:
    stmt = scoped(select(Target).where(Target.id == target_id), Target.unit_id, session, viewer)
    return _measure(session, list(session.scalars(stmt)), start, end, zone)


def for_unit(*, session: Session, viewer: Viewer, unit_id: int, start: datetime, end: datetime, zone: ZoneInfo,
             include_sub_units: bool = False) -> Availability:
    """Time-weighted over the unit's enabled targets (and its sub-units' when asked)."""
    units = subtree_ids(session, unit_id) if include_sub_units else {unit_id}
    stmt = scoped(select(Target).where(Target.unit_id.in_(units), Target.enabled.is_(True)), Target.unit_id,
                  session, viewer)
    return _measure(session, list(session.scalars(stmt)), start, end, zone)


def preset_window(name: str, now: datetime) -> tuple[datetime, datetime]:
    return now - PRESETS[name], now
