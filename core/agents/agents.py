"""Probe agents: enrolment, credentials, the targets an agent checks, its pushed results, its health.

An agent runs inside a unit's own network (`python -m probes.agent`) and talks to the app over HTTPS
only, outbound. An admin makes a one-time enrolment code bound to units; the agent trades it for a
credential of its own. It pulls the targets assigned to it, checks them with the same probe modules as
the central workers, and pushes results with sequence numbers; `ingest` stores each sequence number once
and writes through the same state machine, incidents, rollups and alerts as a central worker
(probes.store.write_in). An agent that falls silent is probes.silence's: its targets turn UNKNOWN.
"""

import hashlib
import json
import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core import audit
from core.access import Role, Viewer, require_role, subtrees
from core.alerts.alerts import Router, raise_alert
from core.errors import NotFound, Refused, ValidationError
from core.monitoring.maintenance import Window
from core.monitoring.states import CHECK_RESULTS
from core.org.passwords import token_digest as digest
from core.text import check_name
from db.agents import Agent, AgentEnrolment
from db.models import Unit
from db.monitoring import State, Target, TargetState
from db.types import utcnow
from probes import silence
from probes.kinds.base import Check
from probes.store import Claimed, Result, write_in

log = logging.getLogger("monev.agents")
CODE_TTL = timedelta(hours=24)
PULL_S = 120  # how often an agent asks for its target list (a conditional request: mostly 304)
FUTURE = timedelta(minutes=2)  # a result timed later than this after the server's clock is refused
PAST = timedelta(days=7)  # … and one older than this (an outbox kept over a long weekend still lands)
MAX_BATCH = 5000
MAX_SEQ = 2**63  # a BIGINT: a sequence number past it cannot be stored
MAX_BACKLOG = 2**31 - 1
MAX_REASON = 300  # a probe's reason as stored (a catalogue key and its values)
MAX_DETAILS = 16 * 1024  # bytes of JSON: an SNMP interface table fits, a dump does not
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: it is read off a screen and typed


def new_code() -> str:
    """A one-time enrolment code: 25 characters in five groups (125 bits)."""
    chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(25))
    return "-".join(chars[i:i + 5] for i in range(0, 25, 5))


def _normal_code(code: str) -> str:
    return "-".join("".join(c for c in code.upper() if c.isalnum())[i:i + 5] for i in range(0, 25, 5))


def new_credential() -> str:
    return "mva_" + secrets.token_urlsafe(32)


# -- admin ------------------------------------------------------------------------------------------
def _check_units(session: Session, unit_ids: list[int]) -> list[int]:
    ids = sorted({int(u) for u in unit_ids})
    if not ids:
        raise ValidationError("agent.units_required", field="unit_ids")
    known = set(session.scalars(select(Unit.id).where(Unit.id.in_(ids))))
    if missing := [u for u in ids if u not in known]:
        raise ValidationError("agent.unit_unknown", field="unit_ids", unit=missing[0])
    return ids


def create_enrolment(*, session: Session, viewer: Viewer, name: str, unit_ids: list[int],
                     now: datetime | None = None) -> str:
    """A one-time code for a new agent (admin only); the code is shown once and stored hashed."""
    require_role(viewer, Role.ADMIN)
    name = " ".join(name.split())
    check_name(name, "name")
    if not name:
        raise ValidationError("agent.name_required", field="name")
    if session.scalar(select(Agent.id).where(func.lower(Agent.name) == name.lower())) is not None:
        raise ValidationError("agent.name_taken", field="name", name=name)
    ids = _check_units(session, unit_ids)
    code, now = new_code(), now or utcnow()
    session.add(AgentEnrolment(code_hash=digest(code), name=name, unit_ids=ids, created_by=viewer.username,
                               created_at=now, expires_at=now + CODE_TTL))
    audit.record(session, viewer=viewer, action="create", table="agent_enrolment", row_id=None,
                 unit_id=ids[0] if len(ids) == 1 else None, new={"name": name, "unit_ids": ids})
    return code


