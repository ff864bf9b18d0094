"""What-if budget: which needs a ceiling funds, and what funding them does to readiness and availability.

A scenario is a set of rules (`Params`): a total ceiling, ceilings or percentage cuts per category, a
price escalation, a policy, and needs included or excluded by hand. `optimise` picks the funded set
exactly: a 0/1 knapsack with one row per ceiling, solved by HiGHS (highspy) to a proven relative gap of
0.01 % (0.1 % for the gain policy, see GAP), starting from the greedy choice. The policies are objectives
of that one model:

- `priority`: maximise funded Rupiah weighted by priority (a Rupiah of priority 1 counts 16, priority 2
  counts 8, … priority 5 counts 1), so higher priorities go first yet a large low-priority need does not
  leave the ceiling half spent;
- `gain`: maximise the projected readiness-index gain summed over the funded needs (each need's gain is
  measured alone on its unit); the knapsack is the exact form of "most gain per Rupiah";
- `mandatory`: mandatory needs first (any mandatory Rupiah outweighs every other), the rest by priority.

`project` applies a funded set to the measured readiness inputs of each unit (see `_apply`): a device
need replaces the devices it names (or adds devices) with new ones in good condition; training adds the
competence areas it names; an application need moves the applications it improves into the data centre
or into integration; a need that promises availability lifts the unit to its availability goal.
"""

import math
import time
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

import highspy
import numpy as np
from sqlalchemy import delete, select
from sqlmodel import Session

from core import audit
from core.access import Role, Viewer, require_role, unit_scope
from core.errors import NotFound, PermissionDenied, ValidationError
from core.evaluation import readiness
from core.inventory.kinds import COMPETENCE_AREAS
from core.inventory.life import UsefulLife
from core.needs import accounts, sipd
from core.needs.kind import NEED_CATEGORIES
from db.evaluation import EvaluationPeriod
from db.inventory import Application, Device
from db.models import Unit
from db.needs import Need, Scenario
from db.types import utcnow

POLICIES = ("priority", "gain", "mandatory")
# The relative optimality gap HiGHS must prove. By priority or mandatory-first the objective is weighted
# Rupiah: 0.01 % of it is less than one of the cheapest needs. By gain the objective is a sum of per-need
# estimates with many ties (needs crossing the same threshold), where proving 0.01 % took up to 8 s on the
# demo at a 20 % ceiling and 0.1 % takes 0.02 s; 0.1 % of a projected gain is invisible at two decimals.
GAP = 1e-4
GAIN_GAP = 1e-3
TIME_LIMIT_S = 10.0
MAX_COMPARED = 4
PRIORITY_WEIGHT = {1: 16.0, 2: 8.0, 3: 4.0, 4: 2.0, 5: 1.0}
MANDATORY_WEIGHT = 100.0  # above 16: a mandatory Rupiah beats any other


@dataclass(frozen=True)
class Params:
    ceiling: int
    category_limits: dict[str, int] = field(default_factory=dict)  # category → at most this many Rupiah
    category_cuts: dict[str, float] = field(default_factory=dict)  # category → cut its requested total by %
    escalation: float = 0.0  # % added to every price
    policy: str = "priority"
    include: tuple[int, ...] = ()
    exclude: tuple[int, ...] = ()
    with_submitted: bool = False  # also needs Kominfo has not reviewed yet

    def to_json(self) -> dict:
        return {"ceiling": self.ceiling, "category_limits": dict(self.category_limits),
                "category_cuts": dict(self.category_cuts), "escalation": self.escalation, "policy": self.policy,
                "include": list(self.include), "exclude": list(self.exclude), "with_submitted": self.with_submitted}

    @classmethod
    def from_json(cls, data: dict) -> "Params":
        return cls(ceiling=int(data.get("ceiling", 0)),
                   category_limits={k: int(v) for k, v in (data.get("category_limits") or {}).items()},
                   category_cuts={k: float(v) for k, v in (data.get("category_cuts") or {}).items()},
                   escalation=float(data.get("escalation", 0.0)), policy=data.get("policy", "priority"),
                   include=tuple(data.get("include") or ()), exclude=tuple(data.get("exclude") or ()),
                   with_submitted=bool(data.get("with_submitted", False)))


