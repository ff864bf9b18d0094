"""The availability report: same figures as the availability function, goals, MTTR/MTBF, scope."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from core.monitoring import availability, uptime
from db.engine import session_scope
from db.monitoring import Target
from tests.monitoring import JAKARTA, add_target
from tests.test_availability import T0, feed

END = T0 + timedelta(hours=2)


@pytest.fixture
def fed(store, admin, city):
    ids = {}
    for code, statuses, criticality in (("DINKES", ["UP"] * 110 + ["DOWN"] * 10, "critical"),
                                        ("KEL-KAUMAN", ["UP"] * 120, "normal")):
        tid = add_target(store, admin, city.units[code], name=code, kind="ping", criticality=criticality)
        with session_scope(store.engine) as s:
            s.execute(update(Target).where(Target.id == tid).values(created_at=T0))
        feed(store, tid, city.units[code], statuses)
        ids[code] = tid
    return ids  # the ten failures opened one incident at minute 110, still open at the window's end


def report(store, viewer):
    with store.session() as s:
        return {r.code: r for r in uptime.unit_report(session=s, viewer=viewer, start=T0, end=END, zone=JAKARTA)}


def test_the_report_gives_the_same_figure_as_the_availability_function(store, admin, city, fed):
    rows = report(store, admin)
    with store.session() as s:
        for code in ("DINKES", "KEL-KAUMAN"):
            direct = availability.for_unit(session=s, viewer=admin, unit_id=city.units[code], start=T0, end=END,
                                           zone=JAKARTA)
            assert rows[code].figure.percent == pytest.approx(direct.percent)
    assert rows["DINKES"].figure.percent == pytest.approx(110 / 120 * 100)


def test_goal_follows_the_most_critical_target_and_mttr_mtbf_come_from_incidents(store, admin, city, fed):
    rows = report(store, admin)
    dinkes = rows["DINKES"]
    assert (dinkes.goal, dinkes.meets_goal) == (99.5, False)
    assert (rows["KEL-KAUMAN"].goal, rows["KEL-KAUMAN"].meets_goal) == (98.0, True)
    assert dinkes.incidents == 1 and dinkes.mttr_min == pytest.approx(10)
    assert dinkes.mtbf_h == pytest.approx(110 / 60)
    assert dinkes.downtime_min == pytest.approx(10)


def test_the_worst_unit_comes_first(store, admin, city, fed):
    with store.session() as s:
        rows = uptime.unit_report(session=s, viewer=admin, start=T0, end=END, zone=JAKARTA)
    assert [r.code for r in rows] == ["DINKES", "KEL-KAUMAN"]


def test_an_operator_sees_only_their_units_in_the_report_days_and_incidents(store, city, fed, operator_a):
    assert set(report(store, operator_a)) == {"KEL-KAUMAN"}
    with store.session() as s:
        days = uptime.daily(session=s, viewer=operator_a, start=T0 - timedelta(days=1), end=END + timedelta(days=1))
        events = uptime.incidents(session=s, viewer=operator_a, start=T0, end=END)
    assert {u for u, _d, _p in days} == {city.units["KEL-KAUMAN"]} and events == []


def test_the_city_figure_weighs_units_by_measured_time_and_counts_goals(store, admin, city, fed):
    with store.session() as s:
        rows = uptime.unit_report(session=s, viewer=admin, start=T0, end=END, zone=JAKARTA)
    assert uptime.overall_percent(rows) == pytest.approx(230 / 240 * 100)
    assert uptime.goal_count(rows) == (1, 2)