def rotate(*, session: Session, viewer: Viewer, agent_id: int, now: datetime | None = None) -> str:
    """Stop the agent's credential at once and give a one-time code with which the same agent (its
    targets, history and sequence numbers) enrols again (admin only)."""
    require_role(viewer, Role.ADMIN)
    agent = _get(session, agent_id)
    now = now or utcnow()
    agent.credential_hash = digest(new_credential())  # nobody holds this one: the old credential is dead
    agent.rotated_at = now
    code = new_code()
    session.add(AgentEnrolment(code_hash=digest(code), name=agent.name, unit_ids=list(agent.unit_ids),
                               created_by=viewer.username, created_at=now, expires_at=now + CODE_TTL,
                               agent_id=agent.id))
    audit.record(session, viewer=viewer, action="update", table="agent", row_id=agent.id, unit_id=None,
                 old={"rotated_at": None}, new={"rotated_at": now.isoformat()})
    return code


def revoke(*, session: Session, viewer: Viewer, agent_id: int, now: datetime | None = None) -> Agent:
    """Refuse the agent from now on (admin only); its targets turn unknown at the next sweep."""
    require_role(viewer, Role.ADMIN)
    agent = _get(session, agent_id)
    if agent.revoked_at is None:
        agent.revoked_at = now or utcnow()
        audit.record(session, viewer=viewer, action="update", table="agent", row_id=agent.id, unit_id=None,
                     old={"revoked_at": None}, new={"revoked_at": agent.revoked_at.isoformat()})
    return agent


def set_push_interval(*, session: Session, viewer: Viewer, agent_id: int, seconds: int) -> Agent:
    require_role(viewer, Role.ADMIN)
    if not 5 <= seconds <= 300:
        raise ValidationError("agent.push_range", field="push_interval_s")
    agent = _get(session, agent_id)
    agent.push_interval_s = seconds
    return agent


def _get(session: Session, agent_id: int) -> Agent:
    agent = session.get(Agent, agent_id)
    if agent is None:
        raise NotFound("agent.not_found")
    return agent


def scope_of(session: Session, agent: Agent) -> set[int]:
    """The agent's units and every unit under them."""
    return subtrees(session, agent.unit_ids)


@dataclass
class AgentRow:
    id: int
    name: str
    unit_ids: list[int]
    targets: int
    last_seen_at: datetime | None
    backlog: int
    stored: int
    refused: int
    version: str
    address: str
    health: str  # ok, silent, never, revoked
    push_interval_s: int
    created_at: datetime


def health(agent: Agent, now: datetime) -> str:
    if agent.revoked_at is not None:
        return "revoked"
    if agent.last_seen_at is None:
        return "never"
    return "silent" if silence.is_silent(agent, now) else "ok"


def list_agents(*, session: Session, viewer: Viewer, now: datetime | None = None) -> list[AgentRow]:
    require_role(viewer, Role.ADMIN)
    now = now or utcnow()
    counts = dict(session.execute(select(Target.agent_id, func.count()).where(Target.agent_id.is_not(None))
                                  .group_by(Target.agent_id)).all())
    return [AgentRow(a.id, a.name, list(a.unit_ids), counts.get(a.id, 0), a.last_seen_at, a.backlog, a.stored,
                     a.refused, a.version, a.last_address, health(a, now), a.push_interval_s, a.created_at)
            for a in session.scalars(select(Agent).order_by(Agent.name))]


def pending_codes(*, session: Session, viewer: Viewer, now: datetime | None = None) -> list[AgentEnrolment]:
    require_role(viewer, Role.ADMIN)
    now = now or utcnow()
    return list(session.scalars(select(AgentEnrolment).where(AgentEnrolment.used_at.is_(None),
                                                             AgentEnrolment.expires_at > now)
                                .order_by(AgentEnrolment.created_at.desc())))


# -- the agent's side -------------------------------------------------------------------------------
class AgentRefused(Refused):
    """An enrolment code or credential that does not hold, or a push the server will not take."""


@dataclass
class Enrolled:
    agent_id: int
    name: str
    credential: str
    push_interval_s: int
    acked_seq: int


