"""What-if budget: (a) the optimiser on 5,000 needs for each policy (target ≤ 2 s on 2 cores), (b) on the
demo city: loading a year's needs with their measured figures, and what one slider move costs — the
optimiser and projection in-process, and the whole Skenario Anggaran page rerun through AppTest with the
loaded needs cached, as between two slider moves (target < 1 s). Medians."""

import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from bench.evaluation import median_of
from bench.pages import demo_store, page_as
from core.access import SYSTEM
from core.config import load_settings
from core.evaluation import readiness
from core.needs import budget, checks
from core.needs.budget import Base, Candidate, Params
from db.engine import session_scope
from db.needs import BudgetLine, Need
from db.types import utcnow

CATEGORIES = ("infrastructure", "hardware", "software", "application", "connectivity", "training", "service")


def synthetic(count: int = 5000, seed: int = 11) -> Base:
    """Needs shaped like the demo's: 91 units, prices from licences to servers, five priorities."""
    rng = random.Random(seed)
    candidates = []
    for i in range(count):
        category = rng.choice(CATEGORIES)
        price = round(rng.lognormvariate(16.3, 1.1), -4)  # median about Rp 12 juta
        candidates.append(Candidate(i + 1, rng.randint(1, 91), f"Kebutuhan {i}", category, "", rng.randint(1, 10),
                                    int(price), rng.choices([1, 2, 3, 4, 5], [15, 30, 30, 15, 10])[0],
                                    rng.random() < 0.05, "approved", (), (), (), ()))
    units = {u: (f"U{u}", f"Unit {u}", f"Unit {u}") for u in range(1, 92)}
    base = Base(2027, candidates, units, None, readiness.default_rules(), {}, {}, {})
    base.gains = {c.id: rng.choice([0.0, 0.0, 0.0, rng.random() / 4]) for c in candidates}
    return base


def optimiser() -> None:
    base = synthetic()
    total = sum(c.requested for c in base.candidates)
    for policy in budget.POLICIES:
        params = Params(ceiling=round(total * 0.55), policy=policy, category_cuts={"hardware": 10.0},
                        category_limits={"training": round(total * 0.05)})
        seconds, plan = median_of(lambda params=params: budget.optimise(base, params))
        print(f"budget: optimiser, {len(base.candidates)} needs, policy {policy}: median {seconds:.3f} s "
              f"({len(plan.funded)} funded, {plan.status}, proven gap {100 * plan.gap:.4f} %)")


def demo() -> None:
    folder = Path(tempfile.mkdtemp(prefix="monev-bench-budget-"))
    _env, engine = demo_store(folder)
    settings = load_settings()
    year = utcnow().year + 1

    def load():
        with session_scope(engine) as s:
            return budget.base_for(session=s, viewer=SYSTEM, fiscal_year=year, zone=settings.zone,
                                   org_name=settings.org_name)

    seconds, base = median_of(load)
    print(f"budget: demo year {year}: {len(base.candidates)} approved needs with measured figures loaded: "
          f"median {seconds:.2f} s (kept 2 min by the page)")
    total = sum(c.requested for c in base.candidates)
    ceilings = [round(total * share) for share in (0.4, 0.5, 0.6, 0.7)]
    moves = []
    for ceiling in ceilings * 3:
        start = time.perf_counter()
        params = Params(ceiling=ceiling)
        budget.evaluate_plan(base, params, budget.optimise(base, params))
        moves.append(time.perf_counter() - start)
    print(f"budget: demo slider move in-process (optimise + project {len(base.units)} units): "
          f"median {statistics.median(moves):.3f} s over {len(moves)}")

    def find():
        with session_scope(engine) as s:
            return checks.find(session=s, viewer=SYSTEM, fiscal_year=year, org_name=settings.org_name)

    seconds, found = median_of(find)
    with session_scope(engine) as s:
        needs = s.scalar(select(func.count()).select_from(Need).where(Need.fiscal_year == year))
        held = s.scalar(select(func.count()).select_from(BudgetLine))
    print(f"budget: demo double-budget checks, every unit ({needs} needs of the year, {held} SIPD lines): "
          f"median {seconds:.2f} s, {len(found)} findings")

    at = page_as("pimpinan", "budget", timeout=120)
    runs = []
    for ceiling in ceilings * 3:
        start = time.perf_counter()
        at.text_input(key="budget_ceiling_exact").input(f"{ceiling:,}".replace(",", ".")).run()  # typed exactly
        runs.append(time.perf_counter() - start)
    assert not at.exception, [e.message for e in at.exception]
    print(f"budget: demo ceiling typed, whole Skenario Anggaran page rerun (AppTest, needs cached): "
          f"median {statistics.median(runs):.3f} s, max {max(runs):.3f} s over {len(runs)}")


def main() -> None:
    optimiser()
    demo()
