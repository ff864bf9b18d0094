"""Indeks Kesiapan TIK: measured figures from the store, levels by versioned thresholds, frozen at closing."""

import pytest
from sqlalchemy import select

from core.errors import ImportRejected, PermissionDenied
from core.evaluation import lifecycle, readiness
from core.inventory.kinds import APPLICATION, DEVICE, STAFF
from core.org import units
from db.engine import session_scope
from db.evaluation import ReadinessRule
from db.types import utcnow
from tests.evaluation import new_period
from tests.inventory import add, device_cells
from tests.monitoring import JAKARTA, add_target

YEAR = utcnow().year


def dinkes_inventory(store, admin, city):
    """100 employees; 3 devices (one past its life, one damaged); 2 staff covering 2 areas; 2 applications."""
    with session_scope(store.engine) as s:
        units.set_employees(session=s, viewer=admin, unit_id=city.units["DINKES"], employees=100)
    add(store, admin, DEVICE, device_cells("DINKES", "SN-1", purchase_year=YEAR - 1),
        device_cells("DINKES", "SN-2", purchase_year=YEAR - 2, condition="Rusak Ringan"),
        device_cells("DINKES", "SN-3", purchase_year=YEAR - 12))
    add(store, admin, STAFF, {"unit": "DINKES", "name": "Ani", "employment": "Non-ASN", "competence_keamanan": "Mahir"},
        {"unit": "DINKES", "name": "Budi", "employment": "Non-ASN", "competence_data": "Dasar"})
    add(store, admin, APPLICATION,
        {"unit": "DINKES", "name": "SIMPUS", "hosting": "Pusat data Diskominfo", "integrations": "SATUSEHAT"},
        {"unit": "DINKES", "name": "Antrean", "hosting": "Cloud"})


def measured(store, viewer, period_id, unit_id):
    with store.session() as s:
        rows = readiness.readiness(session=s, viewer=viewer, period_id=period_id, zone=JAKARTA, unit_id=unit_id)
    return rows[0] if rows else None


def test_every_figure_comes_from_the_store_with_the_inputs_behind_it(store, city, admin):
    period = new_period(store, admin, YEAR)
    dinkes_inventory(store, admin, city)
    row = measured(store, admin, period, city.units["DINKES"])
    m = row.measures
    assert m["availability"].value is None and m["availability"].level is None  # no targets: not measured
    assert m["devices_in_life"].value == pytest.approx(200 / 3)
    assert m["devices_in_life"].inputs == {"dated": 3, "in_life": 2, "year": YEAR}
    assert m["devices_good"].value == pytest.approx(200 / 3) and m["devices_good"].level == 3
    assert m["devices_per_employee"].value == pytest.approx(0.03) and m["devices_per_employee"].level == 1
    assert m["staff_per_100"].value == pytest.approx(2.0) and m["staff_per_100"].level == 4
    assert m["competence_coverage"].value == pytest.approx(100 / 3) and m["competence_coverage"].level == 2
    assert set(m["competence_coverage"].inputs["missing"]) == {"proses_bisnis", "arsitektur", "aplikasi",
                                                              "infrastruktur"}
    assert (m["apps_pdn"].value, m["apps_integrated"].value) == (50.0, 50.0)
    assert m["open_duplicates"].value == 0 and m["open_duplicates"].level == 5
    levels = {code: x.level for code, x in m.items() if x.level is not None}
    assert row.index == pytest.approx(sum(levels.values()) / len(levels))  # default weights are 1 off availability


def test_availability_counts_when_the_unit_has_targets(store, city, admin):
    from tests.test_scope import feed_every

    period = new_period(store, admin, YEAR)
    feed_every(store, city, {"DINKES": add_target(store, admin, city.units["DINKES"], kind="ping")})
    row = measured(store, admin, period, city.units["DINKES"])
    assert row.measures["availability"].inputs["targets"] == 1
    assert row.measures["availability"].value is not None and row.measures["availability"].level is not None