@dataclass(frozen=True)
class Candidate:
    id: int
    unit_id: int
    item: str
    category: str
    device_category: str
    quantity: int
    unit_price: int
    priority: int
    mandatory: bool
    status: str
    replaces: tuple[int, ...]
    improves_apps: tuple[int, ...]
    indicators: tuple[str, ...]
    competence_areas: tuple[str, ...]
    sub_activity: str = ""
    measure: str = ""
    standard_code: str = ""

    @property
    def requested(self) -> int:
        return self.quantity * self.unit_price


@dataclass
class Base:
    """Everything a scenario needs from the store, loaded once per fiscal year and reused while sliders move."""

    fiscal_year: int
    candidates: list[Candidate]
    units: dict[int, tuple[str, str, str]]  # id → (code, short name, full name)
    period_year: int | None  # the evaluation period whose rules and measures are projected
    rules: dict[str, dict]
    measures: dict[int, dict[str, tuple[float | None, dict]]]
    devices: dict[int, dict]  # device id → {unit_id, dated, in_life, good, in_use}
    apps: dict[int, dict]  # application id → {unit_id, pdn, integrated}
    gains: dict[int, float] = field(default_factory=dict)  # need id → readiness-index gain alone
    with_submitted: bool = False
    chart: accounts.Chart | None = None  # account codes, for the RKA
    sub_activities: dict[str, str] = field(default_factory=dict)  # code → name, as SIPD lines name it
    specifications: dict[str, str] = field(default_factory=dict)  # standard item code → its specification


@dataclass(frozen=True)
class Plan:
    funded: frozenset[int]
    costs: dict[int, int]  # need id → Rupiah after escalation
    limits: dict[str, int]  # category → ceiling applied
    status: str  # optimal, empty, infeasible
    gap: float
    seconds: float


@dataclass(frozen=True)
class UnitOutcome:
    unit_id: int
    code: str
    name: str  # short name
    full_name: str
    requested: int  # as the unit asked (volume × unit price), the figure the needs page shows
    funded: int  # as budgeted: after escalation
    needs: int
    funded_needs: int
    readiness: float | None
    readiness_after: float | None
    availability: float | None
    availability_after: float | None
    levels: dict[str, tuple[int | None, int | None]]  # measure → (level now, level after)


@dataclass(frozen=True)
class Outcome:
    fiscal_year: int
    params: Params
    plan: Plan
    rows: list[dict]  # every need in view: id, unit, item, category, priority, mandatory, cost, funded, why
    units: list[UnitOutcome]
    by_category: dict[str, tuple[int, int]]  # category → (requested as asked, funded as budgeted)
    city: dict[str, float | None]  # readiness, readiness_after, availability, availability_after
    requested: int  # as the units asked (volume × unit price): the needs page's figure for these statuses
    funded: int  # the funded needs' cost as budgeted (after escalation): what the RKA totals
    own_only: bool
    period_year: int | None
    requested_cost: int = 0  # what every need would cost after escalation (the ceiling's measure)


# Loading --------------------------------------------------------------------------------------------------

def _period(session: Session, fiscal_year: int) -> EvaluationPeriod | None:
    """The evaluation year a budget for `fiscal_year` starts from: the latest before it, else the latest."""
    return (session.scalar(select(EvaluationPeriod).where(EvaluationPeriod.year < fiscal_year)
                           .order_by(EvaluationPeriod.year.desc()))
            or session.scalar(select(EvaluationPeriod).order_by(EvaluationPeriod.year.desc())))


def statuses(with_submitted: bool) -> tuple[str, ...]:
    """The needs a scenario weighs: the approved, and with the switch on those submitted as well."""
    return ("approved", "submitted") if with_submitted else ("approved",)


