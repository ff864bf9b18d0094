"""Indeks Kesiapan TIK: figures measured from what the app already holds (probes, inventory, duplicates),
each mapped to a level 1–5 by thresholds an admin sets per period (versioned), combined with weights.

An open period is measured live; closing a period freezes every unit's figures in `measure_snapshot`,
so last year's readiness stays what it was when the year was closed.
"""

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlmodel import Session

from core import audit
from core.access import SYSTEM, Role, Viewer, require_role, unit_scope
from core.errors import ImportRejected, Problem
from core.evaluation.periods import get_period, period_window
from core.inventory import duplicates
from core.inventory.kinds import COMPETENCE_AREAS
from core.inventory.life import UsefulLife
from core.monitoring import uptime
from db.evaluation import EvaluationPeriod, MeasureSnapshot, ReadinessRule
from db.inventory import Application, Device, Staff
from db.models import Unit
from db.types import utcnow


def _pct(part: float, whole: float) -> float | None:
    return 100 * part / whole if whole else None


def _per(part: float, whole: float | None) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class Measure:
    code: str
    unit: str  # how the value reads: "%", "ratio", "count"
    higher_is_better: bool
    thresholds: tuple[float, float, float, float]  # the value that reaches level 2, 3, 4 and 5
    weight: float
    # The value from its inputs (counts), the one formula the index and the budget projection both use;
    # None where the value is measured directly (availability, from the rollups).
    formula: Callable[[dict], float | None] | None = None
    fundable: bool = True  # a need can promise to raise it (a budget buys no fewer duplicates)


MEASURES: tuple[Measure, ...] = (
    Measure("availability", "%", True, (95.0, 98.0, 99.0, 99.5), 2.0),
    Measure("devices_in_life", "%", True, (40.0, 55.0, 70.0, 85.0), 1.0,
            lambda i: _pct(i.get("in_life", 0), i.get("dated", 0))),
    Measure("devices_good", "%", True, (50.0, 65.0, 80.0, 90.0), 1.0,
            lambda i: _pct(i.get("good", 0), i.get("devices", 0))),
    Measure("devices_per_employee", "ratio", True, (0.3, 0.5, 0.7, 0.9), 1.0,
            lambda i: _per(i.get("in_use", 0), i.get("employees"))),
    Measure("staff_per_100", "ratio", True, (0.5, 1.0, 2.0, 3.0), 1.0,
            lambda i: _per(i.get("staff", 0) * 100, i.get("employees"))),
    Measure("competence_coverage", "%", True, (30.0, 50.0, 65.0, 100.0), 1.0,
            lambda i: _pct(i.get("covered", 0), i.get("areas", len(COMPETENCE_AREAS)))),
    Measure("apps_pdn", "%", True, (25.0, 50.0, 75.0, 90.0), 1.0, lambda i: _pct(i.get("pdn", 0), i.get("apps", 0))),
    Measure("apps_integrated", "%", True, (20.0, 40.0, 60.0, 80.0), 1.0,
            lambda i: _pct(i.get("integrated", 0), i.get("apps", 0))),
    Measure("open_duplicates", "count", False, (5.0, 3.0, 1.0, 0.0), 1.0, lambda i: float(i.get("conflicts", 0)),
            fundable=False),
)
BY_CODE = {m.code: m for m in MEASURES}


@dataclass(frozen=True)
class Measured:
    measure: str
    value: float | None  # None: nothing to measure (no targets, no devices, employees not entered)
    level: int | None
    inputs: dict


@dataclass(frozen=True)
class UnitReadiness:
    unit_id: int
    code: str
    name: str
    short_name: str
    measures: dict[str, Measured]
    index: float | None  # weighted mean of the levels that could be measured


# Rules ---------------------------------------------------------------------------------------------------

def default_rules() -> dict[str, dict]:
    return {m.code: {"thresholds": list(m.thresholds), "weight": m.weight} for m in MEASURES}


def rules_for(session: Session, period_id: int) -> dict[str, dict]:
    """The newest version of a period's rules, completed with defaults for measures it does not name."""
    row = session.scalar(select(ReadinessRule).where(ReadinessRule.period_id == period_id)
                         .order_by(ReadinessRule.version.desc()))
    return {**default_rules(), **(row.rules if row else {})}


def rule_versions(*, session: Session, viewer: Viewer, period_id: int) -> list[ReadinessRule]:
    """Every version of a period's rules, newest first (rules hold no unit's data)."""
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    return list(session.scalars(select(ReadinessRule).where(ReadinessRule.period_id == period_id)
                                .order_by(ReadinessRule.version.desc())))


