"""SNMP v2c and v3 with pysnmp 7 (asyncio): uptime and reboots, system names, interface state and traffic."""

import time
from typing import Any, Literal

from pysnmp.hlapi.v3arch import asyncio as snmp
from pysnmp.proto.rfc1905 import EndOfMibView, NoSuchInstance, NoSuchObject

from core.errors import ValidationError
from core.i18n import encode_reason
from db.monitoring import State
from probes.kinds.base import Check, Options, Outcome, ProbeFailure, ProbeKind, Stopwatch, option
from probes.kinds.resolve import resolve

SYS_DESCR, SYS_UPTIME, SYS_NAME = "1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.3.0", "1.3.6.1.2.1.1.5.0"
IF_COLUMNS = {
    "descr": "1.3.6.1.2.1.2.2.1.2",
    "admin": "1.3.6.1.2.1.2.2.1.7",
    "oper": "1.3.6.1.2.1.2.2.1.8",
    "speed": "1.3.6.1.2.1.2.2.1.5",  # ifSpeed, bit/s (a 32-bit gauge: tops out at 4.29 Gbit/s)
    "in32": "1.3.6.1.2.1.2.2.1.10",
    "out32": "1.3.6.1.2.1.2.2.1.16",
    "name": "1.3.6.1.2.1.31.1.1.1.1",
    "in64": "1.3.6.1.2.1.31.1.1.1.6",
    "out64": "1.3.6.1.2.1.31.1.1.1.10",
    "high_speed": "1.3.6.1.2.1.31.1.1.1.15",  # ifHighSpeed, Mbit/s
}
WRAP = {32: 2**32, 64: 2**64}
UPTIME_WRAP = 2**32  # sysUpTime is TimeTicks (hundredths of a second), a 32-bit counter: wraps after 497 days
# How far sysUpTime may stray from the wall clock between two checks before we call it a reboot: the
# agent's own clock and our two timestamps are not the same clock.
UPTIME_SLACK_S, UPTIME_SLACK_SHARE = 30.0, 0.05
# With no speed to compare with, a 32-bit counter that went backwards is taken as a wrap only while the
# rate it gives is one a link could carry.
UNKNOWN_SPEED_BPS = 10e9
RATE_SLACK = 1.02  # our timestamps are not the counters': a saturated link may read 2 % above its speed
AUTH = {"md5": snmp.usmHMACMD5AuthProtocol, "sha": snmp.usmHMACSHAAuthProtocol,
        "sha256": snmp.usmHMAC192SHA256AuthProtocol, "sha512": snmp.usmHMAC384SHA512AuthProtocol}
PRIV = {"des": snmp.usmDESPrivProtocol, "aes": snmp.usmAesCfb128Protocol, "aes256": snmp.usmAesCfb256Protocol}
MISSING = (NoSuchInstance, NoSuchObject, EndOfMibView)
IN_FLIGHT = 50  # per lane: unbounded gathers of pysnmp requests time out on two cores


class SnmpOptions(Options):
    version: Literal["2c", "3"] = option("2c", error="target.snmp_version")
    community: str = option("public", secret=True, max_length=200)  # v2c
    user: str = option("", max_length=100)  # v3
    auth_key: str = option("", secret=True, max_length=200)
    auth_protocol: Literal["md5", "sha", "sha256", "sha512"] = option("sha")
    priv_key: str = option("", secret=True, max_length=200)
    priv_protocol: Literal["des", "aes", "aes256"] = option("aes")
    context: str = option("", max_length=100)


def _rules(options: SnmpOptions) -> None:
    if options.version == "3" and not options.user:
        raise ValidationError("target.snmp_user", field="options")
    if options.version == "3" and options.priv_key and not options.auth_key:
        raise ValidationError("target.snmp_priv_without_auth", field="options")