def load_base(session: Session, fiscal_year: int, zone: ZoneInfo, org_name: str = "",
              with_submitted: bool = False) -> Base:
    """The year's reviewable needs of every active unit with the measured inputs (internal: no scope;
    `outcome` decides what a viewer reads)."""
    units = {u.id: (u.code, u.short_name or u.name, u.name)
             for u in session.scalars(select(Unit).where(Unit.active.is_(True)))}
    candidates = [Candidate(n.id, n.unit_id, n.item, n.category, n.device_category, n.quantity, n.unit_price,
                            n.priority, n.mandatory, n.status, tuple(n.replaces), tuple(n.improves_apps),
                            tuple(n.indicators), tuple(n.competence_areas), n.sub_activity, n.measure,
                            n.standard_code)
                  for n in session.scalars(select(Need).where(Need.fiscal_year == fiscal_year,
                                                              Need.status.in_(statuses(with_submitted)),
                                                              Need.unit_id.in_(list(units))).order_by(Need.id))]
    period = _period(session, fiscal_year)
    rules = readiness.rules_for(session, period.id) if period else readiness.default_rules()
    measures = readiness.measure_units(session, period, list(units), zone, org_name) if period else {}
    year = min(period.year, utcnow().year) if period else fiscal_year
    life = UsefulLife.load(session)
    replaced = {i for c in candidates for i in c.replaces}
    devices = {}
    if replaced:
        for d in session.execute(select(Device.id, Device.unit_id, Device.category, Device.purchase_year,
                                        Device.condition, Device.status)
                                 .where(Device.id.in_(replaced), Device.status != "disposed")):
            devices[d.id] = {"unit_id": d.unit_id, "dated": d.purchase_year is not None,
                             "in_life": bool(life.within(d.category, d.purchase_year, year)),
                             "good": d.condition == "baik", "in_use": d.status == "in_use"}
    improved = {i for c in candidates for i in c.improves_apps}
    apps = {}
    if improved:
        for a in session.execute(select(Application.id, Application.owner_unit_id, Application.hosting,
                                        Application.integrations)
                                 .where(Application.id.in_(improved), Application.status != "inactive")):
            apps[a.id] = {"unit_id": a.owner_unit_id, "pdn": a.hosting == "pdn", "integrated": bool(a.integrations)}
    base = Base(fiscal_year, candidates, units, period.year if period else None, rules, measures, devices, apps,
                with_submitted=with_submitted, chart=accounts.load(session),
                sub_activities=sipd.sub_activity_names(session, {c.sub_activity for c in candidates} - {""}),
                specifications=sipd.specifications(session, fiscal_year, {c.standard_code for c in candidates} - {""}))
    base.gains = _gains(base)
    return base


# Projection -----------------------------------------------------------------------------------------------

def _apply(values: dict[str, tuple[float | None, dict]], needs: list[Candidate], base: Base) -> dict[str, float | None]:
    """A unit's measure values after the funded needs (see the module's docstring): the needs change the
    measured inputs, and each value is computed again with its measure's own formula, the one the
    readiness index uses (readiness.MEASURES)."""
    out = {code: value for code, (value, _inputs) in values.items()}
    if not needs:
        return out
    after = {code: dict(i) for code, (_v, i) in values.items()}
    life, good, use = (after.setdefault(code, {}) for code in ("devices_in_life", "devices_good",
                                                               "devices_per_employee"))
    staff, coverage = after.setdefault("staff_per_100", {}), after.setdefault("competence_coverage", {})
    pdn, integrated = after.setdefault("apps_pdn", {}), after.setdefault("apps_integrated", {})
    missing = set(coverage.get("missing", COMPETENCE_AREAS))
    moved_pdn, moved_integrated = set(), set()

    def add(counts: dict, key: str, n: int) -> None:
        counts[key] = counts.get(key, 0) + n

    for need in needs:
        if need.device_category and need.category in ("hardware", "infrastructure"):
            gone = [base.devices[i] for i in need.replaces if i in base.devices]
            add(life, "dated", need.quantity - sum(d["dated"] for d in gone))
            add(life, "in_life", need.quantity - sum(d["in_life"] for d in gone))
            add(good, "devices", need.quantity - len(gone))
            add(good, "good", need.quantity - sum(d["good"] for d in gone))
            add(use, "in_use", need.quantity - sum(d["in_use"] for d in gone))
        if "staff_per_100" in need.indicators and need.category == "training":
            add(staff, "staff", need.quantity)
        missing -= set(need.competence_areas)
        if need.category == "application":
            known = [i for i in need.improves_apps if i in base.apps]
            if not known:  # a new application
                add(pdn, "apps", 1)
                add(integrated, "apps", 1)
                add(pdn, "pdn", "apps_pdn" in need.indicators)
                add(integrated, "integrated", "apps_integrated" in need.indicators)
            if "apps_pdn" in need.indicators:
                moved_pdn |= {i for i in known if not base.apps[i]["pdn"]}
            if "apps_integrated" in need.indicators:
                moved_integrated |= {i for i in known if not base.apps[i]["integrated"]}
        if "availability" in need.indicators and out.get("availability") is not None:
            goal = after.get("availability", {}).get("goal")
            if goal is not None:
                out["availability"] = max(out["availability"], goal)
    add(pdn, "pdn", len(moved_pdn))
    add(integrated, "integrated", len(moved_integrated))
    coverage.update(covered=len(COMPETENCE_AREAS) - len(missing), areas=len(COMPETENCE_AREAS),
                    missing=[a for a in COMPETENCE_AREAS if a in missing])
    for measure in readiness.MEASURES:
        if measure.formula is not None and measure.code in out:
            out[measure.code] = measure.formula(after[measure.code])
    return out


