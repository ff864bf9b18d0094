"""Monitoring targets: validated writes (admin), scoped reads, SNMP secrets shown to admins only."""

import ipaddress
import random
import re
from datetime import datetime, timedelta
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import select
from sqlmodel import Session

from core import audit
from core.access import Role, Viewer, require_role, scoped, subtrees, unit_scope
from core.errors import NotFound, ValidationError
from core.monitoring.dependencies import check_parent
from core.text import check_name
from db.agents import Agent
from db.models import Unit
from db.monitoring import Target, TargetBase, TargetState
from db.types import utcnow
from probes.kinds import KINDS, PROBES
from probes.kinds.base import ProbeKind

CRITICALITY = ("critical", "high", "normal", "low")
MIN_INTERVAL_S, MAX_TIMEOUT_S = 10, 30
HOSTNAME = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$")
AUDITED = ["unit_id", "name", "kind", "host", "port", "interval_s", "timeout_s", "fail_threshold", "criticality",
           "enabled", "agent_id", "parent_id"]


class TargetCreate(TargetBase):
    """A target as a form or an import gives it (the table's fields and limits, no id or times)."""


def _is_host(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
        return True
    except ValueError:
        return bool(HOSTNAME.match(value)) and not value.replace(".", "").isdigit()


def secret_options(kind: str) -> frozenset[str]:
    """The options of a kind that are secrets: never exported, shown to admins only."""
    return PROBES[kind].secrets if kind in PROBES else frozenset()


def clean_options(kind: ProbeKind, raw: dict[str, Any]) -> dict[str, Any]:
    """The options read with the kind's schema and rules, keeping only what differs from its defaults."""
    try:
        parsed = kind.options.model_validate(raw)
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "-"
        if first["type"] == "extra_forbidden":
            raise ValidationError("target.option_unknown", field="options", option=name, kind=kind.name,
                                  known=", ".join(kind.options.model_fields) or "–") from None
        declared = kind.options.model_fields[name].json_schema_extra or {}
        raise ValidationError(declared.get("error") or "target.option_invalid", field="options", option=name,
                              value=str(first.get("input"))[:80]) from None
    kind.rules(parsed)
    return parsed.model_dump(exclude_defaults=True)


def check_target(data: TargetCreate) -> TargetCreate:
    """The target cleaned up, or ValidationError naming the field that is wrong. What a kind needs (an
    address or a URL, a port, its options) comes from its declaration in probes.kinds."""
    name, host, kind_name = " ".join(data.name.split()), data.host.strip(), data.kind.strip().lower()
    check_name(name, "name")
    check_name(host, "host")
    if not name:
        raise ValidationError("target.name_required", field="name")
    kind = PROBES.get(kind_name)
    if kind is None:
        raise ValidationError("target.kind_unknown", field="kind", kind=data.kind, kinds=", ".join(KINDS))
    if kind.address == "url":
        parts = urlsplit(host)
        if parts.scheme not in ("http", "https") or not parts.hostname or not _is_host(parts.hostname):
            raise ValidationError("target.url_invalid", field="host", url=host)
    elif not _is_host(host):
        raise ValidationError("target.host_invalid", field="host", host=host)
    port = data.port
    if kind.port == "required" and port is None:
        raise ValidationError("target.port_required", field="port", kind=kind_name.upper())
    if port is not None and not 1 <= port <= 65535:
        raise ValidationError("target.port_range", field="port", port=port)
    if data.interval_s < MIN_INTERVAL_S:
        raise ValidationError("target.interval_min", field="interval_s", seconds=MIN_INTERVAL_S)
    if not 0 < data.timeout_s <= min(MAX_TIMEOUT_S, data.interval_s):
        raise ValidationError("target.timeout_range", field="timeout_s", seconds=min(MAX_TIMEOUT_S, data.interval_s))
    if not 1 <= data.fail_threshold <= 20:
        raise ValidationError("target.threshold_range", field="fail_threshold")
    if data.criticality not in CRITICALITY:
        raise ValidationError("target.criticality_unknown", field="criticality", values=", ".join(CRITICALITY))
    options = clean_options(kind, dict(data.options or {}))
    return data.model_copy(update={"name": name, "host": host, "kind": kind_name, "options": options})


def masked(target: Target, viewer: Viewer) -> dict:
    """A target's options as the viewer may read them: secrets only for admins."""
    if viewer.is_admin:
        return dict(target.options)
    secrets = secret_options(target.kind)
    return {k: ("••••" if k in secrets and v else v) for k, v in target.options.items()}


def create_target(*, session: Session, viewer: Viewer, data: TargetCreate, spread: bool = False) -> Target:
    """Add a target (admin only), checked for the first time at once; with `spread` (an import of many),
    the first checks are spread over one interval so they do not bunch up."""
    require_role(viewer, Role.ADMIN)
    clean = check_target(data)
    if session.get(Unit, clean.unit_id) is None:
        raise ValidationError("target.unit_unknown", field="unit_id")
    _check_agent(session, clean.agent_id, clean.unit_id)
    check_parent(session, viewer, target_id=None, parent_id=clean.parent_id)
    target = Target(**clean.model_dump())
    session.add(target)
    session.flush()
    first = utcnow() + timedelta(seconds=random.uniform(0, min(clean.interval_s, 60)) if spread else 0)
    session.add(TargetState(target_id=target.id, next_due_at=first))
    audit.record(session, viewer=viewer, action="create", table="target", row_id=target.id, unit_id=target.unit_id,
                 new=audit.snapshot(target, AUDITED))
    return target


def _check_agent(session: Session, agent_id: int | None, unit_id: int) -> None:
    """A target may go to an agent only if the agent is live and covers the target's unit."""
    if agent_id is None:
        return
    agent = session.get(Agent, agent_id)
    if agent is None or agent.revoked_at is not None:
        raise ValidationError("agent.not_found", field="agent_id")
    if unit_id not in subtrees(session, agent.unit_ids):
        raise ValidationError("agent.unit_outside", field="agent_id", agent=agent.name)


def update_target(*, session: Session, viewer: Viewer, target_id: int, data: TargetCreate) -> Target:
    require_role(viewer, Role.ADMIN)
    target = get_target(session=session, viewer=viewer, target_id=target_id)
    clean = check_target(data)
    _check_agent(session, clean.agent_id, clean.unit_id)
    if clean.parent_id != target.parent_id:  # a parent set earlier by someone who sees it stays as it is
        check_parent(session, viewer, target_id=target.id, parent_id=clean.parent_id)
    before = audit.snapshot(target, AUDITED)
    for key, value in clean.model_dump().items():
        setattr(target, key, value)
    target.updated_at = utcnow()
    old, new = audit.changed(before, audit.snapshot(target, AUDITED))
    if new:
        audit.record(session, viewer=viewer, action="update", table="target", row_id=target.id,
                     unit_id=target.unit_id, old=old, new=new)
        _due_now(session, target.id)  # what was edited is checked again within seconds, not after an interval
    return target


def _due_now(session: Session, target_id: int) -> None:
    state = session.get(TargetState, target_id)
    if state is not None:
        state.next_due_at = utcnow()


def check_now(*, session: Session, viewer: Viewer, target_id: int) -> None:
    """Check a target at the worker's next claim (about a second), whatever its interval: admin, or the
    operator of the target's unit."""
    require_role(viewer, Role.ADMIN, Role.SKPD)
    target = get_target(session=session, viewer=viewer, target_id=target_id)  # NotFound outside the scope
    _due_now(session, target.id)


def set_enabled(*, session: Session, viewer: Viewer, target_id: int, enabled: bool) -> Target:
    """Disable a target (its history stays) or enable it again (admin only)."""
    require_role(viewer, Role.ADMIN)
    target = get_target(session=session, viewer=viewer, target_id=target_id)
    if target.enabled != enabled:
        audit.record(session, viewer=viewer, action="update", table="target", row_id=target.id,
                     unit_id=target.unit_id, old={"enabled": target.enabled}, new={"enabled": enabled})
        target.enabled, target.updated_at = enabled, utcnow()
    return target


def export_rows(*, session: Session, viewer: Viewer) -> list[dict]:
    """The viewer's targets as plain rows for a spreadsheet; secrets are never exported."""
    units = dict(session.execute(select(Unit.id, Unit.code)).all())
    listed = list_targets(session=session, viewer=viewer)
    names = {t.id: (t.unit_id, t.name) for t, _ in listed}
    rows = []
    for target, state in listed:
        options = {k: v for k, v in target.options.items() if k not in secret_options(target.kind)}
        rows.append({"unit": units.get(target.unit_id, ""), "name": target.name, "kind": target.kind,
                     "host": target.host, "port": target.port or "", "interval_s": target.interval_s,
                     "timeout_s": target.timeout_s, "fail_threshold": target.fail_threshold,
                     "criticality": target.criticality, "enabled": target.enabled,
                     "options": ", ".join(f"{k}={v}" for k, v in sorted(options.items())),
                     "parent": parent_label(names.get(target.parent_id), target.unit_id, units), "state": state.state})
    return rows


def parent_label(parent: tuple[int, str] | None, unit_id: int, codes: dict[int, str]) -> str:
    """A parent as the import reads it back: its name in the same unit, else `UNIT_CODE/name` ("" for none,
    or for a parent the viewer does not see)."""
    if parent is None:
        return ""
    parent_unit, name = parent
    return name if parent_unit == unit_id else f"{codes.get(parent_unit, '')}/{name}"


def get_target(*, session: Session, viewer: Viewer, target_id: int) -> Target:
    scope = unit_scope(session, viewer)
    target = session.get(Target, target_id)
    if target is None or (scope is not None and target.unit_id not in scope):
        raise NotFound("target.not_found")
    return target


class TargetRow(NamedTuple):
    """A target and its live state as plain values: a list of thousands loads in milliseconds."""

    id: int
    unit_id: int
    name: str
    kind: str
    host: str
    port: int | None
    interval_s: int
    criticality: str
    enabled: bool
    state: str
    last_check_at: datetime | None
    last_reason: str
    agent_id: int | None  # checked by this agent; None: by the central workers
    created_at: datetime  # nothing was expected of it before
    parent_id: int | None = None  # reached through this target (core.monitoring.dependencies)


def target_rows(*, session: Session, viewer: Viewer, include_disabled: bool = True) -> list[TargetRow]:
    """The viewer's targets for lists and pickers, ordered by unit and name. Without the disabled ones, the
    targets every monitoring page counts: the wall by state, the availability report by unit."""
    stmt = (select(Target.id, Target.unit_id, Target.name, Target.kind, Target.host, Target.port, Target.interval_s,
                   Target.criticality, Target.enabled, TargetState.state, TargetState.last_check_at,
                   TargetState.last_reason, Target.agent_id, Target.created_at, Target.parent_id)
            .join(TargetState, TargetState.target_id == Target.id).order_by(Target.unit_id, Target.name))
    if not include_disabled:
        stmt = stmt.where(Target.enabled.is_(True))
    return [TargetRow(*row) for row in session.execute(scoped(stmt, Target.unit_id, session, viewer)).all()]


def list_targets(*, session: Session, viewer: Viewer, unit_id: int | None = None,
                 include_disabled: bool = True) -> list[tuple[Target, TargetState]]:
    """Targets with their live state, limited to the viewer's units."""
    stmt = select(Target, TargetState).join(TargetState, TargetState.target_id == Target.id).order_by(Target.id)
    stmt = scoped(stmt, Target.unit_id, session, viewer)
    if unit_id is not None:
        stmt = stmt.where(Target.unit_id == unit_id)
    if not include_disabled:
        stmt = stmt.where(Target.enabled.is_(True))
    return [tuple(row) for row in session.execute(stmt).all()]
