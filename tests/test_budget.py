"""What-if budget: the optimiser is exact (checked against every subset of small instances), honours every
ceiling and manual choice, the policies order what they promise, the projection moves the indicators a
funded need touches, and saved scenarios are owned, compared, adopted and exported like an RKA annex."""

import io
import itertools
import random

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core.access import Role, Viewer
from core.errors import NotFound, PermissionDenied, ValidationError
from core.evaluation import readiness
from core.inventory.kinds import DEVICE
from core.needs import budget, checks, rka
from core.needs.budget import Base, Candidate, Params
from db.engine import session_scope
from db.needs import Need
from tests.conftest import UNIT_A
from tests.evaluation import new_period
from tests.inventory import add, device_cells
from tests.monitoring import JAKARTA
from tests.needs import NEXT_YEAR, add_needs, approve, need_cells, needs_in_every_unit

CATEGORIES = ("hardware", "software", "training")


def candidate(i: int, price: int, unit: int = 1, category: str = "hardware", priority: int = 3, **extra) -> Candidate:
    fields = {"device_category": "", "quantity": 1, "mandatory": False, "status": "approved", "replaces": (),
              "improves_apps": (), "indicators": (), "competence_areas": ()}
    fields.update(extra)
    return Candidate(id=i, unit_id=unit, item=f"Kebutuhan {i}", category=category, unit_price=price,
                     priority=priority, **fields)


def base_of(candidates: list[Candidate], measures=None, devices=None, gains=None) -> Base:
    units = {c.unit_id: (f"U{c.unit_id}", f"Unit {c.unit_id}", f"Unit nomor {c.unit_id}") for c in candidates}
    base = Base(NEXT_YEAR, candidates, units, NEXT_YEAR - 1 if measures else None, readiness.default_rules(), measures or {},
                devices or {}, {})
    base.gains = gains if gains is not None else budget._gains(base)
    return base


def objective(base: Base, params: Params, chosen: set[int]) -> float:
    cost = budget.costs(base, params)
    weights = budget._weights(base, params, cost)
    return sum(w for c, w in zip(base.candidates, weights, strict=True) if c.id in chosen)