def _levels(values: dict[str, float | None], rules: dict[str, dict]) -> dict[str, readiness.Measured]:
    return {m.code: readiness.Measured(m.code, values.get(m.code), readiness.level(values.get(m.code), rules[m.code],
                                                                                    m.higher_is_better), {})
            for m in readiness.MEASURES}


def _index(values: dict[str, float | None], rules: dict[str, dict]) -> float | None:
    return readiness.combine(_levels(values, rules), rules)


def _gains(base: Base) -> dict[int, float]:
    """Each need's readiness-index gain for its unit, funded alone."""
    if not base.measures:
        return {c.id: 0.0 for c in base.candidates}
    now = {u: _index({k: v for k, (v, _i) in values.items()}, base.rules) for u, values in base.measures.items()}
    gains = {}
    for c in base.candidates:
        values = base.measures.get(c.unit_id)
        if values is None:
            gains[c.id] = 0.0
            continue
        after = _index(_apply(values, [c], base), base.rules)
        gains[c.id] = max(0.0, (after or 0.0) - (now[c.unit_id] or 0.0))
    return gains


# Optimising -----------------------------------------------------------------------------------------------

def costs(base: Base, params: Params) -> dict[int, int]:
    """Each need's cost: the escalated unit price, rounded to the rupiah, times the volume (as SIPD
    computes a line, so that an RKA line's volume × price is its amount)."""
    factor = 1 + params.escalation / 100
    return {c.id: round(c.unit_price * factor) * c.quantity for c in base.candidates}


def limits(base: Base, params: Params, cost: dict[int, int]) -> dict[str, int]:
    """The ceiling of each category the scenario limits: its own ceiling or its requested total less the cut."""
    requested = {cat: sum(cost[c.id] for c in base.candidates if c.category == cat) for cat in NEED_CATEGORIES}
    out = {}
    for cat in NEED_CATEGORIES:
        bounds = []
        if cat in params.category_limits:
            bounds.append(params.category_limits[cat])
        if params.category_cuts.get(cat):
            bounds.append(math.floor(requested[cat] * (1 - params.category_cuts[cat] / 100)))
        if bounds:
            out[cat] = max(0, min(bounds))
    return out


def check_params(params: Params) -> None:
    if params.policy not in POLICIES:
        raise ValidationError("budget.bad_policy", field="policy")
    if params.ceiling < 0:
        raise ValidationError("budget.ceiling_negative", field="ceiling")
    if not -50 <= params.escalation <= 200:
        raise ValidationError("budget.escalation_range", field="escalation")
    if any(not 0 <= cut <= 100 for cut in params.category_cuts.values()):
        raise ValidationError("budget.cut_range", field="category_cuts")
    if any(v < 0 for v in params.category_limits.values()):
        raise ValidationError("budget.ceiling_negative", field="category_limits")
    unknown = (set(params.category_limits) | set(params.category_cuts)) - set(NEED_CATEGORIES)
    if unknown:
        raise ValidationError("budget.bad_category", field="category_limits")