def enrol(*, session: Session, code: str, version: str = "", address: str = "",
          now: datetime | None = None) -> Enrolled:
    """Trade a one-time code for a credential. A code from `rotate` re-enrols the agent it names."""
    now = now or utcnow()
    enrolment = session.scalar(select(AgentEnrolment).where(AgentEnrolment.code_hash == digest(_normal_code(code))))
    if enrolment is None:
        log.warning("enrolment with an unknown code from %s", address)
        raise AgentRefused("agent.code_unknown")
    if enrolment.used_at is not None:
        log.warning("enrolment code of %s used again from %s", enrolment.name, address)
        raise AgentRefused("agent.code_used")
    if enrolment.expires_at <= now:
        raise AgentRefused("agent.code_expired")
    credential = new_credential()
    if enrolment.agent_id is not None:
        agent = session.get(Agent, enrolment.agent_id)
        if agent is None or agent.revoked_at is not None:
            raise AgentRefused("agent.revoked")
        agent.credential_hash = digest(credential)
    else:
        agent = Agent(name=enrolment.name, unit_ids=list(enrolment.unit_ids), credential_hash=digest(credential),
                      created_at=now)
        session.add(agent)
    agent.last_seen_at, agent.last_address, agent.version = now, address[:64], version[:40]
    session.flush()
    enrolment.used_at, enrolment.agent_id = now, agent.id
    log.info("agent %s enrolled from %s", agent.name, address)
    return Enrolled(agent.id, agent.name, credential, agent.push_interval_s, agent.acked_seq)


def authenticate(session: Session, credential: str, *, address: str = "") -> Agent:
    agent = session.scalar(select(Agent).where(Agent.credential_hash == digest(credential or "")))
    if agent is None:
        log.warning("agent request with an unknown credential from %s", address)
        raise AgentRefused("agent.credential_unknown")
    if agent.revoked_at is not None:
        log.warning("revoked agent %s called from %s", agent.name, address)
        raise AgentRefused("agent.revoked")
    return agent


def own_targets(session: Session, agent: Agent) -> list[Target]:
    """The enabled targets assigned to the agent whose unit it still covers."""
    scope = scope_of(session, agent)
    rows = session.scalars(select(Target).where(Target.agent_id == agent.id, Target.enabled.is_(True))
                           .order_by(Target.id))
    return [t for t in rows if t.unit_id in scope]


def target_list(session: Session, agent: Agent) -> tuple[dict, str]:
    """What the agent checks, and its entity tag (the agent asks again with If-None-Match)."""
    body = {"agent": agent.name, "push_interval_s": agent.push_interval_s, "pull_s": PULL_S,
            "targets": [{"id": t.id, "kind": t.kind, "host": t.host, "port": t.port, "interval_s": t.interval_s,
                         "timeout_s": t.timeout_s, "options": dict(t.options)} for t in own_targets(session, agent)]}
    tag = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:32]
    return body, f'"{tag}"'


def touch(session: Session, agent: Agent, *, address: str, version: str, now: datetime) -> None:
    agent.last_seen_at, agent.last_address, agent.version = now, address[:64], version[:40] or agent.version


@dataclass
class Ack:
    ack: int  # every sequence number up to this one is stored, was stored before, or is refused for good
    stored: int = 0
    duplicates: int = 0
    refused: list[dict] = field(default_factory=list)  # {"seq", "reason"}

    def as_dict(self) -> dict:
        return {"ack": self.ack, "stored": self.stored, "duplicates": self.duplicates, "refused": self.refused}


def _parse_time(raw) -> datetime | None:
    try:
        at = datetime.fromisoformat(str(raw))
    except ValueError:
        return None
    return at if at.tzinfo is not None else None


