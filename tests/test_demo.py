"""The demo city: Kota Malang's units and an account for every role, with scope that makes sense."""

from sqlalchemy import func, select

from core import demo
from core.access import Role
from core.org import units, users
from core.org.logins import authenticate
from db.models import Unit, User


def test_demo_loads_every_unit_of_the_reference_file_and_every_role(store):
    with store.session() as s:
        assert demo.load(session=s) is True
        s.commit()
        assert s.scalar(select(func.count()).select_from(Unit)) == 91
        roles = {u.role for u in s.scalars(select(User))}
    assert roles == {r.value for r in Role}


def test_demo_does_not_touch_a_store_that_already_has_data(store, city):
    with store.session() as s:
        assert demo.load(session=s) is False
        assert s.scalar(select(func.count()).select_from(Unit)) == len(city.units)


def test_demo_kecamatan_operator_sees_their_kelurahan_and_nothing_else(store):
    with store.session() as s:
        demo.load(session=s)
        s.commit()
        viewer = users.load_viewer(session=s, username="klojen")
        visible = units.list_units(session=s, viewer=viewer)
    kinds = sorted({u.kind for u in visible})
    assert kinds == ["kecamatan", "kelurahan"]
    assert all(u.code == "KEC-KLOJEN" or u.code.startswith("KEL-KLOJEN-") for u in visible)
    assert len(visible) > 5


def test_demo_passwords_are_listed_for_the_login_page_and_work(store):
    with store.session() as s:
        demo.load(session=s)
        s.commit()
    logins = demo.demo_logins()
    assert {d["role"] for d in logins} == {r.value for r in Role}
    with store.session() as s:
        for d in logins:
            assert authenticate(session=s, username=d["username"], password=d["password"]).role == d["role"]


def test_demo_has_live_loopback_targets_and_a_year_of_history(store):
    from datetime import timedelta

    from core.access import SYSTEM
    from core.monitoring import availability, buckets
    from db.monitoring import Target
    from db.types import utcnow
    from tests.monitoring import JAKARTA

    loaded = utcnow()
    with store.session() as s:
        demo.load(session=s, zone=JAKARTA)
        s.commit()
        targets = s.scalars(select(Target)).all()
        hosts = {t.host for t in targets}
        now = utcnow()
        dinkes = s.scalar(select(Unit.id).where(Unit.code == "DINKES"))
        year = availability.for_unit(session=s, viewer=SYSTEM, unit_id=dinkes, start=now - timedelta(days=365),
                                     end=now, zone=JAKARTA)
        month = availability.for_unit(session=s, viewer=SYSTEM, unit_id=dinkes, start=now - timedelta(days=30),
                                      end=now, zone=JAKARTA)
    assert all(h.startswith(("127.", "http://127.0.0.1:")) for h in hosts)  # only this machine
    assert {t.kind for t in targets} == {"ping", "http", "tcp"}
    assert 90 < year.percent < 100 and year.unknown_s > 0  # two evenings without a worker, 47 and 180 days ago
    # The last 30 days are history up to the minute the demo was made in: only what came since waits for the worker.
    since = (now - buckets.floor(loaded, "minute", JAKARTA)).total_seconds()
    assert month.unknown_s <= sum(1 for t in targets if t.unit_id == dinkes) * since + 1


