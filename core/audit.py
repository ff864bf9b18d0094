"""The audit log: who changed which row, when, from what to what."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, SQLModel

from core import formatting
from core.access import SYSTEM, Role, Viewer, require_role, scoped
from core.i18n import has_key, t
from db.agents import Agent, AgentEnrolment, ApiToken
from db.evaluation import EvaluationPeriod
from db.inventory import Application, Device, Staff
from db.models import AuditLog, Unit, User
from db.monitoring import AlertChannel, Target
from db.needs import Need, Scenario
from db.services import DigitalService

# Never copied into the log, whatever table they sit in.
SECRET_FIELDS = {"password_hash", "password", "credential_hash", "code_hash", "token_hash"}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def snapshot(row: SQLModel, fields: list[str] | None = None) -> dict[str, Any]:
    """The row's values as JSON-ready data, without secrets."""
    data = row.model_dump()
    keys = fields if fields is not None else list(data)
    return {k: _plain(data[k]) for k in keys if k not in SECRET_FIELDS}


def changed(old: dict[str, Any], new: dict[str, Any]) -> tuple[dict, dict]:
    """Only the fields that differ, as (old, new)."""
    keys = [k for k in new if old.get(k) != new.get(k)]
    return {k: old.get(k) for k in keys}, {k: new[k] for k in keys}


def record(
    session: Session,
    *,
    viewer: Viewer,
    action: str,
    table: str,
    row_id: int | None,
    unit_id: int | None,
    old: dict | None = None,
    new: dict | None = None,
) -> AuditLog:
    """Add an entry in the caller's transaction, so the change and its record commit together."""
    entry = AuditLog(
        actor_id=viewer.user_id,
        actor=viewer.username,
        action=action,
        table_name=table,
        row_id=row_id,
        unit_id=unit_id,
        old_values=old,
        new_values=new,
    )
    session.add(entry)
    return entry


def list_audit(
    *, session: Session, viewer: Viewer, table: str | None = None, row_id: int | None = None,
    unit_id: int | None = None, limit: int = 200,
) -> list[AuditLog]:
    """Newest entries first, limited to the units the viewer may see."""
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    stmt = select(AuditLog).order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(limit)
    stmt = scoped(stmt, AuditLog.unit_id, session, viewer)
    if table is not None:
        stmt = stmt.where(AuditLog.table_name == table)
    if row_id is not None:
        stmt = stmt.where(AuditLog.row_id == row_id)
    if unit_id is not None:
        stmt = stmt.where(AuditLog.unit_id == unit_id)
    return list(session.scalars(stmt))


# History in sentences ------------------------------------------------------------------------------------
# What each logged table is to a person, and the column that names one of its rows.
NAMED_BY: dict[str, tuple[type, str]] = {
    "unit": (Unit, "name"), "app_user": (User, "username"), "target": (Target, "name"),
    "alert_channel": (AlertChannel, "name"), "device": (Device, "brand_model"), "staff": (Staff, "name"),
    "application": (Application, "name"), "need": (Need, "item"), "scenario": (Scenario, "name"),
    "digital_service": (DigitalService, "name"), "evaluation_period": (EvaluationPeriod, "year"),
    "agent": (Agent, "name"), "agent_enrolment": (AgentEnrolment, "name"), "api_token": (ApiToken, "name"),
}
# Where a field's label lives when it is not `<table>.<field>` (the label the form shows).
FIELD_LABELS = {
    ("target", "name"): "admin_targets.name", ("target", "kind"): "admin_targets.kind",
    ("target", "host"): "admin_targets.host", ("target", "port"): "admin_targets.port",
    ("target", "interval_s"): "admin_targets.interval", ("target", "timeout_s"): "admin_targets.timeout",
    ("target", "fail_threshold"): "admin_targets.threshold", ("target", "criticality"): "admin_targets.criticality",
    ("target", "enabled"): "admin_targets.enabled", ("target", "agent_id"): "admin_targets.checked_by", ("target", "options"): "audit.field.options",
    ("target", "parent_id"): "deps.parent",
    ("unit", "parent_id"): "unit.parent", ("app_user", "username"): "users.username",
    ("app_user", "last_login_at"): "users.last_login", ("application", "owner_unit_id"): "application.unit",
    ("digital_service", "group"): "services.group", ("digital_service", "description"): "services.description",
    ("digital_service", "audience"): "services.audience", ("digital_service", "target_ids"): "services.targets",
    ("digital_service", "application_ids"): "services.applications", ("digital_service", "days"): "services.days",
    ("digital_service", "start_minute"): "services.opens", ("digital_service", "end_minute"): "services.closes",
    ("digital_service", "holidays_off"): "services.holidays_off_label",
    ("digital_service", "sla_availability"): "services.sla_target", ("digital_service", "sla_p95_ms"): "services.sla_p95",
    ("digital_service", "sla_response_h"): "services.sla_response", ("digital_service", "support_channel"): "services.support",
    ("staff", "competences"): "audit.field.competences",
}
UNIT_FIELDS = {"unit_id", "parent_id", "owner_unit_id"}  # values that are unit ids: shown as the unit's name
CODED = {("need", "status"): "need_status", ("unit", "kind"): "kind", ("target", "criticality"): "criticality",
         ("assessment", "status"): "eval.status"}


