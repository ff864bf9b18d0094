"""ICT needs (kebutuhan TIK): the review workflow and what the needs pages and the budget read.

Entering, editing, importing and exporting needs is the inventory machinery (`core.inventory` with the
`need` record kind), so a needs workbook follows the same rules as a device workbook: all or nothing,
every bad cell named. Here: draft → submitted (by the unit) → approved / revised / rejected (by Kominfo,
with a reason for the last two), each step audited; the fiscal years in use; the data centre's capacity.
"""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session

from core import audit
from core.access import Role, Viewer, require_role, scoped, unit_scope
from core.errors import NotFound, ValidationError
from core.needs.kind import EDITABLE, NEED_STATUSES
from db.needs import DataCentreCapacity, Need
from db.types import utcnow

REVIEWABLE = ("submitted", "approved", "revised", "rejected")  # Kominfo may (re)decide on these
DECISIONS = ("approved", "revised", "rejected")
REASON_NEEDED = ("revised", "rejected")


@dataclass(frozen=True)
class StatusCount:
    status: str
    needs: int
    total: int  # quantity × unit price, Rupiah


def years(*, session: Session, viewer: Viewer) -> list[int]:
    """Fiscal years that hold needs the viewer may see, newest first."""
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    stmt = scoped(select(Need.fiscal_year).distinct(), Need.unit_id, session, viewer)
    return sorted(session.scalars(stmt), reverse=True)


def status_counts(*, session: Session, viewer: Viewer, fiscal_year: int,
                  unit_ids: list[int] | None = None) -> list[StatusCount]:
    """How many needs (and how many Rupiah) stand in each workflow state."""
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    stmt = scoped(select(Need.status, func.count(), func.sum(Need.quantity * Need.unit_price))
                  .where(Need.fiscal_year == fiscal_year).group_by(Need.status), Need.unit_id, session, viewer)
    if unit_ids is not None:
        stmt = stmt.where(Need.unit_id.in_(unit_ids))
    found = {status: (count, int(total or 0)) for status, count, total in session.execute(stmt)}
    return [StatusCount(s, *found.get(s, (0, 0))) for s in NEED_STATUSES]


def _scoped_needs(session: Session, viewer: Viewer, ids: list[int]) -> list[Need]:
    """The needs named, every one of them inside the viewer's units, or NotFound."""
    scope = unit_scope(session, viewer)
    needs = list(session.scalars(select(Need).where(Need.id.in_(ids)))) if ids else []
    if len(needs) != len(set(ids)) or any(scope is not None and n.unit_id not in scope for n in needs):
        raise NotFound("needs.not_found")
    return needs


def _move(session: Session, viewer: Viewer, need_ids: list[int], allowed: tuple[str, ...], refused: str,
          status: str, note: str | None = None) -> int:
    """Move the named needs (all in the viewer's units, all in an `allowed` state, or none) to `status`,
    each audited; `note` (Kominfo's reason) is set too when given. Returns how many moved."""
    needs = _scoped_needs(session, viewer, need_ids)
    wrong = [n for n in needs if n.status not in allowed]
    if wrong:
        raise ValidationError(refused, field="status", item=wrong[0].item)
    now = utcnow()
    for need in needs:
        old, new = {"status": need.status}, {"status": status}
        if note is not None:
            old["review_note"], new["review_note"] = need.review_note, note
            need.review_note, need.reviewed_by, need.reviewed_at = note, viewer.username, now
        audit.record(session, viewer=viewer, action="submit" if status == "submitted" else status, table="need",
                     row_id=need.id, unit_id=need.unit_id, old=old, new=new)
        need.status, need.updated_at = status, now
    session.flush()
    return len(needs)


def submit(*, session: Session, viewer: Viewer, need_ids: list[int]) -> int:
    """Send draft or revised needs to Kominfo; returns how many went. A need in another state stops all."""
    require_role(viewer, Role.ADMIN, Role.SKPD)
    return _move(session, viewer, need_ids, EDITABLE, "needs.not_submittable", "submitted")


def review(*, session: Session, viewer: Viewer, need_ids: list[int], decision: str, reason: str = "") -> int:
    """Kominfo's decision on submitted needs: approved, revised (back to the unit to change) or rejected;
    the last two need a reason, which the unit reads beside the need."""
    require_role(viewer, Role.ADMIN)
    if decision not in DECISIONS:
        raise ValidationError("needs.bad_decision", field="decision")
    reason = " ".join(reason.split())
    if decision in REASON_NEEDED and not reason:
        raise ValidationError("needs.reason_required", field="reason")
    if len(reason) > 500:
        raise ValidationError("needs.reason_long", field="reason")
    return _move(session, viewer, need_ids, REVIEWABLE, "needs.not_reviewable", decision, reason)


def capacity(*, session: Session, viewer: Viewer, fiscal_year: int) -> DataCentreCapacity | None:
    """The data centre's spare capacity recorded for the year (a city-wide fact, no unit's data)."""
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    return session.get(DataCentreCapacity, fiscal_year)


def save_capacity(*, session: Session, viewer: Viewer, fiscal_year: int, vcpu_free: int, ram_gb_free: int,
                  storage_tb_free: float, note: str = "") -> DataCentreCapacity:
    require_role(viewer, Role.ADMIN)
    if min(vcpu_free, ram_gb_free, storage_tb_free) < 0:
        raise ValidationError("needs.capacity_negative", field="vcpu_free")
    row = session.get(DataCentreCapacity, fiscal_year)
    before = audit.snapshot(row) if row else {}
    if row is None:
        row = DataCentreCapacity(fiscal_year=fiscal_year)
        session.add(row)
    row.vcpu_free, row.ram_gb_free, row.storage_tb_free = vcpu_free, ram_gb_free, float(storage_tb_free)
    row.note, row.updated_by, row.updated_at = " ".join(note.split())[:300], viewer.username, utcnow()
    session.flush()
    old, new = audit.changed(before, audit.snapshot(row, ["vcpu_free", "ram_gb_free", "storage_tb_free", "note"]))
    if new:
        audit.record(session, viewer=viewer, action="update", table="data_centre_capacity", row_id=fiscal_year,
                     unit_id=None, old=old or None, new=new)
    return row


def get_need(*, session: Session, viewer: Viewer, need_id: int) -> Need:
    need = session.get(Need, need_id)
    scope = unit_scope(session, viewer)
    if need is None or (scope is not None and need.unit_id not in scope):
        raise NotFound("needs.not_found")
    return need
