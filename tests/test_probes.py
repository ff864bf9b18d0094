"""Each probe kind against a real peer on loopback (or a network-namespace host the test makes)."""

import asyncio
import time

import pytest

from probes.kinds import PROBES
from probes.kinds.base import Check, ProbeFailure
from tests.peers import closed_port, device, http_server, snmpsim, tcp_listener


def run(kind: str, check: Check, previous: dict | None = None):
    """One check on a fresh probe; returns the Outcome or the ProbeFailure."""
    async def go():
        probe = PROBES[kind].probe()
        try:
            return await probe.check(check, previous or {})
        except ProbeFailure as failure:
            return failure
        finally:
            closing = getattr(probe, "close", None)
            if closing is not None and asyncio.iscoroutine(result := closing()):
                await result
    return asyncio.run(go())


def http(url: str, timeout: float = 2, **options):
    return run("http", Check(1, "http", url, None, timeout, options))


def test_loopback_ping_is_up_with_a_latency():
    outcome = run("ping", Check(1, "ping", "127.0.0.1", None, 1))
    assert outcome.status == "UP" and 0 <= outcome.latency_ms < 100


def test_ping_to_an_unknown_name_says_dns():
    failure = run("ping", Check(1, "ping", "tidak-ada.invalid", None, 1))
    assert failure.key == "probe.dns"


def test_tcp_connect_up_and_refused_on_a_closed_port():
    with tcp_listener() as port:
        assert run("tcp", Check(1, "tcp", "127.0.0.1", port, 1)).status == "UP"
    refused = run("tcp", Check(1, "tcp", "127.0.0.1", closed_port(), 1))
    assert refused.key == "probe.refused" and refused.params["port"] > 0


def test_http_200_with_keyword_is_up():
    with http_server() as base:
        outcome = http(f"{base}/ok", keyword="Selamat datang")
    assert outcome.status == "UP" and outcome.details["status_code"] == 200


def test_http_500_is_down_with_the_status_in_the_reason():
    with http_server() as base:
        failure = http(f"{base}/error")
    assert failure.key == "probe.http_status" and failure.params["status"] == 500


def test_http_missing_keyword_is_down():
    with http_server() as base:
        failure = http(f"{base}/other", keyword="Selamat datang")
    assert failure.key == "probe.http_keyword"


def test_http_slower_than_the_timeout_is_down_after_the_timeout():
    with http_server() as base:
        failure = http(f"{base}/slow", timeout=0.5)
    assert failure.key == "probe.http_timeout"


def test_http_expected_status_and_redirects():
    with http_server() as base:
        assert http(f"{base}/redirect").status == "UP"
        failure = http(f"{base}/redirect", follow_redirects=False, expected_status=200)
    assert failure.key == "probe.http_status" and failure.params["status"] == 302


def test_self_signed_certificate_near_expiry_reports_days_left(tmp_path):
    with http_server(tmp_path, days_left=5) as base:
        outcome = http(f"{base}/ok", verify_tls=False)
        untrusted = http(f"{base}/ok")
    assert outcome.status == "UP" and outcome.details["cert_days"] == 5
    assert untrusted.key == "probe.tls_untrusted"


def test_http_refused_names_the_port():
    failure = http(f"http://127.0.0.1:{closed_port()}/")
    assert failure.key == "probe.refused"


@pytest.fixture
def agent(tmp_path):
    data = tmp_path / "snmp"
    data.mkdir()
    (data / "sw-up.snmprec").write_text(device(1000, [
        {"name": "ge-0/0/1", "admin": 1, "oper": 1, "in64": 1_000, "out64": 2_000},
        {"name": "ge-0/0/2", "admin": 2, "oper": 2, "in64": 0, "out64": 0}]))
    (data / "sw-port-down.snmprec").write_text(device(2000, [
        {"name": "ge-0/0/1", "admin": 1, "oper": 1, "in64": 1_000, "out64": 2_000},
        {"name": "ge-0/0/2", "admin": 1, "oper": 2, "in64": 0, "out64": 0}]))
    (data / "sw-before.snmprec").write_text(device(500_000, [
        {"name": "wan", "admin": 1, "oper": 1, "in32": 4_294_967_000, "out32": 10}]))
    (data / "sw-after.snmprec").write_text(device(600_000, [
        {"name": "wan", "admin": 1, "oper": 1, "in32": 704, "out32": 1_010}]))
    (data / "sw-rebooted.snmprec").write_text(device(300, [
        {"name": "wan", "admin": 1, "oper": 1, "in32": 50, "out32": 60}]))
    with snmpsim(data) as port:
        yield port


