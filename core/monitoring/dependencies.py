"""Dependencies between targets: root cause, not alert storms.

A target may be reached through a parent target (a kelurahan's router behind its kecamatan's uplink). While
the parent is DOWN (or itself unreachable), a failing dependent is UNREACHABLE: it opens no incident and
raises no alert of its own, and the parent's incident counts it as affected. While the parent is only
PENDING, a dependent that reaches its own threshold stays PENDING: its incident waits one check for the
parent's verdict. The rule itself is core.monitoring.state_machine.explained; the worker's writer
(probes.store.write_in) reads the parents' states for a batch with `parent_states`.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from core.access import Viewer, unit_scope
from core.errors import NotFound, ValidationError
from db.monitoring import State, Target, TargetState

# A parent in one of these states explains its dependents' failures.
SUPPRESSING = frozenset({State.DOWN, State.UNREACHABLE})


def parent_states(session: Session, target_ids) -> dict[int, tuple[int, str]]:
    """Each given target that has an enabled parent → (parent id, the parent's stored state), in one query."""
    if not target_ids:
        return {}
    parent, parent_state = aliased(Target), aliased(TargetState)
    rows = session.execute(
        select(Target.id, Target.parent_id, parent_state.state)
        .join(parent, parent.id == Target.parent_id)
        .join(parent_state, parent_state.target_id == Target.parent_id)
        .where(Target.id.in_(list(target_ids)), parent.enabled.is_(True)))
    return {target_id: (parent_id, state) for target_id, parent_id, state in rows}


def _ancestors(parents: dict[int, int | None], start: int | None):
    """The chain of parents upwards from `start` (itself first); stops at a loop instead of running forever."""
    seen = set()
    while start is not None and start not in seen:
        seen.add(start)
        yield start
        start = parents.get(start)


def cycle_in(parents: dict[int, int | None], target_id: int) -> bool:
    """Whether `target_id` is among the ancestors of its own parent in the graph `parents` (id → parent id)."""
    return target_id in _ancestors(parents, parents.get(target_id))


def check_parent(session: Session, viewer: Viewer, *, target_id: int | None, parent_id: int | None) -> None:
    """A parent must exist, be visible to whoever sets it, and not make the target its own ancestor.

    Scope: the parent is looked up in the setter's units (an administrator scoped to a subtree picks among
    that subtree's targets, as everywhere in core/); an administrator of the whole city may pick any target.
    """
    if parent_id is None:
        return
    scope = unit_scope(session, viewer)
    parent = session.get(Target, parent_id)
    if parent is None or (scope is not None and parent.unit_id not in scope):
        raise ValidationError("deps.parent_unknown", field="parent_id")
    if target_id is None:  # a new target: nothing can depend on it yet
        return
    if parent_id == target_id:
        raise ValidationError("deps.parent_self", field="parent_id")
    parents = dict(session.execute(select(Target.id, Target.parent_id)).all())
    parents[target_id] = parent_id
    if cycle_in(parents, target_id):
        raise ValidationError("deps.cycle", field="parent_id", parent=parent.name)


@dataclass(frozen=True)
class Affected:
    id: int
    unit_id: int
    name: str
    parent_id: int


def _unreachable_tree(session: Session) -> tuple[dict[int, list[Affected]], dict[int, tuple[str, int]]]:
    """Enabled UNREACHABLE targets by parent id, and every enabled target's (state, unit): the graph walked."""
    rows = session.execute(select(Target.id, Target.unit_id, Target.name, Target.parent_id, TargetState.state)
                           .join(TargetState, TargetState.target_id == Target.id)
                           .where(Target.enabled.is_(True))).all()
    children: dict[int, list[Affected]] = {}
    for target_id, unit_id, name, parent_id, state in rows:
        if state == State.UNREACHABLE and parent_id is not None:
            children.setdefault(parent_id, []).append(Affected(target_id, unit_id, name, parent_id))
    return children, {row[0]: (row[4], row[1]) for row in rows}


def _below(children: dict[int, list[Affected]], root: int) -> list[Affected]:
    found, todo, seen = [], [root], {root}
    while todo:
        for child in children.get(todo.pop(), []):
            if child.id not in seen:
                seen.add(child.id)
                found.append(child)
                todo.append(child.id)
    return found


def _visible(session: Session, viewer: Viewer, target_id: int) -> tuple[Target, set[int] | None]:
    scope = unit_scope(session, viewer)
    target = session.get(Target, target_id)
    if target is None or (scope is not None and target.unit_id not in scope):
        raise NotFound("target.not_found")
    return target, scope


def affected(*, session: Session, viewer: Viewer, target_id: int) -> list[Affected]:
    """The dependents this target's outage makes unreachable now (through unreachable ones too), those the
    viewer may see, by name; NotFound for a target outside the viewer's scope."""
    _, scope = _visible(session, viewer, target_id)
    children, _ = _unreachable_tree(session)
    return sorted((a for a in _below(children, target_id) if scope is None or a.unit_id in scope),
                  key=lambda a: a.name)


def root_cause(*, session: Session, viewer: Viewer, target_id: int) -> Target | None:
    """For an unreachable target, the ancestor whose outage explains it (the first one up the chain that is
    not unreachable itself), when the viewer may see it; None otherwise."""
    target, scope = _visible(session, viewer, target_id)
    seen = {target.id}
    while target.parent_id is not None and target.parent_id not in seen:
        target = session.get(Target, target.parent_id)
        seen.add(target.id)
        state = session.get(TargetState, target.id)
        if state is None or state.state != State.UNREACHABLE:
            return target if scope is None or target.unit_id in scope else None
    return None


def affected_counts(*, session: Session, viewer: Viewer) -> dict[int, int]:
    """Root cause the viewer sees → how many of the viewer's targets it makes unreachable now. A root is a target
    that is not unreachable itself with unreachable dependents; every unreachable target counts under one root."""
    scope = unit_scope(session, viewer)
    children, states = _unreachable_tree(session)
    counts = {}
    for root in children:
        state, unit_id = states.get(root, (None, None))
        if state == State.UNREACHABLE or (scope is not None and unit_id not in scope):
            continue
        n = sum(1 for a in _below(children, root) if scope is None or a.unit_id in scope)
        if n:
            counts[root] = n
    return counts
