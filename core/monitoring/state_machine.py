"""A target's state after each check: UP, PENDING, DOWN, DEGRADED, MAINTENANCE; incidents; flapping.

Pure functions on plain data, so the rules are tested without a store or a network.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime

from core.monitoring.states import ANSWERED
from db.monitoring import State

HISTORY = 21  # checks looked at for flapping, as Nagios does
FLAP_START, FLAP_STOP = 50.0, 25.0  # percent state change, with hysteresis
MARKS = {State.UP: "u", State.DEGRADED: "g"}  # how a check is kept in `recent`; any failure is d


@dataclass(frozen=True)
class Status:
    state: State = State.UNKNOWN
    state_since: datetime | None = None
    consecutive_failures: int = 0
    first_failure_at: datetime | None = None
    first_failure_reason: str = ""
    recent: str = ""  # newest last: u = success, g = degraded, d = failure, m = maintenance
    flapping: bool = False
    incident_open: bool = False


@dataclass
class Step:
    """What one check changed: the new status and what to record about it."""

    status: Status
    events: list[tuple[str, str, str, str]] = field(default_factory=list)  # (kind, old, new, message)
    open_incident: tuple[datetime, str] | None = None  # (started_at, reason)
    close_incident: bool = False


def flap_percent(recent: str) -> float:
    """Weighted share of state changes among the last checks, newer changes weighing more (0.8 → 1.2)."""
    marks = ["d" if c == "d" else "u" for c in recent if c != "m"][-HISTORY:]
    if len(marks) < 2:
        return 0.0
    changes = len(marks) - 1
    total = 0.0
    for i in range(1, len(marks)):
        if marks[i] != marks[i - 1]:
            total += 0.8 + 0.4 * (i - 1) / max(changes - 1, 1)
    return 100.0 * total / changes


def apply(current: Status, result: str, at: datetime, reason: str, threshold: int, in_maintenance: bool) -> Step:
    """The status after one check whose result is UP, DEGRADED or DOWN."""
    mark = "m" if in_maintenance else MARKS.get(result, "d")
    recent = (current.recent + mark)[-HISTORY:]
    percent = flap_percent(recent)
    flapping = percent >= FLAP_START or (current.flapping and percent > FLAP_STOP)
    step = Step(replace(current, recent=recent, flapping=flapping))
    if flapping != current.flapping:
        step.events.append(("flapping" if flapping else "flapping_end", "", "", f"{percent:.0f}%"))

    if in_maintenance:
        new = replace(step.status, consecutive_failures=0, first_failure_at=None, first_failure_reason="")
        if result != State.DOWN and current.incident_open:
            step.close_incident, new = True, replace(new, incident_open=False)
        return _moved(step, current, new, State.MAINTENANCE, at)

    if result in ANSWERED:
        new = replace(step.status, consecutive_failures=0, first_failure_at=None, first_failure_reason="")
        # While flapping, the one incident stays open: it ends at the first success once the flapping stops.
        if current.incident_open and not flapping:
            step.close_incident, new = True, replace(new, incident_open=False)
        return _moved(step, current, new, result, at)

    failures = current.consecutive_failures + 1
    first_at = current.first_failure_at or at
    first_reason = current.first_failure_reason or reason
    new = replace(step.status, consecutive_failures=failures, first_failure_at=first_at,
                  first_failure_reason=first_reason)
    if failures < threshold and current.state != State.DOWN:
        return _moved(step, current, new, State.PENDING, at)
    if not current.incident_open:
        step.open_incident = (first_at, first_reason)  # the incident began at the first failure of the run
        new = replace(new, incident_open=True)
    return _moved(step, current, new, State.DOWN, at)


def _moved(step: Step, current: Status, new: Status, state: str, at: datetime) -> Step:
    if state != current.state:
        step.events.append(("state", current.state, state, ""))
        new = replace(new, state=state, state_since=at)
    step.status = new
    return step


def explained(current: Status, step: Step, at: datetime, parent: str | None) -> Step:
    """The step of a failing dependent, given its parent's state (core.monitoring.dependencies): where it
    would turn DOWN with an incident of its own, it is UNREACHABLE while the parent is DOWN or unreachable,
    and stays PENDING while the parent is PENDING (the parent's verdict comes first). An incident already
    open before the parent failed stays its own. Its failures go on counting, so once the parent is UP its
    next failing check opens its incident (from the first failure of the run) and alerts as before."""
    if step.status.state != State.DOWN or current.incident_open or parent is None:
        return step
    if parent in (State.DOWN, State.UNREACHABLE):
        state = State.UNREACHABLE
    elif parent == State.PENDING:
        state = State.PENDING
    else:
        return step
    new = replace(step.status, incident_open=False, state=current.state, state_since=current.state_since)
    return _moved(Step(new, [e for e in step.events if e[0] != "state"]), current, new, state, at)