def _weights(base: Base, params: Params, cost: dict[int, int]) -> list[float]:
    if params.policy == "gain":
        top = max((base.gains.get(c.id, 0.0) for c in base.candidates), default=0.0) or 1.0
        spend = max((cost[c.id] for c in base.candidates), default=1) or 1
        # The gain decides; priority-weighted spend only breaks ties and spends what gains leave unused.
        return [base.gains.get(c.id, 0.0) / top + 1e-4 * cost[c.id] * PRIORITY_WEIGHT[c.priority] / (16 * spend)
                for c in base.candidates]
    weights = []
    for c in base.candidates:
        w = PRIORITY_WEIGHT.get(c.priority, 1.0)
        if params.policy == "mandatory" and c.mandatory:
            w += MANDATORY_WEIGHT
        weights.append(cost[c.id] * w)
    top = max(weights, default=1.0) or 1.0
    return [w / top for w in weights]


def optimise(base: Base, params: Params) -> Plan:
    """The funded set under every ceiling that maximises the policy's objective (HiGHS, proven gap ≤ GAP)."""
    check_params(params)
    cost = costs(base, params)
    limit = limits(base, params, cost)
    chosen = [c for c in base.candidates if c.id not in set(params.exclude)]
    forced = set(params.include) - set(params.exclude)
    started = time.perf_counter()
    if not chosen:
        return Plan(frozenset(), cost, limit, "empty", 0.0, 0.0)
    forced_cost = sum(cost[c.id] for c in chosen if c.id in forced)
    if forced_cost > params.ceiling:
        raise ValidationError("budget.included_over_ceiling", field="include")
    # Needs costing nothing are always funded; the solver sees only the rest.
    free = {c.id for c in chosen if cost[c.id] == 0}
    priced = [c for c in chosen if cost[c.id] > 0]
    funded = set(free)
    gap, status = 0.0, "optimal"
    if priced:
        sub = replace(base, candidates=priced)
        weights = np.array(_weights(sub, params, cost))
        scale = 1e6  # Rupiah as millions keeps the matrix well scaled
        categories = sorted(cat for cat in limit if any(c.category == cat for c in priced))
        row_of = {cat: 1 + i for i, cat in enumerate(categories)}
        n = len(priced)
        starts, index, values = [0], [], []
        for c in priced:
            rows = [0] + ([row_of[c.category]] if c.category in row_of else [])
            index += rows
            values += [cost[c.id] / scale] * len(rows)
            starts.append(len(index))
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = n, 1 + len(categories)
        lp.col_cost_ = -weights
        lp.col_lower_ = np.array([1.0 if c.id in forced else 0.0 for c in priced])
        lp.col_upper_ = np.ones(n)
        lp.row_lower_ = np.full(1 + len(categories), -highspy.kHighsInf)
        lp.row_upper_ = np.array([params.ceiling / scale] + [limit[cat] / scale for cat in categories])
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
        lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
        lp.a_matrix_.value_ = np.array(values)
        lp.integrality_ = [highspy.HighsVarType.kInteger] * n
        solver = highspy.Highs()
        gap_wanted = GAIN_GAP if params.policy == "gain" else GAP
        for option, value in (("output_flag", False), ("mip_rel_gap", gap_wanted), ("time_limit", TIME_LIMIT_S),
                              ("presolve", "off"), ("threads", 2), ("random_seed", 1)):
            solver.setOptionValue(option, value)  # presolve off: on these knapsacks it costs seconds, gains nothing
        solver.passModel(lp)
        start = highspy.HighsSolution()  # the greedy choice by weight per Rupiah: an incumbent to prune from
        start.col_value = _greedy(priced, weights, cost, forced, params.ceiling, limit)
        start.value_valid = True
        solver.setSolution(start)
        solver.run()
        model_status = solver.getModelStatus()
        if model_status == highspy.HighsModelStatus.kInfeasible:
            raise ValidationError("budget.included_over_limit", field="include")
        solution = solver.getSolution().col_value
        if not solution:
            raise ValidationError("budget.no_solution", field="ceiling")
        funded |= {c.id for c, x in zip(priced, solution, strict=True) if x > 0.5}
        gap = float(solver.getInfo().mip_gap)
        if model_status != highspy.HighsModelStatus.kOptimal:
            status = "time_limit"
    return Plan(frozenset(funded), cost, limit, status, gap, time.perf_counter() - started)


