"""Target detail: latency over a window, check now, SNMP interfaces and traffic, certificate days, reboots."""

from datetime import UTC, datetime, timedelta

import pytest

from core.monitoring import target_detail
from db.engine import session_scope
from probes.worker import ProbeWorker
from tests.monitoring import JAKARTA, add_target, rounds
from tests.peers import device, http_server, snmpsim

HOUR = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)  # 10.00 WIB
DAY_AGO_3 = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)  # 24 Nov 00.00 WIB: a day bucket three days before


def _created(store, target, at) -> None:
    from sqlalchemy import update

    from db.monitoring import Target

    with session_scope(store.engine) as s:
        s.execute(update(Target).where(Target.id == target).values(created_at=at))


def test_latency_over_a_window_reads_the_rollup_level_that_suits_it_and_marks_down_time(store, admin, city,
                                                                                       operator_a):
    from core.errors import NotFound
    from db.monitoring import RollupDay, RollupHour, RollupMinute

    target = add_target(store, admin, city.units["DINKES"], kind="ping")
    _created(store, target, HOUR - timedelta(days=40))
    now = HOUR + timedelta(minutes=30)
    with session_scope(store.engine) as s:
        s.add(RollupMinute(target_id=target, bucket=HOUR, checks=2, latency_n=2, latency_sum_ms=30.0,
                           latency_min_ms=10.0, latency_max_ms=20.0, up_s=60))
        s.add(RollupMinute(target_id=target, bucket=HOUR + timedelta(minutes=1), checks=1, down_s=60))  # no answer
        s.add(RollupMinute(target_id=target, bucket=HOUR - timedelta(hours=2), checks=1, latency_n=1,
                           latency_sum_ms=99.0, up_s=60))  # outside the last hour
        s.add(RollupHour(target_id=target, bucket=HOUR - timedelta(hours=5), checks=60, latency_n=60,
                         latency_sum_ms=600.0, latency_min_ms=5.0, latency_max_ms=40.0, up_s=3600))
        s.add(RollupDay(target_id=target, bucket=DAY_AGO_3, checks=1440, latency_n=1440,
                        latency_sum_ms=14_400.0, up_s=86_400))
    with store.session() as s:
        hour = target_detail.latency(session=s, viewer=admin, target_id=target, window="1h", now=now, zone=JAKARTA)
        day = target_detail.latency(session=s, viewer=admin, target_id=target, window="24h", now=now, zone=JAKARTA)
        week = target_detail.latency(session=s, viewer=admin, target_id=target, window="7d", now=now, zone=JAKARTA)
        month = target_detail.latency(session=s, viewer=admin, target_id=target, window="30d", now=now, zone=JAKARTA)
        with pytest.raises(NotFound):  # another unit's target
            target_detail.latency(session=s, viewer=operator_a, target_id=target, window="24h", now=now, zone=JAKARTA)
    measured = [(p.at, p.mean_ms, p.min_ms, p.max_ms, p.down_s) for p in hour.points if p.checks]
    assert measured == [(HOUR, 15.0, 10.0, 20.0, 0), (HOUR + timedelta(minutes=1), None, None, None, 60)]
    assert {p.end - p.at for p in day.points} == {timedelta(minutes=1)}  # minutes for a day
    assert [p.at for p in day.points if p.checks] == [HOUR - timedelta(hours=2), HOUR, HOUR + timedelta(minutes=1)]
    assert [(p.at, p.mean_ms) for p in week.points if p.checks] == [(HOUR - timedelta(hours=5), 10.0)]  # hours
    assert [(p.at, p.mean_ms) for p in month.points if p.checks] == [(DAY_AGO_3, 10.0)]  # days