@pytest.mark.parametrize(("value", "higher", "expected"), [
    (94.9, True, 1), (95.0, True, 2), (98.99, True, 3), (99.0, True, 4), (99.5, True, 5), (None, True, None),
    (6, False, 1), (5, False, 2), (3, False, 3), (1, False, 4), (0, False, 5),
])
def test_thresholds_map_a_value_to_a_level(value, higher, expected):
    rule = {"thresholds": [95, 98, 99, 99.5] if higher else [5, 3, 1, 0], "weight": 1}
    assert readiness.level(value, rule, higher) == expected


def test_admin_edits_add_a_version_and_change_the_levels(store, city, admin, operator_b):
    period = new_period(store, admin, YEAR)
    dinkes_inventory(store, admin, city)
    before = measured(store, admin, period, city.units["DINKES"])
    with session_scope(store.engine) as s:
        version = readiness.save_rules(session=s, viewer=admin, period_id=period, rules={
            "devices_per_employee": {"thresholds": [0.01, 0.02, 0.025, 0.03], "weight": 4}})
    after = measured(store, admin, period, city.units["DINKES"])
    assert version == 2
    assert (before.measures["devices_per_employee"].level, after.measures["devices_per_employee"].level) == (1, 5)
    assert after.index > before.index
    with store.session() as s:
        versions = readiness.rule_versions(session=s, viewer=operator_b, period_id=period)
        assert [v.version for v in versions] == [2, 1]
        assert versions[1].rules["devices_per_employee"]["thresholds"] == [0.3, 0.5, 0.7, 0.9]  # kept
        with pytest.raises(ImportRejected) as refused:
            readiness.save_rules(session=s, viewer=admin, period_id=period, rules={
                "staff_per_100": {"thresholds": [3, 2, 1, 0.5], "weight": 1},
                "open_duplicates": {"thresholds": [0, 1, 3, 5], "weight": -1}})
        assert {p.key for p in refused.value.problems} == {"readiness.thresholds_up", "readiness.thresholds_down",
                                                           "readiness.weight_invalid"}
        with pytest.raises(PermissionDenied):
            readiness.save_rules(session=s, viewer=operator_b, period_id=period, rules={})
        assert len(s.scalars(select(ReadinessRule)).all()) == 2


def test_closing_a_period_freezes_its_figures(store, city, admin):
    period = new_period(store, admin, YEAR)
    dinkes_inventory(store, admin, city)
    with session_scope(store.engine) as s:
        lifecycle.close_period(session=s, viewer=admin, period_id=period, zone=JAKARTA)
    add(store, admin, DEVICE, *[device_cells("DINKES", f"SN-NEW-{n}", purchase_year=YEAR) for n in range(5)])
    frozen = measured(store, admin, period, city.units["DINKES"])
    assert frozen.measures["devices_in_life"].inputs["dated"] == 3
    with session_scope(store.engine) as s:
        lifecycle.reopen_period(session=s, viewer=admin, period_id=period)
    live = measured(store, admin, period, city.units["DINKES"])
    assert live.measures["devices_in_life"].inputs["dated"] == 8


def test_each_period_counts_ages_at_its_own_year_end(store, city, admin):
    last, current = new_period(store, admin, YEAR - 1), new_period(store, admin, YEAR)
    add(store, admin, DEVICE, device_cells("DINKES", "SN-OLD", purchase_year=YEAR - 4),  # a PC lives 4 years
        device_cells("DINKES", "SN-NEW", purchase_year=YEAR))  # bought after last year: not counted then
    assert measured(store, admin, last, city.units["DINKES"]).measures["devices_in_life"].inputs == {
        "dated": 1, "in_life": 1, "year": YEAR - 1}
    assert measured(store, admin, current, city.units["DINKES"]).measures["devices_in_life"].inputs == {
        "dated": 2, "in_life": 1, "year": YEAR}