def credentials(options: SnmpOptions):
    """CommunityData for v2c, UsmUserData (authPriv, authNoPriv or noAuthNoPriv) for v3."""
    if options.version == "3":
        auth_key, priv_key = options.auth_key or None, options.priv_key or None
        return snmp.UsmUserData(
            options.user, authKey=auth_key, privKey=priv_key,
            authProtocol=AUTH[options.auth_protocol] if auth_key else snmp.usmNoAuthProtocol,
            privProtocol=PRIV[options.priv_protocol] if priv_key else snmp.usmNoPrivProtocol,
        )
    return snmp.CommunityData(options.community, mpModel=1)


class SnmpProbe:
    def __init__(self):
        self._engine: snmp.SnmpEngine | None = None

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close_dispatcher()
            self._engine = None

    async def check(self, check: Check, previous: dict) -> Outcome:
        if self._engine is None:
            self._engine = snmp.SnmpEngine()  # one engine per worker loop, made on that loop
        watch = Stopwatch()
        opts = PROBE.parse(check.options)
        auth = credentials(opts)
        context = snmp.ContextData(contextName=opts.context)
        address = await resolve(check.host, check.timeout_s)
        target = await snmp.UdpTransportTarget.create((address, check.port or PROBE.default_port),
                                                      timeout=check.timeout_s, retries=0)
        system = await self._get(auth, target, context, check, [SYS_DESCR, SYS_UPTIME, SYS_NAME])
        latency = watch.ms()
        # Many UPS, PDU and printer agents answer without sysUpTime: the device answered, so it is up; its
        # uptime is unknown, and no reboot can be told.
        raw_uptime = system.get(SYS_UPTIME)
        uptime = int(raw_uptime) if raw_uptime is not None else None
        columns = {name: await self._walk(auth, target, context, check, oid) for name, oid in IF_COLUMNS.items()}
        now = time.time()
        details: dict[str, Any] = {
            "sys_descr": _text(system.get(SYS_DESCR)), "sys_name": _text(system.get(SYS_NAME)),
            "sys_uptime": uptime, "at": now,
        }
        rebooted = rebooted_between(previous.get("sys_uptime"), previous.get("at"), uptime, now)
        if rebooted:
            details["rebooted"] = True
        # Counters start again at a reboot: the pair across it is no traffic, so no rate is computed for it.
        old_counters = {} if rebooted else previous.get("counters", {})
        interfaces, counters = _interfaces(columns, old_counters, previous.get("at"), now)
        details["interfaces"], details["counters"] = interfaces, counters
        down = [i["name"] for i in interfaces if i["admin"] == 1 and i["oper"] == 2]
        if down:
            return Outcome(State.DEGRADED, latency_ms=latency, details=details,
                           reason=encode_reason("probe.if_down", host=check.host, names=", ".join(down[:5]),
                                                count=len(down)))
        return Outcome(State.UP, latency_ms=latency, details=details)

    async def _get(self, auth, target, context, check: Check, oids: list[str]) -> dict[str, Any]:
        error, status, _index, binds = await snmp.get_cmd(
            self._engine, auth, target, context,
            *[snmp.ObjectType(snmp.ObjectIdentity(oid)) for oid in oids], lookupMib=False)
        _raise_for(error, status, check)
        return {str(name): (None if isinstance(value, MISSING) else value) for name, value in binds}

    async def _walk(self, auth, target, context, check: Check, column: str) -> dict[int, Any]:
        found: dict[int, Any] = {}
        async for error, status, _index, binds in snmp.bulk_walk_cmd(
            self._engine, auth, target, context, 0, 25,
            snmp.ObjectType(snmp.ObjectIdentity(column)), lexicographicMode=False, lookupMib=False,
        ):
            _raise_for(error, status, check)
            for name, value in binds:
                oid = str(name)
                if isinstance(value, MISSING) or not oid.startswith(column + "."):
                    continue
                try:
                    found[int(oid.rsplit(".", 1)[1])] = value
                except ValueError:
                    raise ProbeFailure("probe.snmp_malformed", host=check.host, what=oid) from None
        return found


def _raise_for(error, status, check: Check) -> None:
    if error:
        text = str(error)
        if "timeout" in text.lower() or "no snmp response" in text.lower():
            raise ProbeFailure("probe.snmp_timeout", host=check.host, seconds=check.timeout_s)
        raise ProbeFailure("probe.snmp_error", host=check.host, error=text)
    if status:
        raise ProbeFailure("probe.snmp_error", host=check.host, error=status.prettyPrint())