def _greedy(priced: list[Candidate], weights, cost: dict[int, int], forced: set[int], ceiling: int,
            limit: dict[str, int]) -> list[float]:
    """A feasible choice: the forced needs, then the others by weight per Rupiah while they fit."""
    spent = {"*": 0, **{cat: 0 for cat in limit}}
    chosen = [0.0] * len(priced)
    order = sorted(range(len(priced)), key=lambda i: (priced[i].id not in forced, -weights[i] / cost[priced[i].id]))
    for i in order:
        c = priced[i]
        price = cost[c.id]
        fits = spent["*"] + price <= ceiling and (c.category not in limit or spent[c.category] + price <= limit[c.category])
        if fits or c.id in forced:
            chosen[i] = 1.0
            spent["*"] += price
            if c.category in limit:
                spent[c.category] += price
    return chosen


# Outcome --------------------------------------------------------------------------------------------------

def _city_availability(base: Base, after: dict[int, dict]) -> tuple[float | None, float | None]:
    hours = up = up_after = 0.0
    for unit_id, values in base.measures.items():
        value, inputs = values.get("availability", (None, {}))
        if value is None or not inputs.get("measured_h"):
            continue
        hours += inputs["measured_h"]
        up += inputs["up_h"]
        up_after += inputs["measured_h"] * after[unit_id]["availability"] / 100
    return (100 * up / hours, 100 * up_after / hours) if hours else (None, None)


def evaluate_plan(base: Base, params: Params, plan: Plan, scope: set[int] | None = None) -> Outcome:
    """The plan as the page shows it: needs funded or not and why, spend, projected figures, for the units
    in `scope` (None: every unit) beside the city's figures."""
    excluded, included = set(params.exclude), set(params.include)
    by_unit: dict[int, list[Candidate]] = {}
    for c in base.candidates:
        if c.id in plan.funded:
            by_unit.setdefault(c.unit_id, []).append(c)
    now_values = {u: {k: v for k, (v, _i) in values.items()} for u, values in base.measures.items()}
    after_values = {u: _apply(values, by_unit.get(u, []), base) for u, values in base.measures.items()}
    units = []
    for unit_id, (code, name, full_name) in sorted(base.units.items(), key=lambda kv: kv[1][0]):
        mine = [c for c in base.candidates if c.unit_id == unit_id]
        now, after = now_values.get(unit_id, {}), after_values.get(unit_id, {})
        levels_now, levels_after = _levels(now, base.rules), _levels(after, base.rules)
        units.append(UnitOutcome(
            unit_id, code, name, full_name, sum(c.requested for c in mine),
            sum(plan.costs[c.id] for c in mine if c.id in plan.funded), len(mine),
            sum(1 for c in mine if c.id in plan.funded),
            readiness.combine(levels_now, base.rules) if now else None,
            readiness.combine(levels_after, base.rules) if after else None,
            now.get("availability"), after.get("availability"),
            {m: (levels_now[m].level, levels_after[m].level) for m in levels_now}))

    def mean(values):
        values = [v for v in values if v is not None]
        return sum(values) / len(values) if values else None

    availability, availability_after = _city_availability(base, after_values) if base.measures else (None, None)
    city = {"readiness": mean(u.readiness for u in units), "readiness_after": mean(u.readiness_after for u in units),
            "availability": availability, "availability_after": availability_after}
    rows = []
    for c in base.candidates:
        if scope is not None and c.unit_id not in scope:
            continue
        funded = c.id in plan.funded
        why = ("excluded" if c.id in excluded else "included" if c.id in included and funded
               else "funded" if funded else "over_ceiling")
        # Capital or goods by the price as budgeted (after escalation), as the finance office reads it.
        price = plan.costs[c.id] // c.quantity if c.quantity else plan.costs[c.id]
        account = base.chart.account(c.category, c.device_category, price) if base.chart else ""
        rows.append({"id": c.id, "unit_id": c.unit_id, "unit": base.units[c.unit_id][0],
                     "unit_name": base.units[c.unit_id][1], "item": c.item,
                     "category": c.category, "priority": c.priority, "mandatory": c.mandatory,
                     "quantity": c.quantity, "unit_price": c.unit_price, "price": price, "cost": plan.costs[c.id],
                     "gain": base.gains.get(c.id, 0.0), "funded": funded, "why": why, "status": c.status,
                     "sub_activity": c.sub_activity, "sub_activity_name": base.sub_activities.get(c.sub_activity, ""),
                     "specification": base.specifications.get(c.standard_code, ""), "measure": c.measure,
                     "account": account,
                     "account_name": base.chart.name(account) if base.chart else ""})
    shown = [c for c in base.candidates if scope is None or c.unit_id in scope]
    by_category = {cat: (sum(c.requested for c in shown if c.category == cat),
                         sum(plan.costs[c.id] for c in shown if c.category == cat and c.id in plan.funded))
                   for cat in NEED_CATEGORIES}
    return Outcome(base.fiscal_year, params, plan, rows,
                   [u for u in units if scope is None or u.unit_id in scope], by_category, city,
                   sum(c.requested for c in shown), sum(plan.costs[c.id] for c in shown if c.id in plan.funded),
                   scope is not None, base.period_year, sum(plan.costs[c.id] for c in shown))


