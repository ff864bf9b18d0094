"""Target detail: percentiles per hour, SNMP interfaces and traffic, certificate days, reboots."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert

from core.monitoring import target_detail
from db.engine import session_scope
from db.monitoring import Heartbeat
from probes.worker import ProbeWorker
from tests.monitoring import JAKARTA, add_target, rounds
from tests.peers import device, http_server, snmpsim

HOUR = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)  # 10.00 WIB


def test_latency_p50_and_p95_per_local_hour(store, admin, city):
    target = add_target(store, admin, city.units["DINKES"], kind="ping")
    with session_scope(store.engine) as s:
        s.execute(insert(Heartbeat), [dict(target_id=target, at=HOUR + timedelta(seconds=30 * i), status="UP",
                                           latency_ms=float(i + 1), reason="") for i in range(100)])
    with store.session() as s:
        info = target_detail.detail(session=s, viewer=admin, target_id=target, zone=JAKARTA,
                                    now=HOUR + timedelta(hours=1))
    [(hour, p50, p95, n)] = info.latency_hourly  # 100 checks 30 s apart all fall in 10.00–11.00 WIB
    assert (hour, n) == (HOUR, 100)
    assert p50 == pytest.approx(50.5) and p95 == pytest.approx(95.05)


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