def check_rules(rules: dict[str, dict]) -> list[Problem]:
    problems = []
    for code, rule in rules.items():
        measure = BY_CODE.get(code)
        if measure is None:
            problems.append(Problem("measure", "readiness.unknown_measure", measure=code))
            continue
        values = rule.get("thresholds") or []
        if len(values) != 4 or any(not isinstance(v, int | float) for v in values):
            problems.append(Problem("thresholds", "readiness.thresholds_four", measure=code))
            continue
        ordered = all(a < b for a, b in zip(values, values[1:], strict=False)) if measure.higher_is_better else \
            all(a > b for a, b in zip(values, values[1:], strict=False))
        if not ordered:
            problems.append(Problem("thresholds", "readiness.thresholds_up" if measure.higher_is_better
                                    else "readiness.thresholds_down", measure=code))
        weight = rule.get("weight")
        if not isinstance(weight, int | float) or weight < 0:
            problems.append(Problem("weight", "readiness.weight_invalid", measure=code))
    if not problems and not any(r["weight"] > 0 for r in rules.values()):
        problems.append(Problem("weight", "readiness.weights_zero"))
    return problems


def store_rules(session: Session, actor: str, period_id: int, rules: dict[str, dict]) -> ReadinessRule:
    version = (session.scalar(select(func.max(ReadinessRule.version))
                              .where(ReadinessRule.period_id == period_id)) or 0) + 1
    row = ReadinessRule(period_id=period_id, version=version, rules=rules, actor=actor)
    session.add(row)
    session.flush()
    return row


def save_rules(*, session: Session, viewer: Viewer, period_id: int, rules: dict[str, dict]) -> int:
    """A new version of the period's thresholds and weights; the earlier versions stay. Returns the version."""
    require_role(viewer, Role.ADMIN)
    period = get_period(session, period_id)
    if period.status == "closed":
        raise ImportRejected([Problem("period", "evaluation.period_closed", year=period.year)])
    merged = {**rules_for(session, period_id), **rules}
    problems = check_rules(merged)
    if problems:
        raise ImportRejected(problems)
    old = rules_for(session, period_id)
    row = store_rules(session, viewer.username, period_id, merged)
    before, after = audit.changed(old, merged)
    audit.record(session, viewer=viewer, action="update", table="readiness_rule", row_id=row.id, unit_id=None,
                 old=before, new={"version": row.version, **after})
    return row.version


def level(value: float | None, rule: dict, higher_is_better: bool) -> int | None:
    if value is None:
        return None
    reached = sum(1 for bound in rule["thresholds"] if (value >= bound if higher_is_better else value <= bound))
    return 1 + reached


def combine(measured: dict[str, Measured], rules: dict[str, dict]) -> float | None:
    weighted = [(m.level, rules[code]["weight"]) for code, m in measured.items() if m.level is not None]
    total = sum(w for _, w in weighted)
    return sum(lv * w for lv, w in weighted) / total if total else None


# Measuring -----------------------------------------------------------------------------------------------

def measure_units(session: Session, period: EvaluationPeriod, unit_ids: list[int], zone: ZoneInfo,
                  org_name: str = "", conflicts: list | None = None) -> dict[int, dict[str, tuple[float | None, dict]]]:
    """(value, inputs) of every measure for these units, measured from the store as it is now. Internal:
    the callers below decide which units a viewer may see. `conflicts`: the open duplicate conflicts, when
    the caller has already looked them up."""
    ids = set(unit_ids)
    out: dict[int, dict[str, tuple[float | None, dict]]] = {u: {} for u in ids}
    start, end = period_window(period, zone)
    for row in uptime.unit_report(session=session, viewer=SYSTEM, start=start, end=end, zone=zone):
        if row.unit_id in ids:
            out[row.unit_id]["availability"] = (row.figure.percent, {
                "targets": row.targets, "measured_h": round(row.figure.measured_s / 3600, 1),
                "up_h": round((row.figure.up_s + row.figure.degraded_s) / 3600, 1),
                "incidents": row.incidents, "downtime_min": round(row.downtime_min), "goal": row.goal})

    life = UsefulLife.load(session)
    year = min(period.year, utcnow().year)
    devices: dict[int, Counter] = defaultdict(Counter)
    for unit_id, category, condition, status, bought in session.execute(
            select(Device.unit_id, Device.category, Device.condition, Device.status, Device.purchase_year)
            .where(Device.unit_id.in_(ids), Device.status != "disposed")):
        if bought is not None and bought > year:
            continue  # bought after the period
        c = devices[unit_id]
        c["devices"] += 1
        c["in_use"] += status == "in_use"
        c["good"] += condition == "baik"
        if bought is not None:
            c["dated"] += 1
            c["in_life"] += life.within(category, bought, year)
    staff: dict[int, Counter] = defaultdict(Counter)
    for unit_id, competences in session.execute(select(Staff.unit_id, Staff.competences).where(Staff.unit_id.in_(ids))):
        staff[unit_id]["staff"] += 1
        for area in COMPETENCE_AREAS:
            if int((competences or {}).get(area, 0)) > 0:
                staff[unit_id][area] += 1
    apps: dict[int, Counter] = defaultdict(Counter)
    for unit_id, hosting, integrations in session.execute(
            select(Application.owner_unit_id, Application.hosting, Application.integrations)
            .where(Application.owner_unit_id.in_(ids), Application.status != "inactive")):
        apps[unit_id]["apps"] += 1
        apps[unit_id]["pdn"] += hosting == "pdn"
        apps[unit_id]["integrated"] += bool(integrations)
    employees = dict(session.execute(select(Unit.id, Unit.employees).where(Unit.id.in_(ids))).all())
    open_dups: Counter = Counter()
    if conflicts is None:
        conflicts = duplicates.find_conflicts(session=session, viewer=SYSTEM, org_name=org_name)
    for conflict in conflicts:
        for unit_id in {r["unit_id"] for r in conflict.records}:
            open_dups[unit_id] += 1

    for unit_id in ids:
        d, s, a, people = devices[unit_id], staff[unit_id], apps[unit_id], employees.get(unit_id)
        inputs = {
            "devices_in_life": {"dated": d["dated"], "in_life": d["in_life"], "year": year},
            "devices_good": {"devices": d["devices"], "good": d["good"]},
            "devices_per_employee": {"in_use": d["in_use"], "employees": people},
            "staff_per_100": {"staff": s["staff"], "employees": people},
            "competence_coverage": {"covered": sum(1 for area in COMPETENCE_AREAS if s[area]),
                                    "areas": len(COMPETENCE_AREAS),
                                    "missing": [area for area in COMPETENCE_AREAS if not s[area]]},
            "apps_pdn": {"apps": a["apps"], "pdn": a["pdn"]},
            "apps_integrated": {"apps": a["apps"], "integrated": a["integrated"]},
            "open_duplicates": {"conflicts": open_dups[unit_id]},
        }
        out[unit_id].setdefault("availability", (None, {"targets": 0}))
        out[unit_id].update({code: (BY_CODE[code].formula(i), i) for code, i in inputs.items()})
    return out


