"""Ringkasan pimpinan: the city's index on the period's framework (Indeks SPBE or Indeks Pemdi) and readiness, the ranking of units, the weakest domains and
indicators, the top problems, trends over the periods, and recommendations derived from them.

City figures are computed over every unit, but a viewer who sees only their own unit gets back only
numbers for the city, never another unit's name or row.
"""

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import Session

from core.access import SYSTEM, Role, Viewer, require_role, unit_scope
from core.evaluation import frameworks, readiness
from core.evaluation.assessment import effective_levels, external_answers
from core.evaluation.frameworks import Framework
from core.evaluation.owners import owners_of
from core.evaluation.periods import get_period
from core.inventory import duplicates
from db.evaluation import Assessment, AssessmentAnswer, EvaluationPeriod
from db.models import Unit

TOP = 5


@dataclass
class UnitRow:
    unit_id: int
    code: str
    name: str
    short_name: str
    status: str  # assessment status, or "none" before the unit saved anything
    spbe: float | None
    domains: dict[str, float | None]
    aspects: dict[str, float | None]
    levels: dict[int, int | None]
    readiness: readiness.UnitReadiness
    framework: Framework
    rank: int | None = None  # place among all units with a verified index (1 = best)

    @property
    def predicate(self) -> str | None:
        return self.framework.predicate(self.spbe)

    @property
    def availability(self) -> float | None:
        return self.readiness.measures["availability"].value


@dataclass(frozen=True)
class Headline:
    """The city's index as every headline shows it (overview, annual report, workbook): the final figure, or
    while it is not final the provisional one marked so, with what it rests on. `value` is None only when
    not every indicator has a level yet (`filled` of `of` say how far it is)."""

    value: float | None
    provisional: bool
    basis: str  # "kominfo" (indicators of Kominfo's own assessment) or "units" (units' verified indices)
    verified: int  # indicators verified (kominfo) or units verified (units)
    of: int  # indicators of the framework (kominfo) or active units (units)
    filled: int  # indicators with a level (kominfo) or units with an index (units)


@dataclass
class CityFigures:
    framework: Framework
    index: float | None
    domains: dict[str, float | None]
    aspects: dict[str, float | None]
    readiness: float | None
    availability: float | None
    assessed: int  # units with an assessment
    verified: int
    units: int
    ranked: int  # units with a verified index
    inputs: dict = field(default_factory=dict)  # what each city figure was computed from
    # Kominfo's own assessment while it is not yet verified (whole or in part): shown as provisional,
    # never as the city's index.
    provisional: float | None = None
    provisional_domains: dict[str, float | None] = field(default_factory=dict)
    provisional_aspects: dict[str, float | None] = field(default_factory=dict)
    headline: Headline | None = None

    @property
    def groups_shown(self) -> tuple[dict[str, float | None], dict[str, float | None]]:
        """(domains, aspects) behind the headline: the provisional ones while the headline is provisional."""
        if self.index is None and self.provisional is not None:
            return self.provisional_domains, self.provisional_aspects
        return self.domains, self.aspects


@dataclass
class Overview:
    period: EvaluationPeriod
    framework: Framework
    previous: EvaluationPeriod | None
    city_method: str
    city: CityFigures
    city_previous: CityFigures | None
    rows: list[UnitRow]  # the viewer's units only
    weakest_indicators: list[tuple[int, float]]  # (indicator, mean level over the units the viewer sees)
    problems: dict[str, list[dict]] = field(default_factory=dict)
    trend: list[dict] = field(default_factory=list)  # {year, series, value}
    own_only: bool = False  # the viewer sees only their own unit(s): no other unit's name anywhere