@dataclass(frozen=True)
class Line:
    at: datetime
    actor: str
    unit_id: int | None
    text: str


def field_label(table: str, field: str, lang: str) -> str:
    """A logged field as the form that changes it calls it; never the column name."""
    for key in (FIELD_LABELS.get((table, field)), f"{table}.{field}", f"audit.field.{field}"):
        if key and has_key(key, lang):
            return t(key, lang)
    return t("audit.field.other", lang)


def _value(table: str, field: str, value, lang: str, units: dict[int, str]) -> str | None:
    """A logged value as a person reads it; None for structured values (rules, lists), told as 'changed'."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return t("common.yes" if value else "common.no", lang)
    if field in UNIT_FIELDS and isinstance(value, int):
        return units.get(value, "–")
    if (table, field) in CODED and has_key(f"{CODED[table, field]}.{value}", lang):
        return t(f"{CODED[table, field]}.{value}", lang)
    if isinstance(value, int):
        return str(value) if field in ("year", "port", "fiscal_year") else formatting.number(value, 0, lang)
    if isinstance(value, float):
        return formatting.number(value, 2, lang, trim=True)
    if isinstance(value, dict | list):
        return None
    return f"'{value}'"


def sentence(entry: AuditLog, lang: str, name: str | None, units: dict[int, str]) -> str:
    """One entry as a sentence: "Kebutuhan 'Laptop staf' didanai dalam skenario 'APBD 2026' oleh pimpinan."""
    table = entry.table_name
    thing = t(f"audit.thing.{table}", lang) if has_key(f"audit.thing.{table}", lang) else t("audit.thing.other", lang)
    verb = t(f"audit.action.{entry.action}", lang) if has_key(f"audit.action.{entry.action}", lang) else entry.action
    old, new = entry.old_values or {}, entry.new_values or {}
    named = f" '{name}'" if name else ""
    by_system = entry.actor_id is None and entry.actor == SYSTEM.username  # no account can be the system
    actor = t("audit.actor_system", lang) if by_system else entry.actor
    if entry.action in ("fund", "unfund") and new.get("scenario"):
        return t(f"audit.sentence.{entry.action}", lang, thing=thing, name=named, scenario=new["scenario"],
                 actor=actor)
    reason = new.get("review_note") or new.get("note") or new.get("reason")
    if entry.action in ("revised", "rejected", "return") and reason:
        return t("audit.sentence.reason", lang, thing=thing, name=named, verb=verb, actor=actor, reason=reason)
    changes = []
    if entry.action == "update":
        for field in dict.fromkeys([*new, *old]):
            if field in SECRET_FIELDS:
                continue
            label = field_label(table, field, lang)
            before, after = _value(table, field, old.get(field), lang, units), _value(table, field, new.get(field), lang, units)
            changes.append(t("audit.change_field", lang, field=label) if before is None or after is None else
                           t("audit.change_from_to", lang, field=label, old=before, new=after))
    tail = (": " + "; ".join(changes)) if changes else ""
    return t("audit.sentence", lang, thing=thing, name=named, verb=verb, actor=actor, changes=tail)


def history(*, session: Session, viewer: Viewer, lang: str, table: str | None = None, row_id: int | None = None,
            unit_id: int | None = None, limit: int = 200) -> list[Line]:
    """`list_audit` as sentences in the viewer's language, each row named as it is called now (or as it was
    called when it was logged, if it is gone)."""
    entries = list_audit(session=session, viewer=viewer, table=table, row_id=row_id, unit_id=unit_id, limit=limit)
    units = {u.id: u.short_name or u.name for u in session.scalars(select(Unit))}
    names: dict[tuple[str, int], str] = {}
    for table_name in {e.table_name for e in entries if e.table_name in NAMED_BY}:
        model, column = NAMED_BY[table_name]
        ids = [e.row_id for e in entries if e.table_name == table_name and e.row_id is not None]
        for rid, value in session.execute(select(model.id, getattr(model, column)).where(model.id.in_(ids))).all():
            names[table_name, rid] = str(value)
    lines = []
    for e in entries:
        column = NAMED_BY.get(e.table_name, (None, "name"))[1]
        logged = (e.new_values or {}).get(column) or (e.old_values or {}).get(column)
        name = names.get((e.table_name, e.row_id)) or (str(logged) if logged else None)
        lines.append(Line(e.at, e.actor, e.unit_id, sentence(e, lang, name, units)))
    return lines