def _refusal(item: dict, last: dict[int, datetime | None], now: datetime) -> tuple[str | None, datetime | None]:
    """Why a pushed result cannot be stored (None when it can), and its time; `last` holds each own target's
    latest check time, this batch's included."""
    target_id = item.get("target_id")
    if type(target_id) is not int or target_id not in last:  # a bool is an int to Python, not an id
        return "target_not_assigned", None
    status = item.get("status")
    if not isinstance(status, str) or status not in CHECK_RESULTS:  # a list is no status (and not hashable)
        return "status_invalid", None
    at = _parse_time(item.get("at"))
    if at is None:
        return "time_invalid", None
    if at > now + FUTURE:
        return "time_future", at
    if at < now - PAST:
        return "time_past", at
    if last[target_id] is not None and at <= last[target_id]:
        return "time_before_last", at
    latency = item.get("latency_ms")
    if latency is not None and (not isinstance(latency, int | float) or not 0 <= latency < 3_600_000):
        return "latency_invalid", at
    details, reason = item.get("details") or {}, item.get("reason", "")
    if not isinstance(details, dict) or not isinstance(reason, str):
        return "shape_invalid", at
    if len(reason) > MAX_REASON:
        return "reason_too_long", at
    if len(json.dumps(details, default=str)) > MAX_DETAILS:  # kept in target_state: a size the app can carry
        return "details_too_large", at
    return None, at


def ingest(engine: Engine, credential: str, items: list[dict], *, backlog: int, zone: ZoneInfo,
           windows: list[Window], address: str = "", version: str = "", now: datetime | None = None) -> Ack:
    """Store a batch the agent holding `credential` pushed, once: sequence numbers up to the agent's acknowledged one are duplicates;
    the rest are checked (own target, sane time, a known status) and written with the advanced
    acknowledgement in one transaction, so a retried push never stores a result twice."""
    now = now or utcnow()
    if len(items) > MAX_BATCH:
        raise AgentRefused("agent.batch_too_large", status=413, limit=MAX_BATCH)
    with Session(engine) as session, session.begin():
        agent = authenticate(session, credential, address=address)  # in the transaction that stores
        if engine.dialect.name == "postgresql":
            session.refresh(agent, with_for_update=True)  # two pushes of one agent at once: the second waits
        seqs = [i.get("seq") for i in items]
        if any(type(s) is not int or not 0 < s < MAX_SEQ for s in seqs):
            raise AgentRefused("agent.seq_invalid", status=400)
        fresh = sorted((i for i in items if i["seq"] > agent.acked_seq), key=lambda i: i["seq"])
        ack = Ack(ack=max([agent.acked_seq, *seqs]), duplicates=len(items) - len(fresh))
        wanted = {i.get("target_id") for i in fresh if isinstance(i.get("target_id"), int)}
        scope = scope_of(session, agent)
        own = {row.id: row for row in session.execute(
            select(Target.id, Target.unit_id, Target.kind, Target.host, Target.port, Target.timeout_s, Target.options,
                   Target.interval_s, Target.fail_threshold, TargetState.next_due_at, TargetState.last_check_at)
            .join(TargetState, TargetState.target_id == Target.id)
            .where(Target.id.in_(wanted), Target.agent_id == agent.id)) if row.unit_id in scope}
        last = {target_id: row.last_check_at for target_id, row in own.items()}
        results = []
        for item in fresh:
            reason, at = _refusal(item, last, now)
            if reason is not None:
                ack.refused.append({"seq": item["seq"], "reason": reason})
                continue
            t = own[item["target_id"]]
            last[t.id] = at  # the next result of this target in the batch must be later
            claimed = Claimed(Check(t.id, t.kind, t.host, t.port, t.timeout_s, dict(t.options)), t.unit_id,
                              t.interval_s, t.fail_threshold, t.next_due_at, {})
            results.append(Result(claimed, at, State(item["status"]), item.get("latency_ms"),
                                  str(item.get("reason", ""))[:300], dict(item.get("details") or {})))
        if refused_elsewhere := [r for r in ack.refused if r["reason"] == "target_not_assigned"]:
            log.warning("agent %s pushed %d results for targets not its own (first seq %d) from %s",
                        agent.name, len(refused_elsewhere), refused_elsewhere[0]["seq"], address)
        ack.stored = write_in(session, results, zone=zone, windows=windows, now=now)
        agent.acked_seq, agent.backlog = ack.ack, min(MAX_BACKLOG, max(0, int(backlog)))
        agent.stored += ack.stored
        agent.refused += len(ack.refused)
        touch(session, agent, address=address, version=version, now=now)
        if agent.silent:  # it was told as silent: tell that it reports again
            agent.silent = False
            raise_alert(session, "agent_back", at=now, unit_id=silence.alert_unit(agent), params={"agent": agent.name},
                        router=Router(session))
    return ack