def _answers(session: Session, period_id: int, framework: Framework
             ) -> dict[int | None, tuple[Assessment, dict[int, int | None]]]:
    """Each assessment with the levels that count; a unit's take the outside agencies' results recorded on
    the government-wide assessment (a unit does not score those)."""
    assessments = {a.id: a for a in session.scalars(select(Assessment).where(Assessment.period_id == period_id))}
    answers: dict[int, list] = {a: [] for a in assessments}
    if assessments:
        # Only the columns that count (not the justification, links and sources): a city's whole period is
        # thousands of answers, read on every landing of leadership.
        for answer in session.execute(select(AssessmentAnswer.assessment_id, AssessmentAnswer.indicator,
                                             AssessmentAnswer.level, AssessmentAnswer.verified_level)
                                      .where(AssessmentAnswer.assessment_id.in_(list(assessments)))):
            answers[answer.assessment_id].append(answer)
    external = {n: a.level for n, a in external_answers(session, period_id, framework).items()}
    return {a.unit_id: (a, effective_levels(answers[a.id]) | (external if a.unit_id is not None else {}))
            for a in assessments.values()}


def _mean(pairs: list[tuple[float | None, float]]) -> float | None:
    known = [(v, w) for v, w in pairs if v is not None and w]
    total = sum(w for _, w in known)
    return sum(v * w for v, w in known) / total if total else None


def _city(session: Session, period: EvaluationPeriod, zone: ZoneInfo, org_name: str, conflicts: list
          ) -> tuple[CityFigures, list[UnitRow]]:
    """City figures and one row per active unit (all of them: the caller filters by scope)."""
    framework = frameworks.of_period(session, period)
    by_unit = _answers(session, period.id, framework)
    units = readiness.evaluate(session, period, readiness.active_unit_ids(session), zone, org_name, conflicts)
    employees = dict(session.execute(select(Unit.id, Unit.employees)).all())
    rows = []
    for unit in units:
        assessment, levels = by_unit.get(unit.unit_id, (None, {}))
        result = framework.index(levels)
        rows.append(UnitRow(unit.unit_id, unit.code, unit.name, unit.short_name,
                            assessment.status if assessment else "none", result.overall, result.domains,
                            result.aspects, levels, unit, framework))
    # Only verified indices are ranked: a self-assessment Kominfo has not checked is shown, not ranked.
    ranked = sorted((r for r in rows if r.spbe is not None and r.status == "verified"), key=lambda r: (-r.spbe, r.code))
    for place, row in enumerate(ranked, start=1):
        row.rank = place

    verified = [r for r in rows if r.status == "verified" and r.spbe is not None]
    if period.city_method == "kominfo":
        own = by_unit.get(None)
        result = framework.index(own[1] if own and own[0].status == "verified" else {})
        index, domains, aspects = result.overall, result.domains, result.aspects
        draft = framework.index(own[1]) if own and own[0].status != "verified" else None
        provisional = draft.overall if draft else None
        provisional_groups = (draft.domains, draft.aspects) if draft else ({}, {})
    else:
        provisional, provisional_groups = None, ({}, {})
        weight = (lambda r: employees.get(r.unit_id) or 0) if period.city_method == "employees" else (lambda r: 1)
        index = _mean([(r.spbe, weight(r)) for r in verified])
        domains = {d: _mean([(r.domains[d], weight(r)) for r in verified]) for d in framework.domains()}
        aspects = {a: _mean([(r.aspects[a], weight(r)) for r in verified]) for a in framework.aspects()}
    headline = _headline(session, period, framework, by_unit.get(None), index, provisional, rows, verified)
    measured = [u.measures["availability"].inputs for u in units if u.measures["availability"].value is not None]
    hours = sum(i["measured_h"] for i in measured)
    up_hours = sum(i["up_h"] for i in measured)
    own = by_unit.get(None)
    inputs = {"city_assessment": own[0].status if own else "none", "verified_units": len(verified),
              "readiness_units": sum(1 for u in units if u.index is not None), "units": len(units),
              "measured_units": len(measured), "up_h": round(up_hours, 1), "measured_h": round(hours, 1)}
    figures = CityFigures(
        framework=framework, index=index, domains=domains, aspects=aspects,
        readiness=_mean([(u.index, 1) for u in units]),
        availability=100 * up_hours / hours if hours else None,
        assessed=sum(1 for r in rows if r.status != "none"), verified=len(verified), units=len(rows),
        ranked=len(ranked), inputs=inputs, provisional=provisional, provisional_domains=provisional_groups[0],
        provisional_aspects=provisional_groups[1], headline=headline)
    return figures, rows