def feasible(base: Base, params: Params, chosen: set[int]) -> bool:
    cost = budget.costs(base, params)
    limits = budget.limits(base, params, cost)
    if sum(cost[i] for i in chosen) > params.ceiling:
        return False
    if not set(params.include) <= chosen or chosen & set(params.exclude):
        return False
    return all(sum(cost[c.id] for c in base.candidates if c.id in chosen and c.category == cat) <= limit
               for cat, limit in limits.items())


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("policy", budget.POLICIES)
def test_the_optimiser_finds_the_best_subset_a_full_enumeration_finds(seed, policy):
    rng = random.Random(seed)
    candidates = [candidate(i, rng.randrange(1, 60) * 1_000_000, unit=rng.randint(1, 3),
                            category=rng.choice(CATEGORIES), priority=rng.randint(1, 5), mandatory=rng.random() < 0.2)
                  for i in range(1, 13)]
    gains = {c.id: rng.choice([0.0, 0.0, 0.1, 0.25, 0.4]) for c in candidates}
    base = base_of(candidates, gains=gains)
    total = sum(c.requested for c in candidates)
    params = Params(ceiling=total // 2, policy=policy, category_cuts={"hardware": 30.0},
                    category_limits={"software": total // 6}, escalation=5.0, include=(candidates[0].id,)
                    if candidates[0].requested * 1.05 <= total // 6 else (), exclude=(candidates[1].id,))
    plan = budget.optimise(base, params)
    assert feasible(base, params, set(plan.funded))
    best = max(objective(base, params, set(subset)) for n in range(len(candidates) + 1)
               for subset in itertools.combinations([c.id for c in candidates], n)
               if feasible(base, params, set(subset)))
    gap = budget.GAIN_GAP if policy == "gain" else budget.GAP
    assert objective(base, params, set(plan.funded)) >= best * (1 - gap) - 1e-9
    assert plan.status == "optimal"


def test_priority_one_goes_before_priority_five_and_mandatory_before_both():
    base = base_of([candidate(1, 10_000_000, priority=5, mandatory=True), candidate(2, 10_000_000, priority=1),
                    candidate(3, 10_000_000, priority=5)])
    assert budget.optimise(base, Params(ceiling=10_000_000)).funded == {2}
    assert budget.optimise(base, Params(ceiling=10_000_000, policy="mandatory")).funded == {1}
    assert budget.optimise(base, Params(ceiling=20_000_000, policy="mandatory")).funded == {1, 2}


def test_a_large_low_priority_need_does_not_leave_the_ceiling_half_spent():
    base = base_of([candidate(1, 60_000_000, priority=1), candidate(2, 50_000_000, priority=2),
                    candidate(3, 40_000_000, priority=5)])
    plan = budget.optimise(base, Params(ceiling=100_000_000))
    assert plan.funded == {1, 3}  # 16 × 60 + 1 × 40 beats 16 × 60 alone and 8 × 50 + 1 × 40


def test_escalation_cuts_and_category_limits_bind():
    base = base_of([candidate(1, 40_000_000), candidate(2, 40_000_000), candidate(3, 10_000_000, category="software"),
                    candidate(4, 10_000_000, category="software")])
    assert budget.optimise(base, Params(ceiling=100_000_000)).funded == {1, 2, 3, 4}
    escalated = budget.optimise(base, Params(ceiling=100_000_000, escalation=15.0))
    assert escalated.costs[1] == 46_000_000  # 115 M asked: both PCs (92 M) outspend one PC and both licences (69 M)
    assert escalated.funded == {1, 2}
    cut = budget.optimise(base, Params(ceiling=100_000_000, category_cuts={"hardware": 50.0}))
    assert cut.limits == {"hardware": 40_000_000} and cut.funded in ({1, 3, 4}, {2, 3, 4})
    limited = budget.optimise(base, Params(ceiling=100_000_000, category_limits={"software": 15_000_000},
                                           category_cuts={"software": 10.0}))
    assert limited.limits == {"software": 15_000_000} and len(limited.funded & {3, 4}) == 1


def test_manual_include_and_exclude_win_and_an_impossible_choice_says_why():
    base = base_of([candidate(1, 10_000_000, priority=1), candidate(2, 30_000_000, priority=5)])
    assert budget.optimise(base, Params(ceiling=30_000_000)).funded == {1}
    assert budget.optimise(base, Params(ceiling=30_000_000, include=(2,))).funded == {2}
    assert budget.optimise(base, Params(ceiling=30_000_000, exclude=(1,))).funded == {2}
    with pytest.raises(ValidationError) as over:
        budget.optimise(base, Params(ceiling=20_000_000, include=(2,)))
    assert over.value.key == "budget.included_over_ceiling"
    with pytest.raises(ValidationError) as over_limit:
        budget.optimise(base, Params(ceiling=50_000_000, include=(2,), category_limits={"hardware": 20_000_000}))
    assert over_limit.value.key == "budget.included_over_limit"
    for bad in (Params(ceiling=-1), Params(ceiling=1, policy="lottery"), Params(ceiling=1, escalation=500),
                Params(ceiling=1, category_cuts={"hardware": 120}), Params(ceiling=1, category_limits={"meja": 1})):
        with pytest.raises(ValidationError):
            budget.optimise(base, bad)


def measured(dated=10, in_life=2, devices=10, good=4, in_use=10, employees=20, availability=96.0, goal=99.5,
             missing=("keamanan", "data"), apps=4, pdn=1, integrated=1, staff=1):
    return {
        "availability": (availability, {"goal": goal, "measured_h": 100.0, "up_h": availability}),
        "devices_in_life": (100 * in_life / dated, {"dated": dated, "in_life": in_life}),
        "devices_good": (100 * good / devices, {"devices": devices, "good": good}),
        "devices_per_employee": (in_use / employees, {"in_use": in_use, "employees": employees}),
        "staff_per_100": (staff * 100 / employees, {"staff": staff, "employees": employees}),
        "competence_coverage": (100 * (6 - len(missing)) / 6, {"missing": list(missing)}),
        "apps_pdn": (100 * pdn / apps, {"apps": apps, "pdn": pdn}),
        "apps_integrated": (100 * integrated / apps, {"apps": apps, "integrated": integrated}),
        "open_duplicates": (0.0, {"conflicts": 0}),
    }


def test_replacing_devices_past_their_life_raises_the_asset_levels_and_the_readiness_index():
    old = {d: {"unit_id": 1, "dated": True, "in_life": False, "good": False, "in_use": True} for d in range(100, 106)}
    base = base_of([candidate(1, 10_000_000, quantity=6, device_category="pc", replaces=tuple(old)),
                    candidate(2, 10_000_000, unit=1, category="software")],
                   measures={1: measured()}, devices=old)
    funded = budget.evaluate_plan(base, Params(ceiling=60_000_000), budget.optimise(base, Params(ceiling=60_000_000,
                                                                                             exclude=(2,))))
    [unit] = funded.units
    assert unit.levels["devices_in_life"] == (1, 4)  # 2 of 10 in life (20 %) → 8 of 10 (80 %: level 4 from 70 %)
    assert unit.levels["devices_good"] == (1, 5)  # 4 of 10 good → 10 of 10 (level 5 from 90 %)
    assert unit.readiness_after > unit.readiness
    assert base.gains[1] > 0 and base.gains[2] == 0
    unfunded = budget.evaluate_plan(base, Params(ceiling=0), budget.optimise(base, Params(ceiling=0)))
    assert unfunded.units[0].readiness_after == unfunded.units[0].readiness


def test_training_networks_and_applications_move_their_own_indicators():
    apps = {7: {"unit_id": 1, "pdn": False, "integrated": False}}
    needs = [candidate(1, 5_000_000, category="training", competence_areas=("keamanan", "data")),
             candidate(2, 20_000_000, category="connectivity", indicators=("availability",)),
             candidate(3, 30_000_000, category="application", improves_apps=(7,), indicators=("apps_pdn",)),
             candidate(4, 60_000_000, category="training", quantity=2, indicators=("staff_per_100",))]
    base = base_of(needs, measures={1: measured(employees=100)})
    base.apps = apps
    result = budget.evaluate_plan(base, Params(ceiling=10**9), budget.optimise(base, Params(ceiling=10**9)))
    [unit] = result.units
    assert unit.levels["competence_coverage"] == (4, 5)  # 4 of 6 areas (67 %) → 6 of 6
    assert (unit.availability, unit.availability_after) == (96.0, 99.5)  # lifted to the goal
    assert unit.levels["apps_pdn"] == (2, 3)  # 1 of 4 in the data centre → 2 of 4
    assert unit.levels["staff_per_100"] == (3, 5)  # 1 per 100 employees → 3 per 100
    assert result.city["availability_after"] == pytest.approx(99.5)


def test_the_gain_policy_funds_what_raises_readiness_most_for_the_money():
    old = {d: {"unit_id": 1, "dated": True, "in_life": False, "good": False, "in_use": True} for d in range(100, 106)}
    base = base_of([candidate(1, 50_000_000, quantity=1, device_category="pc", replaces=tuple(old)[:6], priority=5),
                    candidate(2, 50_000_000, category="software", priority=1)],
                   measures={1: measured()}, devices=old)
    assert budget.optimise(base, Params(ceiling=50_000_000)).funded == {2}
    assert budget.optimise(base, Params(ceiling=50_000_000, policy="gain")).funded == {1}


def test_five_thousand_needs_are_solved_to_a_proven_optimum():
    rng = random.Random(7)
    candidates = [candidate(i, rng.randrange(1, 500) * 1_000_000, unit=rng.randint(1, 90),
                            category=rng.choice(CATEGORIES), priority=rng.randint(1, 5)) for i in range(5000)]
    base = base_of(candidates, gains={c.id: rng.random() / 10 for c in candidates})
    total = sum(c.requested for c in candidates)
    for policy in budget.POLICIES:
        plan = budget.optimise(base, Params(ceiling=total * 2 // 5, policy=policy, category_cuts={"software": 20.0}))
        assert plan.status == "optimal" and plan.gap <= (budget.GAIN_GAP if policy == "gain" else budget.GAP)
        assert sum(plan.costs[i] for i in plan.funded) <= total * 2 // 5


# Through the store ----------------------------------------------------------------------------------------

def test_scenarios_are_named_owned_compared_and_deleted(store, city, admin, pimpinan, operator_a):
    needs_in_every_unit(store, admin, city)
    other = Viewer(99, "pimpinan2", Role.PIMPINAN)
    with session_scope(store.engine) as s:
        mine = budget.save_scenario(session=s, viewer=pimpinan, fiscal_year=NEXT_YEAR, name="  Pagu  indikatif ",
                                    params=Params(ceiling=20_000_000))
        ids = [mine.id] + [budget.save_scenario(session=s, viewer=admin, fiscal_year=NEXT_YEAR, name=f"Uji {n}",
                                                params=Params(ceiling=n * 10_000_000)).id for n in range(1, 5)]
        assert mine.name == "Pagu indikatif"
        with pytest.raises(ValidationError):
            budget.save_scenario(session=s, viewer=admin, fiscal_year=NEXT_YEAR, name="Pagu indikatif",
                                 params=Params(ceiling=1))
        with pytest.raises(PermissionDenied):
            budget.save_scenario(session=s, viewer=other, fiscal_year=NEXT_YEAR, name="Pagu indikatif",
                                 params=Params(ceiling=1), scenario_id=mine.id)
        with pytest.raises(PermissionDenied):
            budget.save_scenario(session=s, viewer=operator_a, fiscal_year=NEXT_YEAR, name="Unit", params=Params(1))
        budget.save_scenario(session=s, viewer=admin, fiscal_year=NEXT_YEAR, name="Pagu indikatif",
                             params=Params(ceiling=25_000_000), scenario_id=mine.id)  # an admin may
        compared = budget.compare(session=s, viewer=pimpinan, scenario_ids=ids[:4], zone=JAKARTA)
        assert [o.funded for _s, o in compared] == [24_000_000, 8_000_000, 20_000_000, 28_000_000]
        with pytest.raises(ValidationError):
            budget.compare(session=s, viewer=pimpinan, scenario_ids=ids, zone=JAKARTA)  # five
        with pytest.raises(PermissionDenied):
            budget.delete_scenario(session=s, viewer=other, scenario_id=mine.id)
        budget.delete_scenario(session=s, viewer=pimpinan, scenario_id=mine.id)
        with pytest.raises(NotFound):
            budget.get_scenario(session=s, viewer=pimpinan, scenario_id=mine.id)


def test_adopting_marks_the_funded_needs_and_an_adopted_scenario_is_kept(store, city, admin, pimpinan):
    ids = needs_in_every_unit(store, admin, city)
    with session_scope(store.engine) as s:
        scenario = budget.save_scenario(session=s, viewer=pimpinan, fiscal_year=NEXT_YEAR, name="APBD",
                                        params=Params(ceiling=12_000_000, exclude=(ids["DINKES"],)))
        assert budget.adopt(session=s, viewer=pimpinan, scenario_id=scenario.id, zone=JAKARTA) == 3
        with pytest.raises(ValidationError):
            budget.delete_scenario(session=s, viewer=pimpinan, scenario_id=scenario.id)
    with store.session() as s:
        funded = set(s.scalars(select(Need.id).where(Need.funded.is_(True))))
        assert len(funded) == 3 and ids["DINKES"] not in funded
        assert budget.scenarios(session=s, viewer=admin, fiscal_year=NEXT_YEAR)[0].adopted_at is not None


def test_an_operator_reads_the_outcome_for_their_own_units_and_the_city_totals(store, city, admin, pimpinan,
                                                                               operator_a):
    needs_in_every_unit(store, admin, city)
    new_period(store, admin, NEXT_YEAR - 1)
    params = Params(ceiling=20_000_000)
    with store.session() as s:
        everyone = budget.outcome(session=s, viewer=pimpinan, fiscal_year=NEXT_YEAR, params=params, zone=JAKARTA)
        mine = budget.outcome(session=s, viewer=operator_a, fiscal_year=NEXT_YEAR, params=params, zone=JAKARTA)
    own = city.subtree(UNIT_A)
    assert {r["unit_id"] for r in mine.rows} == own and {u.unit_id for u in mine.units} == own
    assert {r["id"] for r in mine.rows if r["funded"]} == {r["id"] for r in everyone.rows if r["funded"]
                                                           and r["unit_id"] in own}
    assert mine.city == everyone.city and mine.own_only and not everyone.own_only
    with pytest.raises(PermissionDenied), store.session() as s:
        budget.base_for(session=s, viewer=operator_a, fiscal_year=NEXT_YEAR, zone=JAKARTA)


def test_the_rka_workbook_groups_by_unit_sub_activity_and_account_and_totals_the_funded_needs(store, city, admin,
                                                                                              pimpinan, operator_a):
    [pc, licence, formula] = add_needs(
        store, admin, need_cells(UNIT_A, "PC desktop", 10_000_000, quantity=2, device_category="PC", priority=1,
                                 sub_activity="1.02.01.2.07.0006"),
        need_cells(UNIT_A, "Lisensi kantor", 200_000, quantity=5, category="Perangkat lunak/lisensi"),
        need_cells("DINKES", "=HYPERLINK(\"http://x\")", 50_000_000, priority=5))
    approve(store, admin, [pc, licence, formula])
    params = Params(ceiling=40_000_000)
    with store.session() as s:
        data = rka.export(session=s, viewer=pimpinan, fiscal_year=NEXT_YEAR, params=params, zone=JAKARTA,
                          org_name="Kota Uji")
        theirs = rka.export(session=s, viewer=operator_a, fiscal_year=NEXT_YEAR, params=params, zone=JAKARTA,
                            org_name="Kota Uji")
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Ringkasan", "Rincian Belanja", "Tidak Didanai"]
    lines = [r for r in book["Rincian Belanja"].iter_rows(values_only=True) if any(v is not None for v in r)]
    assert lines[0][0] == "RINCIAN ANGGARAN BELANJA TEKNOLOGI INFORMASI DAN KOMUNIKASI"
    assert "Aturan belum disimpan" in lines[2][0]  # never saved: titled so, not by a name
    assert ("1", "KEC-KLOJEN", "Kecamatan Klojen", None, None, None, None, 21_000_000, None, None) in lines
    # The PC is capital spending (Rp 10 juta ≥ the Rp 1 juta threshold), the licence goods (Rp 200.000).
    # No SIPD line names the sub-activity yet: the row says so rather than leave its Uraian blank.
    assert ("1.1", "1.02.01.2.07.0006", "Nama sub kegiatan belum diketahui (belum ada di baris SIPD yang diimpor)",
            None, None, None, None, 20_000_000, None, None) in lines
    assert ("1.1.1", "5.2.02.10.01.0002", "Belanja Modal Personal Computer", None, None, None, None, 20_000_000,
            None, None) in lines
    assert ("1.1.1.1", None, "PC desktop", None, 2, "unit", 10_000_000, 20_000_000, 1, "Perangkat keras") in lines
    assert ("1.2", None, "Sub kegiatan belum diisi", None, None, None, None, 1_000_000, None, None) in lines
    assert ("1.2.1.1", None, "Lisensi kantor", None, 5, "lisensi", 200_000, 1_000_000, 3,
            "Perangkat lunak/lisensi") in lines
    assert lines[-1][2] == "JUMLAH TOTAL" and lines[-1][7] == 21_000_000
    unfunded = [r for r in book["Tidak Didanai"].iter_rows() if r[2].value and "HYPERLINK" in str(r[2].value)]
    assert unfunded[0][2].value == "=HYPERLINK(\"http://x\")"  # shown as typed
    assert unfunded[0][2].data_type == "s" and unfunded[0][2].quotePrefix  # text, never a formula
    cells = " ".join(str(v) for sheet in load_workbook(io.BytesIO(theirs)) for row in sheet.iter_rows(values_only=True)
                     for v in row if v is not None)
    assert "KEC-KLOJEN" in cells and "DINKES" not in cells and "Dinas Kesehatan" not in cells


def test_the_projection_reads_the_inventory_a_funded_replacement_changes(store, city, admin):
    period = new_period(store, admin, NEXT_YEAR - 1)
    add(store, admin, DEVICE, *[device_cells(UNIT_A, f"SN-OLD-{n}", purchase_year=2012) for n in range(3)],
        device_cells(UNIT_A, "SN-NEW", purchase_year=NEXT_YEAR - 2))
    [need] = add_needs(store, admin, need_cells(UNIT_A, "PC pengganti", 10_000_000, quantity=3, device_category="PC",
                                                replaces="SN-OLD-0, SN-OLD-1, SN-OLD-2"))
    approve(store, admin, [need])
    with store.session() as s:
        base = budget.base_for(session=s, viewer=admin, fiscal_year=NEXT_YEAR, zone=JAKARTA)
        current = readiness.readiness(session=s, viewer=admin, period_id=period, zone=JAKARTA,
                                      unit_id=city.units[UNIT_A])[0]
    result = budget.evaluate_plan(base, Params(ceiling=30_000_000), budget.optimise(base, Params(ceiling=30_000_000)))
    unit = next(u for u in result.units if u.code == UNIT_A)
    assert unit.readiness == pytest.approx(current.index)
    assert current.measures["devices_in_life"].value == 25.0
    assert unit.levels["devices_in_life"] == (1, 5)


def test_checks_and_budget_agree_on_what_an_adopted_year_funded(store, city, admin, pimpinan):
    add(store, admin, DEVICE, device_cells(UNIT_A, "SN-OLD", purchase_year=2012))
    [first] = add_needs(store, admin, need_cells(UNIT_A, "PC", 10_000_000, device_category="PC", replaces="SN-OLD",
                                                 fiscal_year=NEXT_YEAR - 1))
    approve(store, admin, [first])
    with session_scope(store.engine) as s:
        scenario = budget.save_scenario(session=s, viewer=pimpinan, fiscal_year=NEXT_YEAR - 1, name="Nol",
                                        params=Params(ceiling=0))
        budget.adopt(session=s, viewer=pimpinan, scenario_id=scenario.id, zone=JAKARTA)  # funds nothing
    add_needs(store, admin, need_cells(UNIT_A, "PC", 10_000_000, device_category="PC", replaces="SN-OLD"))
    with store.session() as s:
        assert checks.find(session=s, viewer=admin, fiscal_year=NEXT_YEAR, kinds=("funded_before",)) == []