def snmp(port, community=None, previous=None, timeout=2, **options):
    if community:
        options["community"] = community
    return run("snmp", Check(1, "snmp", "127.0.0.1", port, timeout, options), previous)


def test_snmp_reads_system_and_interfaces_and_an_admin_down_port_is_fine(agent):
    outcome = snmp(agent, "sw-up")
    assert outcome.status == "UP"
    assert (outcome.details["sys_name"], outcome.details["sys_uptime"]) == ("sw-core-01", 1000)
    assert [(i["name"], i["admin"], i["oper"]) for i in outcome.details["interfaces"]] == [
        ("ge-0/0/1", 1, 1), ("ge-0/0/2", 2, 2)]


def test_snmp_interface_admin_up_but_oper_down_makes_the_target_degraded(agent):
    outcome = snmp(agent, "sw-port-down")
    assert outcome.status == "DEGRADED" and "ge-0/0/2" in outcome.reason


def test_snmp_32_bit_counter_wrap_gives_the_true_rate(agent):
    first = snmp(agent, "sw-before")
    first.details["at"] = time.time() - 100  # as if the previous check was 100 seconds ago
    second = snmp(agent, "sw-after", previous=first.details)
    seconds = second.details["at"] - first.details["at"]  # 100 s plus however long the check took
    wan = second.details["interfaces"][0]
    assert wan["in_bps"] == pytest.approx((704 + 2**32 - 4_294_967_000) * 8 / seconds, rel=0.01)
    assert wan["out_bps"] == pytest.approx(1_000 * 8 / seconds, rel=0.01)
    assert "rebooted" not in second.details


def test_snmp_uptime_going_backwards_is_recorded_as_a_reboot(agent):
    first = snmp(agent, "sw-before")
    second = snmp(agent, "sw-rebooted", previous=first.details)
    assert second.details["rebooted"] is True


def test_snmp_v3_auth_priv_and_a_wrong_key(agent):
    v3 = dict(version="3", user="monev", auth_key="kunci-auth-123", priv_key="kunci-priv-123",
              auth_protocol="sha", priv_protocol="aes", context="sw-up")
    assert snmp(agent, **v3).status == "UP"
    wrong = snmp(agent, **{**v3, "auth_key": "kunci-salah-999"})
    assert wrong.key in ("probe.snmp_error", "probe.snmp_timeout")


def test_snmp_wrong_community_looks_like_a_timeout(agent):
    failure = snmp(agent, "tidak-ada", timeout=0.5)
    assert failure.key == "probe.snmp_timeout"


def test_an_snmp_agent_without_sysuptime_is_up_with_its_uptime_unknown(tmp_path):
    # Many UPS, PDU and printer agents answer sysName and their interfaces but not sysUpTime.
    data = tmp_path / "snmp"
    data.mkdir()
    (data / "ups.snmprec").write_text(device(None, [{"name": "mgmt", "admin": 1, "oper": 1, "in64": 10,
                                                     "out64": 20}], name="ups-lantai-2"))
    with snmpsim(data) as port:
        first = snmp(port, "ups")
        first.details["at"] = time.time() - 60
        second = snmp(port, "ups", previous=first.details)
    assert second.status == "UP" and second.details["sys_uptime"] is None
    assert second.details["sys_name"] == "ups-lantai-2" and "rebooted" not in second.details
    assert [i["name"] for i in second.details["interfaces"]] == ["mgmt"]


def run_pair(tmp_path, before: str, after: str, seconds: float):
    """Two checks of one agent whose records change between them, `seconds` apart as far as the probe knows."""
    data = tmp_path / "snmp"
    data.mkdir(exist_ok=True)
    (data / "dev.snmprec").write_text(before)
    with snmpsim(data) as port:
        first = snmp(port, "dev")
        first.details["at"] = time.time() - seconds
        (data / "dev.snmprec").write_text(after)
        return snmp(port, "dev", previous=first.details)


