"""Prometheus text exposition of what the app knows (`/metrics`), so an existing Prometheus/Grafana can
scrape it: target states per unit, checks and failures in the last hour, each worker's freshness, alert
deliveries by status. Unit codes only — no host, address or target name."""

from datetime import timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from db.models import Unit
from db.monitoring import AlertDelivery, Heartbeat, State, Target, TargetState, Worker
from db.types import utcnow


def _label(value: str) -> str:
    return str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def exposition(session: Session) -> str:
    now = utcnow()
    lines = ["# HELP monev_targets Enabled monitoring targets by unit and current state.", "# TYPE monev_targets gauge"]
    counts = session.execute(select(Unit.code, TargetState.state, func.count()).join(Target, Target.unit_id == Unit.id)
                             .join(TargetState, TargetState.target_id == Target.id).where(Target.enabled.is_(True))
                             .group_by(Unit.code, TargetState.state).order_by(Unit.code, TargetState.state)).all()
    for code, state, count in counts:
        lines.append(f'monev_targets{{unit="{_label(code)}",state="{_label(state)}"}} {count}')
    since = now - timedelta(hours=1)
    checks = session.scalar(select(func.count()).select_from(Heartbeat).where(Heartbeat.at >= since)) or 0
    failures = session.scalar(select(func.count()).select_from(Heartbeat).where(
        Heartbeat.at >= since, Heartbeat.status == State.DOWN)) or 0
    lines += ["# HELP monev_checks_last_hour Checks written in the last hour.", "# TYPE monev_checks_last_hour gauge",
              f"monev_checks_last_hour {checks}",
              "# HELP monev_check_failures_last_hour Failed checks written in the last hour.",
              "# TYPE monev_check_failures_last_hour gauge", f"monev_check_failures_last_hour {failures}",
              "# HELP monev_worker_seen_seconds_ago Seconds since each probe worker last reported.",
              "# TYPE monev_worker_seen_seconds_ago gauge"]
    for name, seen in session.execute(select(Worker.name, Worker.seen_at).order_by(Worker.name)):
        lines.append(f'monev_worker_seen_seconds_ago{{worker="{_label(name)}"}} {(now - seen).total_seconds():.0f}')
    lines += ["# HELP monev_alert_deliveries Alert deliveries by status.", "# TYPE monev_alert_deliveries gauge"]
    for status, count in session.execute(select(AlertDelivery.status, func.count()).group_by(AlertDelivery.status)
                                         .order_by(AlertDelivery.status)):
        lines.append(f'monev_alert_deliveries{{status="{_label(status)}"}} {count}')
    return "\n".join(lines) + "\n"