def outcome(*, session: Session, viewer: Viewer, fiscal_year: int, params: Params, zone: ZoneInfo,
            org_name: str = "", base: Base | None = None) -> Outcome:
    """A scenario's outcome as this viewer may read it: the whole city for leadership and admin; for an
    `skpd` user the needs and figures of their own units beside the city's totals. The optimiser always
    weighs every unit's needs: a ceiling is the city's, not one unit's."""
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    if base is None or (base.fiscal_year, base.with_submitted) != (fiscal_year, params.with_submitted):
        base = load_base(session, fiscal_year, zone, org_name, params.with_submitted)
    return evaluate_plan(base, params, optimise(base, params), unit_scope(session, viewer))


# Scenarios ------------------------------------------------------------------------------------------------

def _owner_only(viewer: Viewer, scenario: Scenario) -> None:
    if scenario.owner_id != viewer.user_id and not viewer.is_admin:
        raise PermissionDenied("budget.not_owner")


def scenarios(*, session: Session, viewer: Viewer, fiscal_year: int) -> list[Scenario]:
    """Saved scenarios of the year (their rules hold no unit's data; outcomes are read through `outcome`)."""
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    return list(session.scalars(select(Scenario).where(Scenario.fiscal_year == fiscal_year)
                                .order_by(Scenario.adopted_at.is_(None), Scenario.name)))


def get_scenario(*, session: Session, viewer: Viewer, scenario_id: int) -> Scenario:
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    row = session.get(Scenario, scenario_id)
    if row is None:
        raise NotFound("budget.scenario_not_found")
    return row


def save_scenario(*, session: Session, viewer: Viewer, fiscal_year: int, name: str, params: Params,
                  scenario_id: int | None = None) -> Scenario:
    """Save the rules under a name (new, or over the viewer's own scenario)."""
    require_role(viewer, Role.ADMIN, Role.PIMPINAN)
    check_params(params)
    name = " ".join(name.split())
    if not name or len(name) > 80:
        raise ValidationError("budget.name_required", field="name")
    clash = session.scalar(select(Scenario).where(Scenario.fiscal_year == fiscal_year, Scenario.name == name))
    if clash is not None and clash.id != scenario_id:
        raise ValidationError("budget.name_taken", field="name", name=name)
    if scenario_id is None:
        row = Scenario(fiscal_year=fiscal_year, name=name, owner_id=viewer.user_id, owner=viewer.username,
                       params=params.to_json())
        session.add(row)
        session.flush()
        audit.record(session, viewer=viewer, action="create", table="scenario", row_id=row.id, unit_id=None,
                     new={"name": name, **params.to_json()})
        return row
    row = get_scenario(session=session, viewer=viewer, scenario_id=scenario_id)
    _owner_only(viewer, row)
    old, new = audit.changed({"name": row.name, **row.params}, {"name": name, **params.to_json()})
    row.name, row.params, row.updated_at = name, params.to_json(), utcnow()
    session.flush()
    if new:
        audit.record(session, viewer=viewer, action="update", table="scenario", row_id=row.id, unit_id=None,
                     old=old, new=new)
    return row