def _headline(session: Session, period: EvaluationPeriod, framework: Framework, own, index: float | None,
              provisional: float | None, rows: list[UnitRow], verified: list[UnitRow]) -> Headline:
    """What the headline shows and rests on. Kominfo's method: its own assessment, final once verified as a
    whole, provisional before (counted per indicator its owner had verified); the units' methods: final once
    every active unit is verified or the period is closed."""
    if period.city_method == "kominfo":
        numbers = framework.numbers()
        levels = own[1] if own else {}
        filled = sum(1 for n in numbers if levels.get(n) is not None)
        if own and own[0].status == "verified":
            return Headline(index, False, "kominfo", len(numbers), len(numbers), filled)
        done = sum(1 for n, o in owners_of(session, period.id).items() if n in numbers and o.status == "verified")
        return Headline(provisional, True, "kominfo", done, len(numbers), filled)
    final = period.status == "closed" or len(verified) == len(rows)
    return Headline(index, not final, "units", len(verified), len(rows), sum(1 for r in rows if r.spbe is not None))


def _problems(rows: list[UnitRow], conflicts: list, own_only: bool) -> dict:
    def top(key, value, minimum=1):
        found = [(value(r), r) for r in rows]
        return [{"unit": r.short_name, "unit_id": r.unit_id, "value": v, **key(r)}
                for v, r in sorted(found, key=lambda p: (-p[0], p[1].code)) if v >= minimum][:TOP]

    def inputs(r: UnitRow, measure: str) -> dict:
        return r.readiness.measures[measure].inputs

    problems = {
        "downtime": top(lambda r: {"incidents": inputs(r, "availability").get("incidents", 0)},
                        lambda r: inputs(r, "availability").get("downtime_min", 0)),
        "past_life": top(lambda r: {"dated": inputs(r, "devices_in_life").get("dated", 0)},
                         lambda r: inputs(r, "devices_in_life").get("dated", 0)
                         - inputs(r, "devices_in_life").get("in_life", 0)),
        "no_staff": [{"unit": r.short_name, "unit_id": r.unit_id, "areas": inputs(r, "competence_coverage")["missing"]}
                     for r in sorted(rows, key=lambda r: (-len(inputs(r, "competence_coverage").get("missing", [])),
                                                          r.code))
                     if inputs(r, "competence_coverage").get("missing")][:TOP * 2],
    }
    mine = {r.unit_id for r in rows}
    apps = []
    for conflict in conflicts:
        if not conflict.kind.startswith("app_"):
            continue
        involved = [rec for rec in conflict.records if rec["unit_id"] in mine]
        if not involved:
            continue
        if own_only:
            # conflict.value joins every application's name, which can name another unit: left out
            apps.append({"value": "", "apps": [rec["label"] for rec in involved],
                         "others": len(conflict.records) - len(involved), "units": []})
        else:
            apps.append({"value": conflict.value, "apps": [rec["label"] for rec in conflict.records],
                         "others": 0, "units": sorted({rec["unit"] for rec in conflict.records})})
    problems["duplicate_apps"] = apps[:TOP * 2]
    return problems