def test_a_24_hour_window_spans_the_whole_day_reading_hours_where_minutes_are_no_longer_kept(store, admin, city):
    """The rule: a window shows the whole window; before the minutes retention kept, the hours."""
    from core.monitoring import availability
    from db.monitoring import RollupHour, RollupMinute

    target = add_target(store, admin, city.units["DINKES"], kind="ping")
    _created(store, target, HOUR - timedelta(days=3))
    now = HOUR + timedelta(minutes=48, seconds=20)
    with session_scope(store.engine) as s:
        for back in range(1, 25):  # every hour of the day before this one
            s.add(RollupHour(target_id=target, bucket=HOUR - timedelta(hours=back), checks=60, latency_n=60,
                             latency_sum_ms=60.0 * back, latency_min_ms=1.0, latency_max_ms=90.0, up_s=3600))
        for minute in range(49):
            s.add(RollupMinute(target_id=target, bucket=HOUR + timedelta(minutes=minute), checks=1, latency_n=1,
                               latency_sum_ms=80.0, latency_min_ms=80.0, latency_max_ms=80.0, up_s=60))
        availability.set_kept_from(s, "minute", HOUR)  # as the demo leaves it: minutes from this hour on
    with store.session() as s:
        day = target_detail.latency(session=s, viewer=admin, target_id=target, window="24h", now=now, zone=JAKARTA)
    assert (day.start, day.end) == (now - timedelta(hours=24), now)
    points = day.points
    assert points[0].at <= day.start < points[0].end and points[-1].at < now <= points[-1].end
    assert all(a.end == b.at for a, b in zip(points, points[1:], strict=False))  # no hole, no overlap
    hours = [p for p in points if p.end - p.at == timedelta(hours=1)]
    assert [p.at for p in hours] == [HOUR - timedelta(hours=back) for back in range(24, 0, -1)]
    assert [p.mean_ms for p in hours] == [float(back) for back in range(24, 0, -1)]
    assert len(points) == 24 + 49 and sum(p.unknown_s for p in points) == 0


