"""Follow-up actions of the monthly SLA review: what the review agreed, who does it, by when, and its state.

Kominfo (admin, within its scope) creates and edits them, for the city (no unit) or for a unit. A unit's
operator may change only the state of its own unit's actions (it reports "selesai"; it does not rewrite what
was agreed); leadership reads. A month's review lists the actions made that month and carries forward every
action of an earlier month that is still open (terbuka), marked as carried; the state is today's (its changes
are in the audit log). A unit's operator never reads the city's own actions or another unit's.
"""

from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, Field
from sqlalchemy import or_, select
from sqlmodel import Session

from core import audit
from core.access import Role, Viewer, require_role, require_unit_write, unit_scope
from core.errors import NotFound, PermissionDenied, ValidationError, checked
from core.review.review import review_units
from core.services.sla import month_start
from core.text import has_control
from db.tickets import ReviewAction
from db.types import utcnow

STATES = ("terbuka", "selesai", "batal")
MAX_TEXT = 500
MAX_OWNER = 120


class ActionData(BaseModel):
    text: str = Field(min_length=3, max_length=MAX_TEXT)
    owner: str = Field(default="", max_length=MAX_OWNER)
    due: date | None = None
    state: str = "terbuka"


@dataclass(frozen=True)
class ActionLine:
    action: ReviewAction
    carried: bool  # made in an earlier month and still open


def _clean(**fields) -> ActionData:
    data = checked(ActionData, **fields)
    text, owner = data.text.strip(), data.owner.strip()
    if len(text) < 3:
        raise ValidationError("review.action_text_short", field="text")
    if has_control(text) or has_control(owner):
        raise ValidationError("review.action_control", field="text")
    if data.state not in STATES:
        raise ValidationError("review.action_state_unknown", field="state")
    return ActionData(text=text, owner=owner, due=data.due, state=data.state)


def list_actions(*, session: Session, viewer: Viewer, month: date, unit_id: int | None = None) -> list[ActionLine]:
    """The month's actions and the earlier months' still open (carried), for the city or a unit's review."""
    units = review_units(session, viewer, unit_id)
    month = month_start(month)
    stmt = select(ReviewAction).where(or_(ReviewAction.month == month,
                                          (ReviewAction.month < month) & (ReviewAction.state == "terbuka")))
    if units is not None:
        stmt = stmt.where(ReviewAction.unit_id.in_(units or {-1}))
    rows = session.scalars(stmt.order_by(ReviewAction.month, ReviewAction.id))
    return [ActionLine(a, a.month < month) for a in rows]


def _action(session: Session, viewer: Viewer, action_id: int) -> ReviewAction:
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    action = session.get(ReviewAction, action_id)
    scope = unit_scope(session, viewer)
    if action is None or (scope is not None and action.unit_id not in scope):
        raise NotFound("review.action_not_found")
    return action


def _row(action: ReviewAction) -> dict:
    return {"month": action.month.isoformat(), "text": action.text, "owner": action.owner,
            "due": action.due.isoformat() if action.due else None, "state": action.state}


def create_action(*, session: Session, viewer: Viewer, month: date, unit_id: int | None, text: str, owner: str = "",
                  due: date | None = None) -> int:
    """A new follow-up action of the month's review (admin), open."""
    require_role(viewer, Role.ADMIN)
    if unit_id is not None:
        review_units(session, viewer, unit_id)
    data = _clean(text=text, owner=owner, due=due)
    action = ReviewAction(month=month_start(month), unit_id=unit_id, text=data.text, owner=data.owner, due=data.due,
                          state=data.state, created_by=viewer.username)
    session.add(action)
    session.flush()
    audit.record(session, viewer=viewer, action="create", table="review_action", row_id=action.id, unit_id=unit_id,
                 new=_row(action))
    return action.id


def update_action(*, session: Session, viewer: Viewer, action_id: int, text: str, owner: str, due: date | None,
                  state: str) -> None:
    """Change what an action says, its owner, due day and state (admin)."""
    require_role(viewer, Role.ADMIN)
    action = _action(session, viewer, action_id)
    data = _clean(text=text, owner=owner, due=due, state=state)
    before = _row(action)
    action.text, action.owner, action.due, action.state = data.text, data.owner, data.due, data.state
    action.updated_at = utcnow()
    session.flush()
    audit.record(session, viewer=viewer, action="update", table="review_action", row_id=action.id,
                 unit_id=action.unit_id, old=before, new=_row(action))


def set_action_state(*, session: Session, viewer: Viewer, action_id: int, state: str) -> None:
    """Mark an action done, cancelled or open again: admin, or the operator of the action's own unit."""
    action = _action(session, viewer, action_id)
    if viewer.role is not Role.ADMIN:
        if action.unit_id is None:
            raise PermissionDenied("error.unit_write_denied")
        require_unit_write(session, viewer, action.unit_id)
    if state not in STATES:
        raise ValidationError("review.action_state_unknown", field="state")
    if state == action.state:
        return
    before = action.state
    action.state, action.updated_at = state, utcnow()
    session.flush()
    audit.record(session, viewer=viewer, action="update", table="review_action", row_id=action.id,
                 unit_id=action.unit_id, old={"state": before}, new={"state": state})
