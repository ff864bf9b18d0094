"""The digital-services register (*Layanan Digital*): operators manage their units' services, admin all;
every read is scoped by the viewer's units, every change audited."""

from pydantic import ValidationError as PydanticValidationError
from pydantic import field_validator, model_validator
from sqlalchemy import select
from sqlmodel import Session

from core import audit
from core.access import Role, Viewer, require_role, require_unit_write, scoped
from core.errors import NotFound, ValidationError, invalid
from core.text import check_name
from db.inventory import Application
from db.monitoring import Target
from db.services import DigitalService, DigitalServiceBase, Holiday
from db.types import utcnow

AUDIENCES = ("public", "internal")
FIELDS = [name for name in DigitalServiceBase.model_fields]


class ServiceIn(DigitalServiceBase):
    """A service as typed: names without control characters, hours that make sense, SLA targets in range."""

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return check_name(value.strip(), "name")

    @field_validator("audience")
    @classmethod
    def _audience(cls, value: str) -> str:
        if value not in AUDIENCES:
            raise ValueError("service.audience_invalid")
        return value

    @model_validator(mode="after")
    def _hours(self):
        if not self.days or not set(self.days) <= set(range(7)):
            raise ValueError("service.days_invalid")
        if not 0 <= self.start_minute < self.end_minute <= 1440:
            raise ValueError("service.hours_invalid")
        if not 50 <= self.sla_availability <= 100:
            raise ValueError("service.sla_invalid")
        return self


def _checked(session: Session, viewer: Viewer, data: dict) -> ServiceIn:
    try:
        service = ServiceIn.model_validate(data)
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        key = str(first.get("msg", "")).removeprefix("Value error, ")
        if key.startswith(("service.", "field.", "text.")):
            raise ValidationError(key, field=str(first["loc"][0]) if first["loc"] else "-") from None
        raise invalid(exc) from None
    require_unit_write(session, viewer, service.unit_id)
    if service.target_ids:  # only targets the viewer may see, of any unit they manage
        found = set(session.scalars(scoped(select(Target.id).where(Target.id.in_(service.target_ids)), Target.unit_id,
                                           session, viewer)))
        if found != set(service.target_ids):
            raise ValidationError("service.target_unknown", field="target_ids")
    if service.application_ids:  # likewise the applications it runs on
        found = set(session.scalars(scoped(select(Application.id).where(Application.id.in_(service.application_ids)),
                                           Application.owner_unit_id, session, viewer)))
        if found != set(service.application_ids):
            raise ValidationError("service.application_unknown", field="application_ids")
    return service


def list_services(*, session: Session, viewer: Viewer) -> list[DigitalService]:
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    stmt = scoped(select(DigitalService), DigitalService.unit_id, session, viewer)
    return list(session.scalars(stmt.order_by(DigitalService.group, DigitalService.name)))


def get_service(*, session: Session, viewer: Viewer, service_id: int) -> DigitalService:
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    stmt = scoped(select(DigitalService).where(DigitalService.id == service_id), DigitalService.unit_id, session, viewer)
    service = session.scalar(stmt)
    if service is None:
        raise NotFound("service.not_found")
    return service


def save_service(*, session: Session, viewer: Viewer, data: dict, service_id: int | None = None) -> DigitalService:
    """Create (no id) or update a service; the owner unit must be one the viewer manages, before and after."""
    require_role(viewer, Role.ADMIN, Role.SKPD)
    checked = _checked(session, viewer, data)
    if service_id is None:
        row = DigitalService(**checked.model_dump())
        session.add(row)
        session.flush()
        audit.record(session, viewer=viewer, action="create", table="digital_service", row_id=row.id,
                     unit_id=row.unit_id, new=checked.model_dump())
        return row
    row = get_service(session=session, viewer=viewer, service_id=service_id)
    require_unit_write(session, viewer, row.unit_id)
    old = audit.snapshot(row, FIELDS)
    before, after = audit.changed(old, checked.model_dump())
    for key, value in checked.model_dump().items():
        setattr(row, key, value)
    row.updated_at = utcnow()
    if after:
        audit.record(session, viewer=viewer, action="update", table="digital_service", row_id=row.id,
                     unit_id=row.unit_id, old=before, new=after)
    return row


def delete_service(*, session: Session, viewer: Viewer, service_id: int) -> None:
    require_role(viewer, Role.ADMIN, Role.SKPD)
    row = get_service(session=session, viewer=viewer, service_id=service_id)
    require_unit_write(session, viewer, row.unit_id)
    audit.record(session, viewer=viewer, action="delete", table="digital_service", row_id=row.id, unit_id=row.unit_id,
                 old={"name": row.name})
    session.delete(row)


def holidays(session: Session) -> set:
    """The organisation's holidays (reference data: no unit's rows)."""
    return set(session.scalars(select(Holiday.day)))