def test_time_a_target_was_down_or_not_checked_is_marked_as_such_and_has_no_latency(store, admin, city):
    """The rule: down and unknown time show as such on the chart, never as a line drawn through them."""
    from db.monitoring import RollupMinute

    target = add_target(store, admin, city.units["DINKES"], kind="tcp", port=9)
    _created(store, target, HOUR - timedelta(days=3))
    now = HOUR + timedelta(minutes=10)
    with session_scope(store.engine) as s:
        for minute in (0, 1, 2, 7, 8, 9):  # answered; nothing at all from 3 to 5 (no worker)
            s.add(RollupMinute(target_id=target, bucket=HOUR + timedelta(minutes=minute), checks=1, latency_n=1,
                               latency_sum_ms=80.0, latency_min_ms=80.0, latency_max_ms=80.0, up_s=60))
        s.add(RollupMinute(target_id=target, bucket=HOUR + timedelta(minutes=6), checks=1, down_s=60))
    with store.session() as s:
        series = target_detail.latency(session=s, viewer=admin, target_id=target, window="1h", now=now, zone=JAKARTA)
    points = series.points
    minute = {int((p.at - HOUR).total_seconds() // 60): p for p in points if p.at >= HOUR}
    assert [minute[m].unknown_s for m in (3, 4, 5)] == [60, 60, 60]
    assert [minute[m].mean_ms for m in (3, 4, 5, 6)] == [None] * 4  # the line breaks there
    assert (minute[6].down_s, minute[6].unknown_s) == (60, 0)
    before = [p for p in points if p.at < HOUR]
    assert before and all(p.unknown_s == (p.end - p.at).total_seconds() for p in before)  # nobody checked


def test_a_new_targets_window_still_spans_the_whole_window_and_says_since_when_it_is_watched(store, admin, city):
    from db.monitoring import RollupMinute

    target = add_target(store, admin, city.units["DINKES"], kind="ping")
    created = HOUR + timedelta(minutes=2)
    _created(store, target, created)
    now = HOUR + timedelta(minutes=10)
    with session_scope(store.engine) as s:
        for minute in range(2, 10):
            s.add(RollupMinute(target_id=target, bucket=HOUR + timedelta(minutes=minute), checks=1, latency_n=1,
                               latency_sum_ms=5.0, latency_min_ms=5.0, latency_max_ms=5.0, up_s=60))
    with store.session() as s:
        day = target_detail.latency(session=s, viewer=admin, target_id=target, window="24h", now=now, zone=JAKARTA)
    assert (day.start, day.end, day.monitored_from) == (now - timedelta(hours=24), now, created)
    assert day.points[0].at <= day.start and day.points[-1].end >= now
    assert sum(p.unknown_s for p in day.points if p.at < created) >= 24 * 3600 - 600  # before it: no data


def test_check_now_and_an_edit_make_a_target_due_at_once_within_the_viewers_scope(store, admin, city, operator_a):
    from sqlalchemy import update

    from core.errors import NotFound
    from core.monitoring import targets
    from db.monitoring import TargetState
    from db.types import utcnow

    mine = add_target(store, admin, city.units["KEL-KAUMAN"], kind="ping", interval_s=3600)
    other = add_target(store, admin, city.units["DINKES"], kind="ping", interval_s=3600)
    later = utcnow() + timedelta(hours=1)
    with session_scope(store.engine) as s:
        s.execute(update(TargetState).values(next_due_at=later))
    with session_scope(store.engine) as s:
        targets.check_now(session=s, viewer=operator_a, target_id=mine)
        with pytest.raises(NotFound):
            targets.check_now(session=s, viewer=operator_a, target_id=other)
    with session_scope(store.engine) as s:
        data = targets.TargetCreate(unit_id=city.units["DINKES"], name="SIMPUS baru", kind="ping", host="127.0.0.1",
                                    interval_s=3600)
        targets.update_target(session=s, viewer=admin, target_id=other, data=data)
    with store.session() as s:
        due = {t: s.get(TargetState, t).next_due_at for t in (mine, other)}
    assert all(at <= utcnow() for at in due.values())


def test_a_new_target_is_due_at_once_for_its_first_check(store, admin, city):
    from db.monitoring import TargetState
    from db.types import utcnow

    target = add_target(store, admin, city.units["DINKES"], kind="ping")
    with store.session() as s:
        assert s.get(TargetState, target).next_due_at <= utcnow()


def test_the_detail_page_opens_on_the_worst_target_in_scope_unless_one_is_linked(env, store, admin, city):
    from sqlalchemy import update

    from db.monitoring import TargetState
    from tests.apptest import app, assert_clean, open_page

    ok = add_target(store, admin, city.units["DINKES"], name="Web dinas", kind="ping")
    bad = add_target(store, admin, city.units["DINKES"], name="SIMPUS", kind="ping")
    with session_scope(store.engine) as s:
        s.execute(update(TargetState).where(TargetState.target_id == ok).values(state="UP"))
        s.execute(update(TargetState).where(TargetState.target_id == bad).values(state="DOWN"))
    at = open_page("admin", "target")
    assert_clean(at)
    assert at.selectbox(key="target_pick").value == bad and at.title[0].value == "SIMPUS"
    linked = app("admin")
    linked.query_params["id"] = str(ok)
    linked.switch_page("pages/monitoring/target.py").run()
    assert linked.selectbox(key="target_pick").value == ok
    assert not linked.warning


def test_a_link_to_another_units_target_says_so_and_shows_nothing_of_it(env, store, admin, city):
    """From the chromium tour: /target?id=<another unit's target> silently showed one's own target."""
    from tests.apptest import app, assert_clean, texts

    theirs = add_target(store, admin, city.units["DINKES"], name="SIMPUS", kind="ping")
    add_target(store, admin, city.units["KEL-KAUMAN"], name="Router Kauman", kind="ping")
    at = app("op_a")
    at.query_params["id"] = str(theirs)
    at.switch_page("pages/monitoring/target.py").run()
    assert_clean(at)
    assert [w.value for w in at.warning] == [
        f"Target #{theirs} tidak ada, atau bukan dari unit yang dapat Anda lihat; di bawah ini target Anda yang "
        "paling perlu dilihat."]
    assert at.title[0].value == "Router Kauman" and "SIMPUS" not in texts(at)


def test_snmp_target_shows_its_interfaces_and_traffic(store, admin, city, tmp_path):
    data = tmp_path / "snmp"
    data.mkdir()
    (data / "sw.snmprec").write_text(device(5000, [
        {"name": "uplink", "admin": 1, "oper": 1, "in64": 1000, "out64": 2000},
        {"name": "cctv", "admin": 1, "oper": 2, "in64": 0, "out64": 0}]))
    with snmpsim(data) as port:
        target = add_target(store, admin, city.units["DINKES"], kind="snmp", port=port, timeout_s=2,
                            options={"community": "sw"})
        rounds(ProbeWorker(store.engine, zone=JAKARTA, name="d"), store, 2)
    with store.session() as s:
        info = target_detail.detail(session=s, viewer=admin, target_id=target, zone=JAKARTA,
                                    now=datetime.now(UTC))
    assert info.state.state == "DEGRADED"
    assert [(i["name"], i["oper"]) for i in info.interfaces] == [("uplink", 1), ("cctv", 2)]
    assert len(info.traffic) == 4 and info.traffic[-1].in_bps == 0.0  # counters did not move
    assert [e.new for e in info.events if e.kind == "state"] == ["DEGRADED"]
    system = info.system  # what the device says of itself: stored at every check, shown on the page
    assert (system.name, system.description, system.uptime_s) == ("sw-core-01", "Monev test switch", 50.0)
    assert abs((datetime.now(UTC) - timedelta(seconds=50) - system.booted_at).total_seconds()) < 30


def test_the_detail_page_shows_what_the_snmp_device_says_of_itself(env, store, admin, city):
    from sqlalchemy import update

    from db.monitoring import TargetState
    from tests.apptest import assert_clean, open_page, texts

    target = add_target(store, admin, city.units["DINKES"], name="Switch inti", kind="snmp")
    with session_scope(store.engine) as s:
        s.execute(update(TargetState).where(TargetState.target_id == target).values(details={
            "sys_name": "sw-core-01", "sys_descr": "Cisco IOS 15.2", "sys_uptime": 9_000_000, "at": 1.8e9}))
    at = open_page("admin", "target")
    assert_clean(at)
    shown = texts(at) + "\n".join(str(e.value) for e in at.text)
    assert "sw-core-01" in shown and "Cisco IOS 15.2" in shown
    assert "1 h 01 j" in shown  # 90,000 s: one day and one hour


def test_https_target_shows_days_until_the_certificate_expires(store, admin, city, tmp_path):
    with http_server(tmp_path, days_left=9) as base:
        target = add_target(store, admin, city.units["DINKES"], kind="http", host=f"{base}/ok",
                            options={"verify_tls": False})
        rounds(ProbeWorker(store.engine, zone=JAKARTA, name="d"), store, 1)
    with store.session() as s:
        info = target_detail.detail(session=s, viewer=admin, target_id=target, zone=JAKARTA, now=datetime.now(UTC))
    assert info.cert_days == 9


def test_the_detail_chart_spans_the_window_shows_down_time_and_every_latency_has_its_unit(env, store, admin, city):
    """The rules: the x axis spans the chosen window; down time is shaded, not drawn through; values carry ms."""
    import json

    import pyarrow
    from sqlalchemy import update

    from db.monitoring import Heartbeat, RollupMinute, State, TargetState
    from db.types import utcnow
    from tests.apptest import assert_clean, open_page

    target = add_target(store, admin, city.units["DINKES"], name="Server ATCS", kind="tcp", port=9)
    _created(store, target, utcnow() - timedelta(minutes=8))  # a new target: eight minutes of data
    minute = utcnow().replace(second=0, microsecond=0)
    with session_scope(store.engine) as s:
        for back in range(2, 8):
            s.add(RollupMinute(target_id=target, bucket=minute - timedelta(minutes=back), checks=1, latency_n=1,
                               latency_sum_ms=20.13, latency_min_ms=20.13, latency_max_ms=20.13, up_s=60))
        s.add(RollupMinute(target_id=target, bucket=minute - timedelta(minutes=1), checks=1, down_s=60))
        s.add(Heartbeat(target_id=target, at=minute - timedelta(minutes=2), status=State.UP, latency_ms=20.13,
                        reason=""))
        s.execute(update(TargetState).where(TargetState.target_id == target).values(
            state=State.UP, last_latency_ms=20.13, last_check_at=minute - timedelta(minutes=2)))
    at = open_page("admin", "target")
    assert_clean(at)
    (latency,) = [e for e in at.get("vega_lite_chart") if '"mean"' in e.proto.spec]
    spec = json.loads(latency.proto.spec)
    domains = {json.dumps(layer["encoding"]["x"]["scale"]["domain"]) for layer in spec["layer"]}
    (domain,) = [json.loads(d) for d in domains]
    start, end = (datetime.fromisoformat(d) for d in domain)
    assert end - start == timedelta(hours=24)  # the chosen window, not the eight minutes that have data
    data = pyarrow.ipc.open_stream(latency.proto.datasets[0].data.data).read_pandas()
    assert data["down_share"].max() == 1.0 and data["unknown_share"].max() == 1.0
    shaded = [layer for layer in spec["layer"] if layer["mark"].get("type") == "rect"]
    assert {layer["mark"]["color"] for layer in shaded} >= {"#c62828", "#9e9e9e"}
    lines = [layer for layer in spec["layer"] if layer["mark"].get("type") in ("line", "area")]
    assert lines and all(layer["mark"]["invalid"] == "break-paths-show-domains" for layer in lines)
    (checks,) = [df.value for df in at.dataframe if "Latensi" in df.value.columns]
    assert list(checks["Latensi"]) == ["20,1 ms"]  # the house formatter, in the viewer's language, with its unit
    assert [m.value for m in at.metric][0] == "20,1 ms"
