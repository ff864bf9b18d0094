"""What the read API returns: plain JSON-ready rows, each read through the viewer's scope.

The viewer is the one a token stands for (core.org.tokens.viewer_for); every function here calls the same
scoped `core` reads the pages use, so a token for a kecamatan sees that kecamatan and its kelurahan and
nothing else. Hosts, addresses and secrets of targets are never returned.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlmodel import Session

from core.access import Viewer, scoped
from core.errors import ValidationError
from core.evaluation import leadership, periods
from core.monitoring import availability, uptime
from core.monitoring.targets import target_rows
from core.org.units import list_units
from core.services import sla
from db.inventory import Application, Device, Staff
from db.monitoring import State
from db.types import utcnow

WINDOWS = ("24h", "7d", "30d", "90d", "365d")


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def units(*, session: Session, viewer: Viewer) -> list[dict]:
    return [{"id": u.id, "code": u.code, "name": u.name, "short_name": u.short_name, "kind": u.kind,
             "parent_id": u.parent_id} for u in list_units(session=session, viewer=viewer)]


def targets(*, session: Session, viewer: Viewer, unit_id: int | None = None, state: str | None = None) -> list[dict]:
    if state is not None and state not in set(State):
        raise ValidationError("api.state_unknown", field="state", value=state, known=", ".join(State))
    rows = target_rows(session=session, viewer=viewer, include_disabled=False)
    return [{"id": r.id, "unit_id": r.unit_id, "name": r.name, "kind": r.kind, "criticality": r.criticality,
             "state": r.state, "last_check_at": _iso(r.last_check_at)}
            for r in rows if (unit_id is None or r.unit_id == unit_id) and (state is None or r.state == state)]


def window_of(name: str, now: datetime) -> tuple[datetime, datetime]:
    if name not in WINDOWS:
        raise ValidationError("api.window_unknown", field="window", value=name, known=", ".join(WINDOWS))
    return availability.preset_window(name, now)


def availability_by_unit(*, session: Session, viewer: Viewer, window: str, zone: ZoneInfo,
                         now: datetime | None = None) -> list[dict]:
    start, end = window_of(window, now or utcnow())
    return [{"unit_id": r.unit_id, "code": r.code, "name": r.name, "targets": r.targets,
             "availability_percent": _round(r.figure.percent), "unknown_percent": _round(100 * r.figure.unknown_s / r.figure.window_s if r.figure.window_s else None),
             "goal_percent": r.goal, "incidents": r.incidents, "downtime_min": _round(r.downtime_min, 1),
             "mttr_min": _round(r.mttr_min, 1), "window": window, "from": _iso(start), "to": _iso(end)}
            for r in uptime.unit_report(session=session, viewer=viewer, start=start, end=end, zone=zone)]


def parse_month(raw: str | None, zone: ZoneInfo) -> date:
    if not raw:
        return sla.month_start(datetime.now(zone).date())
    try:
        year, month = raw.split("-")
        return date(int(year), int(month), 1)
    except ValueError:
        raise ValidationError("api.month_invalid", field="month", value=raw) from None


def sla_month(*, session: Session, viewer: Viewer, month: date, zone: ZoneInfo) -> list[dict]:
    return [{"service_id": c.service.id, "service": c.service.name, "unit_id": c.service.unit_id,
             "audience": c.service.audience, "month": month.strftime("%Y-%m"),
             "availability_percent": _round(c.month.percent), "sla_availability_percent": c.service.sla_availability,
             "p95_ms": _round(c.month.p95_ms, 1), "sla_p95_ms": c.service.sla_p95_ms, "met": c.met,
             "breaches": len(c.month.breaches)}
            for c in sla.city_month(session=session, viewer=viewer, month=month, zone=zone)]


def inventory_counts(*, session: Session, viewer: Viewer) -> list[dict]:
    """Per unit: devices (in use, and all not disposed), ICT staff, applications."""
    def count(model, column, *where):
        stmt = select(column, func.count()).where(*where).group_by(column)
        return dict(session.execute(scoped(stmt, column, session, viewer)).all())

    devices = count(Device, Device.unit_id, Device.status != "disposed")
    in_use = count(Device, Device.unit_id, Device.status == "in_use")
    staff = count(Staff, Staff.unit_id)
    apps = count(Application, Application.owner_unit_id)
    return [{"unit_id": u.id, "code": u.code, "name": u.name, "devices": devices.get(u.id, 0),
             "devices_in_use": in_use.get(u.id, 0), "ict_staff": staff.get(u.id, 0),
             "applications": apps.get(u.id, 0)} for u in list_units(session=session, viewer=viewer)]


def _headline(head) -> dict:
    return {"value": _round(head.value, 2), "provisional": head.provisional, "basis": head.basis,
            "verified": head.verified, "of": head.of}


def evaluation(*, session: Session, viewer: Viewer, zone: ZoneInfo, org_name: str) -> list[dict]:
    """Per period: the city's index (for a city-wide token) and each visible unit's verified index."""
    out = []
    for period in sorted(periods.list_periods(session=session, viewer=viewer), key=lambda p: p.year):
        view = leadership.overview(session=session, viewer=viewer, period_id=period.id, zone=zone, org_name=org_name)
        out.append({"year": period.year, "framework": view.framework.code, "index_name": view.framework.index_name,
                    "status": period.status,
                    "city_index": None if view.own_only else _round(view.city.index, 2),
                    # The figure Ringkasan Kota's headline shows: provisional while the period runs, with its basis.
                    "city_headline": None if view.own_only else _headline(view.city.headline),
                    "units": [{"unit_id": r.unit_id, "code": r.code, "name": r.name, "status": r.status,
                               "index": _round(r.spbe, 2), "predicate": r.predicate} for r in view.rows]})
    return out