def test_demo_has_past_periods_on_spbe_and_this_one_on_pemdi_in_progress(store):
    from collections import Counter

    from core.access import SYSTEM
    from core.evaluation import leadership, owners
    from db.evaluation import Assessment, AssessmentAnswer, EvaluationPeriod, MeasureSnapshot
    from tests.monitoring import JAKARTA

    with store.session() as s:
        demo.load(session=s, zone=JAKARTA)
        s.commit()
        older, last, current = s.scalars(select(EvaluationPeriod).order_by(EvaluationPeriod.year)).all()
        assert [(p.status, p.framework) for p in (older, last, current)] == [
            ("closed", "spbe-2020"), ("closed", "spbe-2020"), ("open", "pemdi-2026")]
        assert current.year - older.year == 2
        assert s.scalar(select(func.count()).select_from(MeasureSnapshot).where(
            MeasureSnapshot.period_id == last.id)) == 91 * 9
        for period in (older, last):  # every unit and the city government verified
            assert set(s.scalars(select(Assessment.status).where(Assessment.period_id == period.id))) == {"verified"}
        statuses = Counter(s.scalars(select(Assessment.status).where(Assessment.period_id == current.id,
                                                                    Assessment.unit_id.is_not(None))))
        assert set(statuses) == {"draft", "submitted", "returned", "verified"}
        assert 20 < statuses["verified"] < 91
        # Owners assigned; some indicators verified, some returned with a reason; the agencies' results entered.
        progress = owners.progress(session=s, viewer=SYSTEM, period_id=current.id)
        assert len(progress) == 20 and all(p.owner for p in progress)
        states = Counter(p.status for p in progress)
        assert states["verified"] and states["returned"] and states["submitted"] and states["draft"]
        assert all(p.note for p in progress if p.status == "returned")
        city = s.scalar(select(Assessment).where(Assessment.period_id == current.id, Assessment.unit_id.is_(None)))
        external = {a.indicator: a for a in s.scalars(select(AssessmentAnswer).where(
            AssessmentAnswer.assessment_id == city.id, AssessmentAnswer.indicator.in_([5, 6, 7, 12, 18])))}
        assert len(external) == 5 and all(a.level and a.source and a.source_date for a in external.values())
        # No unit scores an outside agency's indicator itself.
        assert not s.scalar(select(func.count()).select_from(AssessmentAnswer).join(Assessment).where(
            Assessment.period_id == current.id, Assessment.unit_id.is_not(None), AssessmentAnswer.indicator == 7))
        view = leadership.overview(session=s, viewer=SYSTEM, period_id=current.id, zone=JAKARTA)
    assert view.framework.code == "pemdi-2026" and view.city_previous.framework.code == "spbe-2020"
    assert view.city.index is None and view.city.provisional is not None  # Kominfo's own is not verified yet
    assert view.city_previous.index is not None
    series = {p["series"] for p in view.trend}
    assert {"city_index:spbe-2020", "city_readiness"} <= series  # the 2026 city index is not there yet
    assert {p["year"] for p in view.trend if p["series"] == "city_index:spbe-2020"} == {older.year, last.year}
    assert all(view.problems[k] for k in ("downtime", "past_life", "no_staff", "duplicate_apps"))


def test_demo_has_a_year_of_needs_with_doubles_for_every_check_and_scenarios_to_compare(store):
    from collections import Counter

    from core.access import SYSTEM
    from core.needs import budget, checks
    from db.needs import Need, Scenario
    from db.types import utcnow
    from tests.monitoring import JAKARTA

    next_year = utcnow().year + 1
    with store.session() as s:
        demo.load(session=s, zone=JAKARTA)
        s.commit()
        per_year = Counter(s.scalars(select(Need.fiscal_year)))
        assert per_year[next_year] > 1500 and per_year[next_year - 1] > 300  # a few thousand needs in all
        units_with_needs = s.scalar(select(func.count(func.distinct(Need.unit_id))).where(Need.fiscal_year == next_year))
        assert units_with_needs == 91
        assert s.scalar(select(func.count()).select_from(Need).where(Need.fiscal_year == next_year - 1,
                                                                   Need.funded.is_(True))) > 0
        found = Counter(f.kind for f in checks.find(session=s, viewer=SYSTEM, fiscal_year=next_year))
        assert set(found) == set(checks.KINDS)
        scenarios = s.scalars(select(Scenario).where(Scenario.fiscal_year == next_year)).all()
        assert len(scenarios) == 3
        compared = budget.compare(session=s, viewer=SYSTEM, scenario_ids=[x.id for x in scenarios], zone=JAKARTA)
    assert all(0 < o.funded <= o.params.ceiling for _x, o in compared)
    assert all(o.city["readiness_after"] > o.city["readiness"] for _x, o in compared)


def test_the_demo_dashboard_target_checks_the_port_the_app_runs_on(store, monkeypatch):
    from db.monitoring import Target
    from tests.monitoring import JAKARTA

    monkeypatch.setenv("MONEV_DEMO_APP_PORT", "8611")
    with store.session() as s:
        demo.load(session=s, zone=JAKARTA)
        s.commit()
        host = s.scalar(select(Target.host).where(Target.name == "Dasbor Monev TIK"))
    assert host == "http://127.0.0.1:8611/_stcore/health"


def test_a_demo_store_opened_on_another_port_checks_that_port_so_it_shows_no_false_outage(store, monkeypatch):
    from core.demo.monitoring import follow_app_port
    from db.monitoring import Target
    from tests.monitoring import JAKARTA

    monkeypatch.setenv("MONEV_DEMO_APP_PORT", "8501")  # first `make run`
    with store.session() as s:
        demo.load(session=s, zone=JAKARTA)
        s.add(Target(unit_id=s.scalar(select(Unit.id).limit(1)), name="Dasbor Monev TIK", kind="http",
                     host="https://dasbor.malangkota.go.id/_stcore/health"))  # a real target of the same name
        s.commit()
    monkeypatch.setenv("MONEV_DEMO_APP_PORT", "8611")  # then `make run PORT=8611` on the same store
    with store.session() as s:
        assert follow_app_port(session=s) is True
        s.commit()
        assert follow_app_port(session=s) is False  # already there
        hosts = sorted(s.scalars(select(Target.host).where(Target.name == "Dasbor Monev TIK")))
    assert hosts == ["http://127.0.0.1:8611/_stcore/health", "https://dasbor.malangkota.go.id/_stcore/health"]