def _text(value) -> str:
    if value is None:
        return ""
    raw = bytes(value) if hasattr(value, "asOctets") else str(value).encode()
    return raw.replace(b"\x00", b"").decode("utf-8", errors="replace").strip()


def rebooted_between(before: int | None, before_at: float | None, uptime: int | None, now: float) -> bool:
    """Whether the device restarted between two readings of sysUpTime, told from the time that passed
    between them: uptime should have grown by that time (modulo its 32-bit wrap after 497 days). A drop of
    any size after a long uptime is a reboot unless the wrap explains it."""
    if not isinstance(before, int) or uptime is None or not isinstance(before_at, int | float) or now <= before_at:
        return False
    elapsed = (now - before_at) * 100  # in TimeTicks
    slack = max(UPTIME_SLACK_S * 100, UPTIME_SLACK_SHARE * elapsed)
    expected = before + elapsed
    if expected >= UPTIME_WRAP and abs(uptime - (expected - UPTIME_WRAP)) <= slack:
        return False  # the counter wrapped, as the time that passed says it should have
    return uptime + slack < expected


def _speed(columns: dict[str, dict[int, Any]], index: int) -> float | None:
    """The interface's speed in bit/s: ifHighSpeed where it is given (ifSpeed saturates at 4.29 Gbit/s)."""
    high = columns["high_speed"].get(index)
    if high is not None and int(high) > 0:
        return int(high) * 1e6
    speed = columns["speed"].get(index)
    return float(int(speed)) if speed is not None and int(speed) > 0 else None


def _rate(before: int, after: int, bits: int, seconds: float, speed: float | None) -> float | None:
    """bit/s from two readings of a counter, or None when the readings cannot be traffic: a counter that went
    backwards by more than a wrap explains (64-bit counters do not wrap in a device's life; a 32-bit one
    only to a rate the link could carry), or a rate above the interface's speed."""
    if after >= before:
        delta = after - before
    elif bits == 32:
        delta = after + WRAP[32] - before
        if delta * 8 / seconds > (speed or UNKNOWN_SPEED_BPS) * RATE_SLACK:
            return None  # no wrap explains it: the counter was reset
    else:
        return None
    rate = delta * 8 / seconds
    if speed is not None and rate > speed * RATE_SLACK:
        return None
    return round(min(rate, speed) if speed is not None else rate, 1)


def _interfaces(columns: dict[str, dict[int, Any]], old: dict, old_at: float | None, now: float):
    """Interface rows with bit/s from the counter deltas since the last check (64-bit, else 32-bit)."""
    rows, counters = [], {}
    for index in sorted(set(columns["descr"]) | set(columns["admin"])):
        bits = 64 if index in columns["in64"] else 32
        raw_in = columns[f"in{bits}"].get(index)
        raw_out = columns[f"out{bits}"].get(index)
        row = {
            "index": index,
            "name": _text(columns["name"].get(index)) or _text(columns["descr"].get(index)) or f"if{index}",
            "admin": int(columns["admin"].get(index, 0) or 0),
            "oper": int(columns["oper"].get(index, 0) or 0),
            "speed_bps": _speed(columns, index),
            "in_bps": None,
            "out_bps": None,
        }
        if raw_in is not None and raw_out is not None:
            now_in, now_out = int(raw_in), int(raw_out)
            counters[str(index)] = [now_in, now_out, bits]
            prev = old.get(str(index))
            if prev and prev[2] == bits and old_at and now > old_at:
                seconds = now - old_at
                row["in_bps"] = _rate(prev[0], now_in, bits, seconds, row["speed_bps"])
                row["out_bps"] = _rate(prev[1], now_out, bits, seconds, row["speed_bps"])
        rows.append(row)
    return rows, counters


PROBE = ProbeKind("snmp", SnmpProbe, SnmpOptions, default_port=161, concurrency=IN_FLIGHT, order=20, rules=_rules)
