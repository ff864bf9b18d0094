"""The lists every unit draws on: device categories with their useful life, and staff positions.
Admins add and change entries; entries are never removed here, since records may point at them."""

import re
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from core import audit
from core.access import Role, Viewer, require_role
from core.errors import ImportRejected, Problem
from core.records import cells
from db.inventory import DeviceCategory, StaffPosition


def categories(*, session: Session, viewer: Viewer) -> list[DeviceCategory]:
    return list(session.scalars(select(DeviceCategory).order_by(DeviceCategory.sort)))


LIST_CODE = re.compile(r"^[a-z0-9_]{1,30}$")


def positions(*, session: Session, viewer: Viewer) -> list[StaffPosition]:
    return list(session.scalars(select(StaffPosition).order_by(StaffPosition.sort)))


def save_list(*, session: Session, viewer: Viewer, name: str, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Add or change entries of a list every unit draws on (admin): device categories with their useful
    life, or staff positions. Entries are never removed here: records may point at them."""
    require_role(viewer, Role.ADMIN)
    model = {"category": DeviceCategory, "position": StaffPosition}[name]
    fields = ["name", "useful_life_years"] if model is DeviceCategory else ["name"]
    problems, clean = [], []
    for line, row in enumerate(rows, start=1):
        code = cells.text(row.get("code")).lower()
        label = cells.text(row.get("name"))
        values = {"name": label}
        if not LIST_CODE.match(code):
            problems.append(Problem("code", "inventory.list_code", row=line, code=code))
        if not label:
            problems.append(Problem("name", "cell.required", row=line))
        if model is DeviceCategory:
            try:
                values["useful_life_years"] = cells.whole(row.get("useful_life_years"), 1, 30)
                if values["useful_life_years"] is None:
                    raise cells.CellError("cell.required")
            except cells.CellError as exc:
                problems.append(Problem("useful_life_years", exc.key, row=line, **exc.params))
        clean.append((code, values))
    if problems:
        raise ImportRejected(problems)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    last = session.scalar(select(func.max(model.sort))) or 0
    for code, values in clean:
        entry = session.get(model, code)
        if entry is None:
            last += 1
            session.add(model(code=code, sort=last, **values))
            audit.record(session, viewer=viewer, action="create", table=model.__tablename__, row_id=None,
                         unit_id=None, new={"code": code, **values})
            counts["created"] += 1
            continue
        old, new = audit.changed({f: getattr(entry, f) for f in fields}, values)
        if not new:
            counts["unchanged"] += 1
            continue
        for key, value in new.items():
            setattr(entry, key, value)
        audit.record(session, viewer=viewer, action="update", table=model.__tablename__, row_id=None,
                     unit_id=None, old={"code": code, **old}, new={"code": code, **new})
        counts["updated"] += 1
    session.flush()
    return counts