def test_counters_reset_by_a_reboot_give_no_rate_on_32_or_64_bit_counters(tmp_path):
    second = run_pair(tmp_path, device(8_640_000, [{"name": "wan", "admin": 1, "oper": 1, "in32": 4_000_000_000,
                                                    "out32": 3_000_000_000},
                                                   {"name": "lan", "admin": 1, "oper": 1, "in64": 10**15,
                                                    "out64": 10**15}]),
                      device(3_000, [{"name": "wan", "admin": 1, "oper": 1, "in32": 5_000, "out32": 6_000},
                                     {"name": "lan", "admin": 1, "oper": 1, "in64": 7_000, "out64": 8_000}]),
                      seconds=60)
    assert second.details["rebooted"] is True
    assert [(i["in_bps"], i["out_bps"]) for i in second.details["interfaces"]] == [(None, None), (None, None)]


def test_a_64_bit_counter_going_backwards_without_a_reboot_is_no_traffic(tmp_path):
    second = run_pair(tmp_path, device(100_000, [{"name": "lan", "admin": 1, "oper": 1, "in64": 10**12,
                                                  "out64": 1_000}]),
                      device(106_000, [{"name": "lan", "admin": 1, "oper": 1, "in64": 5, "out64": 76_000}]),
                      seconds=60)
    lan = second.details["interfaces"][0]
    assert "rebooted" not in second.details
    assert lan["in_bps"] is None and lan["out_bps"] == pytest.approx(75_000 * 8 / 60, rel=0.05)


def test_a_rate_above_the_interfaces_speed_is_never_stored(tmp_path):
    # A 100 Mbit/s port (ifSpeed) whose counter says 1 Gbit/s: not traffic. ifHighSpeed wins over ifSpeed.
    second = run_pair(tmp_path, device(100_000, [{"name": "fe", "admin": 1, "oper": 1, "in64": 0, "out64": 0,
                                                  "speed": 100_000_000},
                                                 {"name": "xe", "admin": 1, "oper": 1, "in64": 0, "out64": 0,
                                                  "speed": 4_294_967_295, "high_speed": 10_000}]),
                      device(106_000, [{"name": "fe", "admin": 1, "oper": 1, "in64": 7_500_000_000,
                                        "out64": 75_000_000, "speed": 100_000_000},
                                       {"name": "xe", "admin": 1, "oper": 1, "in64": 7_500_000_000,
                                        "out64": 75_000_000, "speed": 4_294_967_295, "high_speed": 10_000}]),
                      seconds=60)
    fe, xe = second.details["interfaces"]
    assert fe["speed_bps"] == 100e6 and xe["speed_bps"] == 10e9
    assert fe["in_bps"] is None and fe["out_bps"] == pytest.approx(10e6, rel=0.05)
    assert xe["in_bps"] == pytest.approx(1e9, rel=0.05)


def test_a_reboot_after_more_than_248_days_of_uptime_is_a_reboot_not_a_wrap(tmp_path):
    day = 86_400 * 100
    second = run_pair(tmp_path, device(300 * day, [{"name": "wan", "admin": 1, "oper": 1, "in32": 9, "out32": 9}]),
                      device(2 * 60 * 100, [{"name": "wan", "admin": 1, "oper": 1, "in32": 9, "out32": 9}]),
                      seconds=300)
    assert second.details["rebooted"] is True


def test_sysuptime_wrapping_after_497_days_is_not_a_reboot(tmp_path):
    near_wrap = 2**32 - 1_000  # ten seconds before the 32-bit TimeTicks counter wraps
    second = run_pair(tmp_path, device(near_wrap, [{"name": "wan", "admin": 1, "oper": 1, "in32": 9, "out32": 9}]),
                      device(5_000, [{"name": "wan", "admin": 1, "oper": 1, "in32": 9, "out32": 9}]),
                      seconds=60)
    assert "rebooted" not in second.details and second.details["interfaces"][0]["in_bps"] == 0
