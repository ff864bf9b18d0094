"""Maintenance windows: one-off or weekly, for one target or a whole unit; excluded from availability."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session

from core import audit
from core.access import Role, Viewer, require_role, scoped
from core.errors import ValidationError
from core.text import check_name
from db.monitoring import MaintenanceWindow, MaintenanceWindowBase, Target
from db.types import utcnow

WEEK_MINUTES = 7 * 24 * 60


class WindowCreate(MaintenanceWindowBase):
    """A maintenance window as the form gives it (the table's fields and limits)."""


@dataclass(frozen=True)
class Window:
    """A window as the worker keeps it in memory."""

    unit_id: int | None
    target_id: int | None
    kind: str
    starts_at: datetime | None
    ends_at: datetime | None
    weekday: int | None
    start_minute: int | None
    duration_min: int | None

    def covers(self, target_id: int, unit_id: int, at: datetime, zone: ZoneInfo) -> bool:
        if self.target_id is not None and self.target_id != target_id:
            return False
        if self.target_id is None and self.unit_id != unit_id:
            return False
        if self.kind == "once":
            return self.starts_at <= at < self.ends_at
        local = at.astimezone(zone)
        minute_of_week = local.weekday() * 1440 + local.hour * 60 + local.minute
        start = self.weekday * 1440 + self.start_minute
        # A weekly window may run past Sunday midnight into Monday.
        return (minute_of_week - start) % WEEK_MINUTES < self.duration_min


def validate(data: WindowCreate) -> None:
    check_name(data.reason, "reason")
    if (data.unit_id is None) == (data.target_id is None):
        raise ValidationError("maintenance.scope", field="target_id")
    if data.kind == "once":
        if data.starts_at is None or data.ends_at is None or data.ends_at <= data.starts_at:
            raise ValidationError("maintenance.once_range", field="ends_at")
    elif data.kind == "weekly":
        if data.weekday not in range(7) or data.start_minute not in range(1440):
            raise ValidationError("maintenance.weekly_start", field="weekday")
        if not data.duration_min or not 1 <= data.duration_min <= WEEK_MINUTES:
            raise ValidationError("maintenance.weekly_duration", field="duration_min")
    else:
        raise ValidationError("maintenance.kind", field="kind", kind=data.kind)


def create_window(*, session: Session, viewer: Viewer, data: WindowCreate) -> MaintenanceWindow:
    """Add a maintenance window (admin only)."""
    require_role(viewer, Role.ADMIN)
    validate(data)
    unit_id = data.unit_id
    if data.target_id is not None:
        target = session.get(Target, data.target_id)
        if target is None:
            raise ValidationError("maintenance.scope", field="target_id")
        unit_id = target.unit_id
    window = MaintenanceWindow(**data.model_dump())
    session.add(window)
    session.flush()
    audit.record(session, viewer=viewer, action="create", table="maintenance_window", row_id=window.id,
                 unit_id=unit_id, new=audit.snapshot(window, ["kind", "unit_id", "target_id", "reason"]))
    return window


def list_windows(*, session: Session, viewer: Viewer, include_past: bool = False) -> list[MaintenanceWindow]:
    """Windows of the units the viewer may see (unit-wide ones and those of their targets)."""
    stmt = select(MaintenanceWindow).outerjoin(Target, Target.id == MaintenanceWindow.target_id).where(
        MaintenanceWindow.active.is_(True))
    if not include_past:
        stmt = stmt.where((MaintenanceWindow.kind == "weekly") | (MaintenanceWindow.ends_at > utcnow()))
    own = scoped(select(MaintenanceWindow.id).where(MaintenanceWindow.unit_id.is_not(None)),
                 MaintenanceWindow.unit_id, session, viewer)
    via_target = scoped(select(MaintenanceWindow.id).join(Target, Target.id == MaintenanceWindow.target_id),
                        Target.unit_id, session, viewer)
    stmt = stmt.where(MaintenanceWindow.id.in_(own.union(via_target).scalar_subquery()))
    return list(session.scalars(stmt.order_by(MaintenanceWindow.id)))


def load_windows(session: Session, horizon: timedelta = timedelta(days=1)) -> list[Window]:
    """Every active window that can matter in the next `horizon`, for the worker's memory."""
    rows = session.scalars(select(MaintenanceWindow).where(
        MaintenanceWindow.active.is_(True),
        (MaintenanceWindow.kind == "weekly") | (MaintenanceWindow.ends_at > utcnow() - horizon)))
    return [Window(r.unit_id, r.target_id, r.kind, r.starts_at, r.ends_at, r.weekday, r.start_minute, r.duration_min)
            for r in rows]