def delete_scenario(*, session: Session, viewer: Viewer, scenario_id: int) -> None:
    require_role(viewer, Role.ADMIN, Role.PIMPINAN)
    row = get_scenario(session=session, viewer=viewer, scenario_id=scenario_id)
    _owner_only(viewer, row)
    if row.adopted_at is not None:
        raise ValidationError("budget.adopted_kept", field="scenario")
    audit.record(session, viewer=viewer, action="delete", table="scenario", row_id=row.id, unit_id=None,
                 old={"name": row.name, **row.params})
    session.execute(delete(Scenario).where(Scenario.id == row.id))
    session.flush()


def adopt(*, session: Session, viewer: Viewer, scenario_id: int, zone: ZoneInfo, org_name: str = "") -> int:
    """Make a scenario the year's budget: its funded needs are marked funded (the others not), which is
    what next year's "funded before" check reads. Returns how many needs are funded."""
    require_role(viewer, Role.ADMIN, Role.PIMPINAN)
    row = get_scenario(session=session, viewer=viewer, scenario_id=scenario_id)
    params = Params.from_json(row.params)
    base = load_base(session, row.fiscal_year, zone, org_name, params.with_submitted)
    plan = optimise(base, params)
    for need in session.scalars(select(Need).where(Need.fiscal_year == row.fiscal_year)):
        funded = need.id in plan.funded
        if need.funded != funded:
            audit.record(session, viewer=viewer, action="fund" if funded else "unfund", table="need", row_id=need.id,
                         unit_id=need.unit_id, old={"funded": need.funded}, new={"funded": funded,
                                                                                 "scenario": row.name})
            need.funded = funded
    now = utcnow()
    for other in session.scalars(select(Scenario).where(Scenario.fiscal_year == row.fiscal_year)):
        other.adopted_at = now if other.id == row.id else None
    audit.record(session, viewer=viewer, action="adopt", table="scenario", row_id=row.id, unit_id=None,
                 new={"name": row.name, "funded": len(plan.funded)})
    session.flush()
    return len(plan.funded)


def compare(*, session: Session, viewer: Viewer, scenario_ids: list[int], zone: ZoneInfo,
            org_name: str = "") -> list[tuple[Scenario, Outcome]]:
    """Up to four saved scenarios of one year side by side, each as the viewer may read its outcome."""
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    if not 1 <= len(scenario_ids) <= MAX_COMPARED:
        raise ValidationError("budget.compare_count", field="scenarios", most=MAX_COMPARED)
    rows = [get_scenario(session=session, viewer=viewer, scenario_id=i) for i in scenario_ids]
    if len({r.fiscal_year for r in rows}) > 1:
        raise ValidationError("budget.compare_year", field="scenarios")
    bases: dict[bool, Base] = {}
    out = []
    for row in rows:
        params = Params.from_json(row.params)
        if params.with_submitted not in bases:
            bases[params.with_submitted] = load_base(session, row.fiscal_year, zone, org_name, params.with_submitted)
        out.append((row, outcome(session=session, viewer=viewer, fiscal_year=row.fiscal_year, params=params,
                                 zone=zone, org_name=org_name, base=bases[params.with_submitted])))
    return out


def base_for(*, session: Session, viewer: Viewer, fiscal_year: int, zone: ZoneInfo, org_name: str = "",
             with_submitted: bool = False) -> Base:
    """The loaded inputs for the page to keep while sliders move. Leadership and admin only: it holds every
    unit's needs (an skpd page asks `outcome`, which scopes)."""
    require_role(viewer, Role.ADMIN, Role.PIMPINAN)
    return load_base(session, fiscal_year, zone, org_name, with_submitted)

