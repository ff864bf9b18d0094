"""Agents that stopped reporting: a central worker's housekeeping marks them (every few seconds).

An agent silent for SILENT_AFTER of its push intervals (or revoked) makes its targets UNKNOWN with the
reason "agen X tidak melapor": not DOWN, and not up either. One alert is raised for the agent, not one per
target; core.agents tells when it reports again.
"""

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.alerts.alerts import Router, raise_alert
from core.i18n import encode_reason
from db.agents import Agent
from db.monitoring import State, Target, TargetEvent, TargetState
from db.types import utcnow

SILENT_AFTER = 3  # push intervals without contact before an agent's targets turn unknown


def is_silent(agent: Agent, now: datetime) -> bool:
    seen = agent.last_seen_at or agent.created_at
    return agent.revoked_at is not None or now - seen > timedelta(seconds=SILENT_AFTER * agent.push_interval_s)


def alert_unit(agent: Agent) -> int | None:
    """Where an agent's alert is routed: its unit's channels when it serves one unit, else Kominfo's."""
    return agent.unit_ids[0] if len(agent.unit_ids) == 1 else None


def sweep(engine: Engine, now: datetime | None = None) -> list[str]:
    """Mark agents silent for SILENT_AFTER intervals (or revoked): each one's targets turn UNKNOWN with the
    reason "agen X tidak melapor" (not DOWN, not up) and one alert is raised for the agent. Safe with
    several workers sweeping: an agent is marked by the one whose UPDATE finds it not yet marked."""
    now = now or utcnow()
    marked = []
    with Session(engine) as session, session.begin():
        for agent in session.scalars(select(Agent).where(Agent.silent.is_(False))).all():
            if not is_silent(agent, now):
                continue
            taken = session.execute(update(Agent).where(Agent.id == agent.id, Agent.silent.is_(False))
                                    .values(silent=True)).rowcount
            if not taken:
                continue
            _unknown(session, agent, now)
            if agent.revoked_at is None:
                raise_alert(session, "agent_silent", at=now, unit_id=alert_unit(agent),
                            params={"agent": agent.name, "since": (agent.last_seen_at or agent.created_at).isoformat()},
                            router=Router(session))
            marked.append(agent.name)
    return marked


def _unknown(session: Session, agent: Agent, now: datetime) -> None:
    reason = encode_reason("agent.silent_reason" if agent.revoked_at is None else "agent.revoked_reason",
                           agent=agent.name)
    states = session.scalars(select(TargetState).join(Target, Target.id == TargetState.target_id)
                             .where(Target.agent_id == agent.id)).all()
    for state in states:
        if state.state != State.UNKNOWN:
            session.add(TargetEvent(target_id=state.target_id, at=now, kind="state", old=state.state,
                                    new=State.UNKNOWN, message=reason[:300]))
            state.state, state.state_since = State.UNKNOWN, now
        state.last_reason = reason