def overview(*, session: Session, viewer: Viewer, period_id: int, zone: ZoneInfo, org_name: str = "") -> Overview:
    """Everything the leadership overview and the annual report show for a period, for this viewer."""
    require_role(viewer, Role.ADMIN, Role.PIMPINAN, Role.SKPD)
    period = get_period(session, period_id)
    scope = unit_scope(session, viewer)
    own_only = scope is not None
    # Looked up once: the open-duplicates figure and the duplicate-application problems both need them.
    conflicts = duplicates.find_conflicts(session=session, viewer=SYSTEM, org_name=org_name)
    city, rows = _city(session, period, zone, org_name, conflicts)
    rows = [r for r in rows if scope is None or r.unit_id in scope]
    previous = session.scalar(select(EvaluationPeriod).where(EvaluationPeriod.year < period.year)
                              .order_by(EvaluationPeriod.year.desc()))
    city_previous, previous_rows = (_city(session, previous, zone, org_name, conflicts) if previous else (None, []))

    weakest = []
    for ind in city.framework.indicators():
        levels = [r.levels.get(ind.number) for r in rows if r.levels.get(ind.number) is not None]
        if levels:
            weakest.append((ind.number, sum(levels) / len(levels)))
    weakest.sort(key=lambda p: (p[1], p[0]))

    trend = []
    for older in session.scalars(select(EvaluationPeriod).where(EvaluationPeriod.year <= period.year)
                                 .order_by(EvaluationPeriod.year)):
        if older.id == period.id:
            figures, older_rows = city, rows
        elif previous is not None and older.id == previous.id:
            figures, older_rows = city_previous, previous_rows
        else:
            figures, older_rows = _city(session, older, zone, org_name, conflicts)
        # Each value under its own framework's series and with its own predicate: never one line across two scales.
        code, band = figures.framework.code, figures.framework.band
        head = figures.headline  # a running period's provisional figure, marked so, as on the headline
        trend += [{"year": older.year, "series": f"city_index:{code}", "value": head.value,
                   "framework": code, "band": band(head.value), "provisional": head.provisional},
                  {"year": older.year, "series": "city_readiness", "value": figures.readiness}]
        if own_only:
            for r in older_rows:
                if r.unit_id == viewer.unit_id:
                    trend += [{"year": older.year, "series": f"unit_index:{code}", "value": r.spbe,
                               "framework": code, "band": band(r.spbe)},
                              {"year": older.year, "series": "unit_readiness", "value": r.readiness.index}]
    return Overview(period, city.framework, previous, period.city_method, city, city_previous, rows, weakest[:TOP],
                    _problems(rows, conflicts, own_only),
                    [p for p in trend if p["value"] is not None], own_only)


def recommendations(view: Overview, unit_id: int | None = None) -> list[tuple[str, dict]]:
    """What to do next, as (message key, values): the weakest indicators first, then the top problems.
    With `unit_id`, for that unit alone."""
    out: list[tuple[str, dict]] = []
    if unit_id is None:
        weakest = view.weakest_indicators[:3]
        problems = view.problems
    else:
        row = next(r for r in view.rows if r.unit_id == unit_id)
        known = sorted((lv, n) for n, lv in row.levels.items() if lv is not None)
        weakest = [(n, lv) for lv, n in known[:3]]
        problems = {k: [p for p in v if p.get("unit_id") == unit_id] for k, v in view.problems.items()
                    if k != "duplicate_apps"}
        for name, measured in row.readiness.measures.items():
            if measured.level is not None and measured.level <= 2:
                out.append(("rec.measure", {"measure": name, "level": measured.level}))
    for number, level in weakest:
        out.append(("rec.indicator" if unit_id is None else "rec.indicator_unit",
                    {"number": number, "name": view.framework.indicator(number).name, "level": level}))
    for p in problems.get("downtime", [])[:3]:
        out.append(("rec.downtime", {"unit": p["unit"], "minutes": p["value"], "incidents": p["incidents"]}))
    for p in problems.get("past_life", [])[:3]:
        out.append(("rec.past_life", {"unit": p["unit"], "count": p["value"]}))
    for p in problems.get("no_staff", [])[:3]:
        out.append(("rec.no_staff", {"unit": p["unit"], "areas": p["areas"]}))
    for p in problems.get("duplicate_apps", [])[:3]:
        out.append(("rec.duplicate_apps", {"value": p["value"], "apps": p["apps"]}))
    return out