def _values(session: Session, period: EvaluationPeriod, unit_ids: list[int], zone: ZoneInfo, org_name: str,
            conflicts: list | None):
    if period.status != "closed":
        return measure_units(session, period, unit_ids, zone, org_name, conflicts)
    out: dict[int, dict] = {u: {} for u in unit_ids}
    for row in session.execute(select(MeasureSnapshot.unit_id, MeasureSnapshot.measure, MeasureSnapshot.value,
                                      MeasureSnapshot.inputs).where(MeasureSnapshot.period_id == period.id,
                                                                    MeasureSnapshot.unit_id.in_(unit_ids))):
        out[row.unit_id][row.measure] = (row.value, row.inputs)
    return out


def evaluate(session: Session, period: EvaluationPeriod, unit_ids: list[int], zone: ZoneInfo,
             org_name: str = "", conflicts: list | None = None) -> list[UnitReadiness]:
    """Levels and index of these units (internal: no scope check)."""
    rules = rules_for(session, period.id)
    values = _values(session, period, unit_ids, zone, org_name, conflicts)
    units = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(unit_ids)))}
    result = []
    for unit_id in sorted(values, key=lambda u: units[u].code):
        measured = {}
        for measure in MEASURES:
            value, inputs = values[unit_id].get(measure.code, (None, {}))
            measured[measure.code] = Measured(measure.code, value, level(value, rules[measure.code],
                                                                         measure.higher_is_better), inputs)
        unit = units[unit_id]
        result.append(UnitReadiness(unit_id, unit.code, unit.name, unit.short_name or unit.name, measured,
                                    combine(measured, rules)))
    return result


def active_unit_ids(session: Session, scope: set[int] | None = None) -> list[int]:
    """Active units, limited to `scope` (a viewer's unit_scope) when given."""
    ids = list(session.scalars(select(Unit.id).where(Unit.active.is_(True))))
    return [u for u in ids if scope is None or u in scope]


def readiness(*, session: Session, viewer: Viewer, period_id: int, zone: ZoneInfo, org_name: str = "",
              unit_id: int | None = None) -> list[UnitReadiness]:
    """The readiness of every unit the viewer may see (or of one of them)."""
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    ids = active_unit_ids(session, unit_scope(session, viewer))
    if unit_id is not None:
        ids = [u for u in ids if u == unit_id]
    return evaluate(session, get_period(session, period_id), ids, zone, org_name) if ids else []


def take_snapshot(session: Session, period: EvaluationPeriod, zone: ZoneInfo, org_name: str = "") -> int:
    """Freeze every active unit's figures for the period (called when the period closes)."""
    ids = active_unit_ids(session)
    count = 0
    for unit_id, values in measure_units(session, period, ids, zone, org_name).items():
        for code, (value, inputs) in values.items():
            session.add(MeasureSnapshot(period_id=period.id, unit_id=unit_id, measure=code, value=value,
                                        inputs=inputs))
            count += 1
    session.flush()
    return count
